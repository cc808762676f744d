"""The ``served`` fixture: a real ``nntui serve``, and afterwards nothing of it left running."""

from __future__ import annotations

import os
import signal

import pytest
from serving import alive, start_server


@pytest.fixture
def served():
    """``nntui serve --port 0``; afterwards the server and every app it started are gone."""
    server = start_server()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.ctrl_c()
        left = [pid for pid in server.apps if alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"app processes left running: {left}"
