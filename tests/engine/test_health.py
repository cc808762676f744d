"""The health rules on crafted histories: each problem found and worded, a healthy run quiet."""

from __future__ import annotations

import math

from nntui.engine.probe import check_health, warnings_of
from nntui.engine.probe.health import OK, UNKNOWN, WARNING
from nntui.engine.probe.stats import LayerStats


def layer(name, *, grad_rms=1e-3, update_ratio=5e-3, dead=None, params=10_000, step=100):
    g = None if grad_rms is None else grad_rms * math.sqrt(params)
    return LayerStats(name, "Dense", params, 0.0, 0.05, 5.0, g, grad_rms, None, update_ratio, dead, step)


def healthy(n=6):
    return [[layer("dense", grad_rms=4e-4, dead=0.03, step=100 + i), layer("dense_1", grad_rms=4e-3, step=100 + i)]
            for i in range(n)]


def falling_epochs(n=4):
    return [{"loss": 0.5 / (e + 1), "accuracy": 0.9 + 0.01 * e, "val_loss": 0.5 / (e + 1) + 0.01,
             "val_accuracy": 0.9 + 0.01 * e - 0.005} for e in range(n)]


def by_check(notes):
    return {(n.check, n.layer): n for n in notes}


def test_a_healthy_run_gives_no_warning_and_one_line_per_check():
    notes = check_health(healthy(), falling_epochs(), [0.3, 0.29, 0.31, 0.28, 0.3, 0.27, 0.29, 0.28, 0.26, 0.27])
    assert not warnings_of(notes)
    assert [n.check for n in notes] == ["dead_units", "gradients", "updates", "loss", "overfitting"]
    assert all(n.level == OK for n in notes)
    assert by_check(notes)[("dead_units", None)].text == "dead relu units: dense 3%"


def test_a_learning_rate_that_diverges():
    history = [[layer("dense", update_ratio=0.2, step=100 + i), layer("dense_1", update_ratio=0.15, step=100 + i)]
               for i in range(4)]
    epochs = [{"loss": 0.4, "accuracy": 0.9}, {"loss": 0.9, "accuracy": 0.7}]
    notes = by_check(check_health(history, epochs))
    high = notes[("updates", "dense")]
    assert high.level == WARNING and "2.0e-01" in high.text and "too high" in high.meaning
    assert "lower" in high.advice and ("updates", "dense_1") in notes
    loss = notes[("loss", None)]
    assert loss.level == WARNING and "rose from 0.4 to 0.9" in loss.text and "learning rate" in loss.meaning


def test_a_learning_rate_far_too_low():
    history = [[layer("dense", update_ratio=1e-6)]]
    note = by_check(check_health(history))[("updates", "dense")]
    assert note.level == WARNING and "too low" in note.meaning


def test_a_layer_of_dead_units():
    history = [[layer("dense", dead=0.88), layer("dense_1", dead=0.1), layer("dense_2")]]
    notes = check_health(history)
    dead = [n for n in warnings_of(notes) if n.check == "dead_units"]
    assert [n.layer for n in dead] == ["dense"]
    assert dead[0].text == "dense: 88% of its relu units are dead"
    assert "stopped learning" in dead[0].meaning and "leaky_relu" in dead[0].advice
    assert dead[0].line.startswith("dense: 88% of its relu units are dead: a dead unit")


def test_a_widening_gap_between_training_and_validation():
    epochs = [{"loss": 0.3, "accuracy": 0.95, "val_loss": 0.3, "val_accuracy": 0.95},
              {"loss": 0.2, "accuracy": 0.97, "val_loss": 0.28, "val_accuracy": 0.955},
              {"loss": 0.1, "accuracy": 0.99, "val_loss": 0.3, "val_accuracy": 0.955},
              {"loss": 0.05, "accuracy": 0.997, "val_loss": 0.35, "val_accuracy": 0.95}]
    note = by_check(check_health(healthy(), epochs))[("overfitting", None)]
    assert note.level == WARNING and "0.997" in note.text and "4.7 points" in note.text
    assert "over-fitting" in note.meaning and "Dropout" in note.advice
    assert by_check(check_health(healthy(), epochs[:3]))[("overfitting", None)].level == WARNING
    assert by_check(check_health(healthy(), epochs[:2]))[("overfitting", None)].level == UNKNOWN


