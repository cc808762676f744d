"""PresetDocument: the builder's one editable state, its operations, undo/redo and checks."""

import pytest
from preset_texts import MULTIHEAD

from nntui.engine.config import ConfigError
from nntui.engine.layers import LAYER_TYPES
from nntui.preset import load_preset
from nntui.preset.document import PresetDocument
from nntui.preset.edit_fields import parse_names, starter_config


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


def test_deleting_or_renaming_an_output_keeps_the_preset_loadable():
    from nntui.preset import loads
    from nntui.preset.toml_writer import dumps
    doc = PresetDocument(loads(MULTIHEAD + "loss_weights = { digit = 1.0, parity = 0.5 }\n"))
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


# ---------------------------------------------------------------------- graph operations
def _resolved(doc):
    return list(zip(doc.names(), [doc.inputs_of(i) for i in range(len(doc.layers))]))


def test_add_branch_reads_the_selected_row_and_leaves_the_rest_of_the_graph_alone(doc):
    before = doc.check().report.rows[1].output_shape
    index = doc.add_branch(None, "Dense", {"units": 128, "activation": "relu"})
    assert index == 0 and doc.undo_label == "add a Dense branch from input"
    # the branch reads the input; the old first layer still reads the input; the output is unchanged
    assert _resolved(doc) == [("dense_2", ["input"]), ("dense", ["input"]), ("dense_1", ["dense"])]
    assert doc.layers[0].name == "dense_2"  # a fresh explicit name: the others' automatic names stay
    assert doc.outputs == ["dense_1"] and doc.open_ends() == [0]
    result = doc.check()
    assert result.ready and result.report.rows[2].output_shape == before
    assert result.report.warnings == ["layer 'dense_2' is not read by any layer and is not an output"]
    doc.undo()
    assert types(doc) == ["Dense", "Dense"] and not doc.dirty


def test_add_branch_from_a_layer_pins_what_reads_it_and_from_the_last_layer_keeps_the_output(doc):
    doc.add_branch(0, "Dense", {"units": 1, "activation": "sigmoid"}, name="parity")
    assert _resolved(doc) == [("dense", ["input"]), ("parity", ["dense"]), ("dense_1", ["dense"])]
    assert doc.layers[0].name == "dense"  # what a layer reads by name carries that name
    doc.add_branch(2, "Dense", {"units": 10, "activation": "softmax"})  # from the last layer
    assert doc.outputs == ["dense_1"] and doc.preset.model.outputs == ["dense_1"]
    assert doc.inputs_of(3) == ["dense_1"]
    with pytest.raises(ConfigError):
        doc.add_branch(0, "Dense", {"units": 3}, name="parity")  # name taken
    with pytest.raises(IndexError):
        doc.add_branch(9, "Flatten")


def test_add_merge_joins_the_loose_ends_and_the_next_layer_reads_it(doc):
    doc.add_branch(None, "Dense", {"units": 128, "activation": "relu"})
    assert doc.merge_defaults(1) == ["dense_2", "dense"]
    index = doc.add_merge(1, "Concatenate", doc.merge_defaults(1))
    assert index == 2 and doc.layers[2].name == "concatenate"
    assert doc.inputs_of(3) == ["concatenate"]  # the classifier now reads the merge
    assert doc.layers[1].name == "dense"  # the joined layers carry their names
    result = doc.check()
    assert result.ready and result.report.rows[2].output_shape == (None, 640) and not result.report.warnings
    from nntui.preset import loads
    from nntui.preset.toml_writer import dumps
    assert loads(dumps(doc.preset)).model == doc.preset.model
    for bad in ([], ["dense"], ["nope", "dense"]):
        with pytest.raises(ConfigError):
            doc.add_merge(1, "Add", bad)
    assert doc.undo() and doc.undo() and not doc.dirty


def test_add_merge_goes_below_the_last_layer_it_joins():
    from nntui.preset import load_preset
    doc = PresetDocument(load_preset("mnist-two-branch"))
    doc.delete_layer(6)  # the merge: the classifier reads conv_branch, dense_branch hangs loose
    assert doc.open_ends() == [1] and "dense_branch" in doc.check().report.warnings[0]
    index = doc.add_merge(0, "Add", ["dense_branch", "conv_branch"], name="merged")
    assert index == 6 and doc.check().ready and doc.inputs_of(7) == ["merged"]
    assert doc.merge_defaults(None)[0] == "input"


