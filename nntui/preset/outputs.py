"""Checking an output path before the work that fills it: one line naming the path, never a late failure.

Every file or folder nntui writes at the end of a run (metrics, weights, checkpoints, Keras export,
the app's save dialogs) is checked here first, so that a folder that does not exist, a path that is
a directory or a place that cannot be written is refused at once, not after minutes of training.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(ValueError):
    """An output path that cannot be written; the message is one line that names it."""


def _probe(folder: Path, shown: str) -> None:
    """Create and remove a file in ``folder`` (the honest test: permissions, read-only mounts, quotas)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".nntui-probe-")
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write in {folder} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(name)


def check_output_file(path: str | os.PathLike) -> Path:
    """The path, when a file can be written there (created, or replaced); OutputError otherwise."""
    path = Path(path)
    shown = str(path)
    if path.is_dir():
        raise OutputError(f"{shown}: is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"{shown}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"{shown}: {folder} is not a folder")
    if path.exists() and not os.access(path, os.W_OK) and not os.access(folder, os.W_OK):
        raise OutputError(f"{shown}: cannot replace the file (permission denied)")
    _probe(folder, shown)
    return path


def check_output_folder(path: str | os.PathLike) -> Path:
    """The folder, created if need be (its parent must exist), when files can be written in it; else OutputError."""
    path = Path(path)
    shown = str(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{shown}: is a file, not a folder")
    if not path.exists():
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise OutputError(f"{shown}: the folder {parent} does not exist")
        try:
            path.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            raise OutputError(f"{shown}: cannot create the folder ({exc.strerror or exc})") from None
    _probe(path, shown)
    return path
