"""What the training screen's keys do: when each action is allowed, pause/step/stop/again/restart, saving.

:class:`TrainingKeys` is a mixin of :class:`~nntui.tui.training.screen.TrainingScreen` (which holds the
bindings); saving the weights or the metrics runs in a thread worker.
"""

from __future__ import annotations

import json
import time

from textual import work
from textual.widgets import TabbedContent

from ...preset.atomic import atomic_write
from ...preset.weights_file import WeightsError, save_weights
from .drawing import PAUSED, RUNNING
from .save_prompt import TrainingSavePrompt


class TrainingKeys:
    """The training screen's actions (a mixin: ``self`` is the TrainingScreen)."""

    def check_action(self, action: str, parameters) -> bool | None:
        phase = self.phase
        if action == "pause":
            return phase in (RUNNING, "loading")
        if action == "resume":
            return phase in ("pausing", PAUSED) and not self._saving
        if action == "step":
            return phase in (RUNNING, "pausing", PAUSED) and not self._saving
        if action == "stop":
            return phase in ("loading", RUNNING, "pausing", PAUSED)
        if action in ("again", "restart"):
            return phase in ("ended", "failed") and not self._saving
        if action == "save_weights":
            return (phase == "ended" or phase == PAUSED) and self.state is not None and not self._saving
        if action == "save_metrics":
            return phase in ("ended", PAUSED) and self.state is not None and not self._saving
        if action == "tab":
            if parameters and parameters[0] == "tab-anatomy":
                return self.has_class("-compact")
            if parameters and parameters[0] == "tab-boundary":
                return self.info is not None and self.info.boundary
            return True
        return True

    def action_pause(self) -> None:
        if self.control is None:
            return
        self.key_times["pause"] = time.perf_counter()
        self.control.pause()
        self.phase = "pausing"
        self._status()
        self.refresh_bindings()

    def action_resume(self) -> None:
        if self.control is None:
            return
        self.control.resume()
        self.phase = RUNNING
        self._status()
        self.refresh_bindings()

    def action_step(self) -> None:
        if self.control is None:
            return
        if self.phase == RUNNING:
            self.action_pause()
            return
        self.key_times["pause"] = time.perf_counter()
        self.control.step()
        self.phase = "pausing"
        self._status()

    def action_stop(self) -> None:
        if self.control is None:
            return
        self.control.stop()
        self.phase = "stopping"
        self._status()
        self.refresh_bindings()

    def action_again(self) -> None:
        if self.running:
            return
        previous = self.state if self.state is not None and self.state.matches(self.preset) else None
        self.query_one(TabbedContent).active = "tab-live"
        self.start(previous)

    def action_restart(self) -> None:
        if self.running:
            return
        self.query_one(TabbedContent).active = "tab-live"
        self.epoch_events.clear()
        self.start(None)

    def action_back(self) -> None:
        if self.control is not None:
            self.control.close()  # the weights after the last finished batch stay on app.trained
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_save_weights(self) -> None:
        self.app.push_screen(
            TrainingSavePrompt("Save the trained weights (.npz)", f"{self.preset.name}-weights.npz", ".npz",
                               "Weights as .npz (Keras-style names). Enter to save, Escape to cancel."),
            lambda path: self._save("weights", path) if path else None)

    def action_save_metrics(self) -> None:
        self.app.push_screen(
            TrainingSavePrompt("Save the metrics (JSON lines)", f"{self.preset.name}-metrics.jsonl", ".jsonl",
                               "One JSON object per epoch and per run end. Enter to save, Escape to cancel."),
            lambda path: self._save("metrics", path) if path else None)

    def _save(self, kind: str, path: str) -> None:
        self._saving = True
        self.refresh_bindings()
        self._save_worker(kind, path)

    @work(thread=True, group="save", exit_on_error=False)
    def _save_worker(self, kind: str, path: str) -> None:
        try:
            if kind == "weights":
                save_weights(self.state.model, path)
                text = f"Saved the weights to {path}"
            else:
                records = list(self.state.history.records)
                data = "".join(json.dumps(r) + "\n" for r in records).encode()
                atomic_write(path, lambda fh: fh.write(data))
                text = f"Saved {len(records)} metrics records to {path}"
            self.app.call_from_thread(self._saved, text, "information")
        except (WeightsError, OSError) as exc:
            self.app.call_from_thread(self._saved, f"Could not save: {exc}", "error")

    def _saved(self, text: str, severity: str) -> None:
        self._saving = False
        self.notify(text, severity=severity)
        self.refresh_bindings()
