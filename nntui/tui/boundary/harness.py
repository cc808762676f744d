"""The decision boundary widget on its own (snapshot tests, trying it by hand), over a closed-form classifier.

``python -m nntui.tui.boundary.harness [--set spiral] [--noise 0.2] [--seed 0]``; q quits.
"""

from __future__ import annotations

import numpy as np
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...data.playground import generate
from .plane import BoundaryFrame, probability_grid
from .widget import DecisionBoundary

RESOLUTION = 100  # Playground's DENSITY: the grid is 100 x 100


def closed_form(name: str):
    """A smooth p(class 1) that fits Playground's set ``name`` roughly (a stand-in for a trained model)."""
    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def spiral(xy):
        r = np.hypot(xy[:, 0], xy[:, 1])
        phase = np.arctan2(xy[:, 0], xy[:, 1]) - 1.75 * 2 * np.pi * r / 5
        return sigmoid(4 * np.cos(phase))

    return {
        "spiral": spiral,
        "circles": lambda xy: sigmoid(3 * (3.0 - np.hypot(xy[:, 0], xy[:, 1]))),
        "xor": lambda xy: sigmoid(xy[:, 0] * xy[:, 1]),
        "gaussian": lambda xy: sigmoid(2 * (xy[:, 0] + xy[:, 1])),
    }[name]


def demo_frame(name: str = "spiral", noise: float = 0.2, seed: int = 0) -> BoundaryFrame:
    """The training points of Playground's ``name`` over the closed-form classifier's picture."""
    data = generate(name, samples=500, noise=noise, seed=seed)
    predict = closed_form(name)
    predicted = (predict(data.x_train.astype(np.float64)) >= 0.5).astype(np.uint8)
    return BoundaryFrame(probability_grid(predict, RESOLUTION, RESOLUTION), data.x_train, data.y_train, predicted)


class BoundaryHarnessApp(App):
    """A title line and the widget showing ``frame``."""

    BINDINGS = [Binding("q", "quit", "Quit", show=False)]
    CSS = "#boundary-title { height: 1; padding: 0 1; text-style: bold; }"

    def __init__(self, frame: BoundaryFrame | None, title: str = "Decision boundary", **kwargs) -> None:
        super().__init__(**kwargs)
        self._frame, self._title = frame, title

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="boundary-title")
        yield DecisionBoundary(note="closed-form stand-in")

    def on_mount(self) -> None:
        self.query_one(DecisionBoundary).frame = self._frame


def main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="The decision boundary widget on its own.")
    parser.add_argument("--set", default="spiral", choices=["spiral", "circles", "xor", "gaussian"])
    parser.add_argument("--noise", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    BoundaryHarnessApp(demo_frame(args.set, args.noise, args.seed), f"Decision boundary · {args.set}").run()


if __name__ == "__main__":
    main()
