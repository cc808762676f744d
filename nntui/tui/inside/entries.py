"""What the Inside view knows of each layer before any sample runs: one :class:`LayerEntry` per row.

The list starts with the model's input and follows the graph order of the engine's probe. ``kind``
says how the layer's output is drawn (``image`` the input picture, ``maps`` channels of an image,
``sequence`` a (timesteps, features) picture, ``vector`` a heat strip, ``probabilities`` bars);
``unit_image`` is set for a Dense layer that reads the input's pixels directly, whose units' weights
can be drawn as pictures of the input's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...engine.layers import LAYER_TYPES
from ...engine.model import INPUT, Model
from ...engine.probe import LayerSlot, Probe
from .samples import image_of

PASS_THROUGH = ("Flatten", "Reshape", "Dropout")


@dataclass(frozen=True)
class LayerEntry:
    """One row of the layer list: the input (``index`` None) or a layer of the model."""

    position: int
    index: int | None
    name: str
    type: str
    shape: tuple
    kind: str
    settings: str = ""
    description: str = ""
    slot: LayerSlot | None = None
    activation: str | None = None
    unit_image: tuple[int, int] | None = None
    is_output: bool = False

    @property
    def shape_text(self) -> str:
        """The shape without the batch axis: '26×26×32'."""
        return "×".join(str(d) for d in self.shape[1:])

    @property
    def has_weights(self) -> bool:
        return self.slot is not None and self.slot.size > 0


def settings_text(layer) -> str:
    """The few settings that say what a layer is: '32 × 3×3 relu', '512 relu', '2×2', 'rate 0.5'."""
    c = layer.config
    final = getattr(layer, "activation_is_final", True)
    act = f" {c['activation']}" if final and c.get("activation") not in (None, "linear") else ""
    t = layer.type_name
    if t == "Conv2D":
        kh, kw = c["kernel_size"]
        extra = "" if tuple(c["strides"]) == (1, 1) else f" stride {c['strides'][0]}"
        return f"{c['filters']} × {kh}×{kw}{act}{extra}" + (" same" if c["padding"] == "same" else "")
    if t in ("MaxPooling2D", "AveragePooling2D"):
        ph, pw = c["pool_size"]
        return f"{ph}×{pw}" + ("" if c["strides"] is None else f" stride {c['strides'][0]}")
    if "units" in c:
        return f"{c['units']}{act}"
    if t == "Dropout":
        return f"rate {c['rate']:g}"
    if t == "Activation":
        return c["activation"]
    if t == "Reshape":
        return "→ " + "×".join(str(d) for d in c["target_shape"])
    return act.strip()


def _reads_pixels(model: Model, i: int) -> bool:
    """Whether layer ``i`` reads the model's input through nothing but Flatten/Reshape/Dropout."""
    names = model.inputs[i]
    while len(names) == 1:
        if names[0] == INPUT:
            return True
        j = next(k for k, layer in enumerate(model.layers) if layer.name == names[0])
        if model.layers[j].type_name not in PASS_THROUGH:
            return False
        names = model.inputs[j]
    return False


def kind_of(shape: tuple, is_output: bool, activation: str | None) -> str:
    """How an output of ``shape`` (Keras notation) is drawn."""
    if len(shape) == 4:
        return "maps"
    if len(shape) == 3:
        return "sequence"
    if is_output and (activation == "softmax" or (activation == "sigmoid" and shape[-1] == 1)):
        return "probabilities"
    return "vector"


def layer_entries(model: Model, probe: Probe) -> list[LayerEntry]:
    """The input, then every layer in graph order."""
    input_shape = tuple(model.input_shape)
    picture = image_of(np.zeros(input_shape[1:], np.float32))
    entries = [LayerEntry(0, None, INPUT, "InputLayer", input_shape, "image" if picture is not None else "vector",
                          description="the sample the network reads")]
    for i in probe.order:
        layer = model.layers[i]
        shape = tuple(layer.output_shape)
        activation = layer.config.get("activation") if getattr(layer, "activation_is_final", True) else None
        is_output = layer.name in model.outputs
        unit_image = None
        if layer.type_name == "Dense" and picture is not None and _reads_pixels(model, i) \
                and layer.weights["kernel"].shape[0] == picture.size:
            unit_image = picture.shape
        cls = LAYER_TYPES.get(layer.type_name)
        entries.append(LayerEntry(len(entries), i, layer.name, layer.type_name, shape,
                                  kind_of(shape, is_output, activation), settings_text(layer),
                                  cls.description if cls else "", probe.layout[i], activation, unit_image, is_output))
    return entries

