"""Presets: TOML files <-> validated specs -> engine models and trainers.

Also below both faces: the one run setup (:mod:`.run`), the editing document (:mod:`.document`, its
edits in :mod:`.layer_edits`, :mod:`.graph_edits`, :mod:`.settings_edits`), checkpoints and weights
files, the metrics record (:mod:`.records`), number formatting (:mod:`.format`), TOML writing and
Keras code.
"""

from .build import build_model, full_check, make_trainer, output_plans
from .errors import PresetError
from .loader import builtin_presets, load_preset, loads
from .data_spec import DataSpec
from .preset import LayerSpec, ModelSpec, OptimizerSpec, Preset, TrainingSpec

__all__ = ["DataSpec", "LayerSpec", "ModelSpec", "OptimizerSpec", "Preset", "PresetError", "TrainingSpec",
           "build_model", "builtin_presets", "full_check", "load_preset", "loads", "make_trainer", "output_plans"]
