"""Downloading files into a cache directory: mirrors in turn, a checksum, never a half-written file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

_TIMEOUT = 30.0  # seconds per socket operation
_CHUNK = 1 << 16

Progress = Callable[[str, int, "int | None"], None]


class DownloadFailed(Exception):
    """Every mirror failed for one file; str() is a short one-line reason."""


class _BadDownload(Exception):
    """The body arrived but is wrong (short or checksum mismatch)."""


def download_missing(directory: Path, names: Iterable[str], mirrors, checksums: Mapping[str, str],
                     hash_name: str = "sha256", progress: Progress | None = None) -> list[str]:
    """Download each of ``names`` into directory, checked against ``checksums`` (hex digests of
    ``hash_name``: "sha256", "md5", ...); return the mirrors that were used."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadFailed(f"cannot create {directory}: {e.strerror or e}") from None
    used: list[str] = []
    for name in names:
        mirror = _download_file(name, directory, mirrors, checksums[name], hash_name, progress)
        if mirror not in used:
            used.append(mirror)
    return used


def _download_file(name: str, directory: Path, mirrors, digest: str, hash_name: str, progress) -> str:
    # the network modules are imported here, when a download happens: not at every start of the app
    import http.client
    import urllib.parse

    reasons = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        try:
            _fetch(url, directory / name, digest, hash_name, progress)
            return mirror
        except (OSError, ValueError, http.client.HTTPException, _BadDownload) as e:
            reasons.append(f"{urllib.parse.urlsplit(url).netloc or url}: {_reason(e)}")
    raise DownloadFailed(f"{name}: " + ("; ".join(reasons) or "no mirrors given"))


def _fetch(url: str, dest: Path, expected: str, hash_name: str, progress) -> None:
    """Stream url into a temp file beside dest, verify, fsync, then atomically rename to dest."""
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "nntui"})
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
                length = response.headers.get("Content-Length", "")
                total = int(length) if length.isdigit() else None
                digest, done = hashlib.new(hash_name), 0
                if progress:
                    progress(dest.name, 0, total)
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(dest.name, done, total)
            if total is not None and done != total:
                raise _BadDownload(f"connection closed after {done} of {total} bytes")
            if digest.hexdigest() != expected.lower():
                raise _BadDownload(f"{hash_name} mismatch")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:  # including KeyboardInterrupt: never leave a temp file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(dest.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable; not possible on every platform, so best effort.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(e: BaseException) -> str:
    import urllib.error

    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code}"
    if isinstance(e, urllib.error.URLError):
        e = e.reason if isinstance(e.reason, BaseException) else e
    if isinstance(e, TimeoutError):
        return "timed out"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return " ".join(str(e).split()) or type(e).__name__
