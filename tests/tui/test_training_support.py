"""Helpers for the training-screen tests (glyph digits, small presets, Pilot waits) and unit tests of
the pieces that need no app: run control, history, confusion matrix, half-block images, save prompt."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from nntui.data.mnist import MnistArrays
from nntui.preset import loads

# ------------------------------------------------------------------------------------------ data
FONT = {  # 5x7 bitmaps
    0: ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    1: ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    2: ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    3: ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    4: ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    5: ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    6: ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    7: ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    8: ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    9: ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
}
GLYPHS = {d: np.kron(np.array([[int(c) for c in row] for row in rows], np.uint8), np.ones((3, 3), np.uint8))
          for d, rows in FONT.items()}  # 21 x 15


def glyph_images(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """28x28 uint8 digits drawn from a 5x7 font (x3), shifted by up to 2 pixels, with faint noise."""
    n = labels.shape[0]
    images = (rng.random((n, 28, 28)) < 0.03).astype(np.uint8) * rng.integers(40, 120, (n, 28, 28), dtype=np.uint8)
    for i, d in enumerate(labels.tolist()):
        r, c = 3 + rng.integers(-2, 3), 6 + rng.integers(-2, 3)
        glyph = GLYPHS[d] * rng.integers(200, 256)
        images[i, r:r + 21, c:c + 15] = np.maximum(images[i, r:r + 21, c:c + 15], glyph.astype(np.uint8))
    return images


def glyph_arrays(n_train: int = 600, n_test: int = 200, label_noise: float = 0.12, seed: int = 0) -> MnistArrays:
    """A learnable MNIST stand-in; a share of the test labels is wrong so some test digits are misclassified."""
    rng = np.random.default_rng(seed)
    y_train = rng.integers(0, 10, n_train).astype(np.uint8)
    y_test = rng.integers(0, 10, n_test).astype(np.uint8)
    x_train, x_test = glyph_images(y_train, rng), glyph_images(y_test, rng)
    flip = rng.random(n_test) < label_noise
    y_test[flip] = (y_test[flip] + rng.integers(1, 10, int(flip.sum()))) % 10
    return MnistArrays(x_train, y_train, x_test, y_test, "synthetic glyph digits")


def small_preset(units: int = 64, epochs: int = 2, batch_size: int = 32, extra: str = "", optimizer: str = "",
                 layers: str | None = None, loss: str = "categorical_crossentropy", validation: float = 0.1):
    """A preset like the shipped mnist one, smaller (Dense units -> Dense 10 softmax)."""
    layers = layers if layers is not None else (
        f'[[model.layers]]\ntype = "Dense"\nunits = {units}\nactivation = "relu"\n'
        '[[model.layers]]\ntype = "Dense"\nunits = 10\nactivation = "softmax"\n')
    optimizer = optimizer or 'type = "rmsprop", learning_rate = 0.001'
    return loads(f'''
name = "small"
description = "test"
[data]
validation_split = {validation}
[model]
input_shape = [784]
{layers}
[training]
loss = "{loss}"
optimizer = {{ {optimizer} }}
batch_size = {batch_size}
epochs = {epochs}
seed = 0
{extra}
''', "<test>")


def exploding_preset(epochs: int = 2):
    """Reliably non-finite: a linear Dense 10 with mean squared error and SGD at learning rate 10 (inf at step 14)."""
    return small_preset(epochs=epochs, loss="mean_squared_error", optimizer='type = "sgd", learning_rate = 10',
                        layers='[[model.layers]]\ntype = "Dense"\nunits = 10\nactivation = "linear"\n')


async def wait_for(pilot, predicate, timeout: float = 60.0, what: str = "condition") -> float:
    """Let the app run until ``predicate()``; returns the seconds waited."""
    t0 = time.monotonic()
    while not predicate():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)
    return time.monotonic() - t0


# ------------------------------------------------------------------------------------------ unit tests
def test_glyph_arrays_are_learnable_shapes():
    a = glyph_arrays()
    assert a.x_train.shape == (600, 28, 28) and a.x_train.dtype == np.uint8
    assert a.x_test.shape == (200, 28, 28) and set(np.unique(a.y_train)) <= set(range(10))


def test_run_control_pause_step_resume():
    from nntui.tui.training.run_control import RunControl

    ctl = RunControl()
    assert not ctl.must_wait()
    ctl.pause()
    assert ctl.must_wait()
    ctl.step(2)
    assert not ctl.must_wait()
    ctl.batch_done(1)
    assert not ctl.must_wait()
    ctl.batch_done(2)
    assert ctl.must_wait()
    ctl.resume()
    assert not ctl.must_wait()
    ctl.pause()
    ctl.stop()
    assert not ctl.must_wait()  # a stop wakes a paused worker so that the run can end


def test_run_control_pause_at_and_wait_wakes():
    from nntui.tui.training.run_control import RunControl

    ctl = RunControl(pause_at=3)
    ctl.batch_done(2)
    assert not ctl.must_wait()
    ctl.batch_done(3)
    assert ctl.must_wait()
    waited = []
    thread = threading.Thread(target=lambda: waited.append(ctl.wait(5)))
    thread.start()
    time.sleep(0.05)
    ctl.resume()
    thread.join(2)
    assert waited and waited[0] < 2


def test_live_history_stays_bounded_and_smooths():
    from nntui.tui.common.live_history import MAX_CURVE_POINTS, LiveHistory

    h = LiveHistory()
    for i in range(5000):
        h.add_batch(i / 100, 1.0, 0.5, 0.9)
    c = h.snapshot()
    assert len(c.batch_x) < MAX_CURVE_POINTS
    assert c.batch_x == tuple(sorted(c.batch_x))
    assert abs(c.smooth_loss[0] - 1.0) < 1e-9 and abs(c.smooth_acc[-1] - 0.5) < 1e-9  # bias-corrected


def test_confusion_matrix_counts():
    from nntui.tui.training.run_facts import confusion_matrix

    m = confusion_matrix(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 1]), 3)
    assert m.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 1]]


def test_half_block_image_is_28_by_14():
    from nntui.tui.training.results import half_block_image

    text = half_block_image(GLYPHS[8].repeat(1, 0)[:21].astype(np.uint8) * 255)
    assert len(text.plain.split("\n")) == 11  # 21 rows -> padded to 22 -> 11 lines
    text = half_block_image(glyph_arrays(10, 10).x_test[0])
    lines = text.plain.split("\n")
    assert len(lines) == 14 and all(len(line) == 28 for line in lines)
    assert set(text.plain) <= {"▀", "█", " ", "\n"}


def test_save_prompt_resolves_paths(tmp_path):
    from nntui.tui.training.save_prompt import TrainingSavePrompt

    prompt = TrainingSavePrompt("t", "x.npz", ".npz")
    path, problem = prompt.resolve(str(tmp_path / "w"))
    assert path == tmp_path / "w.npz" and not problem
    assert prompt.resolve("")[0] is None
    assert prompt.resolve(str(tmp_path))[0] is None  # a folder
    assert "does not exist" in prompt.resolve(str(tmp_path / "missing" / "w.npz"))[1]


def test_exploding_preset_really_explodes():
    from nntui.preset import build_model, make_trainer
    from nntui.preset.datasets import make_datasets

    preset = exploding_preset()
    model = build_model(preset.model)
    trainer = make_trainer(preset, model)
    train, val, test = make_datasets(preset, model, glyph_arrays())
    with np.errstate(all="ignore"):
        events = list(trainer.fit(train, epochs=2, batch_size=32, validation=val, test=test))
    assert events[-1].reason == "non_finite"


def test_pauses_are_not_training_time():
    """The engine's epoch clock runs while the worker waits; the job takes its pauses out of the timings."""
    from nntui.tui.training.run_control import RunControl
    from nntui.tui.training.worker import TrainingJob

    messages = []
    control = RunControl(pause_at=5)
    job = TrainingJob(small_preset(epochs=1, units=16), arrays=glyph_arrays(), control=control, frame_wait=0)
    thread = threading.Thread(target=job.run, args=(messages.append,))
    thread.start()
    deadline = time.monotonic() + 60
    while not control.must_wait() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(2.0)
    control.resume()
    thread.join(60)
    epochs = [m.event for m in messages if type(m).__name__ == "TrainingEpoch"]
    assert len(epochs) == 1 and epochs[0].train_seconds < 2.0  # the 2 s pause is not in it
    assert epochs[0].samples_per_second > 540 / 2.0


