"""Learning-rate schedules: Keras 3's names, keys and formulas (written out here), and Keras itself where installed."""

import math

import pytest

from nntui.engine.config import ConfigError
from nntui.engine.schedules import CosineDecay, ExponentialDecay, PiecewiseConstantDecay, create_schedule


def test_exponential_decay_formula():
    s = ExponentialDecay(initial_learning_rate=0.1, decay_steps=1000, decay_rate=0.9)
    for step in (0, 1, 500, 1000, 2500):
        assert s(step) == pytest.approx(0.1 * 0.9 ** (step / 1000), rel=1e-12)
    stairs = ExponentialDecay(initial_learning_rate=0.1, decay_steps=1000, decay_rate=0.9, staircase=True)
    assert [stairs(n) for n in (0, 999, 1000, 2999)] == pytest.approx([0.1, 0.1, 0.09, 0.081])


def test_cosine_decay_formula_without_and_with_warmup():
    s = CosineDecay(initial_learning_rate=0.01, decay_steps=100, alpha=0.1)
    for step in (0, 25, 50, 100, 150):
        fraction = min(step, 100) / 100
        assert s(step) == pytest.approx(0.01 * (0.9 * 0.5 * (1 + math.cos(math.pi * fraction)) + 0.1), rel=1e-12)
    w = CosineDecay(initial_learning_rate=0.0, decay_steps=100, warmup_target=0.02, warmup_steps=10)
    assert w(0) == 0.0 and w(5) == pytest.approx(0.01) and w(10) == pytest.approx(0.02)
    assert w(60) == pytest.approx(0.02 * 0.5 * (1 + math.cos(math.pi * 0.5)))
    assert w(110) == pytest.approx(0.0, abs=1e-15) and w(500) == pytest.approx(0.0, abs=1e-15)


def test_piecewise_constant_decay_formula():
    s = PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1])
    assert [s(n) for n in (0, 100, 101, 200, 201, 10_000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]


def test_the_initial_rate_defaults_to_the_optimizers():
    s = create_schedule({"type": "ExponentialDecay", "decay_steps": 1000, "decay_rate": 0.9}, 0.001)
    assert s.get_config() == {"initial_learning_rate": 0.001, "decay_steps": 1000, "decay_rate": 0.9,
                              "staircase": False}
    assert create_schedule({"type": "CosineDecay", "decay_steps": 10, "initial_learning_rate": 0.5}, 0.1)(0) == 0.5


@pytest.mark.parametrize(("config", "field", "reason"), [
    ({"type": "Linear"}, "type", "expected one of ExponentialDecay, CosineDecay, PiecewiseConstantDecay, got 'Linear'"),
    ({"decay_steps": 3}, "type", "missing"),
    ({"type": "ExponentialDecay", "decay_steps": -5, "decay_rate": 0.9}, "decay_steps", "positive integer"),
    ({"type": "ExponentialDecay", "decay_steps": 5}, "decay_rate", "missing"),
    ({"type": "CosineDecay", "decay_steps": 5, "warmup": 3}, "warmup", "unknown setting for CosineDecay"),
    ({"type": "CosineDecay", "decay_steps": 5, "alpha": 2}, "alpha", "in [0, 1]"),
    ({"type": "PiecewiseConstantDecay", "boundaries": [10, 5], "values": [1, 2, 3]}, "boundaries", "increasing"),
    ({"type": "PiecewiseConstantDecay", "boundaries": [10], "values": [1, 2, 3]}, "values", "expected 2 rates"),
    ({"type": "PiecewiseConstantDecay", "boundaries": [1.5], "values": [1, 2]}, "boundaries", "whole step"),
])
def test_bad_settings_name_the_key(config, field, reason):
    with pytest.raises(ConfigError) as info:
        create_schedule(config, 0.01)
    assert info.value.field == field and reason in info.value.reason


CASES = [
    {"type": "ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.5},
    {"type": "ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.5, "staircase": True},
    {"type": "CosineDecay", "initial_learning_rate": 0.1, "decay_steps": 20, "alpha": 0.2},
    {"type": "CosineDecay", "initial_learning_rate": 0.001, "decay_steps": 20, "warmup_target": 0.1, "warmup_steps": 5},
    {"type": "PiecewiseConstantDecay", "boundaries": [3, 9], "values": [0.1, 0.01, 0.001]},
]


@pytest.mark.parametrize("config", CASES, ids=lambda c: c["type"])
def test_the_same_values_as_keras(config):
    keras = pytest.importorskip("keras", reason="Keras is not installed (pip install keras and a backend)")
    ours = create_schedule(config, 0.1)
    settings = {k: v for k, v in config.items() if k != "type"}
    theirs = getattr(keras.optimizers.schedules, config["type"])(**settings)
    for step in range(0, 40):
        expected = float(keras.ops.convert_to_numpy(theirs(step)))
        assert ours(step) == pytest.approx(expected, rel=1e-5, abs=1e-9), (config, step)
