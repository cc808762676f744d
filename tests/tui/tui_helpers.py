"""Helpers shared by the builder's Pilot and snapshot tests (imported as ``tui_helpers``)."""

from __future__ import annotations

from nntui.spec import load_preset
from nntui.tui.app import NntuiApp

WIDE = (120, 40)
NARROW = (80, 24)


def make_app(preset: str = "mnist", cwd=None, **kwargs) -> NntuiApp:
    """The app on a shipped preset (or a path), with a steady cursor (no blinking) for screenshots.

    Type-ahead is off: the pilot already waits for the app to settle after each key (the type-ahead
    test turns it on and sends a burst).
    """
    kwargs.setdefault("typeahead", False)
    return NntuiApp(load_preset(preset), cursor_blink=False, cwd=cwd, **kwargs)


def install_training_screen(app, screen_class) -> None:
    """Make ``app.start_training`` push ``screen_class(preset, data_dir)``."""
    app._training = (screen_class, None)


def layer_types(app) -> list[str]:
    return [ls.type for ls in app.document.layers]