def test_no_validation_set_cannot_judge_over_fitting():
    note = by_check(check_health(healthy(), [{"loss": 0.3, "accuracy": 0.9}]))[("overfitting", None)]
    assert note.level == UNKNOWN and "validation_split" in note.text


def test_vanishing_and_exploding_gradients_from_last_layer_to_first():
    vanishing = [[layer("dense", grad_rms=1e-9), layer("dense_1", grad_rms=1e-6), layer("out", grad_rms=1e-2)]]
    note = by_check(check_health(vanishing))[("gradients", "dense")]
    assert note.level == WARNING and "shrink 10,000,000×" in note.text and "(out) to the first (dense)" in note.text
    exploding = [[layer("dense", grad_rms=5.0), layer("out", grad_rms=1e-2)]]
    note = by_check(check_health(exploding))[("gradients", "dense")]
    assert note.level == WARNING and "grow 500×" in note.text and "exploding" in note.meaning
    jump = [[layer("dense", grad_rms=1e-3), layer("out", grad_rms=1e-3)] for _ in range(4)]
    jump.append([layer("dense", grad_rms=1.0), layer("out", grad_rms=1.0)])
    note = by_check(check_health(jump))[("gradients", None)]
    assert note.level == WARNING and "jumped 1,000×" in note.text
    nan = [[layer("dense", grad_rms=float("nan")), layer("out")]]
    assert by_check(check_health(nan))[("gradients", None)].level == WARNING


def test_no_gradients_yet_is_not_a_problem():
    notes = by_check(check_health([[layer("dense", grad_rms=None, update_ratio=None)]]))
    assert notes[("gradients", None)].level == UNKNOWN and notes[("updates", None)].level == UNKNOWN
    assert [n.check for n in check_health([])] == ["loss"]


def test_the_loss_spiking_stalling_and_turning_non_finite():
    spiky = [1.0, 0.9, 0.85, 0.8, 0.8, 0.78] + [0.7, 0.7, 0.7, 0.7, 0.7, 3.0] * 4
    assert "spiked 4 times" in by_check(check_health(healthy(), (), spiky))[("loss", None)].text
    noisy_low = [0.05, 0.04, 0.05, 0.05, 0.04, 0.3] * 5  # x6 but small: the noise of a low loss
    assert by_check(check_health(healthy(), (), noisy_low))[("loss", None)].level == OK
    stalled = [{"loss": 0.5, "accuracy": 0.8}, {"loss": 0.499, "accuracy": 0.8}, {"loss": 0.498, "accuracy": 0.8}]
    note = by_check(check_health(healthy(), stalled))[("loss", None)]
    assert note.level == WARNING and "hardly moved" in note.text
    done = [{"loss": 0.01, "accuracy": 0.999}] * 3  # converged, not stalled
    assert by_check(check_health(healthy(), done))[("loss", None)].level == OK
    note = by_check(check_health(healthy(), (), [0.5, float("nan")]))[("loss", None)]
    assert note.level == WARNING and "nan" in note.text
    decreasing = [2.3 * 0.97 ** i for i in range(60)]  # a falling loss has no spikes
    assert by_check(check_health(healthy(), (), decreasing))[("loss", None)].level == OK


def test_the_first_steps_are_not_judged_on_their_update_size():
    """RMSprop's and Adam's first steps are larger while their averages fill: no warning before step 50."""
    early = [[layer("dense", update_ratio=0.3, step=s)] for s in (5, 20, 40)]
    assert by_check(check_health(early))[("updates", None)].level == UNKNOWN
    later = early + [[layer("dense", update_ratio=0.3, step=60)]]
    assert by_check(check_health(later))[("updates", "dense")].level == WARNING


def test_small_layers_are_not_judged_on_their_update_size():
    history = [[layer("batch_normalization", update_ratio=0.5, params=64), layer("dense")]]
    assert not [n for n in warnings_of(check_health(history)) if n.check == "updates"]
