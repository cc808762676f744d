"""One-key fixes (preset/fixes.py): for every kind of misfit, the known fixes, previewed and applied."""

import pytest
from fix_cases import CASES, NO_FIX, layer, preset

from nntui.preset import load_preset, loads
from nntui.preset.document import PresetDocument
from nntui.preset.fixes import find_fixes, misfit_of
from nntui.preset.model_check import check_preset


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_fix_makes_its_misfit_go_away(case):
    doc = PresetDocument(loads(case.text))
    report = doc.fixes()
    assert report.misfit is not None and report.misfit.kind == case.kind, report.misfit
    titles = [f.title for f in report.fixes]
    assert titles and titles[0].startswith(case.first), titles
    assert not [t for t in titles for bad in case.never if bad in t], titles
    for fix in report.fixes:
        doc.apply(fix.edit)
        after = misfit_of(doc.check())
        assert after is None or (after.name, after.reason) != (report.misfit.name, report.misfit.reason), fix.title
        assert (doc.check().ready) == (fix.next_problem is None), fix.title
        assert doc.undo_label == "fix: " + fix.title[0].lower() + fix.title[1:]
        doc.undo()  # one undo step takes the whole fix back
        assert doc.fixes() == report or doc.fixes().misfit == report.misfit


def test_no_known_fix():
    report = find_fixes(loads(NO_FIX))
    assert report.misfit is not None and report.misfit.kind == "layer" and report.fixes == ()


def test_a_model_that_fits_has_nothing_to_fix():
    assert find_fixes(load_preset("mnist")).misfit is None


def test_the_preview_shows_rows_shapes_and_params():
    doc = PresetDocument(load_preset("mnist"))
    doc.insert_layer(0, "Conv2D", {"filters": 32, "kernel_size": 3})
    fix = doc.fixes().fixes[0]
    assert fix.title == "Insert Reshape(target_shape=(28, 28, 1)) above conv2d"
    rows = [(r.kind, r.name, r.before, r.after) for r in fix.rows]
    assert rows[:2] == [("added", "reshape", None, "(None, 28, 28, 1)"), ("changed", "conv2d", "?", "(None, 26, 26, 32)")]
    assert (fix.params_before, fix.partial_before) == (0, True)
    assert fix.params_after == 32 * 9 + 32 + 32 * 512 + 512 + 5130 and not fix.partial_after
    assert "extra axes" in fix.next_problem  # the next misfit: Dense on images
    second = doc.fixes().fixes[1]
    assert second.title == "Change the input shape to (28, 28, 1)"
    assert second.rows[0].kind == "input" and second.rows[0].after == "(None, 28, 28, 1)"


def test_the_likely_mistake_comes_first():
    """A Conv2D after Flatten and Dense(64) on 28x28 images: move it above Flatten (shift+up) first; the
    Reshape into 8x8 after; never input_shape [8, 8, 1], which the engine's own advice names."""
    text = preset((28, 28, 1), layer("Flatten"), layer("Dense", units=64), layer("Conv2D", filters=8, kernel_size=3),
                  layer("Flatten"), layer("Dense", units=10, activation="softmax"))
    report = find_fixes(loads(text))
    assert "input_shape [8, 8, 1]" in report.misfit.advice
    move, reshape = report.fixes
    assert move.title.startswith("Move conv2d above flatten") and move.keys == "shift+↑ ×2"
    assert move.rows[0].kind == "moved" and move.next_problem is None
    assert reshape.title == "Insert Reshape(target_shape=(8, 8, 1)) above conv2d"


def test_fixes_keep_the_graph_wired():
    """A Flatten and a Dense inserted on a named branch: the merge reads the new layer; names that other
    layers read stay as they were."""
    case = next(c for c in CASES if c.id == "multiply-vector-and-image")
    p = loads(case.text)
    fix = find_fixes(p).fixes[0]
    new = fix.edit.applied_to(p)
    merge = next(ls for ls in new.model.layers if ls.type == "Multiply")
    assert merge.inputs[0] == "a" and merge.inputs[1] != "b"
    check = check_preset(new)
    assert check.ready, check.problem


def test_an_output_fix_moves_the_output_and_its_loss():
    """End an output with Dense(10): in a two-output graph the new layer becomes that output and keeps its loss."""
    text = preset((784,), layer("Dense", name="trunk", units=32),
                  layer("Dense", name="digit", inputs=["trunk"], units=32, activation="relu"),
                  layer("Dense", name="parity", inputs=["trunk"], units=1, activation="sigmoid"),
                  outputs='["digit", "parity"]').replace(
        'loss = "categorical_crossentropy"',
        'loss = { digit = "categorical_crossentropy", parity = "binary_crossentropy" }\n'
        'targets = { parity = "parity" }')
    p = loads(text)
    report = find_fixes(p)
    assert report.misfit.name == "digit"
    end = next(f for f in report.fixes if f.title.startswith("End the model"))
    new = end.edit.applied_to(p)
    assert new.model.outputs[1] == "parity" and new.model.outputs[0] != "digit"
    assert set(new.training.loss) == set(new.model.outputs)
    assert check_preset(new).ready


def test_the_command_line_teaches_the_likely_mistake_not_the_engines_reshape():
    """A Conv2D after Flatten and Dense(64) on 28x28 images: move it above Flatten, not input_shape [8, 8, 1]."""
    from nntui.preset.run import model_error_line
    p = loads(next(c for c in CASES if c.id == "conv2d-after-flatten-dense").text, "case.toml")
    line = model_error_line(p, check_preset(p).report)
    assert line.startswith("case.toml: model.layers[2] (conv2d): Conv2D needs 4-D input")
    assert "Fix: Move conv2d above flatten, where the data are still an image (in the app: shift+↑ ×2 on conv2d)." in line
    assert "8, 8" not in line and "\n" not in line
