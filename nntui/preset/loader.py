"""Finding and reading preset files: ``--preset NAME`` (shipped) or ``--preset PATH``."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from .errors import PresetError
from .preset import Preset, parse_preset

MAX_PRESET_BYTES = 1 << 20


def builtin_dirs() -> list[Path]:
    """Folders that hold the shipped presets (the installed package data, or a source checkout's presets/)."""
    dirs = []
    try:
        packaged = Path(str(resources.files("nntui.presets")))
        if packaged.is_dir():
            dirs.append(packaged)
    except (ModuleNotFoundError, TypeError):
        pass
    checkout = Path(__file__).resolve().parents[2] / "presets"
    if checkout.is_dir() and checkout not in dirs:
        dirs.append(checkout)
    return dirs


def builtin_presets() -> dict[str, Path]:
    """Shipped preset names and their files, sorted by name."""
    found: dict[str, Path] = {}
    for folder in builtin_dirs():
        for path in sorted(folder.glob("*.toml")):
            found.setdefault(path.stem, path)
    return dict(sorted(found.items()))


def looks_like_path(ref: str) -> bool:
    """Whether a --preset value names a file rather than a shipped preset."""
    return "/" in ref or "\\" in ref or ref.endswith(".toml") or Path(ref).is_file()


def resolve(ref: str) -> tuple[Path, str]:
    """The file for a preset name or path, and how to show it in messages."""
    if looks_like_path(ref):
        return Path(ref), ref
    presets = builtin_presets()
    if ref not in presets:
        names = ", ".join(presets) or "none installed"
        raise PresetError(ref, "", f"unknown preset (shipped presets: {names}; or give a path to a .toml file)")
    return presets[ref], f"presets/{ref}.toml"


def read_text(path: Path, shown: str) -> str:
    """The file's text; PresetError for a missing, unreadable, huge or non-UTF-8 file."""
    try:
        if path.is_dir():
            raise PresetError(shown, "", "is a directory, not a preset file")
        size = path.stat().st_size
        if size > MAX_PRESET_BYTES:
            raise PresetError(shown, "", f"is {size:,} bytes; a preset is at most {MAX_PRESET_BYTES:,}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise PresetError(shown, "", "no such file") from None
    except PermissionError:
        raise PresetError(shown, "", "permission denied") from None
    except OSError as exc:
        raise PresetError(shown, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PresetError(shown, "", f"is not valid UTF-8 text (byte {exc.start})") from None


def loads(text: str, shown: str = "<preset>", path: Path | None = None) -> Preset:
    """Parse and validate preset TOML text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(shown, "", f"TOML syntax error: {exc}") from None
    except RecursionError:
        raise PresetError(shown, "", "TOML syntax error: nested too deeply") from None
    return parse_preset(raw, shown, path)


def load_preset(ref: str) -> Preset:
    """Load a preset by shipped name or by path; PresetError (one line, file and field) when it is bad."""
    path, shown = resolve(ref)
    return loads(read_text(path, shown), shown, path)
