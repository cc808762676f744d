"""Learning-rate schedules with Keras 3's names, keys and formulas (``keras.optimizers.schedules``).

A schedule maps the optimiser's step count (the number of updates done before this one, as Keras's
``optimizer.iterations``) to a learning rate. ``initial_learning_rate`` defaults to the optimiser's
``learning_rate`` when a preset leaves it out (:func:`create_schedule`).
"""

from __future__ import annotations

import math

from .config import ConfigError, Field, validate_config


class Schedule:
    """Base class: validated config; ``schedule(step) -> learning rate``."""

    name = ""
    description = ""
    fields: tuple[Field, ...] = ()

    def __init__(self, **config):
        self.config = validate_config(self.fields, config, owner=self.name)
        self.check()

    def check(self) -> None:
        """Hook for checks across settings (ConfigError naming the setting)."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        """Keras-style config: ``keras.optimizers.schedules.<name>(**config)``."""
        return dict(self.config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"{self.name}({args})"


def _initial() -> Field:
    return Field("initial_learning_rate", "float", doc="the learning rate at step 0 (default: the optimizer's)",
                 min=0.0, max=10.0)


def _steps(name: str, doc: str, default=None, min_value: int = 1) -> Field:
    kwargs = {} if default is None else {"default": default}
    return Field(name, "int", doc=doc, min=min_value, max=1e9, max_value=10**9, **kwargs)


class ExponentialDecay(Schedule):
    """lr = initial_learning_rate * decay_rate ** (step / decay_steps); the exponent floored when staircase."""

    name = "ExponentialDecay"
    description = "multiplies the rate by decay_rate every decay_steps steps, smoothly or in stairs"
    fields = (_initial(), _steps("decay_steps", "steps over which the rate is multiplied by decay_rate"),
              Field("decay_rate", "float", doc="the factor per decay_steps", min=0.0, min_exclusive=True, max=10.0),
              Field("staircase", "bool", False, "decay in whole steps of decay_steps"))

    def __call__(self, step: int) -> float:
        c = self.config
        p = step / c["decay_steps"]
        if c["staircase"]:
            p = math.floor(p)
        return c["initial_learning_rate"] * c["decay_rate"] ** p


class CosineDecay(Schedule):
    """Half a cosine from the rate down to alpha times it over decay_steps, after an optional linear warm-up.

    Without ``warmup_target``: lr = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) /
    decay_steps)) + alpha). With it: linear from initial to warmup_target over warmup_steps, then the
    cosine decay from warmup_target (step counted from the end of the warm-up).
    """

    name = "CosineDecay"
    description = "a cosine from the rate down to alpha times it, optionally after a linear warm-up"
    fields = (_initial(), _steps("decay_steps", "steps from the (warmed-up) rate to its lowest"),
              Field("alpha", "float", 0.0, "the lowest rate, as a fraction of the start of the decay", min=0.0,
                    max=1.0),
              Field("warmup_target", "float", None, "the rate reached by the warm-up (none: no warm-up)", min=0.0,
                    min_exclusive=True, max=10.0, allow_none=True),
              _steps("warmup_steps", "steps of the linear warm-up", default=0, min_value=0))

    def __call__(self, step: int) -> float:
        c = self.config
        initial, decay_steps, target = c["initial_learning_rate"], c["decay_steps"], c["warmup_target"]
        if target is None:
            return self._decay(min(step, decay_steps), decay_steps, initial)
        warmup = c["warmup_steps"]
        step = min(step, decay_steps + warmup)
        if step < warmup:
            return (target - initial) * (step / warmup) + initial
        return self._decay(step - warmup, decay_steps, target)

    def _decay(self, step: float, decay_steps: int, start: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / decay_steps))
        return start * ((1 - self.config["alpha"]) * cosine + self.config["alpha"])


class PiecewiseConstantDecay(Schedule):
    """values[0] up to and including boundaries[0], values[i] for boundaries[i-1] < step <= boundaries[i], then values[-1]."""

    name = "PiecewiseConstantDecay"
    description = "fixed rates between step boundaries"
    fields = (Field("boundaries", "numbers", doc="the steps where the rate changes, increasing", min=0.0),
              Field("values", "numbers", doc="one more rate than boundaries", min=0.0, min_exclusive=True,
                    max=10.0))

    def check(self) -> None:
        b, v = self.config["boundaries"], self.config["values"]
        if any(not x.is_integer() for x in b):
            raise ConfigError("boundaries", f"expected whole step counts, got {list(b)}")
        self.config["boundaries"] = tuple(int(x) for x in b)
        if any(x >= y for x, y in zip(b, b[1:])):
            raise ConfigError("boundaries", f"expected increasing step counts, got {list(self.config['boundaries'])}")
        if len(v) != len(b) + 1:
            raise ConfigError("values", f"expected {len(b) + 1} rates (one more than boundaries), got {len(v)}")

    def __call__(self, step: int) -> float:
        for boundary, value in zip(self.config["boundaries"], self.config["values"]):
            if step <= boundary:
                return value
        return self.config["values"][-1]


SCHEDULES = {cls.name: cls for cls in (ExponentialDecay, CosineDecay, PiecewiseConstantDecay)}


def create_schedule(config: dict, learning_rate: float) -> Schedule:
    """A schedule from a preset's table (``type`` and Keras's keys); ConfigError naming the key.

    ``initial_learning_rate`` defaults to ``learning_rate`` (the optimiser's) for the schedules that have it.
    """
    if not isinstance(config, dict):
        raise ConfigError("", "expected a table with type and the schedule's settings")
    settings = dict(config)
    kind = settings.pop("type", None)
    if kind not in SCHEDULES:
        known = ", ".join(SCHEDULES)
        raise ConfigError("type", f"expected one of {known}, got {kind!r}" if kind else f"missing (one of {known})")
    cls = SCHEDULES[kind]
    if any(f.name == "initial_learning_rate" for f in cls.fields):
        settings.setdefault("initial_learning_rate", learning_rate)
    return cls(**settings)
