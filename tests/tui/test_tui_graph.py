"""Pilot tests of the graph side of the builder: the drawing (g), branches (b), merges (m), outputs (O),
per-output settings, early stopping and the checkpoint folder in the loss panel, loading weights (w) and
resuming a checkpoint (ctrl+o)."""

from __future__ import annotations

import numpy as np
from tui_helpers import NARROW, WIDE, layer_types

from nntui.preset import build_model, load_preset, make_trainer
from nntui.preset.weights_file import save_weights
from nntui.tui.builder.graph_layout import graph_lines
from nntui.tui.builder.graph_view import GraphView
from nntui.tui.builder.layer_form import LayerFormScreen
from nntui.tui.builder.load_weights import LoadWeightsScreen
from nntui.tui.builder.open_preset import OpenPresetScreen
from nntui.tui.builder.palette import PaletteScreen
from nntui.tui.builder.screen import BuilderScreen
from nntui.tui.builder.stack_table import StackTable
from nntui.tui.common.field_editor import FieldEditor

TWO_BRANCH_KEYS = ["b", "d", "enter", *"128", "tab", *"relu", "enter",  # a Dense branch reading the input
                   "down", "m", "enter", "enter"]  # on the old first Dense: Concatenate it with the branch


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


def graph(app) -> GraphView:
    return app.screen.query_one("#graph", GraphView)


async def test_g_draws_the_graph_and_shares_the_selection_with_the_table(app_factory):
    app = app_factory("mnist-inception")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("g")
        view = graph(app)
        assert view.display and view.has_focus and not app.screen.query_one("#stack").display
        text = view.text()
        lines = text.splitlines()
        assert lines[0].split()[:4] == ["◉", "input_layer", "InputLayer", "(None,"]
        assert "├──┬──╮" in text and "├──┴──╯" in text  # three branches split under stem_pool, joined at block
        assert any(line.startswith("│  │  ●  branch_pool_1x1") for line in lines)
        assert "block" in lines[lines.index(next(l for l in lines if "├──┴──╯" in l)) + 1]
        assert lines[-1].rstrip().endswith("→ output")
        await pilot.press("down", "down", "down", "down")  # in drawing order: stem, stem_pool, branch_1x1, _3x3
        await pilot.pause()
        assert app.screen.selected_layer == 3 and view.row == 4
        assert app.screen.view.rows[app.screen.cursor_row].name == "branch_3x3"
        await pilot.press("enter")
        assert isinstance(app.screen, LayerFormScreen) and "branch_3x3" in app.screen.heading
        await pilot.press("escape", "end")
        await pilot.pause()
        assert app.screen.selected_layer == 9
        await pilot.press("g")
        await pilot.pause()
        table = app.screen.query_one("#stack", StackTable)
        assert table.display and table.has_focus and table.cursor_row == 10


async def test_graph_drawing_marks_the_first_misfit_and_question_marks_below(app_factory):
    app = app_factory("mnist-inception")
    app.document.update_layer(3, dict(app.document.layers[3].config, padding="valid"))
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("g")
        lines = graph(app).text().splitlines()
        block = next(line for line in lines if "block" in line)
        assert block.startswith("✗") and "✗ does not fit" in block
        below = [line for line in lines[lines.index(block) + 1:] if line.strip() and not set(line.strip()) <= {"│"}]
        assert below and all(line.startswith("?") and line.split()[3] == "?" for line in below)
        # the colour is the error role (the widget draws it with $text-error)
        y = lines.index(block)
        assert ("✗", "node-error") in graph(app).lines[y].segments


async def test_build_a_two_branch_model_from_mnist_by_keys(app_factory):
    """The keystrokes counted in the report: 16 (b, palette, form; down; m, palette, form)."""
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press(*TWO_BRANCH_KEYS)
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        doc = app.document
        assert layer_types(app) == ["Dense", "Dense", "Concatenate", "Dense"]
        assert [doc.inputs_of(i) for i in range(4)] == [["input"], ["input"], ["dense_2", "dense"], ["concatenate"]]
        result = doc.check()
        assert result.ready and not result.report.warnings
        assert result.report.rows[2].output_shape == (None, 128 + 512)
        assert "Ready to train" in status(app)
        for _ in range(2):
            await pilot.press("u")
        await pilot.pause()
        assert layer_types(app) == ["Dense", "Dense"] and not doc.dirty
    assert len(TWO_BRANCH_KEYS) == 16


