"""The totals under the stack: parameters, weight memory, activation memory per batch, FLOPs."""

from __future__ import annotations

from textual.reactive import var
from textual.widgets import Static

from ..common.css import tcss
from .view import StackView


class TotalsBar(Static):
    """One or two lines of totals (from the model's report); the builder binds :attr:`view`."""

    DEFAULT_CSS = tcss(__file__)

    view: var[StackView | None] = var(None)

    def __init__(self, view: StackView | None = None, **kwargs):
        # the first view's text at once: the first frame lays the bar out at its height, with its text
        super().__init__(view.totals.text() if view is not None else "", markup=False, **kwargs)

    def watch_view(self, view: StackView | None) -> None:
        if view is not None:
            self.update(view.totals.text())
