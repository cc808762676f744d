"""Engine events wrapped as Textual messages: what the training worker posts to the training screen.

The worker posts from its thread with ``screen.post_message`` (thread-safe). Messages that carry a
cumulative state (progress snapshots, loading text) say so with ``can_replace``: when several wait
in the queue, Textual hands the screen only the newest, so a slow redraw never builds a backlog.
Epoch rows and the end of the run are never dropped.
"""

from __future__ import annotations

from textual.message import Message


class TrainingLoading(Message, bubble=False):
    """The worker is loading or preparing data (``done``/``total`` bytes for a download)."""

    def __init__(self, text: str, done: int | None = None, total: int | None = None) -> None:
        super().__init__()
        self.text = text
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TrainingLoading)


class TrainingReady(Message, bubble=False):
    """Data loaded and model ready: the run's fixed facts, the kept state, the data for later runs."""

    def __init__(self, info, state, data, curves, rows, drawn=None) -> None:
        super().__init__()
        self.drawn = drawn  # set by the screen once it has drawn the run's facts
        self.info = info  # run_facts.RunInfo
        self.state = state  # common.trained_state.TrainedState
        self.data = data  # run_facts.JobData
        self.curves = curves  # common.live_history.Curves (a continued run's past)
        self.rows = rows  # ((epoch, logs, seconds), ...) of past epochs


class TrainingProgress(Message, bubble=False):
    """A cumulative snapshot of the run (run_facts.Snapshot); only the newest matters.

    ``drawn`` (a threading.Event, or None) is set by the screen once the frame showing the snapshot
    is drawn: the worker waits for it (at most FRAME_WAIT), so the UI thread's drawing does not run
    while the training thread does.
    """

    def __init__(self, snapshot, drawn=None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.drawn = drawn

    def done(self) -> None:
        """The snapshot is drawn (or dropped): let the worker go on."""
        if self.drawn is not None:
            self.drawn.set()

    def can_replace(self, message: Message) -> bool:
        if isinstance(message, TrainingProgress):
            self.done()  # this one is dropped for the newer one
            return True
        return False


class TrainingEpoch(Message, bubble=False):
    """An epoch ended (engine EpochEnded, timings without pauses): one table row."""

    def __init__(self, event) -> None:
        super().__init__()
        self.event = event


class TrainingEnded(Message, bubble=False):
    """The run is over (run_facts.RunResult: the engine's RunEnded, confusion matrix, misfits)."""

    def __init__(self, result) -> None:
        super().__init__()
        self.result = result


class TrainingNotice(Message, bubble=False):
    """Something the user should know that does not end the run (e.g. a checkpoint could not be written)."""

    def __init__(self, text: str, severity: str = "information") -> None:
        super().__init__()
        self.text = text
        self.severity = severity


class TrainingFailed(Message, bubble=False):
    """The run could not start or crashed: one line for the user."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


__all__ = ["TrainingLoading", "TrainingReady", "TrainingProgress", "TrainingEpoch", "TrainingEnded",
           "TrainingNotice", "TrainingFailed"]
