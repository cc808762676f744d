"""Reading every array of an .npz file, with one-line errors naming the file."""

from __future__ import annotations

import zipfile

import numpy as np


def read_npz(path, error: type[Exception], missing: str, unreadable: str) -> dict[str, np.ndarray]:
    """The arrays in ``path`` by name (no pickles); ``error("path: missing")`` when there is no file,
    ``error("path: unreadable (reason)")`` when it cannot be read as an .npz."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise error(f"{path}: {unreadable} ({exc})") from None
