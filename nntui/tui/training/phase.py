"""Where a run on the training screen is: one of seven phases, held in the screen's ``phase`` reactive.

::

    LOADING ─▶ RUNNING ─ space ─▶ PAUSING ─ the worker waits ─▶ PAUSED ─ n: one batch ─▶ PAUSING ─▶ …
       │          ▲                                               │
       │          └─────────────────── space ─────────────────────┘
       └─ space ─▶ PAUSING (paused before the first batch)
    LOADING, RUNNING, PAUSING, PAUSED ─ s ─▶ STOPPING ─▶ ENDED ─ t (train again), r (restart) ─▶ LOADING
    a run also ends by itself (completed, stopped early, loss not finite); FAILED: it could not start or crashed

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

    def allows(self, action: str, *, saving: bool = False, weights: bool = True) -> bool | None:
        """Whether the screen's ``action`` may run in this phase (and shows in the footer); None: not a
        run action. ``saving``: a file is being written; ``weights``: there are weights to save."""
        phases = ALLOWED.get(action)
        if phases is None:
            return None
        return (self in phases and not (saving and action in NOT_WHILE_SAVING)
                and not (action in NEED_WEIGHTS and not weights))


UNDER_WAY = frozenset({Phase.LOADING, Phase.RUNNING, Phase.PAUSING, Phase.PAUSED, Phase.STOPPING})
# The phases in which each of the training screen's actions may run.
ALLOWED = {
    "pause": {Phase.LOADING, Phase.RUNNING},
    "resume": {Phase.PAUSING, Phase.PAUSED},
    "step": {Phase.RUNNING, Phase.PAUSING, Phase.PAUSED},
    "stop": {Phase.LOADING, Phase.RUNNING, Phase.PAUSING, Phase.PAUSED},
    "again": {Phase.ENDED, Phase.FAILED},
    "restart": {Phase.ENDED, Phase.FAILED},
    "learning_rate": {Phase.RUNNING, Phase.PAUSING, Phase.PAUSED},
    "save_weights": {Phase.PAUSED, Phase.ENDED},
    "save_metrics": {Phase.PAUSED, Phase.ENDED},
}
# not while a file is written: they change (or read) the weights
NOT_WHILE_SAVING = {"resume", "step", "again", "restart", "save_weights", "save_metrics"}
NEED_WEIGHTS = {"save_weights", "save_metrics"}

__all__ = ["Phase", "UNDER_WAY", "ALLOWED", "NOT_WHILE_SAVING", "NEED_WEIGHTS"]
