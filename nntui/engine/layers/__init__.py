"""Layer registry: every layer type the engine has, by its Keras name."""

from __future__ import annotations

from .base import Layer, WeightSpec, snake_case
from .conv import Conv2D
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .lstm import LSTM
from .merge import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract
from .normalization import BatchNormalization
from .pooling import AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D
from .recurrent import SimpleRNN

LAYER_TYPES: dict[str, type[Layer]] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Add a layer class to the registry under its ``type_name``."""
    LAYER_TYPES[cls.type_name] = cls
    return cls


for _cls in (Dense, Activation, Flatten, Reshape, Dropout, Conv2D, MaxPooling2D, AveragePooling2D,
             GlobalAveragePooling2D, BatchNormalization, SimpleRNN, LSTM):
    register(_cls)
for _cls in (Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum):
    register(_cls)


def create_layer(type_name: str, name: str | None = None, **config) -> Layer:
    """Instantiate a registered layer type from its config (raises KeyError for an unknown type)."""
    return LAYER_TYPES[type_name](name=name, **config)


__all__ = ["LAYER_TYPES", "Layer", "WeightSpec", "create_layer", "register", "snake_case",
           "Dense", "Activation", "Flatten", "Reshape", "Dropout", "Conv2D", "MaxPooling2D", "AveragePooling2D",
           "GlobalAveragePooling2D", "BatchNormalization", "SimpleRNN", "LSTM",
           "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
