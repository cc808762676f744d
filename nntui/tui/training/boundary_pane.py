"""The training screen's Boundary tab: the decision boundary of a model with 2-D input, as it learns.

It shows the frames the worker takes between batches (:mod:`.boundary_probe`), carried by the progress
snapshots: the plane in the colours of the model's p(class 1), the training points on top, the ones
the model gets wrong marked. Setting a frame the tab already shows costs nothing (frames are compared
by identity), so the screen can offer every snapshot.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..boundary.widget import DecisionBoundary
from ..common.css import tcss


class TrainingBoundary(Vertical):
    """A caption and the decision boundary widget."""

    DEFAULT_CSS = tcss(__file__)

    def compose(self) -> ComposeResult:
        yield Static("The decision boundary appears with the first batches.", id="boundary-caption", markup=False)
        yield DecisionBoundary(id="boundary-plane")

    def set_info(self, info) -> None:
        """The run's class names (the legend) and the caption."""
        plane = self.query_one(DecisionBoundary)
        names = tuple(info.class_names)
        if len(names) == 2:
            plane.class_names = names
        self.query_one("#boundary-caption", Static).update(
            f"The model's p({plane.class_names[1]}) over the plane, the {info.n_train:,} training points on top")

    def offer(self, snapshot) -> None:
        """Show the snapshot's frame (if it has one), noting its epoch and batch."""
        frame = getattr(snapshot, "boundary", None)
        plane = self.query_one(DecisionBoundary)
        if frame is None or frame is plane.frame:
            return
        plane.note = f"epoch {max(snapshot.epoch, 1)}" + (f", batch {snapshot.step}" if snapshot.step else "")
        plane.frame = frame
