"""The builder's Inside (I) and Draw (D) keys: which weights they show, and opening them.

The weights are those the next run starts from: the model trained last or loaded (``app.trained``,
while the builder's model is still that model), else the preset's fresh, seeded ones (instructive
too, for Inside; the Draw pad needs trained or loaded weights). Both get a copy of the weights,
taken while no run holds them.
"""

from __future__ import annotations

from ...engine.model import Model
from ...preset import build_model
from ...preset.preset import Preset

BUSY_WAIT = 2.0  # seconds to wait for a run that is letting go of the weights


def kept_about(app, preset: Preset) -> str | None:
    """What the trained or loaded weights are ('trained 3 epochs (1,200 batches)', 'loaded from w.npz'),
    when ``app.trained`` holds ``preset``'s model with such weights; else None."""
    state = app.trained
    if state is None or not state.matches(preset):
        return None
    note = app.start_note
    if state.trained:
        return state.trained_text()
    if note is not None and note[1] is state:
        return note[0].replace("starts from the weights in ", "loaded from ")
    return None


def kept_weights(app, preset: Preset) -> tuple[Model, str] | None:
    """(a copy of the trained or loaded model, what its weights are), see :func:`kept_about`."""
    about = kept_about(app, preset)
    state = app.trained
    if about is None or not state.busy.acquire(timeout=BUSY_WAIT):
        return None
    try:
        from ..inside.launch import model_copy  # the views are imported when first opened: the builder shows sooner

        return model_copy(state.model), about
    finally:
        state.busy.release()


def show_inside(app, preset: Preset) -> None:
    """The Inside view of the model's start weights (kept, else fresh)."""
    kept = kept_weights(app, preset)
    if kept is None:
        model = build_model(preset.model).build(seed=preset.training.seed)
        kept = model, f"fresh weights (seed {preset.training.seed}, untrained)"
    from ..inside.launch import open_inside

    open_inside(app, preset, kept[0], about=kept[1], data_dir=app.data_dir)


def show_draw(app, preset: Preset) -> bool:
    """The Draw pad for the trained or loaded weights; False (nothing opened) without them."""
    kept = kept_weights(app, preset)
    if kept is None:
        return False
    from ..draw.launch import open_draw

    open_draw(app, preset, kept[0], about=kept[1], data_dir=app.data_dir)
    return True
