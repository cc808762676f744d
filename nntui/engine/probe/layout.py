"""Where each layer's numbers live in the model's flat vectors.

A built :class:`~nntui.engine.model.Model` keeps every trainable weight in one vector ``theta``
(with its twin ``grad``) and the non-trainable ones (batch-norm statistics) in ``state``, each
layer's weights side by side in the order of the layer list. A :class:`LayerSlot` records a
layer's stretch of those vectors, so that statistics of one layer are slices of a snapshot's
vectors: no per-layer copies.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Model


@dataclass(frozen=True)
class WeightSlot:
    """One weight tensor: its Keras name, shape, and where it sits in ``theta`` (trainable) or ``state``."""

    name: str
    shape: tuple
    start: int
    stop: int
    trainable: bool


@dataclass(frozen=True)
class LayerSlot:
    """A layer's weights: the slice of ``theta`` holding all its trainable weights, and each weight."""

    index: int
    name: str
    type: str
    start: int
    stop: int
    weights: tuple[WeightSlot, ...]

    @property
    def size(self) -> int:
        """Trainable parameters of the layer."""
        return self.stop - self.start

    @property
    def main(self) -> WeightSlot | None:
        """The weight the statistics describe: the kernel (else the first trainable weight)."""
        trainable = [w for w in self.weights if w.trainable]
        for w in trainable:
            if w.name == "kernel":
                return w
        return trainable[0] if trainable else None

    def weight(self, name: str) -> WeightSlot | None:
        """The weight called ``name`` (``kernel``, ``bias``, ...), or None."""
        return next((w for w in self.weights if w.name == name), None)


def parameter_layout(model: Model) -> list[LayerSlot]:
    """Every layer's slot, in the order of ``model.layers`` (the model must be built)."""
    if not model.built:
        raise ValueError("build the model first")
    per_layer: dict[int, list[WeightSlot]] = {id(layer): [] for layer in model.layers}
    o_t = o_s = 0
    for layer, spec in model.weight_index:
        if spec.trainable:
            slot = WeightSlot(spec.name, spec.shape, o_t, o_t + spec.size, True)
            o_t += spec.size
        else:
            slot = WeightSlot(spec.name, spec.shape, o_s, o_s + spec.size, False)
            o_s += spec.size
        per_layer[id(layer)].append(slot)
    slots = []
    for i, layer in enumerate(model.layers):
        weights = tuple(per_layer[id(layer)])
        trainable = [w for w in weights if w.trainable]
        start = trainable[0].start if trainable else 0
        stop = trainable[-1].stop if trainable else 0
        slots.append(LayerSlot(i, layer.name, layer.type_name, start, stop, weights))
    return slots
