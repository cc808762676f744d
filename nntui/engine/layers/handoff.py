"""Handing a layer's activation derivative to the max-pooling layer that reads its output.

A Conv2D with an element-wise activation (relu, ...) followed by MaxPooling2D would otherwise apply
the activation's derivative to the full-size gradient that the pooling scatters back, although
only one position per window is non-zero. The pooling layer can instead apply it to its small
pooled gradient: at each window's winning position the activation output equals the pooled
maximum, and the derivatives of these activations depend on the output alone. The layers stay
separate and know nothing of the graph; they meet through the output array:

1. the producer's forward *offers* its output (:func:`offer`);
2. a max-pooling forward in training mode that receives exactly that array *claims* it
   (:func:`claim`; one claimant per forward);
3. the claimant's backward applies the derivative on the pooled gradient and tells the producer
   which array it returned (``producer.preactivated = dx``);
4. the producer's backward: if it receives exactly that array (the model passes a sole
   consumer's gradient on unchanged), the gradient is already dL/dz; if the model summed it with
   other consumers' gradients, the producer subtracts the pre-activated part, applies its
   derivative to the rest and adds the part back; if the claimant never ran backward, nothing changes.
"""

from __future__ import annotations

import weakref

#: Activations that act element by element and whose derivative follows from their output.
ELIGIBLE = frozenset({"relu", "leaky_relu", "elu", "sigmoid", "tanh"})

_OFFERS: weakref.WeakValueDictionary[int, object] = weakref.WeakValueDictionary()


def eligible(layer) -> bool:
    """Whether ``layer`` may hand its activation derivative on (an element-wise activation, not fused)."""
    act = layer.config.get("activation")
    return act in ELIGIBLE and not layer.fused_output


def offer(layer, out) -> None:
    """Forward of ``layer`` produced ``out``: a max-pooling layer reading it may take the derivative."""
    withdraw(layer)
    layer.handoff_output = out
    layer.handoff_claimed = False
    _OFFERS[id(out)] = layer


def withdraw(layer) -> None:
    """Forward of ``layer`` produced an output it does not offer (its previous offer ends)."""
    old = getattr(layer, "handoff_output", None)
    if old is not None and _OFFERS.get(id(old)) is layer:
        del _OFFERS[id(old)]
    layer.handoff_output = None
    layer.handoff_claimed = True
    layer.preactivated = None


def claim(x):
    """The layer that offered exactly the array ``x`` and is not yet claimed (claiming it), or None."""
    layer = _OFFERS.get(id(x))
    if layer is None or getattr(layer, "handoff_output", None) is not x or layer.handoff_claimed:
        return None
    if not eligible(layer):
        return None
    layer.handoff_claimed = True
    return layer
