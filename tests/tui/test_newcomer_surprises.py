"""Issue 18, "no silent surprises": what a newcomer trips over in the builder and the training screen."""

from __future__ import annotations

from test_tui_graph import TWO_BRANCH_KEYS
from tui_helpers import NARROW, WIDE, layer_types


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_duplicating_a_layer_renames_no_other_layer_and_keeps_the_output(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press(*TWO_BRANCH_KEYS)
        await pilot.pause()
        doc = app.document
        before = doc.names()
        assert before == ["dense_2", "dense", "concatenate", "dense_1"] and doc.outputs == ["dense_1"]
        await pilot.press("home", "down", "c")  # duplicate dense_2, the branch
        await pilot.pause()
        names = doc.names()
        assert layer_types(app) == ["Dense", "Dense", "Dense", "Concatenate", "Dense"]
        assert [names[0], *names[2:]] == before  # every other layer keeps its name
        assert names[1] not in before and doc.outputs == ["dense_1"]
        assert doc.inputs_of(3) == ["dense_2", "dense"]  # the merge still joins the same two layers
        # duplicating the output of a graph keeps it the output
        await pilot.press("end", "c")
        await pilot.pause()
        assert doc.outputs == ["dense_1"] and doc.names()[:5] == names


def table_row(app, row: int) -> list[str]:
    return [str(c) for c in app.screen.query_one("#stack").get_row_at(row)]


async def test_a_layer_nothing_reads_is_marked_and_named_also_after_an_undo(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(*TWO_BRANCH_KEYS[:12])  # a Dense branch from the input, not joined yet
        await pilot.pause()
        assert app.document.names()[0] == "dense_2" and app.document.open_ends() == [0]
        assert table_row(app, 1)[0].startswith("○")
        assert not table_row(app, 2)[0].startswith("○")
        assert "dense_2 is not read by any layer" in status(app)
        await pilot.press(*TWO_BRANCH_KEYS[12:])  # joined by the merge: no mark
        await pilot.pause()
        assert not any(table_row(app, r)[0].startswith("○") for r in range(5))
        assert "not read by any layer" not in status(app)
        await pilot.press("u")  # the undo leaves the branch behind, loose again
        await pilot.pause()
        assert table_row(app, 1)[0].startswith("○") and "dense_2 is not read by any layer" in status(app)


async def test_the_settings_hold_the_limit_and_the_seed_and_the_status_line_estimates_an_epoch(tmp_path):
    from nntui.tui.common.field_editor import FieldEditor
    from tui_helpers import make_app

    probed = []

    def probe(preset, cancelled):
        probed.append(preset.training.batch_size)
        return 10_000.0  # samples per second

    app = make_app("mnist", cwd=tmp_path, speed_probe=probe)
    async with app.run_test(size=WIDE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "About 6s per epoch on this machine (54,000 MNIST images at 10.0K samples/s)" in status(app)
        panel = app.screen.query_one("#training")
        limit = panel.query_one("#loop-limit", FieldEditor)
        assert limit.text == "60000" and limit.input.placeholder == "all images"  # shown when empty
        limit.input.focus()
        await pilot.press("ctrl+u", *"2000", "enter")
        seed = panel.query_one("#loop-seed", FieldEditor)
        seed.input.focus()
        await pilot.press("ctrl+u", *"7", "enter")
        await pilot.pause()
        assert app.document.preset.data.limit == 2000 and app.document.preset.training.seed == 7
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Under 1s per epoch on this machine (1,800 MNIST images at 10.0K samples/s)" in status(app)
        assert probed == [128]  # the same model and batch: measured once
        batch = panel.query_one("#loop-batch_size", FieldEditor)
        batch.input.focus()
        await pilot.press("ctrl+u", *"32", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert probed == [128, 32]
        app.screen.query_one("#stack").focus()
        await pilot.press("ctrl+n", "y")  # (the changes are not saved: yes, discard them) no model, no estimate
        await pilot.pause()
        assert "per epoch" not in status(app)


async def test_an_edit_that_makes_the_trained_weights_unusable_says_so(app_factory):
    from nntui.preset import build_model, make_trainer
    from nntui.tui.common.trained_state import TrainedState

    app = app_factory()
    preset = app.document.snapshot()
    model = build_model(preset.model)
    state = TrainedState.fresh(preset, model, make_trainer(preset, model), "accuracy")
    state.epochs_completed, state.steps_done = 1, 422
    app.trained = state
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert "The next run continues from the weights trained so far (1 full epoch" in status(app)
        await pilot.press("down", "c")  # another Dense 512: the trained weights no longer fit
        await pilot.pause()
        assert "The next run starts from fresh weights" in status(app)
        assert "u undoes" in status(app)
        await pilot.press("u")
        await pilot.pause()
        assert "The next run continues from the weights trained so far" in status(app)


async def test_the_layer_form_previews_the_output_shape_and_parameters_as_values_are_typed(app_factory):
    from nntui.tui.builder.layer_form import LayerFormScreen

    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "a", *"dense", "enter")  # a Dense under the Dense 512: units are required
        form = app.screen
        assert isinstance(form, LayerFormScreen)
        preview = lambda: str(form.query_one("#preview").render())  # noqa: E731
        assert "gives ?" in preview()
        await pilot.press(*"64")
        assert preview() == "gives (None, 64) · 32,832 params"
        await pilot.press("0")
        assert preview() == "gives (None, 640) · 328,320 params"
        await pilot.press("escape", "end", "e")  # the output layer: 10 units with softmax
        form = app.screen
        form.query_one("#input").focus()
        await pilot.press("ctrl+u", *"3")
        assert preview().startswith("gives (None, 3) · 1,539 params · ✗ the loss does not fit")


def test_a_clipped_settings_cell_ends_after_a_whole_setting():
    from nntui.tui.builder.stack_table import clip

    assert clip("filters=32, relu, kernel_size=3", 20) == "filters=32, relu, …"
    assert clip("filters=32, relu, kernel_size=3", 16) == "filters=32, …"
    assert clip("units=512", 6) == "units…"  # no whole setting fits: cut with the ellipsis
    assert clip("units=512", 9) == "units=512"


async def test_settings_cells_at_120_columns_are_not_cut_mid_word(app_factory):
    app = app_factory("mnist-cnn")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        for row in range(1, len(app.document.layers) + 1):
            cell = table_row(app, row)[2]
            assert not cell.endswith("…") or cell.endswith(", …"), cell


async def test_the_open_dialog_keeps_a_gap_after_the_longest_preset_name(app_factory):
    from nntui.tui.builder.open_preset import shipped_options

    texts = [str(o.prompt) for o in shipped_options()]
    line = next(t for t in texts if t.startswith("mnist-two-branch"))
    assert line.startswith("mnist-two-branch  ")  # at least two spaces before the next column


async def test_toasts_do_not_cover_the_status_line_at_80x24(app_factory):
    from textual.widgets._toast import Toast

    app = app_factory()
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await pilot.press("down", "c", "u")  # "Undone: duplicate Dense"
        await pilot.pause()
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert toasts
        status_region = app.screen.query_one("#status").region
        assert all(not t.region.overlaps(status_region) for t in toasts)


async def test_merge_form_reads_an_add_and_the_input_row_is_named_as_keras_names_it(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert table_row(app, 0)[1] == "InputLayer"
        await pilot.press(*TWO_BRANCH_KEYS[:12], "down", "m", *"add")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.heading == "Add an Add layer: which layers does it join?"
        await pilot.press("escape")
        await pilot.pause()
        assert table_row(app, 0)[1] in ("input_layer (InputLayer)", "input_layer")  # whole, where it is narrow
        assert table_row(app, 1)[4] == "input_layer"  # Connected to, as --summary writes it


async def test_a_toast_under_a_dialog_is_shown_once(app_factory):
    """A toast, then ctrl+s's dialog: the dialog's rack shows it, the builder's (under it) does not."""
    from textual.widgets._toast import Toast

    app = app_factory()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        app.notify("a toast that outlasts the test", timeout=600)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        builder = app.screen_stack[-2]
        assert app.screen is not builder and list(app.screen.query(Toast))
        under = list(builder.query(Toast))
        assert under and not any(t.visible for t in under)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is builder and any(t.visible for t in builder.query(Toast))