def test_each_phase_allows_its_keys():
    from nntui.tui.training.phase import Phase

    assert Phase.ENDED == "ended" and Phase("paused") is Phase.PAUSED  # compares with the plain names
    assert [p for p in Phase if p.under_way] == [Phase.LOADING, Phase.RUNNING, Phase.PAUSING, Phase.PAUSED,
                                                 Phase.STOPPING]
    assert Phase.RUNNING.allows("pause") and not Phase.PAUSED.allows("pause")
    assert Phase.PAUSING.allows("resume") and not Phase.PAUSING.allows("save_weights")
    assert Phase.PAUSED.allows("save_metrics") and not Phase.PAUSED.allows("save_metrics", weights=False)
    assert Phase.ENDED.allows("again") and not Phase.ENDED.allows("again", saving=True)
    assert Phase.PAUSED.allows("stop", saving=True)  # stopping never waits for a file
    assert not Phase.STOPPING.allows("stop") and Phase.FAILED.allows("restart")
    assert Phase.RUNNING.allows("back") is None  # not a run action: the screen decides


def test_redraw_pacer_keeps_the_plots_within_their_budget():
    from nntui.tui.training.pacing import (
        ANATOMY_INTERVAL,
        EPOCH_PLOT_INTERVAL,
        MIN_PLOT_INTERVAL,
        PLOT_BUDGET,
        RedrawPacer,
    )

    pace = RedrawPacer()
    pace.run_shown(10.0)
    assert not pace.plots_due(10.0 + MIN_PLOT_INTERVAL - 0.01) and pace.plots_due(10.0 + MIN_PLOT_INTERVAL)
    pace.plots_drawn(20.0, cost=0.01)  # cheap plots: every MIN_PLOT_INTERVAL
    assert pace.plot_due == 20.0 + MIN_PLOT_INTERVAL
    pace.plots_drawn(30.0, cost=0.3)  # slow plots: at most PLOT_BUDGET of the time
    assert pace.plot_due == pytest.approx(30.0 + 0.3 / PLOT_BUDGET)
    pace.epoch_ended()  # the validation point soon after the last draw
    assert pace.plot_due == 30.0 + EPOCH_PLOT_INTERVAL
    assert pace.anatomy_turn(40.0, paused=False) and not pace.anatomy_turn(40.5, paused=False)
    assert pace.anatomy_turn(40.5, paused=True)  # a pause shows it at once
    assert not pace.anatomy_turn(40.5 + ANATOMY_INTERVAL - 0.01, False)
    assert pace.anatomy_turn(40.5 + ANATOMY_INTERVAL, False)


