"""The training screen's frame budget: what it redraws while batches stream, and how often.

Every frame the UI thread draws is CPU (and GIL) taken from the training thread (which waits while
a snapshot is drawn), so while training the screen redraws little: the head with each snapshot
(5 a second), the anatomy once a second,
the plots (the costliest: ~10 ms each in plotext) every 2 s or less often when they are slow to
draw (at most PLOT_BUDGET of the time), after an epoch's end (its validation point) unless they
were drawn less than EPOCH_PLOT_INTERVAL ago, and at once on a pause and at the end of the run.
This is what keeps training in the app within 10% of ``--headless``
(``benchmarks/app_vs_headless.py``).
"""

from __future__ import annotations

PLOT_BUDGET = 0.015
MIN_PLOT_INTERVAL = 2.0
EPOCH_PLOT_INTERVAL = 2.0
ANATOMY_INTERVAL = 1.0
PAUSED_REDRAW_DELAY = 0.03  # on a pause the head is drawn first, the rest this much later
# The worker's BLAS calls release the GIL many times per batch; with Python's default 5 ms switch
# interval each re-acquisition can wait that long behind the UI thread, which multiplies the cost of
# every redraw. While the training screen is up, threads hand the GIL over after at most 0.5 ms.
SWITCH_INTERVAL = 0.0005
# The worker waits for each progress snapshot's frame; a slow frame (a loaded machine) spaces the next
# snapshot out, so that waiting stays within FRAME_BUDGET of the training time (at most MAX_GAP apart).
FRAME_BUDGET = 0.03
MAX_GAP = 0.5


def snapshot_gap(interval: float, waited: float) -> float:
    """Seconds until the worker's next snapshot, after it waited ``waited`` for the last one's frame."""
    return min(max(interval, waited / FRAME_BUDGET), max(interval, MAX_GAP))


class RedrawPacer:
    """When the plots and the anatomy are due again (times from ``time.perf_counter()``)."""

    def __init__(self) -> None:
        self.plot_due = 0.0
        self.plot_drawn = 0.0
        self.anatomy_due = 0.0

    def run_shown(self, now: float) -> None:
        """A run's past curves were just handed to the plots: nothing new to plot before a while."""
        self.plot_due = now + MIN_PLOT_INTERVAL

    def plots_due(self, now: float) -> bool:
        return now >= self.plot_due

    def plots_drawn(self, now: float, cost: float) -> None:
        """The plots were handed new curves; ``cost``: seconds their last render took."""
        self.plot_drawn = now
        self.plot_due = now + max(MIN_PLOT_INTERVAL, cost / PLOT_BUDGET)

    def epoch_ended(self) -> None:
        """Show the epoch's validation point soon (with the next snapshot, or a while after the last draw)."""
        self.plot_due = min(self.plot_due, self.plot_drawn + EPOCH_PLOT_INTERVAL)

    def anatomy_turn(self, now: float, paused: bool) -> bool:
        """Whether the anatomy is drawn with this snapshot (always when paused); if so the next is due later."""
        if paused or now >= self.anatomy_due:
            self.anatomy_due = now + ANATOMY_INTERVAL
            return True
        return False


__all__ = ["RedrawPacer", "snapshot_gap", "FRAME_BUDGET", "MAX_GAP", "PLOT_BUDGET", "MIN_PLOT_INTERVAL", "EPOCH_PLOT_INTERVAL", "ANATOMY_INTERVAL",
           "PAUSED_REDRAW_DELAY", "SWITCH_INTERVAL"]
