"""What the builder shows, computed from the document and the model's answer (no textual here).

Widgets render these plain records; none of them computes a shape: every shape, parameter count
and FLOP figure comes from the :class:`~nntui.engine.model.ShapeReport` of ``full_check``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

from ...engine.config import Field
from ...engine.layers import LAYER_TYPES
from ...engine.model import INPUT, GraphError
from ...engine.shapes import format_shape
from ...preset.format import readable_count, readable_size
from ...preset.build import build_model, full_check
from ...preset.document import PresetDocument
from ...preset.edit import Edit
from ...preset.edit_fields import non_default_settings
from ...preset.fixes import FixReport
from ...preset.model_check import CheckResult
from ...preset.preset import LayerSpec, Preset

ERROR_MARK = "✗"
UNKNOWN_MARK = "?"
OK_MARK = "✓"
LOOSE_MARK = "○"  # a layer nothing reads that is not an output (the graph drawing's mark too)
BYTES_PER_VALUE = 4  # float32
#: the input row as Keras's summary names it (the CLI's --summary too); presets and forms call it 'input'
INPUT_NAME, INPUT_TYPE = "input_layer", "InputLayer"


def format_value(f: Field | None, value) -> str:
    """A setting as the table shows it: shapes in parentheses, floats short, choices bare."""
    if f is None:
        return str(value)
    if f.kind == "shape" and isinstance(value, tuple):
        return "(" + ", ".join(map(str, value)) + ("," if len(value) == 1 else "") + ")"
    if f.kind == "pair" and isinstance(value, tuple) and value[0] != value[1]:
        return f"({value[0]}, {value[1]})"
    return f.format(value)


def settings_text(spec: LayerSpec) -> str:
    """The layer's key settings: required ones and those that differ from the default.

    The first required setting, then the activation (by name alone), then the rest, so that the
    most telling ones survive a narrow column: ``units=512, relu``, ``filters=32, relu, kernel_size=3``.
    """
    cls = LAYER_TYPES.get(spec.type)
    if cls is None:
        return ", ".join(f"{k}={v}" for k, v in spec.config.items())
    fields = {f.name: f for f in cls.fields}
    settings = non_default_settings(cls.fields, spec.config)
    first = cls.fields[0].name if cls.fields and cls.fields[0].required else None
    order = [k for k in (first, "activation") if k in settings] + [k for k in settings if k not in (first, "activation")]
    parts = []
    for key in order:
        text = format_value(fields[key], settings[key])
        parts.append(text if key == "activation" else f"{key}={text}")
    return ", ".join(parts)


def shape_text(shape) -> str:
    """Keras notation: (None, 28, 28, 1)."""
    return format_shape(shape)


@dataclass
class RowView:
    """One row of the stack table. ``index`` is None for the input row."""

    index: int | None
    type: str
    name: str
    settings: str
    shape: str
    params: str
    inputs: str = ""
    state: str = "ok"  # ok | error | unknown | input
    error: str | None = None
    fix: str | None = None
    loose: bool = False  # nothing reads it and it is not an output: its weights train for nothing

    @property
    def marker(self) -> str:
        """The symbol that marks the row's state (a misfit is never shown by colour alone)."""
        mark = {"error": ERROR_MARK, "unknown": UNKNOWN_MARK}.get(self.state, "")
        return mark or (LOOSE_MARK if self.loose else "")


@dataclass
class Totals:
    """Sums over the layers that could be sized."""

    params: int
    trainable: int
    weight_bytes: int
    activation_bytes: int
    flops: int
    batch_size: int
    partial: bool

    def text(self) -> str:
        """Two lines: parameters, weight memory and FLOPs; activation memory for one batch."""
        extra = "" if self.params == self.trainable else f" ({self.params - self.trainable:,} non-trainable)"
        first = (f"Params {self.params:,}{extra} · weights {readable_size(self.weight_bytes)} · "
                 f"FLOPs/sample {readable_count(self.flops)}")
        second = f"Activations for a batch of {self.batch_size}: {readable_size(self.activation_bytes)}"
        if self.partial:
            second += " · counted up to the first misfit"
        return first + "\n" + second


@dataclass
class StackView:
    """Everything the builder screen shows about the model."""

    rows: list[RowView]
    totals: Totals
    graph: bool
    ready: bool
    status: str
    problem_row: int | None  # table row of the first misfit (0 = the input row)
    check: CheckResult = field(repr=False, default=None)
    fixes: FixReport = field(repr=False, default_factory=lambda: FixReport(None))


def _names(check: CheckResult, preset: Preset) -> list[str]:
    if check.model is not None:
        return [layer.name for layer in check.model.layers]
    return [ls.name or ls.type.lower() for ls in preset.model.layers]


