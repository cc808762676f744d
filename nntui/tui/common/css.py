"""Loading a widget's stylesheet from the .tcss file beside its module.

Screens use ``CSS_PATH``; widgets only have ``DEFAULT_CSS``, so they read it from the file here
(the .tcss files are package data).
"""

from __future__ import annotations

from pathlib import Path


def tcss(module_file: str, name: str | None = None) -> str:
    """The text of ``<module>.tcss`` (or ``name``) beside ``module_file``."""
    path = Path(module_file)
    return path.with_name(name or path.stem + ".tcss").read_text(encoding="utf-8")
