"""Target rules: how each model output's target is derived from the sample's label.

``label`` is the class itself, for every data set (as many classes as the labels have: 10 for MNIST
and Fashion-MNIST, 2 for Playground's sets, what the file holds for npz and CSV). The other rules are
MNIST's: a class (``digit``: 0-9, the same as ``label`` there; ``parity``: 1 for odd digits;
``greater_than_4``: 1 for 5-9) or a value (``digit_value``: the digit divided by 9); on any other
data set they are refused. The loss decides the encoding: one-hot for categorical cross-entropy, the
integer for the sparse one, 0/1 columns for binary cross-entropy, and for mean squared/absolute error
a one-hot row (several units) or the class/value (one unit).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..engine.losses import Loss
from ..engine.shapes import ShapeError, format_shape


@dataclass(frozen=True)
class TargetRule:
    """A named way to turn labels into targets."""

    name: str
    classes: int | None  # 0 for a continuous value; None: the data set's classes (not known yet)
    description: str
    mnist_only: bool = True

    def sized(self, classes: int | None) -> TargetRule:
        """This rule for a data set of ``classes`` classes (the digit rules keep theirs)."""
        return replace(self, classes=classes) if self.name == "label" else self

    @property
    def class_names(self) -> tuple[str, ...]:
        """How the classes read: '0' .. '9' for digits, 'even'/'odd' for parity, ... (empty for a value)."""
        return CLASS_NAMES.get(self.name, tuple(str(i) for i in range(self.classes or 0)))

    def classes_of(self, labels: np.ndarray) -> np.ndarray:
        """The class index (or value) for each label."""
        if self.name in ("digit", "label"):
            return labels.astype(np.int64)
        if self.name == "parity":
            return (labels % 2).astype(np.int64)
        if self.name == "greater_than_4":
            return (labels > 4).astype(np.int64)
        return labels.astype(np.float32) / np.float32(9.0)


CLASS_NAMES = {"parity": ("even", "odd"), "greater_than_4": ("0-4", "5-9")}
TARGET_RULES = {r.name: r for r in (
    TargetRule("digit", 10, "the digit itself, one of 10 classes"),
    TargetRule("parity", 2, "1 if the digit is odd, else 0"),
    TargetRule("greater_than_4", 2, "1 if the digit is 5 to 9, else 0"),
    TargetRule("digit_value", 0, "the digit as a number in [0, 1] (digit / 9)"),
    TargetRule("label", None, "the sample's class, one of the data set's classes", mnist_only=False),
)}


MNIST_RULES = tuple(name for name, rule in TARGET_RULES.items() if rule.mnist_only)


def default_rule(dataset: str) -> str:
    """The target an output has when the preset names none: the digit on MNIST, else the label."""
    return "digit" if dataset == "mnist" else "label"


def rules_for(dataset: str) -> tuple[str, ...]:
    """The rules offered for ``dataset``: MNIST's digit rules there, else the label."""
    return MNIST_RULES if dataset == "mnist" else ("label",)


def rule_problem(rule: str, dataset: str) -> str | None:
    """Why ``rule`` cannot be the target on ``dataset`` (None when it can)."""
    if TARGET_RULES[rule].mnist_only and dataset != "mnist":
        return (f"{rule!r} is a rule for MNIST's digits; dataset {dataset!r} has classes, not digits: "
                "use 'label' (the sample's class)")
    return None


def expected_units(rule: TargetRule, loss: Loss) -> int | None:
    """How many output units a loss needs to learn a rule (None: the classes are not known yet)."""
    if rule.classes is None:
        return None
    if rule.classes == 0:
        return 1
    if loss.target in ("onehot", "integer"):
        return rule.classes
    if rule.classes == 2:
        return 1
    return rule.classes


def check_target(rule: TargetRule, loss: Loss, output_shape, activation: str | None) -> None:
    """Raise a ShapeError when the output cannot be scored by ``loss`` against ``rule``'s targets."""
    if len(output_shape) != 2:
        raise ShapeError(f"the targets ({rule.description}) are one per sample; the output "
                         f"{format_shape(output_shape)} has extra axes.",
                         fix="Add Flatten() or GlobalAveragePooling2D() before the last Dense layer.")
    if rule.classes == 0 and loss.target in ("onehot", "integer", "binary"):
        raise ShapeError(f"{loss.name} needs class targets, but the rule {rule.name!r} gives a value.",
                         fix="Use mean_squared_error or mean_absolute_error for a value target.")
    units = expected_units(rule, loss)
    if loss.target in ("onehot", "integer"):
        loss.check_output(output_shape, activation, units)
        return
    if loss.target == "binary":
        loss.check_output(output_shape, activation, units)
    if units is not None and output_shape[-1] != units:
        raise ShapeError(f"{loss.name} with the target rule {rule.name!r} needs {units} output unit(s); the "
                         f"last layer gives {format_shape(output_shape)}.",
                         fix=f"End this output with Dense({units}).")


def encode(rule: TargetRule, loss: Loss, labels: np.ndarray, units: int) -> np.ndarray:
    """The target array for ``labels`` as ``loss`` needs it, for an output with ``units`` units (the
    labels must be classes below ``units`` for a one-hot row: the loss check sees to that)."""
    values = rule.classes_of(labels)
    if rule.classes == 0:
        return values.reshape(-1, 1)
    if loss.target == "integer":
        return values
    if units == 1:
        return values.astype(np.float32).reshape(-1, 1)
    onehot = np.zeros((labels.shape[0], units), np.float32)
    onehot[np.arange(labels.shape[0]), values] = 1.0
    return onehot
