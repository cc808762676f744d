"""The graph edits of the preset being edited: branches, merges and the model's outputs.

:class:`GraphOperations` is a mixin of :class:`~nntui.preset.document.PresetDocument`. Its edits
keep the rest of the graph as it was: layers that are read by their automatic name get that name
explicitly, and the per-output loss, target and weight follow the outputs.
"""

from __future__ import annotations

from ..engine.config import ConfigError
from ..engine.layers import LAYER_TYPES
from ..engine.model import INPUT
from .edit_fields import MAX_LAYERS, valid_layer_name
from .preset import LayerSpec, Preset
from .preset_graph import _pin_name, _rename_output, suggested_head


class GraphOperations:
    """Graph edits of a :class:`PresetDocument` (a mixin; the document owns the state)."""

    # ------------------------------------------------------------------ graph operations
    def _source_name(self, index: int | None) -> str:
        return INPUT if index is None else self.names()[self._check_index(index)]

    def add_branch(self, source: int | None, type_name: str, config: dict | None = None, *,
                   name: str | None = None, inputs: list[str] | None = None) -> int:
        """A new layer that reads layer ``source`` (None: the model's input), placed right below it.

        The rest of the graph stays as it was: the layer that read ``source`` as "the layer before
        it" now names it; ``source`` gets its name explicitly; if the new layer lands last, the old
        last layer stays the output. ``inputs`` overrides what the new layer reads (default: the
        source). Returns the new layer's index.
        """
        if len(self.layers) >= MAX_LAYERS:
            raise ConfigError("model.layers", f"at most {MAX_LAYERS} layers")
        full = self.validate_layer(type_name, config)
        src = self._source_name(source)
        names = self.names()
        name = valid_layer_name(name) if name is not None else self.fresh_name(type_name)
        if name in names or name == INPUT:
            raise ConfigError("name", f"a layer is already called {name!r}")
        reads = [valid_layer_name(n, "inputs") for n in inputs] if inputs else [src]
        position = 0 if source is None else source + 1
        before_outputs = self.outputs
        spec = LayerSpec(type_name, full, name, reads)

        def branch(p: Preset) -> None:
            layers = p.model.layers
            if source is not None and layers[source].name is None:
                layers[source].name = src
            if position < len(layers) and not layers[position].inputs:
                layers[position].inputs = [src]
            self._pin_references(p, names, reads)
            if p.model.outputs is None and position == len(layers) and before_outputs:
                _pin_name(p, before_outputs[0])
                p.model.outputs = list(before_outputs)
            layers.insert(position, spec)
        self._change(f"add a {type_name} branch from {', '.join(reads)}", branch, position)
        return position

    def add_merge(self, after: int | None, type_name: str, inputs: list[str], config: dict | None = None, *,
                  name: str | None = None) -> int:
        """A merge layer (Concatenate, Add, ...) that joins ``inputs`` (layer names or ``input``).

        It goes below the last layer it joins (and not above ``after``, the layer under the cursor),
        so the layer that followed there now reads the merge, as any inserted layer would. The layers
        it joins get their names explicitly. Returns the merge's index.
        """
        if len(self.layers) >= MAX_LAYERS:
            raise ConfigError("model.layers", f"at most {MAX_LAYERS} layers")
        full = self.validate_layer(type_name, config)
        names = self.names()
        if not inputs:
            raise ConfigError("inputs", "name the layers to join, e.g. dense, dense_1")
        inputs = [valid_layer_name(n, "inputs") for n in inputs]
        for n in inputs:
            if n != INPUT and n not in names:
                raise ConfigError("inputs", f"{n!r} is not a layer name (names: {', '.join([INPUT, *names])})")
        lo, hi = LAYER_TYPES[type_name].arity
        if len(inputs) < lo or (hi is not None and len(inputs) > hi):
            raise ConfigError("inputs", f"{type_name} joins at least {lo} layers; got {len(inputs)}")
        name = valid_layer_name(name) if name is not None else self.fresh_name(type_name)
        if name in names or name == INPUT:
            raise ConfigError("name", f"a layer is already called {name!r}")
        last = max([names.index(n) for n in inputs if n != INPUT] + [-1 if after is None else after])
        position = last + 1
        spec = LayerSpec(type_name, full, name, list(inputs))

        def merge(p: Preset) -> None:
            self._pin_references(p, names, inputs)
            p.model.layers.insert(position, spec)
        self._change(f"add a {type_name} of {', '.join(inputs)}", merge, position)
        return position

    def set_outputs(self, outputs: list[str]) -> bool:
        """Set the model's outputs (layer names, in order); the per-output loss, target and weight follow.

        A new output gets a loss and a target rule that fit its shape (10 classes: the digit with
        categorical cross-entropy; 1 sigmoid unit: the parity with binary cross-entropy); a removed
        one leaves every per-output table; one output left means one loss again.
        """
        names = self.names()
        outputs = [valid_layer_name(n, "outputs") for n in outputs]
        if not outputs:
            raise ConfigError("outputs", "a model needs at least one output")
        for k, n in enumerate(outputs):
            if n not in names:
                raise ConfigError("outputs", f"{n!r} is not a layer name (layers: {', '.join(names) or 'none'})")
            if n in outputs[:k]:
                raise ConfigError("outputs", f"{n!r} is listed twice")
        old = self.outputs
        if outputs == old:
            return False
        check = self.check()
        shapes = {r.name: r.output_shape for r in check.report.rows}
        model = check.model
        current = self._preset.training.loss

        def activation(n: str) -> str | None:
            try:
                return model.layer(n).config.get("activation") if model is not None else None
            except KeyError:
                return None

        def update(p: Preset) -> None:
            for n in outputs:
                _pin_name(p, n)
            for n in old:
                if n not in outputs:
                    _rename_output(p, n, None)
            t = p.training
            loss = t.loss
            if len(outputs) == 1:
                p.model.outputs = None if outputs == names[-1:] else list(outputs)
                if isinstance(loss, dict):
                    t.loss = loss.get(outputs[0], next(iter(loss.values()), "categorical_crossentropy"))
            else:
                p.model.outputs = list(outputs)
                table = dict(loss) if isinstance(loss, dict) else {n: current for n in old if n in outputs}
                targets = dict(t.targets or {})
                for n in outputs:
                    if n not in table:
                        suggestion, rule = suggested_head(shapes.get(n), activation(n))
                        table[n] = suggestion
                        if rule != "digit":
                            targets[n] = rule
                t.loss = {n: table[n] for n in outputs}
                t.targets = {n: targets[n] for n in outputs if n in targets} or None
            for attr in ("loss_weights", "targets"):
                table = getattr(t, attr)
                if isinstance(table, dict):
                    setattr(t, attr, {k: v for k, v in table.items() if k in outputs} or None)
        return self._change("set the outputs to " + ", ".join(outputs), update, None)

    def toggle_output(self, index: int) -> bool:
        """Make layer ``index`` an output too, or no longer one (the last output cannot go)."""
        name = self.names()[self._check_index(index)]
        outputs = self.outputs
        if name in outputs:
            if len(outputs) == 1:
                raise ConfigError("outputs", f"{name!r} is the model's only output; make another layer an "
                                             "output first")
            return self.set_outputs([n for n in outputs if n != name])
        return self.set_outputs(outputs + [name])
