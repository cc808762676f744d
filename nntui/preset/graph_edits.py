"""The graph edits of the preset being edited: branches, merges and the model's outputs.

Each function validates against the preset it is given, then returns the
:class:`~nntui.preset.edit.Edit` that makes the change. The edits keep the rest of the graph as it
was: layers that are read by their automatic name get that name explicitly, and the per-output loss,
target and weight follow the outputs.
"""

from __future__ import annotations

from ..engine.config import ConfigError
from ..engine.layers import LAYER_TYPES
from ..engine.model import INPUT
from .edit import Edit
from .edit_fields import valid_layer_name
from .format import with_article
from .layer_edits import check_index, check_room, validate_layer
from .model_check import CheckResult
from .preset import LayerSpec, Preset
from .preset_graph import fresh_name, layer_names, output_names, pin_name, pin_references, rename_output, suggested_head
from .targets import default_rule


def _new_name(p: Preset, name: str | None, type_name: str) -> str:
    """The given name (validated, not taken) or a fresh one."""
    name = valid_layer_name(name) if name is not None else fresh_name(p, type_name)
    if name in layer_names(p) or name == INPUT:
        raise ConfigError("name", f"a layer is already called {name!r}")
    return name


def add_branch(p: Preset, source: int | None, type_name: str, config: dict | None = None, *,
               name: str | None = None, inputs: list[str] | None = None) -> Edit:
    """A new layer that reads layer ``source`` (None: the model's input), placed right below it.

    The rest of the graph stays as it was: the layer that read ``source`` as "the layer before
    it" now names it; ``source`` gets its name explicitly; if the new layer lands last, the old
    last layer stays the output. ``inputs`` overrides what the new layer reads (default: the
    source). The focus is the new layer's index.
    """
    check_room(p)
    full = validate_layer(type_name, config)
    names = layer_names(p)
    src = INPUT if source is None else names[check_index(p, source)]
    name = _new_name(p, name, type_name)
    reads = [valid_layer_name(n, "inputs") for n in inputs] if inputs else [src]
    position = 0 if source is None else source + 1
    before_outputs = output_names(p)
    spec = LayerSpec(type_name, full, name, reads)

    def branch(new: Preset) -> None:
        layers = new.model.layers
        if source is not None and layers[source].name is None:
            layers[source].name = src
        if position < len(layers) and not layers[position].inputs:
            layers[position].inputs = [src]
        pin_references(new, names, reads)
        if new.model.outputs is None and position == len(layers) and before_outputs:
            pin_name(new, before_outputs[0])
            new.model.outputs = list(before_outputs)
        layers.insert(position, spec)
    return Edit(f"add {with_article(type_name)} branch from {', '.join(reads)}", branch, position)


def add_merge(p: Preset, after: int | None, type_name: str, inputs: list[str], config: dict | None = None, *,
              name: str | None = None) -> Edit:
    """A merge layer (Concatenate, Add, ...) that joins ``inputs`` (layer names or ``input``).

    It goes below the last layer it joins (and not above ``after``, the layer under the cursor),
    so the layer that followed there now reads the merge, as any inserted layer would. The layers
    it joins get their names explicitly. The focus is the merge's index.
    """
    check_room(p)
    full = validate_layer(type_name, config)
    names = layer_names(p)
    if not inputs:
        raise ConfigError("inputs", "name the layers to join, e.g. dense, dense_1")
    inputs = [valid_layer_name(n, "inputs") for n in inputs]
    for n in inputs:
        if n != INPUT and n not in names:
            raise ConfigError("inputs", f"{n!r} is not a layer name (names: {', '.join([INPUT, *names])})")
    lo, hi = LAYER_TYPES[type_name].arity
    if len(inputs) < lo or (hi is not None and len(inputs) > hi):
        raise ConfigError("inputs", f"{type_name} joins at least {lo} layers; got {len(inputs)}")
    name = _new_name(p, name, type_name)
    position = max([names.index(n) for n in inputs if n != INPUT] + [-1 if after is None else after]) + 1
    spec = LayerSpec(type_name, full, name, list(inputs))

    def merge(new: Preset) -> None:
        pin_references(new, names, inputs)
        new.model.layers.insert(position, spec)
    return Edit(f"add {with_article(type_name)} of {', '.join(inputs)}", merge, position)


def set_outputs(p: Preset, outputs: list[str], check: CheckResult) -> Edit | None:
    """Set the model's outputs (layer names, in order); the per-output loss, target and weight follow.

    A new output gets a loss and a target rule that fit its shape (``check``: the current preset's,
    10 classes: the digit with categorical cross-entropy; 1 sigmoid unit: the parity with binary
    cross-entropy); a removed one leaves every per-output table; one output left means one loss
    again. None when the outputs are already these.
    """
    names = layer_names(p)
    outputs = [valid_layer_name(n, "outputs") for n in outputs]
    if not outputs:
        raise ConfigError("outputs", "a model needs at least one output")
    for k, n in enumerate(outputs):
        if n not in names:
            raise ConfigError("outputs", f"{n!r} is not a layer name (layers: {', '.join(names) or 'none'})")
        if n in outputs[:k]:
            raise ConfigError("outputs", f"{n!r} is listed twice")
    old = output_names(p)
    if outputs == old:
        return None
    shapes = {r.name: r.output_shape for r in check.report.rows}
    model = check.model
    current = p.training.loss

    def activation(n: str) -> str | None:
        try:
            return model.layer(n).config.get("activation") if model is not None else None
        except KeyError:
            return None

    def update(new: Preset) -> None:
        for n in outputs:
            pin_name(new, n)
        for n in old:
            if n not in outputs:
                rename_output(new, n, None)
        t = new.training
        loss = t.loss
        if len(outputs) == 1:
            new.model.outputs = None if outputs == names[-1:] else list(outputs)
            if isinstance(loss, dict):
                t.loss = loss.get(outputs[0], next(iter(loss.values()), "categorical_crossentropy"))
        else:
            new.model.outputs = list(outputs)
            table = dict(loss) if isinstance(loss, dict) else {n: current for n in old if n in outputs}
            targets = dict(t.targets or {})
            for n in outputs:
                if n not in table:
                    suggestion, rule = suggested_head(shapes.get(n), activation(n), new.data.dataset)
                    table[n] = suggestion
                    if rule != default_rule(new.data.dataset):
                        targets[n] = rule
            t.loss = {n: table[n] for n in outputs}
            t.targets = {n: targets[n] for n in outputs if n in targets} or None
        for attr in ("loss_weights", "targets"):
            table = getattr(t, attr)
            if isinstance(table, dict):
                setattr(t, attr, {k: v for k, v in table.items() if k in outputs} or None)
    return Edit("set the outputs to " + ", ".join(outputs), update, None)


def toggle_output(p: Preset, index: int, check: CheckResult) -> Edit | None:
    """Make layer ``index`` an output too, or no longer one (the last output cannot go)."""
    name = layer_names(p)[check_index(p, index)]
    outputs = output_names(p)
    if name in outputs:
        if len(outputs) == 1:
            raise ConfigError("outputs", f"{name!r} is the model's only output; make another layer an "
                                         "output first")
        return set_outputs(p, [n for n in outputs if n != name], check)
    return set_outputs(p, outputs + [name], check)


__all__ = ["add_branch", "add_merge", "set_outputs", "toggle_output"]
