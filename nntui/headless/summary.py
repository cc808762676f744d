"""The model summary as Keras 3 prints it, and as JSON for scripts."""

from __future__ import annotations

from ..engine.model import INPUT, GraphError, Model, ShapeReport
from ..engine.shapes import format_shape
from ..preset.format import readable_size

BOX = {"top": "┏┳┓━", "head": "┃", "under": "┡╇┩━", "row": "│", "sep": "├┼┤─", "bottom": "└┴┘─"}
ASCII = {"top": "++++-", "head": "|", "under": "+++=", "row": "|", "sep": "+++-", "bottom": "+++-"}


def _connected(model: Model, names: list[str]) -> str:
    return ", ".join(f"{'input_layer' if n == INPUT else n}[0][0]" for n in names)


def summary_rows(model: Model, report: ShapeReport) -> list[list[str]]:
    """Table cells per layer: 'name (Type)', output shape, params (and 'Connected to' for graphs)."""
    graph = not model.is_sequential
    rows = []
    if graph:
        rows.append(["input_layer (InputLayer)", format_shape(model.input_shape), "0", "-"])
    for row in report.rows:
        shape = format_shape(row.output_shape) if row.output_shape is not None else "?"
        params = f"{row.params:,}" if row.params is not None else "?"
        cells = [f"{row.name} ({row.type})", shape, params]
        if graph:
            cells.append(_connected(model, row.inputs))
        rows.append(cells)
    return rows


def summary_text(model: Model, report: ShapeReport, *, title: str | None = None, ascii_only: bool = False) -> str:
    """The Keras 3 summary table with its totals, e.g. ' Total params: 407,050 (1.55 MB)'."""
    box = ASCII if ascii_only else BOX
    graph = not model.is_sequential
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if graph else [])
    rows = summary_rows(model, report)
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) if rows else len(headers[i])
              for i in range(len(headers))]
    widths = [max(w, m) for w, m in zip(widths, (31, 22, 13, 20)[:len(headers)])]
    right = {2}

    def line(chars):
        left, mid, end, fill = chars[0], chars[1], chars[2], chars[-1]
        return left + mid.join(fill * (w + 2) for w in widths) + end

    def cells(values, bar):
        parts = [f" {v:>{w}} " if i in right else f" {v:<{w}} " for i, (v, w) in enumerate(zip(values, widths))]
        return bar + bar.join(parts) + bar

    out = [f'Model: "{title or model.name}"', line(box["top"]), cells(headers, box["head"]), line(box["under"])]
    for i, r in enumerate(rows):
        if i:
            out.append(line(box["sep"]))
        out.append(cells(r, box["row"]))
    out.append(line(box["bottom"]))
    total, trainable = report.total_params, report.trainable_params
    out.append(f" Total params: {total:,} ({readable_size(total * 4)})")
    out.append(f" Trainable params: {trainable:,} ({readable_size(trainable * 4)})")
    out.append(f" Non-trainable params: {total - trainable:,} ({readable_size((total - trainable) * 4)})")
    return "\n".join(out)


def error_json(model: Model, report: ShapeReport) -> dict | None:
    """The report's problem for scripts: ``kind`` 'shape' (a layer does not fit what it receives; ``layer``
    its index), 'loss' (every layer fits but an output's loss or target does not; ``output`` its name)
    or 'graph' (a cycle, an unknown input, a bad output name, no layers; ``layer`` or ``field``)."""
    error = report.error
    if error is None:
        return None
    if isinstance(error, GraphError):
        data = {"kind": "graph", "layer": error.layer}
        if error.field:
            data["field"] = error.field
    elif model.infer_shapes().ok:  # the layers alone fit: the loss check of full_check found it
        data = {"kind": "loss", "output": report.rows[report.error_index].name}
    else:
        data = {"kind": "shape", "layer": report.error_index}
    data["message"] = str(error)
    return data


def summary_json(model: Model, report: ShapeReport, *, name: str | None = None) -> dict:
    """The summary as a JSON-ready dict: the rows of :func:`summary_text` (every layer, ``null`` where the
    table shows '?'), the totals, then ``error`` (see :func:`error_json`) and ``warnings`` when there are any."""
    layers = [{"name": row.name, "type": row.type, "inputs": list(row.inputs),
               "output_shape": list(row.output_shape) if row.output_shape is not None else None,
               "params": row.params, "trainable_params": row.trainable_params}
              for row in report.rows]
    data = {"name": name or model.name, "input_shape": list(model.input_shape), "layers": layers,
            "outputs": list(model.outputs), "total_params": report.total_params,
            "trainable_params": report.trainable_params, "non_trainable_params": report.non_trainable_params}
    error = error_json(model, report)
    if error is not None:
        data["error"] = error
    if report.warnings:
        data["warnings"] = list(report.warnings)
    return data
