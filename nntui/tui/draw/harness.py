"""A minimal app around the Draw pad (tests, trying it by hand).

``python -m nntui.tui.draw.harness --preset mnist --weights w.npz`` runs :func:`main`; without
``--weights`` the model has its fresh (seeded, untrained) weights.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from .screen import DrawScreen


class DrawHarnessApp(App):
    """Pushes the pad (made by ``screen_factory``) on a placeholder: Enter opens it again, q quits."""

    BINDINGS = [Binding("enter", "draw", "Draw", show=False), Binding("q", "quit", "Quit", show=False)]

    def __init__(self, screen_factory, **kwargs) -> None:
        super().__init__(**kwargs)
        self._factory = screen_factory

    def compose(self) -> ComposeResult:
        yield Static("(placeholder) Enter: draw · q: quit", id="harness-placeholder")
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(self._factory())

    def action_draw(self) -> None:
        if not isinstance(self.screen, DrawScreen):
            self.push_screen(self._factory())


def main(argv=None) -> None:
    """``python -m nntui.tui.draw.harness [--preset mnist] [--weights FILE]``."""
    import argparse

    from ...preset import build_model, load_preset
    from ...preset.weights_file import load_weights

    parser = argparse.ArgumentParser(description="The Draw pad on its own.")
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--weights")
    args = parser.parse_args(argv)
    preset = load_preset(args.preset)
    model = build_model(preset.model).build(seed=preset.training.seed)
    about = "freshly initialised (untrained)"
    if args.weights:
        load_weights(model, args.weights)
        about = f"from {args.weights}"
    weights = model.get_weights()
    DrawHarnessApp(lambda: DrawScreen(preset, weights, about=about)).run()


if __name__ == "__main__":
    main()
