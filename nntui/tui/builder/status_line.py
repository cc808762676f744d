"""The bottom lines: ready to train, or the first misfit with its fix; and what the next run starts from."""

from __future__ import annotations

from textual.reactive import var
from textual.widgets import Static

from ..common.css import tcss
from .view import StackView


class StatusLine(Static):
    """Says whether the model is ready to train (colour and a ✓/✗ symbol).

    The builder binds both: :attr:`view` (the model's status) and :attr:`start_note` (what the next run
    starts from when not fresh weights: loaded weights, a checkpoint, the run before).
    """

    DEFAULT_CSS = tcss(__file__)

    view: var[StackView | None] = var(None)
    start_note: var[str | None] = var(None)

    def __init__(self, view: StackView | None = None, **kwargs):
        # the first view's status at once: the first frame shows it (the binding updates it afterwards)
        super().__init__(view.status if view is not None else "", markup=False, **kwargs)
        if view is not None:
            self.set_class(view.ready, "-ready", update=False)
            self.set_class(not view.ready, "-error", update=False)

    def watch_view(self) -> None:
        self._show()

    def watch_start_note(self) -> None:
        self._show()

    def _show(self) -> None:
        view = self.view
        if view is None:
            return
        text = view.status
        if self.start_note and view.ready:
            text += f"\n  The next run {self.start_note}."
        self.update(text)
        self.set_class(view.ready, "-ready")
        self.set_class(not view.ready, "-error")
