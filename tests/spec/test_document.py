"""PresetDocument: the builder's one editable state, its operations, undo/redo and checks."""

import pytest

from nntui.engine.config import ConfigError
from nntui.engine.layers import LAYER_TYPES
from nntui.spec import load_preset
from nntui.spec.document import PresetDocument, parse_names, starter_config


@pytest.fixture
def doc():
    return PresetDocument(load_preset("mnist"))


def types(doc):
    return [ls.type for ls in doc.layers]


def test_starts_clean_and_ready(doc):
    assert not doc.dirty and not doc.can_undo and not doc.can_redo
    result = doc.check()
    assert result.ready and result.problem is None
    assert [r.output_shape for r in result.report.rows] == [(None, 512), (None, 10)]


def test_insert_validates_and_fills_defaults(doc):
    index = doc.insert_layer(1, "Dropout", {"rate": 0.5})
    assert index == 1 and types(doc) == ["Dense", "Dropout", "Dense"]
    assert doc.layers[1].config == {"rate": 0.5}
    assert doc.dirty and doc.undo_label == "add Dropout"
    with pytest.raises(ConfigError) as err:
        doc.insert_layer(0, "Dense", {"units": 0})
    assert "positive integer" in err.value.reason
    with pytest.raises(ConfigError):
        doc.insert_layer(0, "NoSuchLayer", {})
    assert types(doc) == ["Dense", "Dropout", "Dense"]  # failed inserts change nothing


def test_insert_clamps_index(doc):
    assert doc.insert_layer(99, "Flatten") == 2
    assert doc.insert_layer(-5, "Flatten") == 0


def test_delete_move_duplicate_and_undo_redo(doc):
    doc.insert_layer(1, "Dropout", {"rate": 0.2})
    assert doc.move_layer(1, -1) == 0
    assert types(doc) == ["Dropout", "Dense", "Dense"]
    assert doc.move_layer(0, -1) == 0  # already at the top: nothing recorded
    assert doc.duplicate_layer(1) == 2
    assert types(doc) == ["Dropout", "Dense", "Dense", "Dense"]
    assert doc.layers[2].config == doc.layers[1].config and doc.layers[2] is not doc.layers[1]
    assert doc.delete_layer(3) == 2
    assert types(doc) == ["Dropout", "Dense", "Dense"]
    revision = doc.revision
    assert doc.undo() and types(doc) == ["Dropout", "Dense", "Dense", "Dense"]
    assert doc.undo() and types(doc) == ["Dropout", "Dense", "Dense"]
    assert doc.undo() and types(doc) == ["Dense", "Dropout", "Dense"]
    assert doc.undo() and types(doc) == ["Dense", "Dense"]
    assert not doc.undo() and not doc.dirty
    assert doc.redo() and doc.redo() and types(doc) == ["Dropout", "Dense", "Dense"]
    assert doc.revision > revision
    doc.insert_layer(0, "Flatten")  # a new change drops the redo stack
    assert not doc.can_redo


def test_update_layer_config_and_name_inputs(doc):
    assert doc.update_layer_config(0, {"units": 64, "activation": "tanh"})
    assert doc.layers[0].config["units"] == 64 and doc.layers[0].config["use_bias"] is True
    assert not doc.update_layer_config(0, {"units": 64, "activation": "tanh"})  # same: no history entry
    with pytest.raises(ConfigError) as err:
        doc.update_layer_config(0, {"units": -3})
    assert err.value.field == "units"
    assert doc.layers[0].config["units"] == 64
    assert doc.update_layer(1, name="digits", inputs=["dense"])
    assert doc.layers[1].name == "digits" and doc.layers[1].inputs == ["dense"]
    assert doc.is_graph
    with pytest.raises(ConfigError):
        doc.update_layer(1, name="bad name!")
    assert doc.update_layer(1, inputs=None) and not doc.is_graph


def test_shape_error_marks_the_first_misfit(doc):
    doc.insert_layer(1, "Reshape", {"target_shape": [7, 7]})  # 512 values cannot become 49
    result = doc.check()
    assert not result.ready
    assert result.report.error_index == 1
    assert "Reshape" in result.report.rows[1].error.reason and result.report.rows[1].error.fix
    assert result.report.rows[2].output_shape is None


def test_loss_misfit_is_flagged_on_the_output_layer(doc):
    assert doc.set_loss("binary_crossentropy")
    result = doc.check()
    assert not result.ready and result.report.error_index == 1
    assert "softmax" in result.problem
    doc.undo()
    assert doc.check().ready
    with pytest.raises(ConfigError):
        doc.set_loss("hinge")


