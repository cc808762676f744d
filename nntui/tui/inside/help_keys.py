"""The Inside view's keys, for the help of every screen that shows it (the training screen's Inside
tab, the Inside screen of the builder and the Draw pad)."""

from __future__ import annotations

INSIDE_KEYS = [
    ("← →", "The previous / next sample (test images; a drawing sent from the pad comes first)"),
    ("m", "The next sample the network gets wrong"),
    ("0-9", "The next sample of that digit"),
    ("↑ ↓ / k j", "The previous / next layer (each layer's output for the chosen sample)"),
    ("[ ]", "Page through the feature maps or units of the layer (\"+N more\")"),
    ("v", "The next part of the layer's detail (compact layout: output, weights, kernels)"),
    ("h", "All the health notes (dead units, vanishing gradients, update ratio, loss, over-fitting) / back"),
]
WHAT_IT_SHOWS = [
    ("layers", "Every layer in graph order: name, type, output shape; maps as grey pictures, vectors as heat "
               "strips, the output as ten probability bars with the true class marked"),
    ("weights", "Histograms of the weights and the last gradients, mean, std, update ratio ||Δw||/||w||; a first "
                "Dense layer's units as 28x28 pictures, Conv2D kernels as tiny pictures"),
    ("health", "Plain-words warnings, each with what it means and what to try (✓ ok, ! warning)"),
]