async def test_branch_of_a_layer_without_settings_goes_straight_in_and_the_form_can_rename(app_factory):
    app = app_factory("mnist-multihead")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "b")
        assert isinstance(app.screen, PaletteScreen)
        await pilot.press(*"dropo", "enter")  # Dropout: its rate is required, so the form opens
        form = app.screen
        assert isinstance(form, LayerFormScreen) and "branch from trunk" in form.heading
        assert form.query_one("#layer-name", FieldEditor).text == "dropout"
        assert form.query_one("#layer-inputs", FieldEditor).text == "trunk"
        await pilot.press(*"0.5")
        form.query_one("#layer-name", FieldEditor).input.focus()
        await pilot.press("ctrl+u", *"drop", "enter")
        await pilot.pause()
        doc = app.document
        assert doc.names()[1] == "drop" and doc.inputs_of(1) == ["trunk"] and doc.inputs_of(2) == ["trunk"]
        assert doc.outputs == ["digit", "parity"]
        await pilot.press("b", *"flat", "enter")  # Flatten has no required setting: no form
        await pilot.pause()
        assert doc.layers[2].type == "Flatten" and doc.inputs_of(2) == ["drop"]


async def test_merge_palette_lists_only_merge_layers_and_bad_inputs_are_not_applied(app_factory):
    from nntui.engine.layers import LAYER_TYPES
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "m")
        palette = app.screen
        assert isinstance(palette, PaletteScreen)
        from textual.widgets import OptionList
        ids = [o.id for o in palette.query_one(OptionList).options if o.id]
        assert ids and set(ids) == {n for n, c in LAYER_TYPES.items() if c.family == "merge"}
        await pilot.press(*"add", "enter")
        form = app.screen
        assert isinstance(form, LayerFormScreen)
        inputs = form.query_one("#layer-inputs", FieldEditor)
        assert inputs.input.has_focus and inputs.text == "dense"  # no loose end to join: only the selection
        await pilot.press("enter")  # Add needs two inputs: refused with a notice, nothing changes
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen) and layer_types(app) == ["Dense", "Dense"]
        assert not app.document.dirty


