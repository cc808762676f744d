"""Where a run on the training screen is: one of seven phases, held in the screen's ``phase`` reactive.

::

    LOADING ──▶ RUNNING ◀──▶ PAUSING ──▶ PAUSED        (space pauses, n steps one batch, space resumes)
       │           │            │           │
       └───────────┴────────────┴───────────┴──▶ STOPPING ──▶ ENDED    (s stops; a run also ends by itself)
                                                              FAILED   (the data or the model could not be had)

PAUSING and STOPPING last until the worker acknowledges (its paused snapshot, the end of the run). A
Phase is a ``str`` (``Phase.ENDED == "ended"``), so tests and benchmarks may compare with the plain names.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """The phase of the screen's current run."""

    LOADING = "loading"  # loading or preparing the data, building the model
    RUNNING = "running"  # batches stream
    PAUSING = "pausing"  # a pause (or one step) is asked for; the batch in flight finishes
    PAUSED = "paused"  # the worker waits
    STOPPING = "stopping"  # a stop is asked for; the run ends after the current step
    ENDED = "ended"  # the run is over (completed, stopped, stopped early, loss not finite)
    FAILED = "failed"  # the run could not start or crashed

    @property
    def under_way(self) -> bool:
        """Whether a run is under way (loading, training, paused or stopping)."""
        return self in UNDER_WAY


UNDER_WAY = frozenset({Phase.LOADING, Phase.RUNNING, Phase.PAUSING, Phase.PAUSED, Phase.STOPPING})

__all__ = ["Phase", "UNDER_WAY"]