def test_optimizer_and_training_settings(doc):
    assert doc.set_optimizer("sgd", {"learning_rate": 0.05, "momentum": 0.9})
    opt = doc.preset.training.optimizer
    assert opt.type == "sgd" and opt.config == {"learning_rate": 0.05, "momentum": 0.9, "nesterov": False}
    with pytest.raises(ConfigError):
        doc.set_optimizer("sgd", {"learning_rate": -1})
    with pytest.raises(ConfigError):
        doc.set_optimizer("nope")
    assert doc.set_training(batch_size=64, epochs=2, validation_split=0.2)
    assert (doc.preset.training.batch_size, doc.preset.training.epochs, doc.preset.data.validation_split) == \
        (64, 2, 0.2)
    assert doc.training_value("validation_split") == 0.2
    with pytest.raises(ConfigError):
        doc.set_training(validation_split=1.0)
    with pytest.raises(ConfigError):
        doc.set_training(speed=3)


def test_input_shape(doc):
    assert doc.set_input_shape([28, 28])
    result = doc.check()
    assert result.report.rows[1].output_shape == (None, 28, 10)
    assert not result.ready  # the 3-D output does not fit the loss
    assert doc.set_input_shape((100,))
    assert doc.check().input_error and "784" in doc.check().problem
    with pytest.raises(ConfigError):
        doc.set_input_shape([0, 3])


def test_empty_model_is_not_ready(doc):
    assert doc.clear_layers()
    result = doc.check()
    assert result.empty and not result.ready and "no layers" in result.problem


def test_dirty_follows_saved_state(doc, tmp_path):
    doc.insert_layer(0, "Flatten")
    doc.mark_saved(tmp_path / "a.toml")
    assert not doc.dirty and doc.path == tmp_path / "a.toml" and not doc.builtin
    doc.delete_layer(0)
    assert doc.dirty
    doc.undo()
    assert not doc.dirty


def test_check_is_cached_per_revision(doc):
    first = doc.check()
    assert doc.check() is first
    doc.set_training(epochs=3)
    assert doc.check() is not first


def test_snapshot_is_independent(doc):
    snap = doc.snapshot()
    doc.update_layer_config(0, {"units": 3})
    assert snap.model.layers[0].config["units"] == 512


def test_every_registered_layer_can_be_inserted_from_starter_values(doc):
    """Whatever LAYER_TYPES holds, the palette's starting config plus required values validate."""
    samples = {"int": 4, "float": 0.5, "shape": [-1], "pair": 2, "bool": True, "str": "x"}
    for type_name, cls in LAYER_TYPES.items():
        config = starter_config(type_name)
        for f in cls.fields:
            if f.required:
                config[f.name] = f.choices[0] if f.kind == "choice" else samples[f.kind]
        doc.insert_layer(0, type_name, config)
        assert doc.layers[0].type == type_name
        doc.check()  # never raises, whatever the fit


def test_parse_names():
    assert parse_names(" dense , input ") == ["dense", "input"]
    assert parse_names("  ") is None
    with pytest.raises(ConfigError):
        parse_names("a b")


GRAPH = """
name = "heads"
[model]
input_shape = [784]
outputs = ["digit", "parity"]
[[model.layers]]
type = "Dense"
name = "trunk"
units = 32
activation = "relu"
[[model.layers]]
type = "Dense"
name = "digit"
inputs = ["trunk"]
units = 10
activation = "softmax"
[[model.layers]]
type = "Dense"
name = "parity"
inputs = ["trunk"]
units = 1
activation = "sigmoid"
[training]
loss = { digit = "categorical_crossentropy", parity = "binary_crossentropy" }
loss_weights = { digit = 1.0, parity = 0.5 }
targets = { parity = "parity" }
"""


def test_deleting_or_renaming_an_output_keeps_the_preset_loadable():
    from nntui.spec import loads
    from nntui.spec.toml_writer import dumps
    doc = PresetDocument(loads(GRAPH))
    assert doc.check().ready
    doc.update_layer(1, name="digits")
    t = doc.preset.training
    assert doc.preset.model.outputs == ["digits", "parity"] and set(t.loss) == {"digits", "parity"}
    assert t.loss_weights == {"digits": 1.0, "parity": 0.5}
    assert loads(dumps(doc.preset)).model == doc.preset.model
    doc.delete_layer(2)  # the parity head
    t = doc.preset.training
    assert doc.preset.model.outputs == ["digits"]
    assert t.loss == {"digits": "categorical_crossentropy"} and t.targets is None
    assert loads(dumps(doc.preset)).training == doc.preset.training
    doc.delete_layer(1)  # no named output left: back to a single loss on the last layer
    assert doc.preset.model.outputs is None and doc.preset.training.loss == "categorical_crossentropy"
    loads(dumps(doc.preset))