def input_row(preset: Preset, check: CheckResult) -> RowView:
    shape = tuple(preset.model.input_shape)
    shown = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
    row = RowView(None, "Input", INPUT, f"shape={shown}", shape_text((None, *shape)), "", state="input")
    if check.input_error:
        row.state, row.error = "error", check.input_error
        row.fix = "Press i to change the input shape."
    return row


def build_rows(doc: PresetDocument, check: CheckResult) -> list[RowView]:
    """The input row, then one row per layer, from the model's report."""
    preset = doc.preset
    report = check.report
    names = _names(check, preset)
    rows = [input_row(preset, check)]
    loose = set(doc.open_ends())
    for i, spec in enumerate(preset.model.layers):
        r = report.rows[i] if i < len(report.rows) else None
        shape = shape_text(r.output_shape) if r is not None and r.output_shape is not None else UNKNOWN_MARK
        params = f"{r.params:,}" if r is not None and r.params is not None else UNKNOWN_MARK
        inputs = ", ".join(r.inputs) if r is not None and r.inputs else ", ".join(spec.inputs or [])
        row = RowView(i, spec.type, names[i] if i < len(names) else spec.type.lower(), settings_text(spec),
                      shape, params, inputs, loose=i in loose)
        if report.error_index == i and report.error is not None:
            row.state = "error"
            err = r.error if r is not None and r.error is not None else report.error
            row.error = getattr(err, "reason", None) or str(err)
            row.fix = getattr(err, "fix", None)
            if isinstance(err, GraphError):
                row.fix = ("Press e and set its inputs: layer names, comma-separated ('input' is the model's "
                           "input).")
        elif r is None or r.output_shape is None:
            row.state = "unknown"
        rows.append(row)
    if report.error is not None and report.error_index is None:  # a graph error not tied to one layer
        for row in rows[1:]:
            if row.state == "ok" and row.shape == UNKNOWN_MARK:
                row.state = "unknown"
    return rows


def totals(doc: PresetDocument, check: CheckResult) -> Totals:
    """Parameters, weight memory, activation memory for one batch, FLOPs per sample."""
    report = check.report
    batch = doc.preset.training.batch_size
    sized = [r for r in report.rows if r.output_shape is not None]
    values = sum(int(prod(r.output_shape[1:])) for r in sized)
    params = sum(r.params or 0 for r in sized)
    trainable = sum(r.trainable_params or 0 for r in sized)
    flops = sum(r.flops or 0 for r in sized)
    partial = len(sized) < len(report.rows)
    return Totals(params, trainable, params * BYTES_PER_VALUE, values * batch * BYTES_PER_VALUE, flops,
                  batch, partial)


def fix_hint(fixes: FixReport) -> str | None:
    """The first known fix as the status line and the details suggest it, with the key that makes it."""
    if not fixes.fixes:
        return None
    first = fixes.fixes[0]
    return first.title + (f" ({first.keys})" if first.keys else "")


def fix_key(fixes: FixReport | None) -> str:
    """What the status line adds when fixes are known: the key that opens them."""
    n = len(fixes.fixes) if fixes is not None else 0
    return "" if not n else " · f: fix" + (f" ({n} ways)" if n > 1 else "")


LOOSE_FIX = "m joins it to another branch, O makes it an output, d deletes it"


def loose_text(rows: list[RowView]) -> str:
    """The line that names the layers nothing reads ('' when there are none)."""
    names = [row.name for row in rows if row.loose]
    if not names:
        return ""
    what = (f"{names[0]} is" if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]} are")
    return f"\n  {LOOSE_MARK} {what} not read by any layer and not an output ({LOOSE_FIX})"


def status_text(doc: PresetDocument, check: CheckResult, rows: list[RowView], fixes: FixReport | None = None) -> str:
    """One or two lines: ready to train, or what does not fit and how to fix it (the first known fix,
    else the engine's advice); the layers nothing reads."""
    return _status_text(doc, check, rows, fixes) + loose_text(rows)


