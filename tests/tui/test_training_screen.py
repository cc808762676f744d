"""Pilot tests of the training screen: full short runs on synthetic digits, pause/step/stop, NaN stop,
train again / restart, back to the builder keeping the weights, saving, loading errors, throttling."""

from __future__ import annotations

import asyncio
import json
import time

import numpy as np
import pytest
from test_training_support import exploding_preset, glyph_arrays, small_preset, wait_for
from textual.widgets import DataTable, Static

from nntui.preset.weights_file import load_weights
from nntui.tui.common.trained_state import TrainedState
from nntui.tui.training.harness import TrainingHarnessApp
from nntui.tui.training.results import TrainingConfusion, TrainingDigit
from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()


def harness(preset, **kwargs):
    kwargs.setdefault("arrays", ARRAYS)
    return TrainingHarnessApp(lambda: TrainingScreen(preset, **kwargs))


def run(coro):
    return asyncio.run(coro)


def screen_of(app) -> TrainingScreen:
    screen = app.screen
    assert isinstance(screen, TrainingScreen)
    return screen


def table_rows(screen) -> list[list[str]]:
    table = screen.query_one("#training-epochs", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def static_text(widget) -> str:
    return str(widget.render())


def test_full_run_shows_epochs_test_metrics_confusion_and_digits():
    async def go():
        app = harness(small_preset(epochs=3))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run to end")
            await pilot.pause()
            s = screen_of(app)
            ended = s.result.ended
            assert ended.reason == "completed" and ended.epochs_completed == 3
            rows = table_rows(s)
            assert [r[0] for r in rows] == ["1", "2", "3"]
            for row, ev in zip(rows, s.epoch_events):
                assert row[1] == f"{ev.logs['loss']:.4f}"
                assert row[2] == f"{ev.logs['accuracy']:.4f}"
                assert row[3] == f"{ev.logs['val_loss']:.4f}"
                assert row[4] == f"{ev.logs['val_accuracy']:.4f}"
            # the results tab is shown, with the engine's test figures
            assert s.query_one("#training-tabs").active == "tab-results"
            summary = static_text(s.query_one("#results-summary", Static))
            assert f"{ended.test_accuracy:.2%}" in summary and f"{ended.test_loss:.4f}" in summary
            assert f"{ended.test_accuracy:.2%}" in static_text(s.query_one("#training-state", Static))
            matrix = s.query_one(TrainingConfusion).matrix
            assert matrix.shape == (10, 10) and matrix.sum() == len(ARRAYS.y_test)
            assert np.trace(matrix) / matrix.sum() == pytest.approx(ended.test_accuracy)
            digits = list(s.query(TrainingDigit))
            assert digits and all(d.true_text != d.pred_text for d in digits)
            assert all(int(ARRAYS.y_test[d.index]) == int(d.true_text) for d in digits)
            # the trained model is kept on the app for the builder
            assert isinstance(app.trained, TrainedState) and app.trained.epochs_completed == 3
            assert app.trained.matches(small_preset(epochs=3)) and not app.trained.matches(small_preset(units=32))
    run(go())


def test_pause_step_resume():
    async def go():
        app = harness(small_preset(epochs=10_000, batch_size=8))  # 68 steps per epoch, far more than the test needs
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "running"
                           and app.screen.snapshot is not None and app.screen.snapshot.global_step > 2,
                           what="training to start")
            s = screen_of(app)
            await pilot.press("space")
            assert s.phase in ("pausing", "paused")
            await wait_for(pilot, lambda: s.phase == "paused", 10, "the worker to acknowledge the pause")
            step = s.snapshot.global_step
            assert "paused at epoch" in static_text(s.query_one("#training-state", Static))
            await pilot.pause(0.3)
            assert s.snapshot.global_step == step and s.state.steps_done == step  # nothing trains while paused
            await pilot.press("n")
            await wait_for(pilot, lambda: s.snapshot.global_step == step + 1 and s.phase == "paused", 10, "one step")
            await pilot.press("full_stop")
            await wait_for(pilot, lambda: s.snapshot.global_step == step + 2 and s.phase == "paused", 10, "one step")
            await pilot.pause(0.2)
            assert s.snapshot.global_step == step + 2
            await pilot.press("p")  # resume
            assert s.phase == "running"
            await wait_for(pilot, lambda: s.snapshot.global_step > 2 * 68 + 5, 60, "two epochs")
            await pilot.press("s")
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the run to end")
            assert s.result.ended.reason == "stopped"
            assert s.ack_latencies and max(s.ack_latencies) < 1.0
    run(go())


def test_stop_ends_the_run_and_still_measures_the_test_set():
    async def go():
        app = harness(small_preset(epochs=5, batch_size=8), pause_at=80)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                           what="the pause at step 80")
            s = screen_of(app)
            assert s.snapshot.global_step == 80 and s.snapshot.epoch == 2
            await pilot.press("s")
            await wait_for(pilot, lambda: s.phase == "ended", 30, "the stop")
            ended = s.result.ended
            assert ended.reason == "stopped" and ended.epochs_completed == 1
            assert ended.test_accuracy is not None
            assert [r[0] for r in table_rows(s)] == ["1"]
            assert "Stopped" in static_text(s.query_one("#training-notice", Static))
            assert app.trained.steps_done == 80  # the weights after step 80 are kept
    run(go())


