"""Arrays as terminal pictures: half-block grey images, diverging weight pictures, heat colours, bars.

A half-block cell shows two pixels, one above the other: '▀' with the upper pixel as foreground and
the lower as background, so an h x w picture takes w columns and ceil(h / 2) rows. Grey levels and
colours are quantised (:data:`LEVELS` steps) so that a few hundred Style objects serve every picture.
Nothing here loops over pixels in Python beyond building the cells of what is shown.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.style import Style

from .canvas import Cell, Rows

LEVELS = 24
UPPER = "▀"
EIGHTHS_UP = " ▁▂▃▄▅▆▇█"
EIGHTHS_RIGHT = " ▏▎▍▌▋▊▉█"
# magma-like: dark purple to pale yellow (activations, brightness = strength)
HEAT_STOPS = ((0, 0, 4), (59, 15, 112), (140, 41, 129), (222, 73, 104), (254, 159, 109), (252, 253, 191))
# diverging for signed weights: blue below zero, near black at zero, orange above
NEGATIVE = (86, 156, 255)
POSITIVE = (255, 160, 60)
ZERO = (24, 24, 28)


@lru_cache(maxsize=4096)
def cell_style(fg: tuple[int, int, int] | None, bg: tuple[int, int, int] | None) -> Style:
    """A cached Style with these foreground and background colours."""
    return Style(color=Color.from_rgb(*fg) if fg else None, bgcolor=Color.from_rgb(*bg) if bg else None)


def _ramp(stops, t: float) -> tuple[int, int, int]:
    t = min(1.0, max(0.0, t)) * (len(stops) - 1)
    i = min(int(t), len(stops) - 2)
    f = t - i
    a, b = stops[i], stops[i + 1]
    return tuple(int(round(a[k] + (b[k] - a[k]) * f)) for k in range(3))


GREYS = tuple((v, v, v) for v in np.linspace(0, 255, LEVELS).round().astype(int).tolist())
HEATS = tuple(_ramp(HEAT_STOPS, i / (LEVELS - 1)) for i in range(LEVELS))
SIGNED = tuple(_ramp((NEGATIVE, ZERO), i / (LEVELS - 1)) for i in range(LEVELS)) + \
    tuple(_ramp((ZERO, POSITIVE), i / (LEVELS - 1)) for i in range(1, LEVELS))


def heat_colour(t: float) -> tuple[int, int, int]:
    """The heat colour of ``t`` in [0, 1]."""
    return HEATS[int(round(min(1.0, max(0.0, t)) * (LEVELS - 1)))]


def signed_colour(t: float) -> tuple[int, int, int]:
    """The diverging colour of ``t`` in [-1, 1]."""
    return SIGNED[int(round((min(1.0, max(-1.0, t)) + 1) * (LEVELS - 1)))]


def resize(a: np.ndarray, scale: float) -> np.ndarray:
    """``a`` (h, w) enlarged by an integer ``scale`` (repeats) or shrunk by 1/k (means of k x k blocks)."""
    a = np.asarray(a, dtype=np.float32)
    if scale >= 1:
        k = int(round(scale))
        return a if k == 1 else np.repeat(np.repeat(a, k, axis=0), k, axis=1)
    k = int(round(1 / scale))
    h, w = a.shape
    ph, pw = -h % k, -w % k
    if ph or pw:
        a = np.pad(a, ((0, ph), (0, pw)), mode="edge")
    return a.reshape(a.shape[0] // k, k, a.shape[1] // k, k).mean(axis=(1, 3))


def scaled_size(h: int, w: int, scale: float) -> tuple[int, int]:
    """Columns and text rows of an h x w picture drawn at ``scale``."""
    if scale >= 1:
        ph, pw = h * int(round(scale)), w * int(round(scale))
    else:
        k = int(round(1 / scale))
        ph, pw = -(-h // k), -(-w // k)
    return pw, -(-ph // 2)


def _levels(a: np.ndarray, lo: float, hi: float) -> np.ndarray:
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return np.zeros(a.shape, np.int64)
    t = np.clip((np.nan_to_num(a, nan=lo) - lo) / span, 0.0, 1.0)
    return np.rint(t * (LEVELS - 1)).astype(np.int64)


def _half_blocks(index: np.ndarray, palette) -> Rows:
    """Cells from a (h, w) array of palette indices, two pixel rows per text row."""
    if index.shape[0] % 2:
        index = np.vstack([index, np.full((1, index.shape[1]), -1, np.int64)])
    rows: Rows = []
    for r in range(0, index.shape[0], 2):
        line: list[Cell] = []
        for t, b in zip(index[r].tolist(), index[r + 1].tolist()):
            top = palette[t]
            bottom = palette[b] if b >= 0 else None
            line.append((" ", cell_style(None, top)) if top == bottom else (UPPER, cell_style(top, bottom)))
        rows.append(line)
    return rows


def grey_picture(a: np.ndarray, lo: float | None = None, hi: float | None = None, scale: float = 1) -> Rows:
    """A grey-scale picture of ``a`` (h, w), black at ``lo`` (default: its minimum), white at ``hi`` (its maximum)."""
    img = resize(a, scale)
    lo = float(np.nanmin(img)) if lo is None else lo
    hi = float(np.nanmax(img)) if hi is None else hi
    return _half_blocks(_levels(img, lo, hi), GREYS)


def heat_picture(a: np.ndarray, hi: float, scale: float = 1) -> Rows:
    """Heat colours of ``a`` (h, w) from 0 (dark) to ``hi`` (bright)."""
    return _half_blocks(_levels(resize(a, scale), 0.0, hi), HEATS)


def signed_picture(a: np.ndarray, limit: float | None = None, scale: float = 1) -> Rows:
    """A diverging picture of signed ``a`` (h, w): blue below zero, orange above, ``limit`` the brightest."""
    img = resize(a, scale)
    limit = float(np.nanmax(np.abs(img))) if limit is None else limit
    if not np.isfinite(limit) or limit <= 0:
        index = np.full(img.shape, LEVELS - 1, np.int64)
    else:
        t = np.clip(np.nan_to_num(img) / limit, -1.0, 1.0)
        index = np.rint((t + 1) * (LEVELS - 1)).astype(np.int64)
    return _half_blocks(index, SIGNED)


def hbar(fraction: float, width: int) -> str:
    """A horizontal bar of ``fraction`` (0..1) of ``width`` cells, in eighths."""
    eighths = int(round(min(1.0, max(0.0, fraction)) * width * 8))
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS_RIGHT[part] if part and full < width else "")
    return text.ljust(width)


def column_chart(counts, height: int) -> list[str]:
    """Rows (top first) of a column chart: one column per count, heights in eighths of a row."""
    counts = np.asarray(counts, dtype=np.float64)
    peak = counts.max() if counts.size else 0
    if peak <= 0:
        return [" " * counts.size for _ in range(height)]
    levels = np.ceil(counts / peak * height * 8).astype(int)  # a non-empty bin shows at least an eighth
    rows = []
    for r in range(height - 1, -1, -1):
        part = np.clip(levels - r * 8, 0, 8)
        rows.append("".join(EIGHTHS_UP[p] for p in part.tolist()))
    return rows


def sparkline(values, width: int, *, log: bool = False) -> str:
    """The last ``width`` values as ▁..█ (on a log scale when ``log``); gaps for missing values."""
    vals = [v for v in values][-width:]
    nums = np.array([np.nan if v is None else float(v) for v in vals], np.float64)
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            nums = np.where(nums > 0, np.log10(nums), np.nan)
    ok = np.isfinite(nums)
    if not ok.any():
        return " " * len(vals)
    lo, hi = nums[ok].min(), nums[ok].max()
    out = []
    for v, good in zip(nums.tolist(), ok.tolist()):
        if not good:
            out.append(" ")
        else:
            t = 0.5 if hi <= lo else (v - lo) / (hi - lo)
            out.append(EIGHTHS_UP[1 + int(round(t * 7))])
    return "".join(out)
