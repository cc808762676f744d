"""Optimisers: Keras 3 update rules written out by hand in float64, and Keras's default hyper-parameters."""

import numpy as np
import pytest

from nntui.engine import OPTIMIZERS, get_optimizer

STEPS = 5


def gradients(n=STEPS, size=6, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=size) for _ in range(n)]


def theta0(size=6, seed=1):
    return np.random.default_rng(seed).normal(size=size)


def run(name, grads=None, **config):
    """theta after applying ``grads`` with the engine's optimiser (float64)."""
    grads = gradients() if grads is None else grads
    opt = get_optimizer(name, **config)
    theta = theta0()
    history = []
    for g in grads:
        opt.step(theta, g.copy())
        history.append(theta.copy())
    assert opt.iterations == len(grads)
    return history, opt


def assert_history(history, expected):
    for t, (got, want) in enumerate(zip(history, expected), 1):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13, err_msg=f"after step {t}")


# ------------------------------------------------------------------ defaults
@pytest.mark.parametrize("name, defaults", [
    ("sgd", {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}),
    ("rmsprop", {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False}),
    ("adam", {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}),
    ("adamw", {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
               "amsgrad": False}),
    ("adagrad", {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7}),
])
def test_keras_defaults(name, defaults):
    assert get_optimizer(name).get_config() == defaults
    assert get_optimizer(name.upper()).name == name


def test_registry():
    assert sorted(OPTIMIZERS) == ["adagrad", "adam", "adamw", "rmsprop", "sgd"]


def test_learning_rate_can_change_between_steps():
    opt = get_optimizer("sgd", learning_rate=0.1)
    theta = np.ones(3)
    opt.step(theta, np.ones(3))
    opt.learning_rate = 0.5
    opt.step(theta, np.ones(3))
    np.testing.assert_allclose(theta, 1 - 0.1 - 0.5)
    assert opt.get_config()["learning_rate"] == 0.5


# ------------------------------------------------------------------ SGD
def test_sgd_plain():
    history, _ = run("sgd", learning_rate=0.1)
    theta, expected = theta0(), []
    for g in gradients():
        theta = theta - 0.1 * g
        expected.append(theta)
    assert_history(history, expected)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum(nesterov):
    lr, mom = 0.05, 0.9
    history, _ = run("sgd", learning_rate=lr, momentum=mom, nesterov=nesterov)
    theta, m, expected = theta0(), np.zeros(6), []
    for g in gradients():
        m = mom * m - lr * g
        theta = theta + (mom * m - lr * g if nesterov else m)
        expected.append(theta)
    assert_history(history, expected)


# ------------------------------------------------------------------ RMSprop
@pytest.mark.parametrize("momentum", [0.0, 0.8])
@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop(momentum, centered):
    lr, rho, eps = 0.01, 0.9, 1e-7
    history, opt = run("rmsprop", learning_rate=lr, momentum=momentum, centered=centered)
    theta, v, avg, mom, expected = theta0(), np.zeros(6), np.zeros(6), np.zeros(6), []
    for g in gradients():
        v = rho * v + (1 - rho) * g**2
        if centered:
            avg = rho * avg + (1 - rho) * g
            denominator = v - avg**2 + eps
        else:
            denominator = v + eps
        increment = lr * g / np.sqrt(denominator)
        if momentum:
            mom = momentum * mom + increment
            theta = theta - mom
        else:
            theta = theta - increment
        expected.append(theta)
    assert_history(history, expected)
    np.testing.assert_allclose(opt.keras_velocity(), v, rtol=1e-12)


def test_rmsprop_with_tiny_gradients_is_dominated_by_epsilon():
    """With g ~ 1e-5, eps = 1e-7 matters: this catches an epsilon placed outside the square root."""
    grads = [g * 1e-5 for g in gradients()]
    history, _ = run("rmsprop", grads, learning_rate=0.01)
    theta, v, expected = theta0(), np.zeros(6), []
    for g in grads:
        v = 0.9 * v + 0.1 * g**2
        theta = theta - 0.01 * g / np.sqrt(v + 1e-7)
        expected.append(theta)
    assert_history(history, expected)


