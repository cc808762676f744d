"""The one run setup (preset.run) and the edits as values (preset.edit): what both faces build on."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.data.mnist import MnistArrays
from nntui.engine.events import EpochEnded, RunEnded
from nntui.preset import load_preset
from nntui.preset.checkpoint import load_checkpoint, save_checkpoint
from nntui.preset.document import PresetDocument
from nntui.preset.errors import RunError
from nntui.preset.layer_edits import insert_layer
from nntui.preset.records import checkpoint_lines, event_record
from nntui.preset.run import prepare_run
from nntui.preset.weights_file import WeightsError, save_weights


def tiny(**settings):
    """The shipped mnist preset (Dense 512 relu, Dense 10 softmax) changed through the document."""
    doc = PresetDocument(load_preset("mnist").with_overrides(batch_size=16, epochs=2))
    for name, value in settings.items():
        getattr(doc, f"set_{name}")(value)
    return doc.snapshot()


def arrays(n_train: int = 64, n_test: int = 32) -> MnistArrays:
    rng = np.random.default_rng(0)

    def part(n):
        return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)
    return MnistArrays(*part(n_train), *part(n_test), "random")


def test_a_setup_holds_what_a_run_needs_and_fits_with_the_presets_settings():
    setup = prepare_run(tiny(early_stopping={"monitor": "val_loss", "patience": 0}))
    assert setup.report.total_params == 407_050
    assert setup.acc_key == "accuracy" and [p.name for p in setup.plans] == ["dense_1"]
    assert setup.early_stopping is not None and setup.initial_epoch == 0 and setup.history is None
    data = setup.datasets(arrays())
    assert (len(data.train), len(data.val), len(data.test)) == (58, 6, 32)
    events = list(setup.fit(data, 2))
    assert isinstance(events[-1], RunEnded) and events[-1].epochs_completed >= 1
    assert sum(isinstance(e, EpochEnded) for e in events) == events[-1].epochs_completed


def test_a_model_that_does_not_fit_is_one_run_error_naming_the_layer_with_its_report():
    with pytest.raises(RunError) as err:
        prepare_run(tiny(loss="binary_crossentropy"))
    assert str(err.value).startswith(f"{load_preset('mnist').source}: model.layers[1] (dense_1): ")
    assert err.value.report is not None and err.value.report.error_index == 1


def test_memory_refusal_is_a_run_error_without_a_report(monkeypatch):
    monkeypatch.setenv("NNTUI_MEMORY_LIMIT", "1000")
    assert prepare_run(tiny()).model is not None  # asked only when told to
    with pytest.raises(RunError) as err:
        prepare_run(tiny(), memory=True)
    assert str(err.value).startswith(f"{load_preset('mnist').source}: this run needs about ")
    assert err.value.report is None


def test_weights_and_checkpoints_are_restored_into_the_setup(tmp_path):
    first = prepare_run(tiny())
    data = first.datasets(arrays())
    run = first.fit(data, 1)
    records = []
    for event in run:
        if event_record(event) is not None:
            records.append(event_record(event))
        if isinstance(event, EpochEnded):
            save_checkpoint(tmp_path / "ck", first.preset, first.trainer, run, event.epoch,
                            metrics_lines=checkpoint_lines(records))
    save_weights(first.model, tmp_path / "w.npz")
    again = prepare_run(tiny(), weights=tmp_path / "w.npz")
    assert all(np.array_equal(a, b) for a, b in zip(first.model.get_weights().values(),
                                                     again.model.get_weights().values()))
    resumed = prepare_run(tiny(), checkpoint=load_checkpoint(tmp_path / "ck"))
    assert resumed.initial_epoch == 1 and len(resumed.history) == 1
    lines = (tmp_path / "ck" / "metrics.jsonl").read_text().splitlines(True)
    assert len(lines) == 1 and lines == checkpoint_lines(records[:2])  # the epoch, not the start
    with pytest.raises(WeightsError):
        prepare_run(tiny(), weights=tmp_path / "missing.npz")


def test_an_edit_is_a_value_validated_first_and_changing_only_a_copy():
    preset = tiny()
    before = [ls.type for ls in preset.model.layers]
    edit = insert_layer(preset, 1, "Dropout", {"rate": 0.5})
    assert (edit.label, edit.focus) == ("add Dropout", 1)
    assert [ls.type for ls in preset.model.layers] == before  # nothing changed yet
    new = edit.applied_to(preset)
    assert [ls.type for ls in new.model.layers] == ["Dense", "Dropout", "Dense"]
    assert [ls.type for ls in preset.model.layers] == before
