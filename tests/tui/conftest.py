"""Fixtures for the app's Pilot and snapshot tests."""

from __future__ import annotations

import pytest

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


@pytest.fixture(autouse=True)
def no_training_screen(monkeypatch):
    """Tests see the builder alone, whatever state nntui.tui.screens.training is in (tests that need a
    training screen install a fake one with ``install_training_screen``)."""
    from nntui.tui import app as app_module
    monkeypatch.setattr(app_module, "load_training_screen", lambda: (None, app_module.NOT_INSTALLED))


def install_training_screen(app, screen_class) -> None:
    """Make ``app.start_training`` push ``screen_class(preset, data_dir)``."""
    app._training = (screen_class, None)


@pytest.fixture
def app_factory(tmp_path):
    """make_app with the working folder set to a temporary folder (where Save writes)."""
    def factory(preset: str = "mnist", **kwargs) -> NntuiApp:
        return make_app(preset, cwd=tmp_path, **kwargs)
    return factory


def layer_types(app) -> list[str]:
    return [ls.type for ls in app.document.layers]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests in this folder with asyncio.run (no async plugin needed)."""
    import asyncio
    import inspect

    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None
