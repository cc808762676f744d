"""The bottom lines: ready to train, or the first misfit with its fix; and what the next run starts from."""

from __future__ import annotations

from textual.widgets import Static

from ..common.css import tcss
from .view import StackView


class StatusLine(Static):
    """Says whether the model is ready to train (colour and a ✓/✗ symbol)."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__("", markup=False, **kwargs)

    def show(self, view: StackView, start_note: str | None = None) -> None:
        """Render the view's status; ``start_note`` says what the next run starts from (loaded weights, a checkpoint)."""
        text = view.status
        if start_note and view.ready:
            text += f"\n  The next run {start_note}."
        self.update(text)
        self.set_class(view.ready, "-ready")
        self.set_class(not view.ready, "-error")
