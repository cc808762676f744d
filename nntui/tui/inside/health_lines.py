"""The network's health in plain words: ✗ problems first (what is seen, what it means, what to try),
then ✓ checks that pass and · ones that cannot be judged yet. Symbols and words carry the verdict;
colour only repeats it. ``brief``: one line per problem (the compact layout), the rest counted.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ...engine.probe import HealthNote
from ...engine.probe.health import OK, WARNING
from ..common.css import tcss

ORDER = {WARNING: 0, OK: 1, "unknown": 2}
SYMBOL = {WARNING: ("✗ ", "bold #ff7b72"), OK: ("✓ ", "bold #7ee787"), "unknown": ("· ", "#8a8aa0")}


class HealthLines(Widget):
    """The health notes of the latest snapshot."""

    DEFAULT_CSS = tcss(__file__)

    notes: reactive[tuple[HealthNote, ...]] = reactive(())
    brief: reactive[bool] = reactive(False)

    _line_count = 0

    def _relayout_if_taller_or_shorter(self) -> None:
        """The height follows the text: a new layout only when the number of notes shown changes."""
        lines = len(self.render().plain.split("\n"))
        if lines != self._line_count:
            self._line_count = lines
            self.refresh(layout=True)

    def watch_notes(self) -> None:
        self._relayout_if_taller_or_shorter()

    def watch_brief(self) -> None:
        self._relayout_if_taller_or_shorter()

    def render(self) -> Text:
        notes = sorted(self.notes, key=lambda n: ORDER.get(n.level, 1))
        out = Text()
        if not notes:
            out.append("health: ", "bold #e0e0f0")
            out.append("judged from the weights and gradients as the network trains", "#8a8aa0")
            return out
        warnings = [n for n in notes if n.level == WARNING]
        shown = warnings if self.brief and warnings else notes
        if self.brief and not warnings:
            shown = notes[:2]
        for i, note in enumerate(shown):
            if i:
                out.append("\n")
            symbol, style = SYMBOL.get(note.level, SYMBOL["unknown"])
            out.append(symbol, style)
            detailed = note.level == WARNING and not self.brief
            out.append(note.text + (": " if detailed else ""), "bold #e0e0f0" if note.level == WARNING else "#c8c8d8")
            if detailed:  # each part ends in its space (SVG screenshots drop a part's leading space)
                out.append(f"{note.meaning}. ", "#c8c8d8")
                out.append("Try: ", "bold #ffb454")
                out.append(f"{note.advice}.", "#c8c8d8")
        rest = len(notes) - len(shown)
        if rest > 0:
            out.append(f"\n  +{rest} more: h shows all, with what they mean", "#8a8aa0")
        return out
