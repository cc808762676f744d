"""Fixtures for the builder's Pilot and snapshot tests (helpers live in tui_helpers.py)."""

from __future__ import annotations

import pytest
from tui_helpers import make_app


@pytest.fixture(autouse=True)
def no_training_screen(monkeypatch):
    """Tests see the builder alone, whatever state nntui.tui.screens.training is in (tests that need a
    training screen install a fake one with ``tui_helpers.install_training_screen``)."""
    from nntui.tui import app as app_module
    monkeypatch.setattr(app_module, "load_training_screen", lambda: (None, app_module.NOT_INSTALLED))


@pytest.fixture
def app_factory(tmp_path):
    """make_app with the working folder set to a temporary folder (where Save writes)."""
    def factory(preset: str = "mnist", **kwargs):
        return make_app(preset, cwd=tmp_path, **kwargs)
    return factory


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
