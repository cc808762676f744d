"""The BLAS threads a run uses: chosen by the engine, or set by ``--threads N`` or ``NNTUI_THREADS``.

:func:`choose_threads` turns the command line's ``--threads`` (already checked by click) and the
environment into a :class:`ThreadSetting`; an ``NNTUI_THREADS`` that is not a whole number of at
least 1 is a one-line :class:`~nntui.preset.errors.RunError` naming the variable. The one run setup
(:func:`nntui.preset.run.prepare_run`) hands the count to the trainer, so the headless run and the
app's training screen both follow it; :meth:`ThreadSetting.describe` is what the headless start line
says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from ..engine.machine import usable_cpus
from .errors import RunError

VARIABLE = "NNTUI_THREADS"
OPTION = "--threads"


@dataclass(frozen=True)
class ThreadSetting:
    """``count`` BLAS threads (None: the engine chooses per layer) and who said so (``source``:
    ``"--threads"``, ``"NNTUI_THREADS"``, or ``""`` for the engine)."""

    count: int | None = None
    source: str = ""

    def describe(self, cpus: int | None = None) -> str:
        """'up to 2 BLAS threads, chosen by the engine' or '1 BLAS thread (--threads 1)'."""
        if self.count is None:
            most = cpus if cpus is not None else usable_cpus()
            return f"up to {most} BLAS thread{'s' * (most != 1)}, chosen by the engine"
        given = f"{OPTION} {self.count}" if self.source == OPTION else f"{self.source}={self.count}"
        return f"{self.count} BLAS thread{'s' * (self.count != 1)} ({given})"


ENGINE_CHOOSES = ThreadSetting()


def parse_threads(text: str) -> int:
    """A thread count from ``NNTUI_THREADS``'s text; RunError (naming the variable) when it is not one."""
    try:
        count = int(text.strip())
    except ValueError:
        count = 0
    if count < 1:
        raise RunError(f"{VARIABLE}: {text!r} is not a number of threads (a whole number, at least 1)")
    return count


def choose_threads(option: int | None = None, environ: Mapping[str, str] | None = None) -> ThreadSetting:
    """``--threads`` when given, else ``NNTUI_THREADS`` when set (and not empty), else the engine's choice."""
    if option is not None:
        return ThreadSetting(option, OPTION)
    text = (os.environ if environ is None else environ).get(VARIABLE, "")
    if not text.strip():
        return ENGINE_CHOOSES
    return ThreadSetting(parse_threads(text), VARIABLE)


__all__ = ["ENGINE_CHOOSES", "OPTION", "VARIABLE", "ThreadSetting", "choose_threads", "parse_threads"]
