"""Opening the Draw pad over any screen, its Inside key wired to the Inside view of the drawing."""

from __future__ import annotations

import numpy as np

from ...engine.model import Model
from ...preset.preset import Preset
from ..inside.launch import model_copy, open_inside
from .screen import DrawScreen


def open_draw(app, preset: Preset, model: Model, *, about: str = "", data_dir=None, arrays=None) -> DrawScreen:
    """Push the pad for a copy of ``model``'s weights (call it between batches, or with no run under way);
    the pad's Inside key (i) opens the Inside view with the user's prepared drawing first."""
    weights = model.get_weights()

    def inside(image: np.ndarray) -> None:
        open_inside(app, preset, model_copy(model, weights), about=f"weights {about}" if about else "",
                    data_dir=data_dir, arrays=arrays, drawn=image)

    screen = DrawScreen(preset, weights, about=about, inside=inside)
    app.push_screen(screen)
    return screen
