"""One sample (or a few) through a copy of the network, every layer's output kept.

:class:`Probe` builds a *shadow* of the model: the same layers, built from their configs, with
their own parameter vectors and their own scratch buffers. :meth:`Probe.load` copies a
:class:`~.snapshot.WeightSnapshot` into it; :meth:`Probe.outputs` then runs the forward pass in
inference mode (BatchNormalization on its moving statistics, Dropout off) and returns each layer's
output in graph order. The trained model is never run: its buffers, its layers' kept inputs, the
Conv2D -> MaxPooling2D hand-off, its random generators and batch-norm statistics stay as the
training loop left them, and the probe may run on another thread than the training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..layers import create_layer
from ..model import INPUT, Model
from .layout import parameter_layout
from .snapshot import WeightSnapshot


@dataclass(frozen=True, eq=False)
class LayerOutput:
    """What one layer made of the probed samples: ``value`` is a copy, shaped ``(n, *shape[1:])``."""

    index: int  # in model.layers
    name: str
    type: str
    shape: tuple  # Keras notation, batch axis None
    value: np.ndarray


def shadow_model(model: Model) -> Model:
    """A built model with the same layers, inputs and outputs as ``model`` and weights of its own."""
    layers = [create_layer(layer.type_name, name=layer.name, **layer.get_config()) for layer in model.layers]
    shadow = Model(model.input_shape[1:], layers, inputs=[list(names) for names in model.inputs],
                   outputs=list(model.outputs), name=model.name)
    shadow.build(seed=0, dtype=model.dtype)
    return shadow


def rectified(layer) -> bool:
    """Whether the layer's output is a relu (a unit that is never positive is dead)."""
    return getattr(layer, "activation_is_final", True) and layer.config.get("activation") == "relu"


class Probe:
    """Runs samples through a shadow of ``model`` loaded from snapshots."""

    def __init__(self, model: Model):
        if not model.built:
            raise ValueError("build the model first")
        self.model = model
        self.shadow = shadow_model(model)
        if self.shadow.theta.size != model.theta.size or self.shadow.state.size != model.state.size:
            raise ValueError("the model's layers did not rebuild to the same weights")
        self.order = self.shadow.topological_order()
        self.layout = parameter_layout(model)
        self.input_shape = tuple(model.input_shape[1:])
        self.snapshot: WeightSnapshot | None = None
        self.load(WeightSnapshot.of_model(model))

    def load(self, snapshot: WeightSnapshot) -> None:
        """Use the weights of ``snapshot`` from now on."""
        np.copyto(self.shadow.theta, snapshot.theta)
        np.copyto(self.shadow.state, snapshot.state)
        self.snapshot = snapshot

    def _batch(self, x) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=self.shadow.dtype)
        if x.shape == self.input_shape:
            x = x[None]
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"the model reads samples of shape {self.input_shape}; got {x.shape[1:]}")
        return x

    def _run(self, x) -> dict[str, np.ndarray]:
        model = self.shadow
        values = {INPUT: x}
        for i in self.order:
            layer, names = model.layers[i], model.inputs[i]
            arg = [values[n] for n in names] if layer.multi_input else values[names[0]]
            values[layer.name] = layer.forward(arg, False)
        return values

    def outputs(self, x) -> list[LayerOutput]:
        """Every layer's output for the samples ``x`` (one sample, or a batch), in graph order."""
        values = self._run(self._batch(x))
        model = self.shadow
        return [LayerOutput(i, model.layers[i].name, model.layers[i].type_name,
                            tuple(model.layers[i].output_shape), np.array(values[model.layers[i].name]))
                for i in self.order]

    def predict(self, x) -> dict[str, np.ndarray]:
        """The model's outputs (by layer name) for the samples ``x``, copied."""
        values = self._run(self._batch(x))
        return {name: np.array(values[name]) for name in self.shadow.outputs}

    @property
    def rectified_layers(self) -> list[str]:
        """Names of the relu layers (whose units can die), in graph order."""
        return [self.shadow.layers[i].name for i in self.order if rectified(self.shadow.layers[i])]

    def unit_peaks(self, x) -> dict[str, np.ndarray]:
        """For each relu layer, every unit's largest output (last axis) over the samples ``x`` and positions."""
        wanted = set(self.rectified_layers)
        if not wanted:
            return {}
        values = self._run(self._batch(x))
        return {name: values[name].reshape(-1, values[name].shape[-1]).max(axis=0) for name in self.rectified_layers}

    def dead_fractions(self, x) -> dict[str, float]:
        """For each relu layer, the share of its units (last axis) never positive on any of the samples ``x``.

        A unit of a Conv2D is a channel: dead when it is zero at every position of every sample.
        """
        return dead_shares(self.unit_peaks(x))


def dead_shares(peaks: dict[str, np.ndarray]) -> dict[str, float]:
    """The share of units whose peak output is not positive, per layer."""
    return {name: float(np.count_nonzero(p <= 0)) / p.size for name, p in peaks.items()}
