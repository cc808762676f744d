"""Learning-rate schedules in presets: parsing with one-line errors, TOML round trips, the optimizer they
build, the Keras code, and the document's edit."""

import pytest

from nntui.engine.config import ConfigError
from nntui.engine.schedules import CosineDecay, PiecewiseConstantDecay
from nntui.preset import load_preset, loads
from nntui.preset.build import make_optimizer
from nntui.preset.document import PresetDocument
from nntui.preset.errors import PresetError
from nntui.preset.keras_code import keras_code
from nntui.preset.toml_writer import dumps

BASE = """
name = "s"
[model]
input_shape = [784]
[[model.layers]]
type = "Dense"
units = 10
activation = "softmax"
[training]
loss = "categorical_crossentropy"
optimizer = { type = "sgd", learning_rate = 0.05 }
"""


def with_schedule(table: str):
    return loads(BASE + f"learning_rate_schedule = {table}\n", "s.toml")


def test_the_issue_example_parses():
    p = with_schedule('{ type = "ExponentialDecay", decay_steps = 1000, decay_rate = 0.9 }')
    assert p.training.learning_rate_schedule == {"type": "ExponentialDecay", "decay_steps": 1000,
                                                 "decay_rate": 0.9, "staircase": False}
    opt = make_optimizer(p.training)
    assert opt.schedule.get_config()["initial_learning_rate"] == 0.05  # the optimizer's rate
    assert opt.learning_rate == 0.05
    opt.iterations = 1000
    assert opt.learning_rate == pytest.approx(0.045)


@pytest.mark.parametrize(("table", "line"), [
    ('{ type = "LinearDecay", decay_steps = 10 }',
     "s.toml: training.learning_rate_schedule.type: expected one of ExponentialDecay, CosineDecay, "
     "PiecewiseConstantDecay, got 'LinearDecay'"),
    ('{ decay_steps = 10 }', "s.toml: training.learning_rate_schedule.type: missing (one of ExponentialDecay, "
                             "CosineDecay, PiecewiseConstantDecay)"),
    ('{ type = "CosineDecay", decay_steps = 10, warmup = 5 }',
     "s.toml: training.learning_rate_schedule.warmup: unknown setting for CosineDecay (it takes: "
     "initial_learning_rate, decay_steps, alpha, warmup_target, warmup_steps)"),
    ('{ type = "CosineDecay", decay_steps = -10 }',
     "s.toml: training.learning_rate_schedule.decay_steps: expected a positive integer at most 1000000000, got -10"),
    ('{ type = "CosineDecay", decay_steps = 10, warmup_steps = -1 }',
     "s.toml: training.learning_rate_schedule.warmup_steps: expected a non-negative integer at most 1000000000, "
     "got -1"),
    ('{ type = "PiecewiseConstantDecay", boundaries = [100, 200], values = [0.1, 0.01] }',
     "s.toml: training.learning_rate_schedule.values: expected 3 rates (one more than boundaries), got 2"),
    ('{ type = "PiecewiseConstantDecay", boundaries = [200, 100], values = [0.1, 0.01, 0.001] }',
     "s.toml: training.learning_rate_schedule.boundaries: expected increasing step counts, got [200, 100]"),
    ('"CosineDecay"', "s.toml: training.learning_rate_schedule: expected a table, got 'CosineDecay'"),
])
def test_a_bad_schedule_is_one_line_naming_the_field(table, line):
    with pytest.raises(PresetError) as err:
        with_schedule(table)
    assert str(err.value) == line


@pytest.mark.parametrize("table", [
    '{ type = "ExponentialDecay", decay_steps = 1000, decay_rate = 0.9, staircase = true }',
    '{ type = "CosineDecay", decay_steps = 2110, alpha = 0.1, initial_learning_rate = 0.0, warmup_target = 0.1, '
    'warmup_steps = 100 }',
    '{ type = "PiecewiseConstantDecay", boundaries = [500, 1000], values = [0.1, 0.01, 0.001] }',
])
def test_schedules_round_trip_through_the_toml_writer(table):
    p = with_schedule(table)
    text = dumps(p)
    assert "[training.learning_rate_schedule]" in text
    assert loads(text).training == p.training


def test_the_writer_keeps_only_what_differs_from_the_defaults():
    text = dumps(with_schedule('{ type = "CosineDecay", decay_steps = 100, alpha = 0.0 }'))
    table = text.split("[training.learning_rate_schedule]\n")[1]
    assert table.strip() == 'type = "CosineDecay"\ndecay_steps = 100'


def test_a_preset_without_a_schedule_writes_none():
    assert "learning_rate_schedule" not in dumps(load_preset("mnist"))
    assert load_preset("mnist").training.learning_rate_schedule is None


def test_the_keras_code_passes_the_schedule_as_the_learning_rate():
    code = keras_code(with_schedule('{ type = "ExponentialDecay", decay_steps = 1000, decay_rate = 0.9 }'))
    assert ("optimizer=keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay("
            "initial_learning_rate=0.05, decay_steps=1000, decay_rate=0.9)),") in code
    code = keras_code(with_schedule('{ type = "PiecewiseConstantDecay", boundaries = [5], values = [0.1, 0.01] }'))
    assert "keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[5], values=[0.1, 0.01])" in code
    compile(code, "model.py", "exec")


def test_the_command_line_learning_rate_moves_a_schedule_without_its_own_start():
    p = with_schedule('{ type = "CosineDecay", decay_steps = 10 }').with_overrides(learning_rate=0.2)
    assert make_optimizer(p.training).learning_rate == 0.2
    q = with_schedule('{ type = "CosineDecay", decay_steps = 10, initial_learning_rate = 0.3 }')
    assert make_optimizer(q.with_overrides(learning_rate=0.2).training).learning_rate == 0.3


def test_the_document_sets_and_undoes_a_schedule():
    doc = PresetDocument(load_preset("mnist"))
    assert doc.set_learning_rate_schedule({"type": "PiecewiseConstantDecay", "boundaries": [100], "values": [0.1, 0.01]})
    assert doc.undo_label == "schedule the learning rate with PiecewiseConstantDecay"
    assert isinstance(make_optimizer(doc.preset.training).schedule, PiecewiseConstantDecay)
    assert doc.set_learning_rate_schedule({"type": "CosineDecay", "decay_steps": 50})
    assert isinstance(make_optimizer(doc.preset.training).schedule, CosineDecay)
    assert not doc.set_learning_rate_schedule({"type": "CosineDecay", "decay_steps": 50})  # already so
    with pytest.raises(ConfigError) as err:
        doc.set_learning_rate_schedule({"type": "CosineDecay", "decay_steps": 0})
    assert err.value.field == "decay_steps"
    assert doc.set_learning_rate_schedule(None) and doc.preset.training.learning_rate_schedule is None
    doc.undo()
    doc.undo()
    assert doc.preset.training.learning_rate_schedule["type"] == "PiecewiseConstantDecay"
