"""Optimisers with Keras 3's update rules and default hyper-parameters.

All of them work on one flat float32 vector of parameters and one of gradients, so an update is
a handful of vectorised passes whatever the number of layers. State vectors are allocated once.
"""

from __future__ import annotations

import math

import numpy as np

from .config import Field, validate_config
from .machine import core_cache_bytes


def block_size(vectors: int, itemsize: int, cache_bytes: int | None = None) -> int:
    """Parameters per block: every pass of an update runs over one block while it sits in the cache a
    core has to itself, the ``vectors`` vectors a pass touches (parameters, gradients, state,
    scratch) taking half of it. With 2 MB per core that is 65,536 parameters for RMSprop, the block
    that measured 0.67 ms instead of 0.85 ms per step (unblocked) on 407,050 parameters. Splitting
    the blocks over two threads was slower: the Python between the ufunc calls serialises on the GIL."""
    cache = cache_bytes if cache_bytes is not None else core_cache_bytes()
    return max(4096, cache // (2 * vectors * itemsize))


def _lr_field(default: float) -> Field:
    return Field("learning_rate", "float", default, "step size", min=0.0, min_exclusive=True, max=10.0)


def _eps_field() -> Field:
    return Field("epsilon", "float", 1e-7, "added inside the square root for stability", min=0.0, max=1.0)


class Optimizer:
    """Base class: validated config, flat state, ``step(theta, grad)``.

    The rate of each update is :attr:`learning_rate`: the fixed ``config["learning_rate"]``, or, when a
    :attr:`schedule` is set (:mod:`~nntui.engine.schedules`), the schedule at :attr:`iterations` (the
    updates done before this one, as Keras's ``optimizer.iterations``), times :attr:`lr_scale`.
    """

    name = ""
    description = ""
    fields: tuple[Field, ...] = ()

    def __init__(self, **config):
        self.config = validate_config(self.fields, config, owner=self.name)
        self.iterations = 0
        self.state: dict[str, np.ndarray] = {}
        self.last_update_norm = 0.0
        #: a learning-rate schedule (callable: step -> rate), or None for the fixed rate
        self.schedule = None
        #: a factor on the rate (1: none), e.g. a learner's doubling or halving between batches
        self.lr_scale = 1.0
        self._lr = self.config["learning_rate"]  # the rate of the update being made
        self._tmp = None
        self._blocks: list = []

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"{type(self).__name__}({args})"

    @property
    def learning_rate(self) -> float:
        """The rate of the next update: the schedule at :attr:`iterations` (or the fixed rate) times
        :attr:`lr_scale`. Setting it sets the fixed rate."""
        base = self.config["learning_rate"] if self.schedule is None else self.schedule(self.iterations)
        return base * self.lr_scale

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.config["learning_rate"] = float(value)

    def get_config(self) -> dict:
        """Keras-style config (settings only)."""
        return dict(self.config)

    #: Scratch vectors an update needs.
    temporaries = 1

    def build(self, size: int, dtype=np.float32, block: int | None = None) -> None:
        """Allocate state for ``size`` parameters and the blocks the update runs over (``block``
        parameters each; None: sized to the cache, see :func:`block_size`)."""
        self.iterations = 0
        self._tmp = np.empty((self.temporaries, size), dtype)
        self.state = {key: np.full(size, fill, dtype) for key, fill in self.state_specs()}
        self._blocks = []
        if block is None:
            block = block_size(2 + len(self.state) + self.temporaries, np.dtype(dtype).itemsize)
        for a in range(0, size, block):
            sl = slice(a, min(size, a + block))
            self._blocks.append((sl, [t[sl] for t in self._tmp], {k: v[sl] for k, v in self.state.items()}))

    def state_specs(self) -> list[tuple[str, float]]:
        """(name, initial value) of each state vector."""
        return []

    def step(self, theta: np.ndarray, grad: np.ndarray) -> bool:
        """Update ``theta`` in place from ``grad``; refuse (return False) a non-finite update.

        The update runs block by block (cache-sized); the result is the same as one pass over the
        whole vector. A block whose increment is not finite stops the update and the blocks already
        applied are taken back.
        """
        if self._tmp is None or self._tmp.shape[1] != theta.size or self._tmp.dtype != theta.dtype:
            self.build(theta.size, theta.dtype)
        self._lr = self.learning_rate  # before the count moves on: the schedule at the updates done so far
        self.iterations += 1
        squared, applied = 0.0, []
        for sl, temps, state in self._blocks:
            increment = self._increment(theta[sl], grad[sl], temps, state)
            sq = float(np.dot(increment, increment))  # the update size, and a finiteness check
            if not math.isfinite(sq):
                for done, inc in applied:
                    theta[done] += inc
                return False
            theta[sl] -= increment
            applied.append((sl, increment))
            squared += sq
        self.last_update_norm = math.sqrt(squared)
        return True

    def _increment(self, theta, grad, temps, state):
        """Return the vector to subtract from ``theta`` (may be written into ``temps[0]``); ``state`` holds views."""
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum."""

    name = "sgd"
    description = "plain gradient descent, optional momentum"
    fields = (
        _lr_field(0.01),
        Field("momentum", "float", 0.0, "fraction of the last step kept", min=0.0, max=1.0),
        Field("nesterov", "bool", False, "look ahead along the momentum"),
    )

    temporaries = 2

    def state_specs(self):
        return [("momentum", 0.0)]  # always allocated, so that momentum can be turned on between runs

    def _increment(self, theta, grad, temps, state):
        t = temps[0]
        lr = t.dtype.type(self._lr)
        mom = self.config["momentum"]
        np.multiply(grad, lr, out=t)
        if not mom:
            return t
        m = state["momentum"]
        # Keras: m = mom*m - lr*g; theta += m (or += mom*m - lr*g with Nesterov). Here m holds -m.
        m *= t.dtype.type(mom)
        m += t
        if self.config["nesterov"]:
            np.multiply(m, t.dtype.type(mom), out=temps[1])
            t += temps[1]
            return t
        return m


class RMSprop(Optimizer):
    """Divides the gradient by a running root-mean-square of recent gradients."""

    name = "rmsprop"
    description = "adaptive steps from a running mean of squared gradients"
    fields = (
        _lr_field(0.001),
        Field("rho", "float", 0.9, "decay of the squared-gradient average", min=0.0, max=1.0, max_exclusive=True),
        Field("momentum", "float", 0.0, "momentum on the increments", min=0.0, max=1.0),
        _eps_field(),
        Field("centered", "bool", False, "normalise by the variance instead of the second moment"),
    )

    def state_specs(self):
        specs = [("velocity", 0.0)]
        if self.config["momentum"]:
            specs.append(("momentum", 0.0))
        if self.config["centered"]:
            specs.append(("average_gradient", 0.0))
        return specs

    def _increment(self, theta, grad, temps, state):
        t = temps[0]
        c = self.config
        f = t.dtype.type
        rho = c["rho"]
        v = state["velocity"]
        if not c["centered"]:
            # v is kept divided by (1 - rho): v' = rho v' + g^2, and v + eps = (1-rho)(v' + eps/(1-rho)).
            scale = 1.0 - rho
            np.multiply(grad, grad, out=t)
            v *= f(rho)
            v += t
            np.add(v, f(c["epsilon"] / scale), out=t)
            np.sqrt(t, out=t)
            np.divide(grad, t, out=t)
            t *= f(self._lr / np.sqrt(scale))
        else:
            a = state["average_gradient"]
            np.multiply(grad, grad, out=t)
            t *= f(1.0 - rho)
            v *= f(rho)
            v += t
            a *= f(rho)
            a += grad * f(1.0 - rho)
            np.multiply(a, a, out=t)
            np.subtract(v, t, out=t)
            t += f(c["epsilon"])
            np.sqrt(t, out=t)
            np.divide(grad, t, out=t)
            t *= f(self._lr)
        if c["momentum"]:
            m = state["momentum"]
            m *= f(c["momentum"])
            m += t
            return m
        return t

    def keras_velocity(self) -> np.ndarray:
        """The velocity as Keras stores it (for checks and checkpoints)."""
        v = self.state["velocity"]
        return v if self.config["centered"] else v * (1.0 - self.config["rho"])


class Adam(Optimizer):
    """Momentum plus RMSprop-style scaling, with bias correction."""

    name = "adam"
    description = "momentum plus adaptive steps; a robust default"
    fields = (
        _lr_field(0.001),
        Field("beta_1", "float", 0.9, "decay of the gradient average", min=0.0, max=1.0, max_exclusive=True),
        Field("beta_2", "float", 0.999, "decay of the squared-gradient average", min=0.0, max=1.0,
              max_exclusive=True),
        _eps_field(),
        Field("amsgrad", "bool", False, "use the maximum of past squared-gradient averages"),
    )
    def state_specs(self):
        specs = [("momentum", 0.0), ("velocity", 0.0)]
        if self.config["amsgrad"]:
            specs.append(("velocity_hat", 0.0))
        return specs

    def _increment(self, theta, grad, temps, state):
        t = temps[0]
        c = self.config
        f = t.dtype.type
        step = self.iterations
        b1, b2 = c["beta_1"], c["beta_2"]
        alpha = self._lr * np.sqrt(1.0 - b2**step) / (1.0 - b1**step)
        m, v = state["momentum"], state["velocity"]
        np.subtract(grad, m, out=t)
        t *= f(1.0 - b1)
        m += t
        np.multiply(grad, grad, out=t)
        t -= v
        t *= f(1.0 - b2)
        v += t
        if c["amsgrad"]:
            vh = state["velocity_hat"]
            np.maximum(vh, v, out=vh)
            v = vh
        np.sqrt(v, out=t)
        t += f(c["epsilon"])
        np.divide(m, t, out=t)
        t *= f(alpha)
        return t


class AdamW(Adam):
    """Adam with decoupled weight decay: ``theta -= lr * weight_decay * theta`` besides each Adam step."""

    name = "adamw"
    description = "Adam with decoupled weight decay"
    fields = Adam.fields[:1] + (
        Field("weight_decay", "float", 0.004, "fraction of each weight removed per step (times lr)",
              min=0.0, max=1.0),
    ) + Adam.fields[1:]

    temporaries = 2

    def _increment(self, theta, grad, temps, state):
        t = super()._increment(theta, grad, temps, state)
        decay = self.config["weight_decay"] * self._lr
        if decay:
            np.multiply(theta, t.dtype.type(decay), out=temps[1])
            t += temps[1]
        return t


class Adagrad(Optimizer):
    """Divides by the root of the sum of all past squared gradients."""

    name = "adagrad"
    description = "adaptive steps that shrink with the sum of squared gradients"
    fields = (
        _lr_field(0.001),
        Field("initial_accumulator_value", "float", 0.1, "starting value of the accumulator", min=0.0),
        _eps_field(),
    )

    def state_specs(self):
        return [("accumulator", self.config["initial_accumulator_value"])]

    def _increment(self, theta, grad, temps, state):
        t = temps[0]
        f = t.dtype.type
        acc = state["accumulator"]
        np.multiply(grad, grad, out=t)
        acc += t
        np.add(acc, f(self.config["epsilon"]), out=t)
        np.sqrt(t, out=t)
        np.divide(grad, t, out=t)
        t *= f(self._lr)
        return t


OPTIMIZERS = {cls.name: cls for cls in (SGD, RMSprop, Adam, AdamW, Adagrad)}


def get_optimizer(name: str, **config) -> Optimizer:
    """An optimiser by Keras name (case-insensitive) with its config; KeyError if unknown."""
    return OPTIMIZERS[name.lower()](**config)
