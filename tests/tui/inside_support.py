"""Helpers for the Inside view's tests: small dense and convolutional presets trained a fixed number of
steps on the synthetic glyph digits (fixed seed), and the harness app around them."""

from __future__ import annotations

from test_training_support import glyph_arrays, small_preset

from nntui.engine.events import BatchEnded
from nntui.engine.probe import RunInspector
from nntui.tui.inside.harness import InsideHarnessApp, prepare

ARRAYS = glyph_arrays()
STEPS = 30  # epoch 2, batch 13 of 17


def conv_preset(filters: int = 8, epochs: int = 2):
    """Reshape to 28x28x1, Conv2D relu, MaxPooling2D, Flatten, Dense 10 softmax."""
    return small_preset(epochs=epochs, layers=(
        '[[model.layers]]\ntype = "Reshape"\ntarget_shape = [28, 28, 1]\n'
        f'[[model.layers]]\ntype = "Conv2D"\nfilters = {filters}\nkernel_size = 3\nactivation = "relu"\n'
        '[[model.layers]]\ntype = "MaxPooling2D"\npool_size = 2\n'
        '[[model.layers]]\ntype = "Flatten"\n'
        '[[model.layers]]\ntype = "Dense"\nunits = 10\nactivation = "softmax"\n'))


def dense_preset(epochs: int = 2):
    """Dense 64 relu, Dense 10 softmax (like the shipped mnist preset, smaller)."""
    return small_preset(epochs=epochs)


_TRAINED: dict = {}


def trained(preset, steps: int | None = STEPS, arrays=ARRAYS):
    """Train ``steps`` optimiser steps (None: the whole run); (model, samples, last inspection, history).

    Kept per preset and steps for the session: the view never changes the model (it probes a copy).
    """
    key = (repr(preset.model), repr(preset.training), steps, id(arrays))
    if key not in _TRAINED:
        _TRAINED[key] = _train(preset, steps, arrays)
    return _TRAINED[key]


def _train(preset, steps, arrays):
    model, trainer, (train, val, test), samples = prepare(preset, arrays)
    trainer.threads = 1  # the same sums whatever the machine's load (the engine's own choice follows it)
    inspector = RunInspector(model, trainer.optimizer, test.x[:128])
    last, done = None, 0
    for event in trainer.fit(train, epochs=preset.training.epochs, batch_size=preset.training.batch_size,
                             validation=val):
        found = inspector.on_event(event)
        if found is not None:
            last = found
        if isinstance(event, BatchEnded):
            done += 1
            if steps is not None and done == steps - 1:
                inspector.recorder.arm()
            if steps is not None and done == steps:
                last = inspector.inspect()
                break
    return model, samples, last, list(inspector.history)


class SnapshotInsideApp(InsideHarnessApp):
    ENABLE_COMMAND_PALETTE = False


def inside_app(preset, steps: int | None = STEPS, **kwargs) -> InsideHarnessApp:
    model, samples, inspection, history = trained(preset, steps)
    return SnapshotInsideApp(model, samples, inspection, history=history, **kwargs)
