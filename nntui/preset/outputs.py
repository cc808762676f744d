"""Checking an output path before the work that fills it: one line naming the path, never a late failure.

Every file or folder nntui writes during or at the end of a run (metrics, weights, checkpoints, the
Keras export, the app's save dialogs) is checked here first, so that a folder that does not exist, a
path that is a directory or a place that cannot be written is refused at once, not after minutes of
training. :class:`OutputError` is a :class:`~nntui.preset.errors.RunError`: a face that turns run
errors into one line (the CLI: exit code 2) handles these too.

- :func:`check_output_file`: a file that will be created or replaced (``label`` names the option or
  the dialog in the message, e.g. ``--save-weights runs/w.npz: the folder runs does not exist``);
- :func:`check_output_folder`: a folder that will hold files (created now, or only checked with
  ``create=False``: then its parent must exist and be writable);
- :func:`check_outputs`: several at once, also refusing two outputs that would write the same file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import RunError


class OutputError(RunError):
    """An output path that cannot be written; the message is one line that names it."""


def _shown(path, label: str | None) -> str:
    return f"{label} {path}" if label else str(path)


def _probe(folder: Path, shown: str) -> None:
    """Create and remove a file in ``folder`` (the honest test: permissions, read-only mounts, quotas)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".nntui-probe-")
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write in {folder} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(name)


def _parent(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_output_file(path: str | os.PathLike, label: str | None = None, *, in_place: bool = False) -> Path:
    """The path, when a file can be written there (created, or replaced); OutputError otherwise.

    ``in_place``: the file is rewritten where it is (opened for writing, as the followable metrics
    file is) rather than replaced by a rename, so an existing file must itself be writable.
    """
    path = Path(path)
    shown = _shown(path, label)
    if path.is_dir():
        raise OutputError(f"{shown}: is a folder; give a file name")
    if path.exists() and not path.is_file():  # a device or a pipe (/dev/stdout, a FIFO)
        if not in_place:
            raise OutputError(f"{shown}: is not a regular file (this output replaces the file it is given)")
        if not os.access(path, os.W_OK):
            raise OutputError(f"{shown}: cannot write to it (permission denied)")
        return path
    folder = _parent(path)
    if not folder.exists():
        raise OutputError(f"{shown}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"{shown}: {folder} is not a folder")
    if path.exists() and not os.access(path, os.W_OK) and (in_place or not os.access(folder, os.W_OK)):
        raise OutputError(f"{shown}: cannot replace the file (permission denied)")
    _probe(folder, shown)
    return path


def check_output_folder(path: str | os.PathLike, label: str | None = None, *, create: bool = True) -> Path:
    """The folder, when files can be written in it; else OutputError.

    A folder that does not exist yet is created (``create``) or only checked to be creatable: its
    parent must exist and be writable.
    """
    path = Path(path)
    shown = _shown(path, label)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{shown}: is a file, not a folder")
    if not path.exists():
        parent = _parent(path)
        if not parent.is_dir():
            raise OutputError(f"{shown}: the folder {parent} does not exist")
        if not create:
            _probe(parent, shown)
            return path
        try:
            path.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            raise OutputError(f"{shown}: cannot create the folder ({exc.strerror or exc})") from None
    _probe(path, shown)
    return path


def check_outputs(files: Iterable[tuple[str, str | os.PathLike | None]] = (),
                  folders: Iterable[tuple[str, str | os.PathLike | None, Iterable[str]]] = (), *,
                  in_place: Iterable[str] = ()) -> None:
    """Check every output of a run before it starts; the first problem raises OutputError.

    ``files`` are (label, path) pairs; ``folders`` (label, path, names of the files written there)
    triples, only checked, not created; a None path is skipped. Labels in ``in_place`` name files
    rewritten in place (see :func:`check_output_file`). Two outputs that would write the same file
    are refused too (the second one named).
    """
    in_place = set(in_place)
    written: dict[Path, str] = {}

    def claim(file: Path, label: str, shown: str) -> None:
        key = Path(os.path.realpath(file))
        if key in written:
            raise OutputError(f"{shown}: {written[key]} writes this file too; give each output its own path")
        written[key] = label

    for label, path in files:
        if path is not None:
            check_output_file(path, label, in_place=label in in_place)
            claim(Path(path), label, _shown(path, label))
    for label, path, names in folders:
        if path is not None:
            check_output_folder(path, label, create=False)
            for name in names:
                claim(Path(path) / name, label, _shown(Path(path) / name, label))
