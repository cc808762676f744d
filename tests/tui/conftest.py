"""Fixtures for the builder's Pilot and snapshot tests (helpers live in tui_helpers.py)."""

from __future__ import annotations

import pytest
from tui_helpers import make_app


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