def test_non_finite_loss_stops_with_a_clear_message_and_keeps_good_weights():
    async def go():
        app = harness(exploding_preset())
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run to end")
            s = screen_of(app)
            assert s.result.ended.reason == "non_finite"
            notice = static_text(s.query_one("#training-notice", Static))
            assert "the loss became inf" in notice.lower() and "lower learning rate" in notice.lower()
            assert "not finite" in static_text(s.query_one("#training-state", Static))
            assert s.query_one("#training-tabs").active == "tab-live"  # the curves show the explosion
            weights = app.trained.model.get_weights()
            assert all(np.isfinite(w).all() for w in weights.values())
    run(go())


def test_train_again_continues_and_restart_starts_fresh():
    async def go():
        app = harness(small_preset(epochs=2))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the first run")
            s = screen_of(app)
            first_state = app.trained
            first_loss = s.epoch_events[-1].logs["loss"]
            await pilot.press("t")
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the second run")
            assert s.info.continued and s.info.initial_epoch == 2
            assert [r[0] for r in table_rows(s)] == ["1", "2", "3", "4"]
            assert app.trained is first_state and first_state.epochs_completed == 4
            assert s.epoch_events[-1].logs["loss"] < first_loss
            await pilot.press("r")
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the restarted run")
            assert not s.info.continued and s.info.initial_epoch == 0
            assert [r[0] for r in table_rows(s)] == ["1", "2"]
            assert app.trained is not first_state and app.trained.epochs_completed == 2
    run(go())


def test_back_keeps_the_weights_and_a_new_screen_continues_from_them():
    async def go():
        preset = small_preset(epochs=1)
        app = harness(preset)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run")
            kept = app.trained
            weights = {k: v.copy() for k, v in kept.model.get_weights().items()}
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, TrainingScreen)
            assert app.trained is kept
            app.push_screen(TrainingScreen(preset, arrays=ARRAYS, pause_at=17 + 3))
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                           what="the second screen")
            s = screen_of(app)
            assert s.info.continued and s.info.initial_epoch == 1
            assert s.snapshot.epoch == 2 and s.snapshot.step == 3  # global steps go on from the first run
            assert "Continuing" in static_text(s.query_one("#training-notice", Static))
            await pilot.press("space")
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the second run")
            assert app.trained is kept and kept.epochs_completed == 2
            assert any(not np.array_equal(weights[k], v) for k, v in kept.model.get_weights().items())
            # a different model starts from fresh weights
            await pilot.press("escape")
            await pilot.pause()
            app.push_screen(TrainingScreen(small_preset(units=32, epochs=1), arrays=ARRAYS))
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.info is not None,
                           what="the third screen")
            assert not screen_of(app).info.continued
    run(go())


def test_back_during_a_run_abandons_it_and_keeps_the_weights():
    async def go():
        app = harness(small_preset(epochs=10_000, batch_size=8))  # not ending by itself on a fast machine
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.snapshot is not None
                           and app.screen.snapshot.global_step > 5, what="training")
            s = screen_of(app)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, TrainingScreen)
            kept = app.trained
            assert kept.steps_done > 5
            deadline = time.monotonic() + 10
            while kept.busy.locked() and time.monotonic() < deadline:  # the worker lets go at once
                await pilot.pause(0.02)
            assert not kept.busy.locked()
            steps = kept.steps_done
            await pilot.pause(0.2)
            assert kept.steps_done == steps
            assert s.control is None or s.control.closed
    run(go())


def test_save_weights_and_metrics_never_overwrite_silently(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def go():
        preset = small_preset(epochs=2)
        app = harness(preset)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run")
            s = screen_of(app)
            await pilot.press("w")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "TrainingSavePrompt"
            await pilot.press("enter")
            await wait_for(pilot, lambda: (tmp_path / "small-weights.npz").exists() and not s.saving, 10, "save")
            from nntui.preset import build_model

            fresh = build_model(preset.model)
            fresh.build(seed=1)
            load_weights(fresh, tmp_path / "small-weights.npz")
            for k, v in app.trained.model.get_weights().items():
                assert np.array_equal(fresh.get_weights()[k], v)
            # the same name again: the builder's question, "Overwrite small-weights.npz?"; n keeps the file
            before = (tmp_path / "small-weights.npz").stat().st_mtime_ns
            await pilot.press("w")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "ConfirmScreen"
            assert "Overwrite small-weights.npz?" == app.screen.question
            await pilot.press("n")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "TrainingSavePrompt"
            await pilot.press("escape")
            await pilot.pause()
            assert (tmp_path / "small-weights.npz").stat().st_mtime_ns == before
            # metrics as JSON lines
            await pilot.press("m")
            await pilot.pause()
            await pilot.press("enter")
            await wait_for(pilot, lambda: (tmp_path / "small-metrics.jsonl").exists() and not s.saving, 10, "save")
            records = [json.loads(line) for line in (tmp_path / "small-metrics.jsonl").read_text().splitlines()]
            assert [r["event"] for r in records] == ["start", "epoch", "epoch", "done"]
            assert records[-1]["test_accuracy"] == pytest.approx(s.result.ended.test_accuracy)
    run(go())


def test_missing_data_is_a_message_not_a_crash(tmp_path):
    async def go():
        app = TrainingHarnessApp(lambda: TrainingScreen(small_preset(), str(tmp_path)))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "failed",
                           what="the failure")
            notice = static_text(app.screen.query_one("#training-notice", Static))
            assert "MNIST" in notice or str(tmp_path) in notice
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, TrainingScreen)
    run(go())


