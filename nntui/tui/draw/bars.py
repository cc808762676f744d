"""What the network reads: a bar per class of the first output (ten digits), the top three labelled with
their percentages, and one line for each other output (a multi-head model: parity, ...)."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ...preset.reader import HeadReading, Reading
from ..common.css import tcss

EIGHTHS = " ▏▎▍▌▋▊▉"
BEST = Style(color="#5fb3ff", bold=True)
NEXT = Style(color="#a8b3c7")
REST = Style(color="#4a5068")
LABELLED = 3  # how many of the best classes show their percentage
MAX_BAR = 40  # cells of a full bar (100%)


def bar(fraction: float, width: int) -> str:
    """A bar of ``width`` cells filled to ``fraction`` in eighths of a cell."""
    eighths = int(round(min(max(fraction, 0.0), 1.0) * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part and full < width else "")


def score_text(head: HeadReading, score: float) -> str:
    """'97%' ('<1%' for a probability that is not quite 0); a score that is not a probability: '0.83'."""
    if not head.probabilities:
        return f"{score:.2f}"
    return "<1%" if 0.0 < score < 0.005 else f"{score:.0%}"


class ReadingBars(Widget):
    """The reading of the drawing (``reading``), or ``note`` when there is none (an empty canvas, no model)."""

    DEFAULT_CSS = tcss(__file__)
    reading: reactive[Reading | None] = reactive(None, always_update=True)
    note = reactive("")

    def watch_reading(self, reading: Reading | None) -> None:
        note = reading is None or reading.empty
        if note != self.has_class("-note"):
            self.set_class(note, "-note")

    def render(self) -> Text:
        reading = self.reading
        if reading is None or reading.empty:
            return Text(self.note)
        first, *others = reading.heads
        named = len(reading.heads) > 1
        lines = [self._title(first, named), *self._bars(first)]
        room = self.size.height - len(lines) - len(others)  # lines left once every head has its title
        for head in others:
            lines.append(self._title(head, True))
            if not head.is_value and room >= len(head.labels):
                lines += self._bars(head)
                room -= len(head.labels)
        return Text("\n", no_wrap=True, overflow="crop").join(lines)

    def _title(self, head: HeadReading, named: bool) -> Text:
        """'reads 7 97%'; with several outputs 'digit reads 7 97%', or 'digit: 7 97%' where that is too wide."""
        said = head.summary() if head.is_value else " ".join(
            (head.top(1)[0][0], score_text(head, head.top(1)[0][1])))
        lead = "reads "
        if named:
            lead = f"{head.name} reads " if len(head.name) + 7 + len(said) <= self.size.width else f"{head.name}: "
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(lead, "dim")
        out.append(said, BEST)
        return out

    def _bars(self, head: HeadReading) -> list[Text]:
        """One line per class: its name, its bar, and its percentage for the best three."""
        if head.is_value:
            return []
        label_width = max(len(x) for x in head.labels)
        width = max(4, min(MAX_BAR, self.size.width - label_width - 6))
        order = np.argsort(-head.scores, kind="stable")
        rank = {int(i): r for r, i in enumerate(order)}
        lines = []
        for i, name in enumerate(head.labels):
            r = rank[i]
            style = BEST if r == 0 else NEXT if r < LABELLED else REST
            fill = bar(float(head.scores[i]), width)
            line = Text(no_wrap=True, overflow="crop")
            line.append(f"{name:>{label_width}} {fill} ", style)
            if r < LABELLED:
                line.append(score_text(head, float(head.scores[i])), style)
            lines.append(line)
        return lines
