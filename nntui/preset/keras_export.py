"""The way out to Keras: ``DIR/model.py`` (the Keras code the builder shows) and ``DIR/weights.npz``.

``model.py`` defines ``build_model()``, which returns the compiled Keras model with the weights of
``weights.npz`` loaded when that file is beside it (see :mod:`.keras_code`); both files are written
atomically, the folder checked before anything is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..engine.model import Model
from .atomic import atomic_write
from .keras_code import keras_code
from .outputs import check_output_folder
from .preset import Preset
from .weights_file import save_weights

MODEL_FILE = "model.py"
WEIGHTS_FILE = "weights.npz"


def export_keras(preset: Preset, model: Model, folder: str | os.PathLike) -> tuple[Path, Path]:
    """Write the Keras module and the model's weights into ``folder``; (model.py, weights.npz).

    Raises OutputError (the folder cannot be written) or WeightsError, each one line naming the path.
    """
    folder = check_output_folder(folder)
    code_path, weights_path = folder / MODEL_FILE, folder / WEIGHTS_FILE
    save_weights(model, weights_path)
    atomic_write(code_path, keras_code(preset).encode("utf-8"))
    return code_path, weights_path