def test_set_outputs_and_toggle_output_keep_per_output_tables_loadable(doc):
    from nntui.preset import loads
    from nntui.preset.toml_writer import dumps
    doc.add_branch(0, "Dense", {"units": 1, "activation": "sigmoid"}, name="odd")
    assert doc.toggle_output(1)
    t = doc.preset.training
    assert doc.outputs == ["dense_1", "odd"] and doc.preset.model.outputs == ["dense_1", "odd"]
    assert t.loss == {"dense_1": "categorical_crossentropy", "odd": "binary_crossentropy"}
    assert t.targets == {"odd": "parity"}
    assert doc.check().ready
    assert doc.set_target("odd", "greater_than_4") and doc.set_loss_weight("odd", 0.5)
    assert doc.preset.training.loss_weights == {"odd": 0.5}
    assert loads(dumps(doc.preset)).training == doc.preset.training
    with pytest.raises(ConfigError):
        doc.set_loss_weight("odd", -1)
    with pytest.raises(ConfigError):
        doc.set_target("odd", "colour")
    with pytest.raises(ConfigError):
        doc.set_target("dense", "parity")  # not an output
    assert doc.toggle_output(1)  # back to one output: one loss, no per-output leftovers
    t = doc.preset.training
    assert doc.preset.model.outputs is None and t.loss == "categorical_crossentropy"
    assert t.targets is None and t.loss_weights is None
    with pytest.raises(ConfigError):
        doc.toggle_output(2)  # the only output
    with pytest.raises(ConfigError):
        doc.set_outputs(["dense", "dense"])
    with pytest.raises(ConfigError):
        doc.set_outputs(["nope"])


def test_target_of_a_single_output_follows_the_last_layer(doc):
    assert doc.set_target(None, "parity") and doc.preset.training.targets == {"dense_1": "parity"}
    assert not doc.check().ready  # 10 softmax units cannot score a parity with categorical cross-entropy
    doc.set_loss("binary_crossentropy")
    doc.update_layer(1, {"units": 1, "activation": "sigmoid"})
    assert doc.check().ready
    doc.insert_layer(2, "Dense", {"units": 1, "activation": "sigmoid"})  # a new last layer: the target follows
    assert doc.preset.training.targets == {"dense_2": "parity"} and doc.check().settings_error is None
    assert doc.set_target(None, "digit") and doc.preset.training.targets == {"dense_2": "digit"}
    assert not doc.set_target(None, "digit")  # the same rule again: nothing to record


def test_early_stopping_is_validated_against_what_the_run_logs(doc):
    assert doc.set_early_stopping({"monitor": "val_loss", "patience": 3})
    es = doc.preset.training.early_stopping
    assert es["patience"] == 3 and es["restore_best_weights"] is False and es["mode"] == "auto"
    assert doc.undo_label == "turn early stopping on" and doc.check().ready
    with pytest.raises(ConfigError) as err:
        doc.set_early_stopping({"monitor": "val_digit_accuracy"})
    assert "not log" in err.value.reason
    with pytest.raises(ConfigError):
        doc.set_early_stopping({"monitor": "loss", "patience": -1})
    doc.set_training(validation_split=0.0)  # now val_loss is never logged: flagged, not ready
    result = doc.check()
    assert not result.ready and "no validation set" in result.problem
    assert doc.set_early_stopping({"monitor": "loss", "patience": 3}) and doc.check().ready
    from nntui.preset import loads
    from nntui.preset.toml_writer import dumps
    assert loads(dumps(doc.preset)).training.early_stopping == doc.preset.training.early_stopping
    assert doc.set_early_stopping(None) and doc.preset.training.early_stopping is None


def test_checkpoint_folder_is_a_run_option(doc, tmp_path):
    assert doc.checkpoint_dir is None
    assert doc.set_checkpoint_dir(str(tmp_path / "run")) and doc.checkpoint_dir == str(tmp_path / "run")
    assert not doc.dirty and not doc.can_undo  # not part of the preset file
    file = tmp_path / "f.txt"
    file.write_text("x")
    with pytest.raises(ConfigError):
        doc.set_checkpoint_dir(str(file))
    assert doc.set_checkpoint_dir("  ") and doc.checkpoint_dir is None


def test_editing_inputs_pins_the_names_they_read(doc):
    doc.insert_layer(2, "Dense", {"units": 10, "activation": "softmax"})
    doc.update_layer(2, inputs=["dense"])
    assert doc.layers[0].name == "dense"
    doc.insert_layer(0, "Dense", {"units": 784})  # would have taken the automatic name 'dense'
    assert doc.inputs_of(3) == ["dense"] and doc.names()[1] == "dense"
