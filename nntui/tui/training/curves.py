"""The curves of the run side by side: the loss panel and the accuracy panel (:mod:`.plots`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal

from ..common.css import tcss
from .plots import TrainingPlot, TrainingPlotPanel


class TrainingCurves(Horizontal):
    """Loss and accuracy, per batch and per epoch; :meth:`show` hands both plots the same curves."""

    DEFAULT_CSS = tcss(__file__)

    def compose(self) -> ComposeResult:
        yield TrainingPlotPanel("loss", id="plot-loss")
        yield TrainingPlotPanel("accuracy", id="plot-acc")

    def on_mount(self) -> None:
        self._plots = list(self.query(TrainingPlot))
        self._acc_panel = self.query_one("#plot-acc", TrainingPlotPanel)

    @property
    def render_seconds(self) -> float:
        """What the plots' last renders cost together (the screen paces the redraws by it)."""
        return sum(p.render_seconds for p in self._plots)

    def show(self, curves) -> None:
        """New curves (a live_history.Curves), or None for empty plots; drawn at the next refresh."""
        for plot in self._plots:
            plot.show(curves)

    def set_acc_key(self, acc_key: str | None) -> None:
        """The accuracy the run reports (``digit_accuracy`` for a head called digit)."""
        self._acc_panel.set_acc_key(acc_key)


__all__ = ["TrainingCurves"]
