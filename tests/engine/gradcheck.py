"""Finite-difference helpers shared by the engine tests (float64, central differences)."""

from __future__ import annotations

import numpy as np

EPS = 1e-6


def numerical_gradient(f, x, eps=EPS):
    """dF/dx by central differences; ``f()`` reads ``x``, which is perturbed in place and restored."""
    grad = np.zeros(x.shape, np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    assert np.shares_memory(flat, x), "x must be contiguous so that it can be perturbed in place"
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """max |a - b| relative to the larger of the two gradients' scales (0 when both vanish)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0))
    return 0.0 if scale == 0 else float(np.abs(a - b).max() / scale)


def assert_gradients_close(analytic, numeric, tol=1e-5, what="gradient"):
    """Fail with both arrays shown when the relative error exceeds ``tol``."""
    assert analytic.shape == numeric.shape, (analytic.shape, numeric.shape)
    err = relative_error(analytic, numeric)
    assert err < tol, f"{what}: relative error {err:.3g}\nanalytic:\n{analytic}\nnumeric:\n{numeric}"


def fixed_weights(shapes, seed=1):
    """Random arrays R (one per output) for the scalar objective L = sum(out * R)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(s if isinstance(s, tuple) else s.shape)) for s in shapes]


def model_objective(model, x, weights, training=False, before_forward=None) -> float:
    """L = sum_i sum(out_i * R_i) for the model's outputs on ``x``."""
    if before_forward is not None:
        before_forward()
    outs = model.forward(x, training)
    return float(sum(np.sum(o * r) for o, r in zip(outs, weights)))


def check_model_theta_gradient(model, x, *, training=False, before_forward=None, tol=1e-5, seed=1):
    """Compare model.backward's dL/dtheta with finite differences over every entry of model.theta."""
    if before_forward is not None:
        before_forward()
    outs = model.forward(x, training)
    weights = fixed_weights([o.shape for o in outs], seed)
    model.backward([r.copy() for r in weights])
    analytic = model.grad.copy()
    numeric = numerical_gradient(
        lambda: model_objective(model, x, weights, training, before_forward), model.theta)
    assert_gradients_close(analytic, numeric, tol, "dL/dtheta")
    return analytic, numeric


def check_layer_input_gradient(layer, x, *, training=False, before_forward=None, tol=1e-5, seed=2):
    """Compare layer.backward's dL/dx with finite differences for a layer built inside a model."""
    layer.need_input_grad = True
    x = np.array(x, np.float64)
    if before_forward is not None:
        before_forward()
    out = layer.forward(x, training)
    (r,) = fixed_weights([out.shape], seed)
    analytic = np.array(layer.backward(r.copy()), np.float64)

    def objective():
        if before_forward is not None:
            before_forward()
        return float(np.sum(layer.forward(x, training) * r))

    numeric = numerical_gradient(objective, x)
    assert_gradients_close(analytic, numeric, tol, f"dL/dx of {layer.type_name}")
    return analytic, numeric
