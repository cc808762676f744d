"""Hostile preset files: random and mutated presets either load or raise PresetError naming the field."""

from __future__ import annotations

import copy
import math
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nntui.preset import PresetError, builtin_presets, loads
from nntui.preset.build import build_model, full_check
from nntui.preset.preset import parse_preset

SHIPPED = {name: path.read_text() for name, path in builtin_presets().items()}
PARSED = {name: tomllib.loads(text) for name, text in SHIPPED.items()}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.integers(min_value=-2**63, max_value=2**63 - 1), st.sampled_from([0, -1, -3, 1 << 40, 10**18]),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.text(max_size=20),
    st.sampled_from(["Dense", "relu", "softmax", "rmsprop", "", "input", "mse"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def check_outcome(load):
    """Loading either succeeds (and the model can be checked) or raises a one-line PresetError with a field."""
    try:
        preset = load()
    except PresetError as exc:
        text = str(exc)
        assert "\n" not in text and text.startswith("x.toml")
        assert exc.reason
        return None
    report = full_check(preset, build_model(preset.model))  # never raises: errors go into the report
    assert report.ok or report.error is not None
    return preset


def paths(tree, prefix=()):
    """Every key path in a nested dict/list structure."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


def mutate(tree, path, action, value):
    node = tree
    for key in path[:-1]:
        node = node[key]
    key = path[-1]
    if action == "replace":
        node[key] = value
    elif action == "delete":
        del node[key]
    elif action == "nest":
        deep = value
        for _ in range(60):
            deep = {"x": deep}
        node[key] = deep
    elif action == "add" and isinstance(node, dict):
        node[f"unknown_{len(node)}"] = value


@FUZZ
@given(name=st.sampled_from(sorted(PARSED)), data=st.data(),
       action=st.sampled_from(["replace", "delete", "nest", "add"]), value=values)
def test_structurally_mutated_presets(name, data, action, value):
    tree = copy.deepcopy(PARSED[name])
    path = data.draw(st.sampled_from(list(paths(tree))))
    mutate(tree, path, action, value)
    preset = check_outcome(lambda: parse_preset(tree, "x.toml"))
    if preset is not None:
        assert all(math.isfinite(v) for v in (preset.data.validation_split,))


@FUZZ
@given(name=st.sampled_from(sorted(SHIPPED)), data=st.data())
def test_textually_mutated_presets(name, data):
    lines = SHIPPED[name].splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    kind = data.draw(st.sampled_from(["drop", "dup", "garble", "truncate"]))
    if kind == "drop":
        del lines[i]
    elif kind == "dup":
        lines.insert(i, lines[i])
    elif kind == "garble":
        j = data.draw(st.integers(0, max(0, len(lines[i]) - 1)))
        lines[i] = lines[i][:j] + data.draw(st.text(min_size=1, max_size=3)) + lines[i][j + 1:]
    else:
        lines = lines[:i]
    check_outcome(lambda: loads("\n".join(lines), "x.toml"))


@FUZZ
@given(raw=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "x.toml"
    path.write_bytes(raw)
    from nntui.preset.loader import read_text

    check_outcome(lambda: loads(read_text(path, "x.toml"), "x.toml"))


def test_empty_deep_and_invalid_utf8(tmp_path):
    from nntui.preset.loader import read_text

    assert check_outcome(lambda: loads("", "x.toml")) is None
    assert check_outcome(lambda: loads("a = " + "[" * 5000 + "]" * 5000, "x.toml")) is None
    path = tmp_path / "x.toml"
    path.write_bytes(b"name = 'caf\xe9'\n")
    assert check_outcome(lambda: loads(read_text(path, "x.toml"), "x.toml")) is None
