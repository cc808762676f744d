"""The Inside view's text styles (the training screen's palette) and number formats."""

from __future__ import annotations

import math

from rich.style import Style

TITLE = Style(color="#e0e0f0", bold=True)
TEXT = Style(color="#c8c8d8")
DIM = Style(color="#8a8aa0")
VALUE = Style(color="#ffd479", bold=True)
ACCENT = Style(color="#5fb3ff", bold=True)
GOOD = Style(color="#7ee787", bold=True)
BAD = Style(color="#ff7b72", bold=True)
WARN = Style(color="#ffb454", bold=True)
SELECTED = Style(color="#ffffff", bgcolor="#2f4a78", bold=True)
KEY = Style(color="#ffb454", bold=True)


def num(value, digits: int = 3) -> str:
    """A compact number: 0.0512, 4.21, 1.2e-05, 3.1e+04; '–' for None."""
    if value is None:
        return "–"
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    a = abs(value)
    if 1e-3 <= a < 1e4:
        return f"{value:.{digits}g}"
    return f"{value:.{max(1, digits - 2)}e}"
