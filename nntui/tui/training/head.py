"""The training screen's head: the run's title and state, and its progress line (epoch, bar, speed).

::

    Training "mnist" · rmsprop lr 0.001 on MNIST 28x28, 10 classes, 54,000 train · 407,050 params · batch 128   ❚❚ paused
    Epoch 2/5 batch 13/422         ━━━━━━━━━━━━━━━━━━━━━━━╸━━━━━━━━━━━━━━━━  41%          31.2k samples/s

The head owns what it shows: the run's facts (``info``), the newest snapshot, the loading text, the
result of the run, and the ``phase`` (set by the screen's watcher). Any change redraws both lines from
that state. A line is updated only when its text changes, and without a new layout: the head's parts
have fixed widths, so five redraws a second never reflow the screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Static

from ...preset.format import duration, readable_count
from ..common.css import tcss
from .phase import Phase
from .progress import TrainingProgressBar


def title_text(preset_name: str, info, learning_rate: float | None = None) -> Text:
    """'Training "mnist"', with the run's facts (a run_facts.RunInfo) once they are known, the learning rate
    first (it changes: a schedule, or + and -; ``learning_rate`` is the current one, bright once it differs
    from the run's first)."""
    if info is None:
        return Text.assemble(("Training ", "bold"), (f'"{preset_name}"', "bold"))
    rate = info.learning_rate if not learning_rate else learning_rate
    changed = abs(rate - info.learning_rate) > 1e-12 * max(rate, info.learning_rate)
    return Text.assemble(("Training ", "bold"), (f'"{info.preset_name}"', "bold"),
                         (f" · {info.optimizer} lr ", "dim"), (f"{rate:.4g}", "bold yellow" if changed else "dim"),
                         (f" on {info.data_text or f'{info.n_train:,} samples'} · {info.total_params:,} params · "
                          f"batch {info.batch_size}", "dim"))


def state_text(phase: Phase, snapshot, loading_text: str, result) -> Text:
    """What the run is doing, with a symbol and a colour: '● training', '❚❚ paused at epoch 2, batch 13'."""
    s = snapshot
    if phase == Phase.LOADING:
        return Text(f"◌ {loading_text}", "yellow")
    if phase == Phase.RUNNING:
        label = {"validation": "validating", "test": "testing"}.get(s.phase if s else "", "training")
        return Text(f"● {label}", "bold green")
    if phase == Phase.PAUSING:
        return Text("❚❚ pausing…", "bold yellow")
    if phase == Phase.PAUSED:
        where = f" at epoch {s.epoch}, batch {s.step}" if s is not None and s.step else ""
        return Text(f"❚❚ paused{where}", "bold yellow")
    if phase == Phase.STOPPING:
        return Text("■ stopping…", "bold yellow")
    if phase == Phase.FAILED:
        return Text("✗ failed", "bold red")
    ended = result.ended if result else None
    if ended is not None and ended.reason == "non_finite":
        return Text("✗ loss not finite", "bold red")
    if ended is not None and ended.reason in ("stopped", "early_stopping"):
        acc = f" · test accuracy {ended.test_accuracy:.2%}" if ended.test_accuracy is not None else ""
        return Text(f"■ stopped{acc}" if ended.reason == "stopped" else f"✓ stopped early{acc}",
                    "bold yellow" if ended.reason == "stopped" else "bold green")
    if ended is not None and ended.test_accuracy is not None:
        return Text(f"✓ test accuracy {ended.test_accuracy:.2%}", "bold green")
    return Text("✓ done", "bold green")


class TrainingHead(Vertical):
    """Title and state on the first line; epoch and batch, progress bar and speed on the second.

    The screen sets ``phase`` and hands over what the worker reports: :meth:`loading`, :meth:`ready`,
    :meth:`show_snapshot`, :meth:`show_result`. ``compact`` (the screen's narrow layout) narrows the parts.
    """

    DEFAULT_CSS = tcss(__file__)

    phase: var[Phase] = var(Phase.LOADING, init=False)
    compact: var[bool] = var(False, init=False, toggle_class="-compact")

    def __init__(self, preset_name: str, *, deterministic: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.preset_name = preset_name
        self.deterministic = deterministic  # no clock-based figures (speed, time left)
        self.info = None  # run_facts.RunInfo of the current run
        self.snapshot = None  # run_facts.Snapshot, the newest
        self.result = None  # run_facts.RunResult once the run has ended
        self.loading_text = "Loading MNIST…"

    def compose(self) -> ComposeResult:
        with Horizontal(id="training-titlebar"):
            yield Static(id="training-title")
            yield Static(id="training-state")
        with Horizontal(id="training-progress"):
            yield Static(id="training-epoch")
            yield TrainingProgressBar(id="training-bar")
            yield Static(id="training-speed")

    def on_mount(self) -> None:
        self._title = self.query_one("#training-title", Static)
        self._state = self.query_one("#training-state", Static)
        self._epoch = self.query_one("#training-epoch", Static)
        self._bar = self.query_one(TrainingProgressBar)
        self._speed = self.query_one("#training-speed", Static)
        self._speed.display = not self.deterministic
        self._set(self._title, title_text(self.preset_name, None))
        self._draw()

    # ------------------------------------------------------------------------------ what the worker reports
    def loading(self, text: str, done: int | None = None, total: int | None = None) -> None:
        """The worker loads or prepares data (a download says how far it got)."""
        self.loading_text = text
        if total:
            self._bar.update(done or 0, total)
        self._draw()

    def ready(self, info) -> None:
        """A run starts: its facts (run_facts.RunInfo); the bar counts this run's batches."""
        self.info, self.snapshot, self.result = info, None, None
        # the bar counts every epoch of the model's training, as the epoch numbers do: a continuation
        # from epoch 1 to 2 starts at half way
        self._bar.update(info.initial_epoch * info.steps_per_epoch, max(1, info.epochs * info.steps_per_epoch))
        self._set(self._title, title_text(self.preset_name, info))
        self._draw()

    def show_snapshot(self, snapshot) -> None:
        """The newest progress snapshot (run_facts.Snapshot)."""
        self.snapshot = snapshot
        self._set(self._title, title_text(self.preset_name, self.info, snapshot.learning_rate))
        self._draw()

    def show_result(self, result) -> None:
        """The run is over (run_facts.RunResult)."""
        self.result = result
        if result.snapshot is not None:
            self.snapshot = result.snapshot
        self._draw()

    def watch_phase(self) -> None:
        self._draw()

    # ------------------------------------------------------------------------------ drawing
    def _draw(self) -> None:
        self._set(self._state, state_text(self.phase, self.snapshot, self.loading_text, self.result))
        self._draw_progress()

    def _draw_progress(self) -> None:
        s, info, phase, bar = self.snapshot, self.info, self.phase, self._bar
        if info is None or s is None:
            # before the first snapshot: what the worker is loading (and, if that failed, what it was)
            self._set(self._epoch, self.loading_text if phase in (Phase.LOADING, Phase.FAILED) else "")
            self._set(self._speed, "")
            return
        ended = phase == Phase.ENDED
        if s.phase in ("validation", "test") and s.eval_total and not ended:
            self._set(self._epoch, Text.assemble((f"Epoch {max(s.epoch, 1)}/{s.epochs} ", "bold"),
                                                 (f"{'val' if s.phase == 'validation' else s.phase} "
                                                  f"{s.eval_done:,}/{s.eval_total:,}", "")))
        else:  # and once the run is over: where its training got to, as far as the bar shows
            self._set(self._epoch, Text.assemble((f"Epoch {max(s.epoch, info.initial_epoch + 1)}/{s.epochs} ",
                                                  "bold"), (f"batch {s.step}/{s.steps}", "")))
        done = max(0, s.global_step)
        if ended and self.result is not None and not self.result.ended.stopped:
            done = bar.total
        bar.update(done)
        if self.deterministic or s.samples_per_second is None:
            self._set(self._speed, "")
            return
        parts = [f"{readable_count(s.samples_per_second)} samples/s"]
        if phase in (Phase.RUNNING, Phase.PAUSING) and s.seconds_left is not None:
            parts.append(f"{duration(s.seconds_left)} left")
        self._set(self._speed, " · ".join(parts))

    @staticmethod
    def _set(widget: Static, content) -> None:
        """Update a one-line Static only when its text changes, and without a new layout."""
        key = content.markup if isinstance(content, Text) else str(content)
        if getattr(widget, "_shown_key", None) != key:
            widget._shown_key = key
            widget.update(content, layout=False)


__all__ = ["TrainingHead", "title_text", "state_text"]
