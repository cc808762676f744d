"""The settings a preset editor changes besides the layers, as Fields, and helpers for layer names and settings.

The Fields carry the same limits the preset loader applies, so the editor and the loader agree on
what is valid. The helpers turn typed text into layer names, give a new layer its starting
settings and tell which settings differ from their defaults (what the TOML writer and the Keras
code keep). Nothing here imports textual.
"""

from __future__ import annotations

from typing import Any

from ..engine.config import ConfigError, Field, describe
from ..engine.layers import LAYER_TYPES
from .preset import MAX_BATCH, MAX_EPOCHS

#: The settings a user edits besides the layers, as Fields (the same limits the loader applies).
INPUT_SHAPE_FIELD = Field("input_shape", "shape", doc="the shape of one sample, without the batch axis",
                          max_value=1 << 20)
TRAINING_FIELDS = {
    "batch_size": Field("batch_size", "int", 32, "samples per gradient step", min=1, max=MAX_BATCH),
    "epochs": Field("epochs", "int", 1, "passes over the training data", min=1, max=MAX_EPOCHS),
    "seed": Field("seed", "int", 0, "seed for the initial weights and the shuffling", min=0, max=2**32 - 1,
                  max_value=2**32 - 1),
    "validation_split": Field("validation_split", "float", 0.0, "last fraction of the training data kept "
                              "for validation", min=0.0, max=1.0, max_exclusive=True),
    "limit": Field("limit", "int", None, "use only the first N training samples (empty: all)", min=1,
                   allow_none=True, max_value=10**9),
}
NAME_FIELD = Field("name", "str", doc="the preset's name")
#: The weight of one output's loss in the total (the loader's limits).
LOSS_WEIGHT_FIELD = Field("loss_weight", "float", 1.0, "this output's weight in the total loss", min=0.0, max=1e6)
#: Where a run writes its checkpoint (a folder; empty: no checkpoint). Not part of the preset file.
CHECKPOINT_FIELD = Field("checkpoint", "str", None, "folder for a checkpoint after each epoch (empty: none)",
                         allow_none=True)
MAX_LAYERS = 1000


def valid_layer_name(value: Any, what: str = "name") -> str:
    """A layer name as presets accept it (letters, digits, '_', '-', '.'), else ConfigError."""
    if (not isinstance(value, str) or not value or len(value) > 64
            or not all(c.isalnum() or c in "_-." for c in value)):
        raise ConfigError(what, f"expected a name of letters, digits, '_', '-' or '.', got {describe(value)}")
    return value


def parse_names(text: str, what: str = "inputs") -> list[str] | None:
    """'dense, input' -> ['dense', 'input']; empty text -> None (the previous layer)."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        return None
    return [valid_layer_name(p, what) for p in parts]


def starter_config(type_name: str) -> dict[str, Any]:
    """The settings a new layer of this type starts from: every default; required ones left out."""
    cls = LAYER_TYPES[type_name]
    return {f.name: f.default for f in cls.fields if not f.required}


def same_value(f: Field, value: Any, other: Any) -> bool:
    """Whether two values of a field are the same once normalised (e.g. pair 3 == (3, 3))."""
    def norm(v):
        try:
            return f.validate(v)
        except ConfigError:
            return v
    return norm(value) == norm(other)


def non_default_settings(fields, config: dict) -> dict[str, Any]:
    """The settings that differ from their defaults (required ones always included), in field order."""
    out = {}
    for f in fields:
        if f.name not in config:
            continue
        value = config[f.name]
        if f.required or not same_value(f, value, f.default):
            out[f.name] = value
    return out


__all__ = ["CHECKPOINT_FIELD", "INPUT_SHAPE_FIELD", "LOSS_WEIGHT_FIELD", "MAX_LAYERS", "NAME_FIELD",
           "TRAINING_FIELDS", "non_default_settings", "parse_names", "same_value", "starter_config",
           "valid_layer_name"]