def _status_text(doc: PresetDocument, check: CheckResult, rows: list[RowView], fixes: FixReport | None) -> str:
    hint = fix_hint(fixes) if fixes is not None else None
    preset = doc.preset
    report = check.report
    if check.ready:
        t = preset.training
        lr = t.optimizer.config.get("learning_rate")
        schedule = t.learning_rate_schedule
        opt = f"{t.optimizer.type}" + (f" (learning rate {lr:g}" + (f", {schedule['type']}" if schedule else "") + ")"
                                       if lr is not None else "")
        loss = t.loss if isinstance(t.loss, str) else ", ".join(f"{k}: {v}" for k, v in t.loss.items())
        on = f" on {_data_text(check)}" if check.sizes is not None else ""
        text = (f"{OK_MARK} Ready to train{on}: {report.total_params:,} params; loss {loss}; {opt}; "
                f"batch {t.batch_size}, {t.epochs} epoch{'s' if t.epochs != 1 else ''}")
        if t.early_stopping:
            es = t.early_stopping
            text += f"; early stopping on {es.get('monitor', 'val_loss')} (patience {es.get('patience', 0)})"
        if doc.checkpoint_dir:
            text += f"; checkpoint in {doc.checkpoint_dir}"
        return text
    if check.crash:
        return f"{ERROR_MARK} {check.crash}"
    if check.empty:  # before the graph's own complaint: a new model has no layers yet, nothing is wrong
        return f"{ERROR_MARK} The model has no layers yet: press a to add one."
    if report.error is not None:
        i = report.error_index
        if i is None or i >= len(rows) - 1:
            return f"{ERROR_MARK} The graph does not fit together: {report.error}"
        row = rows[i + 1]
        r = report.rows[i]
        if r.output_shape is not None:  # shapes fit; the loss cannot score this output
            loss = preset.training.loss
            loss = loss if isinstance(loss, str) else loss.get(row.name, "the loss")
            head = f"{ERROR_MARK} The loss {loss} does not fit layer {i} {row.type} ({row.name}): "
        else:
            head = f"{ERROR_MARK} Layer {i} {row.type} ({row.name}) does not fit: "
        text = head + (row.error or str(report.error))
        if hint or row.fix:
            text += f"\n  Fix: {hint or row.fix}{fix_key(fixes)}"
        return text
    if check.data_error:
        return f"{ERROR_MARK} Data: {check.data_error}\n  Fix: press o and set the data set's file (or another data set)."
    if check.input_error:
        return f"{ERROR_MARK} Input: {check.input_error}\n  Fix: {hint or 'press i to change the input shape.'}{fix_key(fixes)}"
    if check.empty:
        return f"{ERROR_MARK} The model has no layers yet: press a to add one."
    if check.settings_error:
        return (f"{ERROR_MARK} {check.settings_error[:1].upper()}{check.settings_error[1:]}\n"
                "  Fix: press o for the loss panel (outputs: O on a layer).")
    return f"{ERROR_MARK} {check.problem}"


def layer_preview(preset: Preset, change: Edit) -> str:
    """What the layer that ``change`` adds or edits (its focus) would give: 'gives (None, 64) · 32,832 params',
    or why it would not fit."""
    new = change.applied_to(preset) or preset
    try:
        report = full_check(new, build_model(new.model))
    except Exception as exc:  # a bug below us must not take the form down
        return f"{ERROR_MARK} cannot tell ({type(exc).__name__}: {exc})"
    i = change.focus
    r = report.rows[i] if i is not None and i < len(report.rows) else None
    if r is None:
        return f"gives {UNKNOWN_MARK}"
    parts = []
    if r.output_shape is not None:
        parts.append(f"gives {shape_text(r.output_shape)} · {r.params or 0:,} params")
    if report.error is not None and report.error_index == i:
        err = r.error if r.error is not None else report.error
        reason = getattr(err, "reason", None) or str(err)
        parts.append(f"{ERROR_MARK} {'the loss does not fit' if r.output_shape is not None else 'does not fit'}: "
                     f"{reason}")
    elif r.output_shape is None:
        parts.append(f"gives {UNKNOWN_MARK} (a layer above does not fit)")
    return " · ".join(parts)


def _data_text(check: CheckResult) -> str:
    """'MNIST (28x28, 10 classes)', 'spiral (2 values, 2 classes)', 'train.csv (784 values, ? classes)'."""
    sizes = check.sizes
    classes = "?" if sizes.classes is None else sizes.classes
    return f"{sizes.title} ({sizes.shape_text()}, {classes} classes)"


def stack_view(doc: PresetDocument) -> StackView:
    """The whole view of the document."""
    check = doc.check()
    fixes = doc.fixes()
    rows = build_rows(doc, check)
    problem = None
    if check.report.error is not None and check.report.error_index is not None:
        problem = check.report.error_index + 1
    elif check.input_error:
        problem = 0
    hint = fix_hint(fixes)
    if hint and problem is not None and rows[problem].state == "error":
        rows[problem].fix = hint
    graph = doc.is_graph or (check.model is not None and bool(check.model.layers) and not check.model.is_sequential)
    return StackView(rows, totals(doc, check), graph, check.ready, status_text(doc, check, rows, fixes), problem,
                     check, fixes)

