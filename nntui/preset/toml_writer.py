"""Writing a preset back to TOML (with tomli-w, the writer that pairs with tomllib), in the format
:func:`nntui.preset.loader.loads` reads.

Only what differs from a default is written for layers and optimisers (required settings always),
so a saved file reads like a hand-written one and round-trips to an equal preset; the tables come in
the order data, model, layers, training. Files are written atomically: a temporary file in the same
folder, flushed and fsynced, then renamed over the target with :func:`os.replace`.
"""

from __future__ import annotations

import os
from typing import Any

import tomli_w

from ..engine.layers import LAYER_TYPES
from ..engine.optimizers import OPTIMIZERS
from ..engine.schedules import SCHEDULES
from .atomic import atomic_write
from .edit_fields import non_default_settings
from .preset import Preset


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """The entries that are set (TOML has no null)."""
    return {k: v for k, v in values.items() if v is not None}


def _table(name: str, values: dict[str, Any], *, array: bool = False) -> str:
    """``[name]`` (or ``[[name]]``) and its keys, written by tomli-w; dict values become ``[name.key]`` tables."""
    if array:
        return f"[[{name}]]\n" + tomli_w.dumps(_present(values))
    return tomli_w.dumps({name: _present(values)})


def dumps(preset: Preset) -> str:
    """The preset as TOML text: the name, then [data], [model], each [[model.layers]], [training]."""
    chunks = ["# nntui preset (saved by the builder)\n",
              tomli_w.dumps(_present({"name": preset.name, "description": preset.description or None}))]
    data = preset.data
    chunks.append(_table("data", data.settings()))
    model = preset.model
    chunks.append(_table("model", {"input_shape": list(model.input_shape), "outputs": model.outputs}))
    for layer in model.layers:
        cls = LAYER_TYPES.get(layer.type)
        settings = non_default_settings(cls.fields, layer.config) if cls is not None else dict(layer.config)
        chunks.append(_table("model.layers", {"type": layer.type, "name": layer.name, "inputs": layer.inputs or None,
                                              **settings}, array=True))
    t = preset.training
    opt_cls = OPTIMIZERS.get(t.optimizer.type)
    opt = {"type": t.optimizer.type}
    if "learning_rate" in t.optimizer.config:
        opt["learning_rate"] = t.optimizer.config["learning_rate"]
    extra = non_default_settings(opt_cls.fields, t.optimizer.config) if opt_cls else dict(t.optimizer.config)
    opt.update({k: v for k, v in extra.items() if k != "learning_rate"})
    chunks.append(_table("training", {"loss": t.loss, "batch_size": t.batch_size, "epochs": t.epochs,
                                      "seed": t.seed, "loss_weights": t.loss_weights, "targets": t.targets,
                                      "optimizer": opt, "learning_rate_schedule": schedule_table(t.learning_rate_schedule),
                                      "early_stopping": t.early_stopping}))
    return "\n".join(chunks)


def schedule_table(schedule: dict | None) -> dict | None:
    """A learning-rate schedule as the preset writes it: its type, then the settings that differ from
    the defaults (required ones always; lists for the boundaries and values)."""
    if schedule is None:
        return None
    cls = SCHEDULES.get(schedule.get("type"))
    settings = {k: v for k, v in schedule.items() if k != "type"}
    if cls is not None:
        settings = non_default_settings(cls.fields, settings)
    return {"type": schedule["type"], **{k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}}


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8, LF line ends) to ``path`` atomically."""
    atomic_write(path, text.encode("utf-8"))


def save_preset(preset: Preset, path: str | os.PathLike) -> None:
    """Write the preset as TOML to ``path`` atomically (overwrites: ask the user first)."""
    write_atomic(path, dumps(preset))


__all__ = ["dumps", "save_preset", "schedule_table", "write_atomic"]