def test_loading_from_a_folder_with_the_fake_mnist(fake_mnist_dir):
    async def go():
        app = TrainingHarnessApp(lambda: TrainingScreen(small_preset(epochs=1), str(fake_mnist_dir)))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run")
            s = screen_of(app)
            assert s.info.n_train == 540 and s.info.n_test == 200
            assert str(fake_mnist_dir) in s.info.source
    run(go())


def test_progress_messages_are_throttled():
    async def go():
        app = harness(small_preset(epochs=3, batch_size=4, units=16))  # 135 steps per epoch
        handled = []
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen), what="the screen")
            s = screen_of(app)
            original = s.on_training_progress

            def counting(message):
                handled.append(time.monotonic())
                original(message)

            s.on_training_progress = counting
            t0 = time.monotonic()
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the run")
            elapsed = time.monotonic() - t0
        batches = 3 * 135
        assert len(handled) < batches / 3
        assert len(handled) <= elapsed / 0.1 + 3 * 3 + 5  # <= 10 a second, plus a few per epoch
    run(go())


def test_compact_layout_at_80x24_has_an_anatomy_tab():
    async def go():
        app = harness(small_preset(epochs=1), pause_at=5)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                           what="the pause")
            s = screen_of(app)
            assert s.has_class("-compact")
            assert not s.query_one("#anatomy-wide").display
            await pilot.press("2")
            await pilot.pause()
            assert s.query_one("#training-tabs").active == "tab-anatomy"
            await pilot.resize_terminal(130, 42)
            await pilot.pause()
            assert not s.has_class("-compact") and s.query_one("#anatomy-wide").display
            assert s.query_one("#training-tabs").active == "tab-live"
            await pilot.press("space")
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the run")
    run(go())


def test_two_outputs_and_no_validation_set():
    """The multi-head preset (digit + parity): per-output accuracy keys, confusion matrix of the digit head."""
    from nntui.preset import load_preset

    preset = load_preset("mnist-multihead").with_overrides(epochs=1, batch_size=32)
    preset.data.validation_split = 0.0

    async def go():
        app = harness(preset)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run")
            s = screen_of(app)
            assert s.result.ended.reason == "completed"
            assert s.info.acc_key == "digit_accuracy" and s.info.n_val == 0
            row = table_rows(s)[0]
            assert row[2] == f"{s.epoch_events[0].logs['digit_accuracy']:.4f}" and row[3] == "–"
            assert s.query_one(TrainingConfusion).matrix.shape == (10, 10)
    run(go())


def test_early_stopping_of_the_preset_applies_and_checkpoints_are_written(tmp_path):
    from nntui.preset.checkpoint import load_checkpoint

    preset = small_preset(epochs=5, extra='[training.early_stopping]\nmonitor = "loss"\npatience = 0\n'
                                           'min_delta = 10.0\n')

    async def go():
        app = harness(preset, checkpoint_dir=str(tmp_path / "ckpt"))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run")
            s = screen_of(app)
            ended = s.result.ended
            assert ended.reason == "early_stopping" and ended.epochs_completed == 2
            assert "stopped early" in static_text(s.query_one("#training-state", Static))
            assert "Early stopping" in static_text(s.query_one("#training-notice", Static))
            checkpoint = load_checkpoint(tmp_path / "ckpt")
            assert checkpoint.epoch == 2 and checkpoint.finished
            assert (tmp_path / "ckpt" / "metrics.jsonl").read_text().count('"event": "epoch"') == 2
    run(go())


def test_a_checkpoint_that_cannot_be_written_is_a_notification_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    async def go():
        app = harness(small_preset(epochs=2), checkpoint_dir=str(blocker / "ckpt"))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run")
            assert screen_of(app).result.ended.reason == "completed"
            assert any("No checkpoint" in str(n.message) for n in app._notifications)
    run(go())


def test_planned_epochs_of_a_kept_state_set_where_the_next_run_ends():
    """A resumed checkpoint (the builder sets ``planned_epochs``) trains up to its planned epoch, once."""
    preset = small_preset(epochs=1)

    async def go():
        app = harness(preset)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the first run")
            await pilot.press("escape")
            await pilot.pause()
            app.trained.planned_epochs = 3
            app.push_screen(TrainingScreen(preset, arrays=ARRAYS))
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the resumed run")
            assert app.trained.epochs_completed == 3 and app.trained.planned_epochs is None
            assert [r[0] for r in table_rows(screen_of(app))] == ["1", "2", "3"]
    run(go())
