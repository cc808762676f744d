"""A grid of styled character cells that widgets draw pictures, bars and text into.

Pictures are built as rows of ``(character, Style)`` cells (see :mod:`.pictures`) and placed on a
:class:`Canvas` sized to the widget; :meth:`Canvas.strips` turns each row into a Textual ``Strip``
with one segment per run of equally styled cells, for a widget's ``render_line``.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Cell = tuple[str, Style | None]
Rows = list[list[Cell]]


class Canvas:
    """``width`` x ``height`` cells, blank at first."""

    def __init__(self, width: int, height: int):
        self.width, self.height = max(0, width), max(0, height)
        self.rows: Rows = [[(" ", None)] * self.width for _ in range(self.height)]

    def text(self, x: int, y: int, text: str, style: Style | None = None, width: int | None = None) -> int:
        """Write ``text`` from (x, y), cut at ``width`` (with an ellipsis) or the edge; returns the x after it."""
        if not 0 <= y < self.height:
            return x
        room = self.width - x if width is None else min(width, self.width - x)
        if room <= 0:
            return x
        if len(text) > room:
            text = text[: max(0, room - 1)] + "…"
        row = self.rows[y]
        for i, ch in enumerate(text):
            if 0 <= x + i < self.width:
                row[x + i] = (ch, style)
        return x + len(text)

    def spans(self, x: int, y: int, parts, width: int | None = None) -> int:
        """Write (text, style) parts one after the other; returns the x after them."""
        limit = self.width if width is None else min(self.width, x + width)
        for text, style in parts:
            if x >= limit:
                break
            x = self.text(x, y, text, style, limit - x)
        return x

    def block(self, x: int, y: int, cells: Rows) -> None:
        """Copy rows of cells with their top left corner at (x, y), cut at the edges."""
        for dy, line in enumerate(cells):
            yy = y + dy
            if not 0 <= yy < self.height:
                continue
            row = self.rows[yy]
            for dx, cell in enumerate(line):
                xx = x + dx
                if 0 <= xx < self.width:
                    row[xx] = cell

    def strips(self, base: Style | None = None) -> list[Strip]:
        """One Strip per row; runs of cells with the same style become one segment.

        A blank cell joins the run before it when it would look the same in that run's style (same
        background, no underline or reverse): text then becomes 'word ' + 'next' rather than 'word' +
        ' next', which SVG renderers of Textual's screenshots draw faithfully.
        """
        out = []
        combined: dict[int, Style | None] = {}  # id(style) -> base + style, once per style

        def styled(st):
            key = id(st)
            if key not in combined:
                combined[key] = base + st if base and st else (st or base)
            return combined[key]

        for row in self.rows:
            segments = []
            run, style = [], None
            for ch, st in row:
                if ch == " " and run and st is not style and _blank_alike(style, st):
                    run.append(ch)
                    continue
                if st is not style and run:
                    segments.append(Segment("".join(run), styled(style)))
                    run = []
                style = st
                run.append(ch)
            if run:
                segments.append(Segment("".join(run), styled(style)))
            out.append(Strip(segments, self.width))
        return out

def _blank_alike(a: Style | None, b: Style | None) -> bool:
    """Whether a blank cell looks the same in style ``a`` as in ``b``."""
    def plain(s):
        return s is None or not (s.bgcolor or s.reverse or s.underline or s.strike or s.overline)
    if plain(a) and plain(b):
        return True
    return a is not None and b is not None and a.bgcolor == b.bgcolor and not (a.reverse or b.reverse) \
        and not (a.underline or b.underline or a.strike or b.strike)
