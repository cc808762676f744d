"""Writing a preset back to TOML, in the format :func:`nntui.preset.loader.loads` reads.

Only what differs from a default is written for layers and optimisers (required settings always),
so a saved file reads like a hand-written one and round-trips to an equal preset. Files are
written atomically: a temporary file in the same folder, flushed and fsynced, then renamed over
the target with :func:`os.replace`.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

from ..engine.layers import LAYER_TYPES
from ..engine.optimizers import OPTIMIZERS
from .atomic import atomic_write
from .edit_fields import non_default_settings
from .preset import Preset

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def toml_key(key: str) -> str:
    """A bare key when possible, else a quoted one."""
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string with the required escapes."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """Render a value: bool, int, float, str, list/tuple (array) or dict (inline table)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = [f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _line(key: str, value: Any) -> str:
    return f"{toml_key(key)} = {toml_value(value)}"


def dumps(preset: Preset) -> str:
    """The preset as TOML text."""
    lines = ["# nntui preset (saved by the builder)", _line("name", preset.name)]
    if preset.description:
        lines.append(_line("description", preset.description))

    data = preset.data
    lines += ["", "[data]", _line("dataset", data.dataset)]
    if data.validation_split:
        lines.append(_line("validation_split", data.validation_split))
    if data.limit is not None:
        lines.append(_line("limit", data.limit))

    model = preset.model
    lines += ["", "[model]", _line("input_shape", list(model.input_shape))]
    if model.outputs is not None:
        lines.append(_line("outputs", model.outputs))
    for layer in model.layers:
        lines += ["", "[[model.layers]]", _line("type", layer.type)]
        if layer.name is not None:
            lines.append(_line("name", layer.name))
        if layer.inputs:
            lines.append(_line("inputs", layer.inputs))
        cls = LAYER_TYPES.get(layer.type)
        settings = non_default_settings(cls.fields, layer.config) if cls is not None else dict(layer.config)
        for key, value in settings.items():
            if value is not None:
                lines.append(_line(key, value))

    t = preset.training
    lines += ["", "[training]", _line("loss", t.loss)]
    opt_cls = OPTIMIZERS.get(t.optimizer.type)
    opt = {"type": t.optimizer.type}
    if "learning_rate" in t.optimizer.config:
        opt["learning_rate"] = t.optimizer.config["learning_rate"]
    extra = non_default_settings(opt_cls.fields, t.optimizer.config) if opt_cls else dict(t.optimizer.config)
    opt.update({k: v for k, v in extra.items() if k != "learning_rate"})
    lines.append(_line("optimizer", opt))
    lines += [_line("batch_size", t.batch_size), _line("epochs", t.epochs), _line("seed", t.seed)]
    if t.loss_weights is not None:
        lines.append(_line("loss_weights", t.loss_weights))
    if t.targets is not None:
        lines.append(_line("targets", t.targets))
    if t.early_stopping is not None:
        lines.append(_line("early_stopping", t.early_stopping))
    return "\n".join(lines) + "\n"


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8, LF line ends) to ``path`` atomically."""
    atomic_write(path, text.encode("utf-8"))


def save_preset(preset: Preset, path: str | os.PathLike) -> None:
    """Write the preset as TOML to ``path`` atomically (overwrites: ask the user first)."""
    write_atomic(path, dumps(preset))


__all__ = ["dumps", "save_preset", "toml_string", "toml_value", "write_atomic"]