# ------------------------------------------------------------------ Adam, AdamW
def adam_reference(grads, lr, b1, b2, eps, amsgrad=False, weight_decay=0.0):
    theta, m, v, vhat, expected = theta0(), np.zeros(6), np.zeros(6), np.zeros(6), []
    for t, g in enumerate(grads, 1):
        theta = theta - theta * weight_decay * lr
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        m = m + (g - m) * (1 - b1)
        v = v + (g**2 - v) * (1 - b2)
        if amsgrad:
            vhat = np.maximum(vhat, v)
            theta = theta - alpha * m / (np.sqrt(vhat) + eps)
        else:
            theta = theta - alpha * m / (np.sqrt(v) + eps)
        expected.append(theta)
    return expected


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam(amsgrad):
    # shrinking gradients and a short beta_2 make v decrease, so amsgrad's maximum differs from v
    grads = [g * 0.3**t for t, g in enumerate(gradients())]
    history, _ = run("adam", grads, learning_rate=0.01, beta_2=0.8, amsgrad=amsgrad)
    assert_history(history, adam_reference(grads, 0.01, 0.9, 0.8, 1e-7, amsgrad))
    if amsgrad:
        plain, _ = run("adam", grads, learning_rate=0.01, beta_2=0.8)
        assert np.abs(plain[-1] - history[-1]).max() > 1e-4


def test_adam_custom_betas():
    history, _ = run("adam", learning_rate=0.02, beta_1=0.5, beta_2=0.8, epsilon=1e-3)
    assert_history(history, adam_reference(gradients(), 0.02, 0.5, 0.8, 1e-3))


def test_adam_first_step_moves_every_weight_by_about_lr():
    history, _ = run("adam", gradients(1), learning_rate=0.01)
    np.testing.assert_allclose(np.abs(history[0] - theta0()), 0.01, rtol=1e-4)


@pytest.mark.parametrize("weight_decay", [0.004, 0.1, 0.0])
def test_adamw(weight_decay):
    history, _ = run("adamw", learning_rate=0.01, weight_decay=weight_decay)
    assert_history(history, adam_reference(gradients(), 0.01, 0.9, 0.999, 1e-7, weight_decay=weight_decay))


def test_adamw_default_decay_shrinks_weights_with_zero_gradient():
    history, _ = run("adamw", [np.zeros(6)] * 3, learning_rate=0.1)
    np.testing.assert_allclose(history[-1], theta0() * (1 - 0.004 * 0.1) ** 3, rtol=1e-12)


# ------------------------------------------------------------------ Adagrad
@pytest.mark.parametrize("initial", [0.1, 0.0, 1.0])
def test_adagrad(initial):
    history, _ = run("adagrad", learning_rate=0.1, initial_accumulator_value=initial)
    theta, acc, expected = theta0(), np.full(6, initial), []
    for g in gradients():
        acc = acc + g**2
        theta = theta - 0.1 * g / np.sqrt(acc + 1e-7)
        expected.append(theta)
    assert_history(history, expected)


# ------------------------------------------------------------------ float32 and bookkeeping
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_state_matches_float64_closely(name):
    grads = gradients()
    opt64, opt32 = get_optimizer(name, learning_rate=0.01), get_optimizer(name, learning_rate=0.01)
    t64, t32 = theta0(), theta0().astype(np.float32)
    for g in grads:
        opt64.step(t64, g.copy())
        opt32.step(t32, g.astype(np.float32))
    assert t32.dtype == np.float32
    assert all(s.dtype == np.float32 for s in opt32.state.values())
    np.testing.assert_allclose(t32, t64, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name, config", [(n, {}) for n in sorted(OPTIMIZERS) if n != "adamw"] +
                         [("adamw", {"weight_decay": 0.0})])
def test_step_does_not_modify_gradient_and_tracks_update_norm(name, config):
    # AdamW's decoupled decay is applied to theta directly and is not part of last_update_norm
    opt = get_optimizer(name, learning_rate=0.01, **config)
    opt.track_update_norm = True
    theta, g = theta0(), gradients(1)[0]
    before, g_copy = theta.copy(), g.copy()
    opt.step(theta, g)
    np.testing.assert_array_equal(g, g_copy)
    assert opt.last_update_norm == pytest.approx(np.linalg.norm(before - theta), rel=1e-10)


def test_build_resets_state_and_iterations():
    opt = get_optimizer("adam")
    theta = theta0()
    opt.step(theta, np.ones(6))
    opt.build(6, np.float64)
    assert opt.iterations == 0 and not opt.state["momentum"].any()
