"""The totals under the stack: parameters, weight memory, activation memory per batch, FLOPs."""

from __future__ import annotations

from textual.widgets import Static

from ..common.css import tcss
from .view import StackView


class TotalsBar(Static):
    """One or two lines of totals (from the model's report)."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__("", markup=False, **kwargs)

    def show(self, view: StackView) -> None:
        """Render the view's totals."""
        self.update(view.totals.text())
