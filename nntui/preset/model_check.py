"""What the model says about a preset being edited: the check result and the settings it must fit.

:class:`CheckResult` is what :meth:`~nntui.preset.document.PresetDocument.check` returns (shapes,
loss against output, input-shape and settings problems, in one ``problem`` line). The functions say
which values a run logs (what early stopping can watch) and why the per-output tables or the early
stopping settings would not load again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.config import ConfigError
from ..engine.model import LayerRow, Model, ShapeReport
from .build import build_model, full_check
from .data_source import DataSizes, data_sizes, input_shape_problem
from .preset import Preset, check_output_names


def monitor_choices(p: Preset) -> list[str]:
    """The values a run logs, which early stopping can watch (``val_*`` need a validation split)."""
    outputs = p.model.outputs or []
    names = ["loss", "accuracy"] if len(outputs) <= 1 else ["loss"] + [f"{o}_{m}" for o in outputs
                                                                     for m in ("loss", "accuracy")]
    return [f"val_{n}" for n in names] + names


def settings_problem(p: Preset) -> str | None:
    """Why the outputs' tables or early stopping do not fit the model (what would stop the preset
    from loading again), or None."""
    try:
        check_output_names(p.model, p.training)
    except ConfigError as exc:
        return f"{exc.field}: {exc.reason}"
    return early_stopping_problem(p)


def early_stopping_problem(p: Preset) -> str | None:
    """Why the preset's early stopping cannot work as set (None when it can, or when it is off)."""
    es = p.training.early_stopping
    if not es:
        return None
    monitor = es.get("monitor", "val_loss")
    if monitor not in monitor_choices(p):
        return (f"early stopping watches {monitor!r}, which this model does not log "
                f"(one of: {', '.join(monitor_choices(p))})")
    if monitor.startswith("val_") and not p.data.validation_split:
        return (f"early stopping watches {monitor!r} but there is no validation set: set the validation "
                "split (e.g. 0.1) or watch 'loss'")
    return None


@dataclass
class CheckResult:
    """What the model says about the current preset.

    ``report`` is the ShapeReport of ``full_check`` (shapes, then loss against output and the data
    set's classes). ``input_error`` is set when the input shape cannot hold one of the data set's
    samples, ``data_error`` when its file cannot be used; ``empty`` when there is no layer yet.
    ``sizes`` are the data set's sizes as far as they are known.
    """

    model: Model | None
    report: ShapeReport
    input_error: str | None = None
    crash: str | None = None
    settings_error: str | None = None
    data_error: str | None = None
    sizes: DataSizes | None = None

    @property
    def empty(self) -> bool:
        """Whether the model has no layers."""
        return not self.report.rows

    @property
    def ready(self) -> bool:
        """Whether the model can be trained as it is."""
        return (self.report.ok and not self.empty and self.input_error is None and self.crash is None
                and self.settings_error is None and self.data_error is None)

    @property
    def problem(self) -> str | None:
        """One line on why the model is not ready (None when it is)."""
        if self.crash is not None:
            return self.crash
        if self.report.error is not None:
            return str(self.report.error)
        if self.data_error is not None:
            return self.data_error
        if self.input_error is not None:
            return self.input_error
        if self.empty:
            return "the model has no layers yet"
        if self.settings_error is not None:
            return self.settings_error
        return None


def check_preset(p: Preset) -> CheckResult:
    """What the model says about ``p``: shapes, loss against output and the data set's classes, input
    shape, data set, settings."""
    shape = p.model.input_shape
    sizes = data_sizes(p)
    input_error = input_shape_problem(p, sizes)
    input_error = input_error + "." if input_error else None
    data_error = f"{sizes.problem_field}: {sizes.problem}" if sizes.problem else None
    try:
        model = build_model(p.model)
        report = full_check(p, model, sizes)
    except Exception as exc:  # a bug below us must not take the editor down
        rows = [LayerRow(i, ls.name or ls.type.lower(), ls.type, [], None, None, None, None)
                for i, ls in enumerate(p.model.layers)]
        report = ShapeReport((None, *shape), rows, [], error=exc)
        return CheckResult(None, report, input_error,
                           crash=f"internal error while checking the model ({type(exc).__name__}: {exc})",
                           data_error=data_error, sizes=sizes)
    return CheckResult(model, report, input_error, settings_error=settings_problem(p), data_error=data_error,
                       sizes=sizes)


__all__ = ["CheckResult", "check_preset", "early_stopping_problem", "monitor_choices", "settings_problem"]
