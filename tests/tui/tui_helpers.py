"""Helpers shared by the builder's Pilot and snapshot tests (imported as ``tui_helpers``)."""

from __future__ import annotations

from textual.screen import Screen

from nntui.preset import load_preset
from nntui.tui.app import NntuiApp

WIDE = (120, 40)
NARROW = (80, 24)


class NoTraining(Screen):
    """Stands in for the training screen where a test only builds (t must not start a real run)."""

    def __init__(self, preset, data_dir) -> None:
        super().__init__()
        self.preset, self.data_dir = preset, data_dir


def make_app(preset: str = "mnist", cwd=None, **kwargs) -> NntuiApp:
    """The app on a shipped preset (or a path), with a steady cursor (no blinking) for screenshots.

    No estimate of an epoch's time (the test that needs one passes a ``speed_probe``). Type-ahead is off: the pilot already waits for the app to settle after each key (the type-ahead
    test turns it on and sends a burst).
    """
    kwargs.setdefault("typeahead", False)
    kwargs.setdefault("training_screen", NoTraining)
    kwargs.setdefault("speed_probe", None)  # no timed steps (and no clock-based estimate in snapshots)
    return NntuiApp(load_preset(preset), cursor_blink=False, cwd=cwd, **kwargs)


def install_training_screen(app, screen_class) -> None:
    """Make ``app.start_training`` push ``screen_class(preset, data_dir)``."""
    app.training_screen = screen_class


def layer_types(app) -> list[str]:
    return [ls.type for ls in app.document.layers]
