"""The engine: pure NumPy layers, losses, optimisers, the model graph and the training loop.

It imports nothing from the faces (no textual, rich or click) and nothing from nntui outside
this package, so it can be used on its own.
"""

from .config import ConfigError, Field
from .events import BatchEnded, EpochEnded, EpochStarted, Evaluating, RunEnded, RunStarted
from .layers import LAYER_TYPES, Layer, create_layer
from .losses import LOSSES, Loss, get_loss
from .model import GraphError, Model, ModelShapeError, ShapeReport
from .optimizers import OPTIMIZERS, Optimizer, get_optimizer
from .shapes import ShapeError, format_shape
from .training import Dataset, Trainer, TrainingRun

__all__ = [
    "BatchEnded", "ConfigError", "Dataset", "EpochEnded", "EpochStarted", "Evaluating", "Field", "GraphError",
    "LAYER_TYPES", "LOSSES", "Layer", "Loss", "Model", "ModelShapeError", "OPTIMIZERS", "Optimizer", "RunEnded",
    "RunStarted", "ShapeError", "ShapeReport", "Trainer", "TrainingRun", "create_layer", "format_shape",
    "get_loss", "get_optimizer",
]
