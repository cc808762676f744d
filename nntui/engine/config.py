"""Typed configuration fields shared by layers, losses and optimisers.

One description of each setting serves three readers: the engine (validating constructor
arguments), the preset loader (naming the bad field of a TOML file) and the builder form
(validating what a user types). Every check raises :class:`ConfigError` with a short reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

REQUIRED = object()


class ConfigError(ValueError):
    """A configuration value is wrong; ``field`` is its key (or dotted path), ``reason`` the why."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)

    def within(self, prefix: str) -> "ConfigError":
        """The same error with its field path placed under ``prefix`` (e.g. 'model.layers[2]')."""
        path = f"{prefix}.{self.field}" if self.field else prefix
        return ConfigError(path, self.reason)


def describe(value: Any) -> str:
    """Render a received value for an error message, TOML-like."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) < 40 else repr(value[:37] + "...")
    if isinstance(value, (list, tuple)):
        text = "[" + ", ".join(describe(v) for v in value[:8]) + (", ...]" if len(value) > 8 else "]")
        return text if len(text) < 60 else text[:57] + "..."
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool))


@dataclass(frozen=True)
class Field:
    """One setting: its key, kind, default, limits and a one-line doc.

    kinds: ``int``, ``float``, ``bool``, ``choice``, ``shape`` (list of positive ints, at most
    one -1 when ``allow_infer``), ``pair`` (an int or a list of two ints), ``str``, ``numbers`` (a
    non-empty list of finite numbers, each within the limits).
    """

    name: str
    kind: str
    default: Any = REQUIRED
    doc: str = ""
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False
    choices: tuple = ()
    allow_none: bool = False
    allow_infer: bool = False
    max_value: int = 1 << 24  # a sanity bound for sizes (units, filters, ...)

    @property
    def required(self) -> bool:
        """Whether the field has no default."""
        return self.default is REQUIRED

    def validate(self, value: Any) -> Any:
        """Return the normalised value or raise ConfigError naming this field."""
        if value is None:
            if self.allow_none:
                return None
            raise ConfigError(self.name, f"expected {self.expectation()}, got nothing")
        check = getattr(self, f"_check_{self.kind}")
        return check(value)

    def expectation(self) -> str:
        """What this field accepts, in words (used in error messages and the form's hint)."""
        if self.kind == "int":
            if self.min is not None and self.min >= 1 or (self.min == 0 and self.min_exclusive):
                text = "a positive integer"
            elif self.min == 0:
                text = "a non-negative integer"
            else:
                text = "an integer"
            if self.max is not None:
                text += f" at most {int(self.max)}"
            return text
        if self.kind == "float":
            return "a number" + self._range_text()
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "shape":
            extra = " (one entry may be -1)" if self.allow_infer else ""
            return "a list of positive integers" + extra
        if self.kind == "pair":
            return "a positive integer or a list of two"
        if self.kind == "numbers":
            return "a list of numbers" + self._range_text()
        return "a string"

    def _range_text(self) -> str:
        lo, hi = self.min, self.max
        if lo is None and hi is None:
            return ""
        if lo is not None and hi is not None:
            left = "(" if self.min_exclusive else "["
            right = ")" if self.max_exclusive else "]"
            return f" in {left}{lo:g}, {hi:g}{right}"
        if lo is not None:
            return f" {'>' if self.min_exclusive else '>='} {lo:g}"
        return f" {'<' if self.max_exclusive else '<='} {hi:g}"

    def _fail(self, value) -> ConfigError:
        return ConfigError(self.name, f"expected {self.expectation()}, got {describe(value)}")

    def _check_int(self, value):
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        if not _is_int(value):
            raise self._fail(value)
        self._check_range(value)
        if abs(value) > self.max_value:
            raise ConfigError(self.name, f"{value} is too large (at most {self.max_value:,})")
        return value

    def _check_float(self, value):
        if not _is_number(value) or not math.isfinite(value):
            raise self._fail(value)
        self._check_range(value)
        return float(value)

    def _check_range(self, value):
        lo, hi = self.min, self.max
        if lo is not None and (value < lo or (self.min_exclusive and value == lo)):
            raise self._fail(value)
        if hi is not None and (value > hi or (self.max_exclusive and value == hi)):
            raise self._fail(value)

    def _check_bool(self, value):
        if not isinstance(value, bool):
            raise self._fail(value)
        return value

    def _check_choice(self, value):
        if not isinstance(value, str) or value not in self.choices:
            raise self._fail(value)
        return value

    def _check_str(self, value):
        if not isinstance(value, str):
            raise self._fail(value)
        return value

    def _check_shape(self, value):
        if not isinstance(value, (list, tuple)) or not value or len(value) > 8:
            raise self._fail(value)
        out = []
        for v in value:
            if not _is_int(v) or (v < 1 and not (self.allow_infer and v == -1)) or v > self.max_value:
                raise self._fail(value)
            out.append(v)
        if out.count(-1) > 1:
            raise ConfigError(self.name, f"at most one entry may be -1, got {describe(value)}")
        return tuple(out)

    def _check_numbers(self, value):
        if not isinstance(value, (list, tuple)) or not value or len(value) > 1024:
            raise self._fail(value)
        for v in value:
            if not _is_number(v) or not math.isfinite(v):
                raise self._fail(value)
            try:
                self._check_range(v)
            except ConfigError:
                raise self._fail(value) from None
        return tuple(float(v) for v in value)

    def _check_pair(self, value):
        if _is_int(value):
            value = (value, value)
        if (not isinstance(value, (list, tuple)) or len(value) != 2
                or not all(_is_int(v) and 1 <= v <= 4096 for v in value)):
            raise self._fail(value)
        return tuple(value)

    def parse_text(self, text: str) -> Any:
        """Parse what a user typed into a form field, then validate it."""
        text = text.strip()
        if self.allow_none and text in ("", "None", "none", "null"):
            return None
        if self.kind == "int":
            try:
                return self.validate(int(text))
            except ValueError:
                raise self._fail(text) from None
        if self.kind == "float":
            try:
                return self.validate(float(text))
            except ValueError:
                raise self._fail(text) from None
        if self.kind == "bool":
            lowered = text.lower()
            if lowered in ("true", "yes", "1", "on"):
                return True
            if lowered in ("false", "no", "0", "off"):
                return False
            raise self._fail(text)
        if self.kind == "numbers":
            try:
                return self.validate([float(p) for p in text.strip("()[] ").split(",") if p.strip()])
            except ValueError:
                raise self._fail(text) from None
        if self.kind in ("shape", "pair"):
            parts = [p for p in text.strip("()[] ").replace("x", ",").split(",") if p.strip()]
            try:
                numbers = [int(p) for p in parts]
            except ValueError:
                raise self._fail(text) from None
            if self.kind == "pair" and len(numbers) == 1:
                return self.validate(numbers[0])
            return self.validate(numbers)
        return self.validate(text)

    def format(self, value: Any) -> str:
        """Render a value for a form field or a table cell."""
        if value is None:
            return "None"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            if self.kind == "pair" and value[0] == value[1]:
                return str(value[0])
            return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)


def validate_config(fields: tuple[Field, ...], config: dict, *, owner: str) -> dict:
    """Check ``config`` against ``fields``: unknown keys, missing required keys, each value.

    Returns a new dict with every field present (defaults filled in), in field order.
    """
    known = {f.name: f for f in fields}
    for key in config:
        if key not in known:
            hint = ", ".join(known) or "no settings"
            raise ConfigError(key, f"unknown setting for {owner} (it takes: {hint})")
    out = {}
    for f in fields:
        if f.name in config:
            out[f.name] = f.validate(config[f.name])
        elif f.required:
            raise ConfigError(f.name, f"missing (expected {f.expectation()})")
        else:
            out[f.name] = f.default
    return out