def test_head_state_and_end_of_run_texts():
    from nntui.engine.events import RunEnded
    from nntui.tui.training.head import state_text
    from nntui.tui.training.phase import Phase
    from nntui.tui.training.run_facts import RunResult, Snapshot
    from nntui.tui.training.summary import end_notice, summary_text

    snap = Snapshot(epoch=2, step=13, phase="validation")
    assert state_text(Phase.LOADING, None, "Loading MNIST…", None).plain == "◌ Loading MNIST…"
    assert state_text(Phase.RUNNING, snap, "", None).plain == "● validating"
    assert state_text(Phase.PAUSED, snap, "", None).plain == "❚❚ paused at epoch 2, batch 13"
    done = RunEnded("completed", 3, test_logs={"loss": 0.25, "accuracy": 0.9})
    assert state_text(Phase.ENDED, snap, "", RunResult(done)).plain == "✓ test accuracy 90.00%"
    stopped = RunEnded("stopped", 1, test_logs={"loss": 0.5, "accuracy": 0.8}, message="stopped by the user")
    text, kind = end_notice(stopped)
    assert kind == "info" and text.startswith("■ Stopped by the user; the weights so far are kept.")
    assert text.endswith("Test loss 0.5000 · test accuracy 80.00%.")
    assert end_notice(done) == (None, "info")
    assert end_notice(RunEnded("non_finite", 0, message="the loss became inf"))[1] == "error"
    summary = summary_text(RunResult(done), n_test=200).plain
    assert summary.startswith("✓ Training completed after 3 epochs.") and "accuracy 90.00%" in summary


def test_a_confusion_matrix_too_wide_for_its_names_heads_the_columns_with_class_numbers():
    from nntui.data.fashion_mnist import FASHION_MNIST
    from nntui.tui.training.results import TrainingConfusion
    confusion = TrainingConfusion()
    matrix = np.full((10, 10), 3)
    np.fill_diagonal(matrix, 900)
    confusion.matrix, confusion.names = matrix, FASHION_MNIST.class_names
    wide = confusion._lines(None).plain.splitlines()
    assert wide[1].split()[2:4] == ["T-shirt/top", "Trouser"] and max(map(len, wide)) > 120
    narrow = confusion._lines(110).plain.splitlines()
    assert narrow[1].split() == ["true", "↓", *map(str, range(10)), "recall"] and max(map(len, narrow)) <= 110
    assert narrow[2].startswith("0 T-shirt/top  900") and narrow[11].startswith("9 Ankle boot     3")
