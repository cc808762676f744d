"""Opening the Inside view over any screen: for a copy of a model's weights, never the model itself.

The builder and the training screen (and the Draw pad, for a drawing) push
:class:`~.inside_screen.InsideScreen` through :func:`open_inside`; :func:`model_copy` gives it a model
of its own, so that nothing the view does touches the weights a run may train on later.
"""

from __future__ import annotations

import numpy as np

from ...engine.model import Model
from ...engine.probe.forward import shadow_model
from ...preset.preset import Preset
from .inside_screen import InsideScreen


def model_copy(model: Model, weights: dict[str, np.ndarray] | None = None) -> Model:
    """A built model with ``model``'s layers and a copy of its weights (or of ``weights``, by path)."""
    copy = shadow_model(model)
    copy.set_weights(model.get_weights() if weights is None else weights)
    return copy


def open_inside(app, preset: Preset, model: Model, *, about: str = "", data_dir=None, arrays=None,
                drawn: np.ndarray | None = None) -> InsideScreen:
    """Push the Inside view of ``model`` (give it a copy: see :func:`model_copy`) on ``app``."""
    screen = InsideScreen(preset, model, data_dir=data_dir, arrays=arrays, weights=about, drawn=drawn)
    app.push_screen(screen)
    return screen
