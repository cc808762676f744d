"""A minimal app around the training screen (tests, benchmarks, trying it by hand).

``python -m nntui.tui.training.harness`` runs :func:`main`.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from ...preset import load_preset
from .screen import TrainingScreen


class TrainingHarnessApp(App):
    """A minimal app that pushes the training screen on a placeholder (tests, benchmarks, trying it by hand).

    The placeholder stands in for the builder: Enter pushes a new TrainingScreen (which continues from
    ``app.trained`` when the model is unchanged), q quits.
    """

    BINDINGS = [Binding("enter", "train", "Train", show=False), Binding("q", "quit", "Quit", show=False)]

    def __init__(self, screen_factory, **kwargs) -> None:
        super().__init__(**kwargs)
        self._factory = screen_factory
        self.trained = None

    def compose(self) -> ComposeResult:
        yield Static("(builder placeholder) Enter: train · q: quit", id="harness-placeholder")
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(self._factory())

    def action_train(self) -> None:
        if not isinstance(self.screen, TrainingScreen):
            self.push_screen(self._factory())


def main(argv=None) -> None:
    """``python -m nntui.tui.training.harness [--preset mnist] [--data-dir DIR] [--epochs N]``."""
    import argparse

    parser = argparse.ArgumentParser(description="The training screen on its own.")
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--data-dir")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    preset = load_preset(args.preset).with_overrides(epochs=args.epochs, limit=args.limit)
    TrainingHarnessApp(lambda: TrainingScreen(preset, args.data_dir)).run()


if __name__ == "__main__":
    main()