async def test_O_makes_a_second_output_and_the_panel_edits_its_loss_target_and_weight(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("down", "b", "d", "enter", "1", "tab", *"sigmoid", "enter")  # a 1-unit head on dense
        await pilot.pause()
        await pilot.press("O")
        await pilot.pause()
        doc = app.document
        assert doc.outputs == ["dense_1", "dense_2"]
        t = doc.preset.training
        assert t.loss == {"dense_1": "categorical_crossentropy", "dense_2": "binary_crossentropy"}
        assert t.targets == {"dense_2": "parity"} and doc.check().ready
        assert "→ output 2" in next(line for line in graph_lines(app.screen.view) if line.row == 2).text
        await pilot.pause()
        panel = app.screen.query_one("#training")
        weight = panel.query_one("#weight-1", FieldEditor)
        weight.input.focus()
        await pilot.press("ctrl+u", *"0.5", "enter")
        await pilot.pause()
        assert doc.preset.training.loss_weights == {"dense_2": 0.5}
        target = panel.query_one("#target-1")
        target.focus()
        await pilot.press("enter", *"greater", "enter")
        await pilot.pause()
        assert doc.preset.training.targets == {"dense_2": "greater_than_4"}
        await pilot.press("u", "u")
        await pilot.pause()
        assert doc.preset.training.targets == {"dense_2": "parity"} and doc.preset.training.loss_weights is None
        app.screen.query_one("#stack").focus()
        await pilot.press("O")  # back to one output: one loss again
        await pilot.pause()
        assert doc.outputs == ["dense_1"] and doc.preset.training.loss == "categorical_crossentropy"
        await pilot.press("down", "O")  # dense_1 is the only output: refused, said why
        await pilot.pause()
        assert doc.outputs == ["dense_1"]


async def test_early_stopping_and_checkpoint_folder_in_the_loss_panel(app_factory, tmp_path):
    from textual.widgets import Select
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#training")
        panel.query_one("#es-enabled", Select).focus()
        await pilot.press("enter", "down", "enter")  # off -> on
        await pilot.pause()
        es = app.document.preset.training.early_stopping
        assert es is not None and es["monitor"] == "val_loss" and es["patience"] == 2
        assert "early stopping on val_loss (patience 2)" in status(app)
        patience = panel.query_one("#es-patience", FieldEditor)
        patience.input.focus()
        await pilot.press("ctrl+u", "-", "1")
        await pilot.pause()
        assert not patience.valid and "integer" in patience.reason
        await pilot.press("backspace", "backspace", "5", "enter")
        await pilot.pause()
        assert app.document.preset.training.early_stopping["patience"] == 5
        restore = panel.query_one("#es-restore_best_weights", FieldEditor)
        restore.input.focus()
        await pilot.press("ctrl+u", *"true", "enter")
        await pilot.pause()
        assert app.document.preset.training.early_stopping["restore_best_weights"] is True
        monitor = panel.query_one("#es-monitor", Select)
        monitor.focus()
        await pilot.press("enter", *"val_acc", "enter")
        await pilot.pause()
        assert app.document.preset.training.early_stopping["monitor"] == "val_accuracy"
        folder = panel.query_one("#checkpoint-dir", FieldEditor)
        folder.input.focus()
        await pilot.press(*"runs/a", "enter")
        await pilot.pause()
        assert app.document.checkpoint_dir == "runs/a" and "checkpoint in runs/a" in status(app)
        split = panel.query_one("#loop-validation_split", FieldEditor)
        split.input.focus()
        await pilot.press("ctrl+u", "0", "enter")  # val_accuracy is no longer logged: flagged, Train disabled
        await pilot.pause()
        assert "no validation set" in status(app) and app.screen.check_action("train", ()) is None
        app.screen.query_one("#stack").focus()
        await pilot.press("u")
        await pilot.pause()
        assert app.document.check().ready


async def test_w_loads_weights_and_a_mismatch_names_the_first_layer(app_factory, tmp_path):
    preset = load_preset("mnist")
    model = build_model(preset.model)
    make_trainer(preset, model)
    model.layers[0].weights["kernel"][...] = 0.25
    good = tmp_path / "good.npz"
    save_weights(model, good)
    other = load_preset("mnist").with_overrides()
    other.model.layers[0].config["units"] = 64
    small = build_model(other.model)
    make_trainer(other, small)
    bad = tmp_path / "bad.npz"
    save_weights(small, bad)
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("w")
        dialog = app.screen
        assert isinstance(dialog, LoadWeightsScreen)
        error = dialog.query_one("#weights-error")
        for name, expected in (("bad.npz", "layer 'dense' (Dense): dense/kernel has shape (784, 64), "
                                           "the model needs (784, 512)"),
                               ("junk.npz", "not a readable .npz weights file"),
                               ("missing.npz", "no such file")):
            await pilot.press("ctrl+u", *name, "enter")
            await pilot.pause()
            assert app.screen is dialog and error.display
            assert expected in str(error.render()) and name in str(error.render())
        assert app.trained is None
        await pilot.press("ctrl+u", *"good.npz", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        state = app.trained
        assert state is not None and state.matches(app.document.preset) and not state.trained
        assert np.all(state.model.layers[0].weights["kernel"] == 0.25)
        assert "The next run starts from the weights in good.npz" in status(app)
        await pilot.press("down", "d")  # another model: the loaded weights no longer apply, and it says so
        await pilot.pause()
        assert "good.npz" not in status(app)
        assert "The next run starts from fresh weights: the model changed since its weights were loaded" in status(app)


async def test_ctrl_o_resumes_a_checkpoint_folder(app_factory, tmp_path, fake_mnist_dir):
    import io

    from nntui.headless.run import Options, train
    preset = load_preset("mnist").with_overrides(epochs=2, limit=300, batch_size=100)
    folder = tmp_path / "run"
    assert train(preset, Options(data_dir=str(fake_mnist_dir), checkpoint=str(folder)), io.StringIO(),
                 io.StringIO()) == 0
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+o")
        dialog = app.screen
        assert isinstance(dialog, OpenPresetScreen)
        dialog.query_one("#checkpoint").focus()
        await pilot.press(*"nowhere", "enter")
        await pilot.pause()
        assert app.screen is dialog and "no checkpoint here" in str(dialog.query_one("#open-error").render())
        await pilot.press("ctrl+u", *"run", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        doc = app.document
        assert doc.preset.training.epochs == 2 and doc.preset.data.limit == 300
        assert doc.checkpoint_dir == "run"
        state = app.trained
        assert state.epochs_completed == 2 and state.trained and state.matches(doc.preset)
        assert [r[0] for r in state.history.rows] == [1, 2]
        assert "resumes the run checkpointed in run after epoch 2" in status(app)
