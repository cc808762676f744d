"""Small text formatters shared by the faces (sizes, counts, durations, articles)."""

from __future__ import annotations

VOWEL_SOUNDS = "AEIOU"
SPELLED_VOWEL_SOUNDS = "AEFHILMNORSX"  # an LSTM, an MLP: initialisms are read letter by letter


def with_article(word: str) -> str:
    """'a Dense', 'an Add', 'an LSTM', 'a GRU': the indefinite article a layer name reads with."""
    first = word[:1].upper()
    spelled = len(word) > 1 and word[:2].isupper()
    vowel = first in (SPELLED_VOWEL_SOUNDS if spelled else VOWEL_SOUNDS)
    return f"{'an' if vowel else 'a'} {word}"


def readable_size(num_bytes: float) -> str:
    """Keras's memory notation: 1628200 -> '1.55 MB', 0 -> '0.00 B'."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if num_bytes / 1024 < 1:
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} PB"


def readable_count(n: float) -> str:
    """Compact counts: 950 -> '950', 12_300 -> '12.3K', 4_200_000 -> '4.2M', 3e9 -> '3.0G'."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.1f}{unit}"
    return f"{n:.0f}"


def duration(seconds: float) -> str:
    """Keras-like durations: '4s', '1m 05s', '2h 03m'."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def download_size(done: int, total: int | None) -> str:
    """Bytes downloaded so far, of the total when known: '3.2/9.9 MB', '3.2 MB'."""
    return f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"


def per_step(seconds: float, steps: int) -> str:
    """Time per step: '8ms/step', '1s/step', '250us/step'."""
    if steps <= 0:
        return ""
    each = seconds / steps
    if each >= 1:
        return f"{each:.0f}s/step"
    if each >= 1e-3:
        return f"{each * 1e3:.0f}ms/step"
    return f"{each * 1e6:.0f}us/step"
