"""Pilot tests of the builder: every action, asserting on the document and model that result."""

from __future__ import annotations

from tui_helpers import NARROW, WIDE, layer_types

from nntui.engine.model import ShapeReport
from nntui.tui.builder.layer_form import LayerFormScreen
from nntui.tui.builder.palette import PaletteScreen, layer_choices
from nntui.tui.builder.screen import BuilderScreen
from nntui.tui.builder.stack_table import StackTable
from nntui.tui.common.field_editor import FieldEditor


def table(app) -> StackTable:
    return app.screen.query_one("#stack", StackTable)


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


def report(app) -> ShapeReport:
    return app.document.check().report


async def test_opens_on_the_builder_with_mnist(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert layer_types(app) == ["Dense", "Dense"]
        t = table(app)
        assert t.row_count == 3  # the input row, then two layers
        cells = [str(c) for c in t.get_row_at(1)]
        assert cells[1] == "Dense" and cells[2] == "units=512, relu" and cells[3] == "(None, 512)"
        assert cells[4] == "401,920"
        assert str(t.get_row_at(0)[3]) == "(None, 784)"
        assert "Ready to train" in status(app)
        totals = str(app.screen.query_one("#totals").render())
        assert "Params 407,050" in totals and "weights 1.55 MB" in totals
        assert "Activations for a batch of 128: 261.00 KB" in totals


async def test_add_from_palette_inserts_under_the_cursor(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down")  # cursor on layer 0
        await pilot.press("a")
        assert isinstance(app.screen, PaletteScreen)
        await pilot.press(*"dr", "enter")
        assert isinstance(app.screen, LayerFormScreen)  # Dropout's rate is required
        await pilot.press(*"0.5", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert layer_types(app) == ["Dense", "Dropout", "Dense"]
        assert app.document.layers[1].config == {"rate": 0.5}
        assert table(app).cursor_row == 2  # the cursor follows the new layer
        assert report(app).ok


async def test_add_layer_without_settings_goes_straight_in(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("a", *"fl", "enter")
        await pilot.pause()
        assert layer_types(app) == ["Flatten", "Dense", "Dense"]


async def test_palette_cancel_changes_nothing(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("a", "down", "down", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert layer_types(app) == ["Dense", "Dense"] and not app.document.dirty


def test_palette_lists_every_registered_layer():
    from nntui.engine.layers import LAYER_TYPES
    assert sorted(layer_choices()) == sorted(LAYER_TYPES)
    assert layer_choices("den")[0] == "Dense"
    assert "Dropout" in layer_choices("random fraction")  # descriptions match too


async def test_delete_undo_redo(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "d")
        await pilot.pause()
        assert layer_types(app) == ["Dense"] and app.document.layers[0].config["units"] == 10
        assert not report(app).ok or report(app).rows[0].output_shape == (None, 10)
        await pilot.press("u")
        await pilot.pause()
        assert [ls.config["units"] for ls in app.document.layers] == [512, 10]
        assert not app.document.dirty
        await pilot.press("U")
        await pilot.pause()
        assert [ls.config["units"] for ls in app.document.layers] == [10]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(app.document.layers) == 2
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert len(app.document.layers) == 1


async def test_delete_is_disabled_on_the_input_row(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert app.screen.check_action("delete", ()) is None
        await pilot.press("d")
        await pilot.pause()
        assert len(app.document.layers) == 2


async def test_home_and_end_go_to_the_input_row_and_the_last_layer(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("end")
        assert table(app).selected_layer == 1
        await pilot.press("home")
        assert table(app).cursor_row == 0 and table(app).selected_layer is None


async def test_move_and_duplicate(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "c")
        await pilot.pause()
        assert [ls.config["units"] for ls in app.document.layers] == [512, 512, 10]
        assert table(app).cursor_row == 2
        await pilot.press("shift+down")
        await pilot.pause()
        assert [ls.config["units"] for ls in app.document.layers] == [512, 10, 512]
        assert table(app).cursor_row == 3
        assert app.screen.check_action("move", (1,)) is None  # already last
        # the last Dense (512 units, relu) no longer fits the loss: marked with its fix
        assert report(app).error_index == 2
        assert "✗" in str(table(app).get_row_at(3)[0])
        assert "Fix:" in status(app)
        await pilot.press("shift+up", "shift+up")
        await pilot.pause()
        assert [ls.config["units"] for ls in app.document.layers] == [512, 512, 10]
        assert table(app).cursor_row == 1 and report(app).ok
        assert app.screen.check_action("move", (-1,)) is None  # already first


async def test_edit_invalid_then_valid(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "e")
        form = app.screen
        assert isinstance(form, LayerFormScreen)
        units = form.query_one(".setting", FieldEditor)
        assert units.field.name == "units" and units.input.has_focus
        await pilot.press(*"12x")
        await pilot.pause()
        assert not units.valid and units.has_class("-invalid")
        assert "expected a positive integer, got '12x'" in str(units.query_one(".message").render())
        assert form.query_one("#apply").disabled
        await pilot.press("enter")  # not applied while invalid
        await pilot.pause()
        assert app.screen is form and app.document.layers[0].config["units"] == 512
        await pilot.press("backspace", "8")
        await pilot.pause()
        assert units.valid and not form.query_one("#apply").disabled
        await pilot.press("tab", *"tanh", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert app.document.layers[0].config["units"] == 128
        assert app.document.layers[0].config["activation"] == "tanh"
        assert report(app).rows[0].output_shape == (None, 128) and report(app).rows[0].params == 784 * 128 + 128


async def test_edit_cancel_keeps_the_layer(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "enter", *"99", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert app.document.layers[0].config["units"] == 512 and not app.document.dirty


async def test_input_shape_edit_recomputes_every_shape(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("a", *"fl", "enter")  # cursor on the input row: Flatten goes first
        await pilot.pause()
        await pilot.press("i", *"28, 28, 1", "enter")
        await pilot.pause()
        assert app.document.preset.model.input_shape == (28, 28, 1)
        assert [r.output_shape for r in report(app).rows] == [(None, 784), (None, 512), (None, 10)]
        assert str(table(app).get_row_at(0)[3]) == "(None, 28, 28, 1)"
        await pilot.press("i", *"0, 3")
        await pilot.pause()
        editor = app.screen.query_one("#shape", FieldEditor)
        assert not editor.valid and "positive integers" in editor.reason
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert app.document.preset.model.input_shape == (28, 28, 1)


async def test_input_shape_that_is_not_mnist_is_flagged(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("enter", *"100", "enter")  # Enter on the input row edits the input shape
        await pilot.pause()
        assert app.document.preset.model.input_shape == (100,)
        assert not app.document.check().ready
        assert "784" in status(app)
        assert "✗" in str(table(app).get_row_at(0)[0])
        assert app.screen.check_action("train", ()) is None


async def test_loss_change_flags_a_misfit(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")  # wide: focuses the side panel's loss
        await pilot.press("enter", *"bin", "enter")
        await pilot.pause()
        assert app.document.preset.training.loss == "binary_crossentropy"
        r = report(app)
        assert r.error_index == 1 and r.rows[1].output_shape == (None, 10)
        assert "The loss binary_crossentropy does not fit layer 1" in status(app)
        assert "✗" in str(table(app).get_row_at(2)[0])
        assert app.screen.check_action("train", ()) is None
        await pilot.press("u")
        await pilot.pause()
        assert app.document.preset.training.loss == "categorical_crossentropy" and report(app).ok


async def test_optimizer_and_its_settings(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#optimizer").focus()
        await pilot.press("enter", *"sgd", "enter")
        await pilot.pause()
        assert app.document.preset.training.optimizer.type == "sgd"
        assert app.document.preset.training.optimizer.config["learning_rate"] == 0.01
        momentum = screen.query_one("#opt-momentum", FieldEditor)  # the settings follow the optimizer
        momentum.input.focus()
        await pilot.press(*"2", "enter")
        await pilot.pause()
        assert not momentum.valid and "in [0, 1]" in momentum.reason
        assert app.document.preset.training.optimizer.config["momentum"] == 0.0
        await pilot.press("backspace", *"0.9", "enter")
        await pilot.pause()
        assert app.document.preset.training.optimizer.config["momentum"] == 0.9
        batch = screen.query_one("#loop-batch_size", FieldEditor)
        batch.input.focus()
        await pilot.press(*"64", "tab")  # leaving a changed, valid field applies it
        await pilot.pause()
        assert app.document.preset.training.batch_size == 64
        assert "Activations for a batch of 64" in str(screen.query_one("#totals").render())
        split = screen.query_one("#loop-validation_split", FieldEditor)
        split.input.focus()
        await pilot.press(*"1.5", "enter")
        await pilot.pause()
        assert not split.valid and app.document.preset.data.validation_split == 0.1


async def test_training_settings_dialog_on_narrow_terminals(app_factory):
    from nntui.tui.builder.settings_dialog import TrainingSettingsScreen
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, TrainingSettingsScreen)
        epochs = app.screen.query_one("#loop-epochs", FieldEditor)
        epochs.input.focus()
        await pilot.press(*"12", "enter", "ctrl+s")  # keep (Esc would undo it: test_newcomer_keys.py)
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert app.document.preset.training.epochs == 12
        assert "12 epochs" in status(app)


async def test_conv_after_dense_is_flagged_and_rows_below_show_question_marks(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "a", *"conv", "enter", *"32", "tab", "3", "enter")
        await pilot.pause()
        assert layer_types(app) == ["Dense", "Conv2D", "Dense"]
        r = report(app)
        assert r.error_index == 1 and "Conv2D needs 4-D input" in r.rows[1].error.reason
        assert r.rows[1].error.fix
        row = [str(c) for c in table(app).get_row_at(2)]
        assert row[0] == "✗ 1" and row[3] == "✗ does not fit"
        below = [str(c) for c in table(app).get_row_at(3)]
        assert below[0] == "? 2" and below[3] == "?" and below[4] == "?"
        text = status(app)
        assert "Layer 1 Conv2D (conv2d) does not fit: Conv2D needs 4-D input" in text and "Fix:" in text
        assert app.screen.check_action("train", ()) is None


async def test_new_empty_stack(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.document.layers == [] and "no layers yet" in status(app)
        assert table(app).row_count == 1
        assert app.document.preset.name == "untitled" and not app.document.can_undo  # a new document


async def test_build_mnist_from_empty_by_keys(app_factory):
    """The keystrokes counted in the report: 27, ctrl+n included."""
    from nntui.preset import load_preset
    app = app_factory()
    keys = ["ctrl+n",
            "a", "d", "enter", *"512", "tab", *"relu", "enter",
            "a", "d", "enter", *"10", "tab", *"softmax", "enter"]
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        assert app.document.preset.model == load_preset("mnist").model  # exactly the shipped mnist's model
        assert app.document.check().ready
    assert len(keys) == 27


async def test_side_panel_buttons_run_the_same_actions(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("down")
        await pilot.click("#btn-duplicate")
        await pilot.pause()
        assert len(app.document.layers) == 3
        await pilot.click("#btn-undo")
        await pilot.pause()
        assert len(app.document.layers) == 2
        train = app.screen.query_one("#btn-train")
        assert not train.disabled and train.tooltip == "Train the model"


async def test_quit_asks_when_there_are_unsaved_changes(app_factory):
    from nntui.tui.common.confirm import ConfirmScreen
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "d", "q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen) and app.is_running
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_without_changes_exits_at_once(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_train_is_disabled_with_the_reason_while_the_model_does_not_fit(app_factory):
    from textual.screen import Screen

    class FakeTraining(Screen):
        def __init__(self, preset, data_dir):
            super().__init__()
            self.preset, self.data_dir = preset, data_dir

    app = app_factory(training_screen=FakeTraining)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert app.screen.check_action("train", ()) is True
        await pilot.press("down", "down", "d")  # now the model does not fit: disabled, the misfit says why
        await pilot.pause()
        assert app.screen.check_action("train", ()) is None
        assert "not ready" in app.screen.train_blocker()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        await pilot.press("u", "t")
        await pilot.pause()
        assert isinstance(app.screen, FakeTraining)
        assert app.screen.preset.model == app.document.preset.model
        assert app.screen.preset is not app.document.preset  # a snapshot: later edits do not leak in


async def test_keys_typed_ahead_reach_the_dialogs_they_were_meant_for(app_factory):
    """A burst of keys (as from a fast typist or tmux send-keys) builds mnist just like slow typing."""
    import asyncio

    from textual import events
    app = app_factory(typeahead=True)
    keys = ["ctrl+n",
            "a", "d", "enter", *"512", "tab", *"relu", "enter",
            "a", "d", "enter", *"10", "tab", *"softmax", "enter"]
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        for key in keys:  # all at once, without waiting for the app
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(1200):  # up to a minute on a loaded machine; done as soon as the queue is empty
            await asyncio.sleep(0.05)
            if not app.typeahead.busy and not app.typeahead.queue:
                break
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        from nntui.preset import load_preset
        assert layer_types(app) == ["Dense", "Dense"] and app.document.preset.model == load_preset("mnist").model
        assert app.document.check().ready


async def test_a_second_enter_never_dismisses_the_builder(app_factory):
    """Two quick Enters in a dialog: the first closes it, the second must not pop the builder."""
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("a")
        palette = app.screen
        palette.dismiss("Flatten")
        palette.dismiss("Flatten")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert layer_types(app) == ["Flatten", "Dense", "Dense"]


async def test_merge_layer_gets_its_inputs_in_the_form_and_the_table_shows_connections(app_factory):
    from nntui.engine.layers import LAYER_TYPES
    if "Concatenate" not in LAYER_TYPES:  # merge layers arrive with the graph models
        return
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "a", *"conc", "enter")
        await pilot.pause()
        assert layer_types(app) == ["Dense", "Concatenate", "Dense"]
        r = report(app)
        assert r.error_index == 1 and "takes at least 2 input" in str(r.error)
        assert "set its inputs" in status(app)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, LayerFormScreen)
        form.query_one("#layer-inputs", FieldEditor).input.focus()
        await pilot.press(*"dense, input", "enter")
        await pilot.pause()
        assert app.document.layers[1].inputs == ["dense", "input"]
        r = report(app)
        assert r.ok and r.rows[1].output_shape == (None, 512 + 784)
        assert app.document.is_graph
        assert str(table(app).columns[list(table(app).columns)[-1]].label) == "Connected to"
        assert str(table(app).get_row_at(2)[-1]) == "dense, input_layer"  # as Keras's summary names the input


def test_the_builder_says_how_far_the_kept_weights_were_trained():
    from nntui.preset import build_model, load_preset, make_trainer
    from nntui.tui.app import NntuiApp
    from nntui.tui.common.trained_state import TrainedState

    preset = load_preset("mnist")
    app = NntuiApp(preset)
    model = build_model(preset.model)
    state = TrainedState.fresh(preset, model, make_trainer(preset, model), "accuracy")
    state.epochs_completed, state.steps_done = 2, 1238  # stopped during the third epoch
    app.trained = state
    assert app.start_weights_note() == "continues from the weights trained so far (2 full epochs, 1,238 batches in all)"
