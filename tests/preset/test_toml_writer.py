"""The TOML writer: what it writes loads back (nntui.preset.loader.loads) to an equal preset."""

import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from preset_texts import TWO_HEADS

from nntui.engine.config import Field
from nntui.engine.layers import LAYER_TYPES
from nntui.engine.losses import LOSSES
from nntui.engine.optimizers import OPTIMIZERS
from nntui.preset import load_preset, loads
from nntui.preset.loader import builtin_presets
from nntui.preset.data_spec import DataSpec
from nntui.preset.preset import LayerSpec, ModelSpec, OptimizerSpec, Preset, TrainingSpec
from nntui.preset.toml_writer import dumps, save_preset, write_atomic


def same(a: Preset, b: Preset) -> bool:
    return (a.name, a.description, a.data, a.model, a.training) == (b.name, b.description, b.data, b.model,
                                                                     b.training)


@pytest.mark.parametrize("name", list(builtin_presets()))
def test_shipped_presets_round_trip(name):
    preset = load_preset(name)
    assert same(loads(dumps(preset)), preset)


def test_graph_preset_round_trips_and_writes_only_non_defaults():
    preset = loads(TWO_HEADS)
    text = dumps(preset)
    assert same(loads(text), preset)
    assert "use_bias" not in text and "kernel_initializer" not in text
    assert 'outputs = [\n    "digit",\n    "parity",\n]' in text
    assert "amsgrad = true" in text and "beta_1" not in text


def test_tables_come_in_the_order_data_model_layers_training():
    text = dumps(loads(TWO_HEADS))
    heads = [line for line in text.splitlines() if line.startswith("[")]
    assert heads == ["[data]", "[model]"] + ["[[model.layers]]"] * 4 + [
        "[training]", "[training.loss]", "[training.loss_weights]", "[training.targets]", "[training.optimizer]"]


def test_strings_are_escaped():
    preset = load_preset("mnist")
    preset.name = 'a "b" \\ c\t\x01'
    assert loads(dumps(preset)).name == preset.name
    preset = load_preset("mnist")
    preset.description = 'quotes " and \\ and\nnewline and ünïcode ✓'
    assert loads(dumps(preset)).description == preset.description


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "p.toml"
    target.write_text("old")
    save_preset(load_preset("mnist"), target)
    assert same(loads(target.read_text()), load_preset("mnist"))
    assert [p.name for p in tmp_path.iterdir()] == ["p.toml"]
    assert stat.S_IMODE(os.stat(target).st_mode) & 0o600 == 0o600


def test_write_atomic_failure_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "p.toml"
    target.write_text("old")

    def boom(*args):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.toml"]


# ---------------------------------------------------------------------- property: any valid preset round-trips
def values_for(f: Field):
    if f.kind == "int":
        lo = int(f.min) if f.min is not None else -1000
        if f.min_exclusive:
            lo += 1
        hi = int(f.max) if f.max is not None else lo + 5000
        return st.integers(lo, hi)
    if f.kind == "float":
        lo = f.min if f.min is not None else -1e3
        hi = f.max if f.max is not None else 1e3
        return st.floats(lo, hi, allow_nan=False, exclude_min=f.min_exclusive, exclude_max=f.max_exclusive)
    if f.kind == "bool":
        return st.booleans()
    if f.kind == "choice":
        return st.sampled_from(f.choices)
    if f.kind == "shape":
        return st.lists(st.integers(1, 64), min_size=1, max_size=4).map(tuple)
    if f.kind == "pair":
        return st.tuples(st.integers(1, 9), st.integers(1, 9))
    return st.text(max_size=10)


@st.composite
def layer_specs(draw):
    type_name = draw(st.sampled_from(sorted(LAYER_TYPES)))
    cls = LAYER_TYPES[type_name]
    config = {}
    for f in cls.fields:
        if f.required or draw(st.booleans()):
            config[f.name] = draw(values_for(f))
        else:
            config[f.name] = f.default
    config = {f.name: f.validate(config[f.name]) if config[f.name] is not None else None for f in cls.fields}
    name = draw(st.none() | st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True))
    return LayerSpec(type_name, config, name, None)


@st.composite
def presets(draw):
    layers = draw(st.lists(layer_specs(), max_size=5))
    names = [ls.name for ls in layers if ls.name]
    if len(set(names)) != len(names):
        for ls in layers:
            ls.name = None
    opt = draw(st.sampled_from(sorted(OPTIMIZERS)))
    cls = OPTIMIZERS[opt]
    opt_config = {f.name: draw(values_for(f)) if draw(st.booleans()) else f.default for f in cls.fields}
    training = TrainingSpec(draw(st.sampled_from(sorted(LOSSES))), OptimizerSpec(opt, opt_config),
                            draw(st.integers(1, 4096)), draw(st.integers(1, 100)), draw(st.integers(0, 2**32 - 1)))
    data = DataSpec("mnist", draw(st.sampled_from([0.0, 0.1, 0.25])), draw(st.none() | st.integers(1, 60000)))
    model = ModelSpec(draw(st.lists(st.integers(1, 1000), min_size=1, max_size=3).map(tuple)), layers)
    name = draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
    return Preset(name, draw(st.text(max_size=40)), data, model, training)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(presets())
def test_any_valid_preset_round_trips(preset):
    assert same(loads(dumps(preset)), preset)
