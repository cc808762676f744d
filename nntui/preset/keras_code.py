"""The preset as Keras code: a module whose ``build_model()`` returns the same model, compiled.

The code is a Python module that can be imported without side effects: ``build_model()`` builds and
compiles the model (loading ``weights.npz`` from beside the file when it is there, which is what
``--export-keras`` writes), ``load_data()`` loads the data set as the model reads it (:mod:`.keras_data`),
and only when run as
a script does it train and evaluate. A plain stack becomes ``keras.Sequential([keras.Input(...),
keras.layers.X(...), ...])``; a graph (layers that name their inputs, or several outputs) the
functional API. Every layer carries nntui's name, so that weights and summaries match. Layers show
only their non-default settings, with the first setting positional when it is required (as in
``keras.layers.Dense(512, activation="relu", name="dense")``).
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

from ..engine.config import Field
from ..engine.layers import LAYER_TYPES
from ..engine.losses import get_loss
from ..engine.model import INPUT, GraphError, Model
from ..engine.optimizers import OPTIMIZERS
from ..engine.schedules import SCHEDULES
from .build import build_model
from .data_source import data_sizes
from .edit_fields import non_default_settings
from .keras_data import data_function
from .preset import LayerSpec, Preset
from .targets import TARGET_RULES, default_rule, expected_units

OPTIMIZER_CLASSES = {"sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW", "adagrad": "Adagrad"}
RESERVED = {"keras", "model", "inputs", "outputs", "x_train", "y_train", "x_test", "y_test", "targets"}
#: settings that nntui defaults but Keras 3 requires (written even when they have nntui's default value)
KERAS_REQUIRED = {"AveragePooling2D": ("pool_size",)}


def py_value(value: Any) -> str:
    """A Python literal for a setting: "relu", 512, 0.001, True, (28, 28, 1), None."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(py_value(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_value(str(k))}: {py_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def layer_args(type_name: str, config: dict, name: str | None = None) -> str:
    """The arguments of ``keras.layers.<type>(...)``: non-default settings, the first required one positional."""
    cls = LAYER_TYPES.get(type_name)
    fields: tuple[Field, ...] = cls.fields if cls is not None else ()
    settings = non_default_settings(fields, config) if cls is not None else dict(config)
    required = KERAS_REQUIRED.get(type_name, ())
    if required:
        settings = {**{k: config[k] for k in required if k in config}, **settings}
    parts = []
    for i, (key, value) in enumerate(settings.items()):
        positional = i == 0 and fields and fields[0].name == key and (fields[0].required or key in required)
        parts.append(py_value(value) if positional else f"{key}={py_value(value)}")
    if name is not None:
        parts.append(f"name={py_value(name)}")
    return ", ".join(parts)


def layer_call(spec: LayerSpec, name: str | None = None) -> str:
    """``keras.layers.Dense(512, activation="relu")``."""
    return f"keras.layers.{spec.type}({layer_args(spec.type, spec.config, name)})"


def schedule_call(schedule: dict, learning_rate: float) -> str:
    """``keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.001, decay_steps=2110)``: the
    initial rate always (the optimizer's when the preset leaves it out), other settings when not Keras's
    defaults; boundaries and values as lists."""
    cls = SCHEDULES.get(schedule["type"])
    settings = {k: v for k, v in schedule.items() if k != "type"}
    if cls is not None and any(f.name == "initial_learning_rate" for f in cls.fields):
        settings = {"initial_learning_rate": settings.get("initial_learning_rate", learning_rate), **settings}
    if cls is not None:
        settings = non_default_settings(cls.fields, settings)
    args = []
    for key, value in settings.items():
        text = "[" + ", ".join(py_value(v) for v in value) + "]" if isinstance(value, tuple) else py_value(value)
        args.append(f"{key}={text}")
    return f"keras.optimizers.schedules.{schedule['type']}({', '.join(args)})"


def optimizer_call(type_name: str, config: dict, schedule: dict | None = None) -> str:
    """``keras.optimizers.RMSprop(learning_rate=0.001)`` (learning rate always, other non-defaults); with a
    schedule, the schedule is the learning rate."""
    cls = OPTIMIZERS.get(type_name)
    class_name = OPTIMIZER_CLASSES.get(type_name, type_name[:1].upper() + type_name[1:])
    args = {}
    if "learning_rate" in config:
        args["learning_rate"] = py_value(config["learning_rate"])
    if schedule is not None:
        args["learning_rate"] = schedule_call(schedule, config.get("learning_rate", 0.001))
    extra = non_default_settings(cls.fields, config) if cls is not None else dict(config)
    args.update({k: py_value(v) for k, v in extra.items() if k != "learning_rate"})
    inner = ", ".join(f"{k}={v}" for k, v in args.items())
    return f"keras.optimizers.{class_name}({inner})"


def _identifier(name: str, taken: set[str]) -> str:
    base = re.sub(r"\W", "_", name) or "layer"
    if base[0].isdigit():
        base = "_" + base
    if keyword.iskeyword(base) or base in RESERVED:
        base += "_"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def _is_plain_stack(preset: Preset) -> bool:
    m = preset.model
    if any(ls.inputs for ls in m.layers):
        return False
    if m.outputs is None or not m.layers:
        return True
    last = m.layers[-1]
    return len(m.outputs) == 1 and last.name is not None and m.outputs == [last.name]


def _shape(shape) -> str:
    return py_value(tuple(shape))


def _outputs_of(preset: Preset, model: Model | None) -> list[str]:
    if model is not None:
        return list(model.outputs)
    return list(preset.model.outputs or [])


def _loss_for(preset: Preset, output: str) -> str:
    loss = preset.training.loss
    if isinstance(loss, dict):
        return loss.get(output) or next(iter(loss.values()))
    return loss


def _rule(preset: Preset, output: str):
    return TARGET_RULES[(preset.training.targets or {}).get(output, default_rule(preset.data.dataset))]


def _target_expr(preset: Preset, model: Model | None, output: str, units: int | None) -> str:
    """The Python expression turning labels ``y`` into this output's targets."""
    rule = _rule(preset, output)
    loss = get_loss(_loss_for(preset, output))
    if units is None:
        units = expected_units(rule.sized(data_sizes(preset).classes), loss) or 1
    values = {"digit": "y", "label": "y", "parity": "(y % 2)", "greater_than_4": "(y > 4).astype(\"int64\")",
              "digit_value": "y.astype(\"float32\") / 9"}[rule.name]
    if rule.classes == 0:
        return f"({values}).reshape(-1, 1)"
    if loss.target == "integer":
        return values
    if units == 1:
        return f"{values}.astype(\"float32\").reshape(-1, 1)"
    return f"keras.utils.to_categorical({values}, {units})"


def _metric(preset: Preset, output: str) -> str:
    rule = _rule(preset, output)
    return '"mae"' if rule.classes == 0 else '"accuracy"'


def keras_code(preset: Preset) -> str:
    """Python source of a module that builds and compiles the preset's model with Keras 3 (and trains it as a script).

    In reading order: build_model() first (what a learner looks for), then the weights' names, the
    targets, the data, and the training that runs only as a script.
    """
    model: Model | None
    try:
        model = build_model(preset.model)
        report = model.infer_shapes()
    except Exception:  # the code can still be written from the spec alone
        model, report = None, None
    units, weight_names = {}, {}
    if report is not None and report.ok and model is not None:
        units = {name: shape[-1] for name, shape in zip(model.outputs, report.output_shapes())}
        weight_names = weight_paths(model.build(seed=0))
    outputs = _outputs_of(preset, model)
    if not outputs and preset.model.layers:
        outputs = [preset.model.layers[-1].name or "output"]
    lines = _header(preset) + _build_function(preset, model, outputs) + _weights_table(weight_names)
    lines += _targets_function(preset, model, outputs, units) + data_function(preset, py_value) + _main(preset)
    return "\n".join(lines) + "\n"


def _header(preset: Preset) -> list[str]:
    title = " ".join(f"{preset.name}: {preset.description}".split()) if preset.description else preset.name
    return [f"# {title}", f'"""The model of the nntui preset {py_value(preset.name)} in Keras 3, generated by nntui.',
            "", "Importing this file only defines build_model() and load_data(); run it as a script",
            "(python model.py) to train the model further with Keras on any backend",
            "(KERAS_BACKEND=jax, tensorflow or torch).", '"""', "", "import os", "", "import keras",
            "import numpy as np", "", 'WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.npz")',
            "", ""]


def _build_function(preset: Preset, model: Model | None, outputs: list[str]) -> list[str]:
    t = preset.training
    lines = ["def build_model(weights=WEIGHTS):",
             '    """The model, compiled; with the weights in ``weights`` (weights.npz beside this file) if it exists."""']
    body = _sequential(preset, model) if _is_plain_stack(preset) else _functional(preset, model)
    lines += ["    " + line if line else "" for line in body]
    lines += ["    model.compile("]
    lines.append(f"        optimizer={optimizer_call(t.optimizer.type, t.optimizer.config, t.learning_rate_schedule)},")
    if isinstance(t.loss, dict) or len(outputs) > 1:
        losses = {name: _loss_for(preset, name) for name in outputs}
        lines.append(f"        loss={py_value(losses)},")
        if t.loss_weights:
            lines.append(f"        loss_weights={py_value(t.loss_weights)},")
        metrics = ", ".join(f"{py_value(n)}: [{_metric(preset, n)}]" for n in outputs)
        lines.append(f"        metrics={{{metrics}}},")
    else:
        lines.append(f"        loss={py_value(t.loss)},")
        lines.append(f"        metrics=[{_metric(preset, outputs[0] if outputs else '')}],")
    return lines + ["    )", "    if weights and os.path.exists(weights):", "        with np.load(weights) as saved:",
                    "            for name, keys in WEIGHT_NAMES.items():",
                    "                model.get_layer(name).set_weights([saved[key] for key in keys])",
                    "    return model", "", ""]


def _weights_table(weight_names: dict[str, list[str]]) -> list[str]:
    if not weight_names:
        return ["WEIGHT_NAMES = {}", "", ""]
    lines = ["# each layer's weights in Keras's order, by their names in weights.npz", "WEIGHT_NAMES = {"]
    for layer_name, keys in weight_names.items():
        lines.append(f"    {py_value(layer_name)}: [{', '.join(py_value(k) for k in keys)}],")
    return lines + ["}", "", ""]


def _targets_function(preset: Preset, model: Model | None, outputs: list[str], units: dict) -> list[str]:
    what = "Digit labels" if preset.data.dataset == "mnist" else "Class labels"
    lines = ["def targets(y):", f'    """{what} -> what the model\'s output(s) learn."""']
    if len(outputs) <= 1:
        name = outputs[0] if outputs else ""
        return lines + [f"    return {_target_expr(preset, model, name, units.get(name))}", "", ""]
    lines.append("    return {")
    for name in outputs:
        lines.append(f"        {py_value(name)}: {_target_expr(preset, model, name, units.get(name))},")
    return lines + ["    }", "", ""]


def _main(preset: Preset) -> list[str]:
    t, d = preset.training, preset.data
    fit = f"    model.fit(x_train, y_train, batch_size={t.batch_size}, epochs={t.epochs}"
    if d.validation_split:
        fit += f", validation_split={py_value(d.validation_split)}"
    return ['if __name__ == "__main__":', f"    keras.utils.set_random_seed({t.seed})",
            "    (x_train, y_train), (x_test, y_test) = load_data()", "    model = build_model()",
            "    model.summary()", fit + ")", "    model.evaluate(x_test, y_test)"]


def weight_paths(model: Model) -> dict[str, list[str]]:
    """Layer name -> the paths of its weights ('dense/kernel', ...) in Keras's order (layers with weights only)."""
    paths: dict[str, list[str]] = {}
    for layer, spec in model.weight_index:
        paths.setdefault(layer.name, []).append(f"{layer.name}/{spec.name}")
    return paths


def _sequential(preset: Preset, model: Model | None) -> list[str]:
    names = [layer.name for layer in model.layers] if model is not None else [ls.name for ls in preset.model.layers]
    lines = ["model = keras.Sequential(["]
    lines.append(f"    keras.Input(shape={_shape(preset.model.input_shape)}),")
    for spec, name in zip(preset.model.layers, names):
        lines.append(f"    {layer_call(spec, name)},")
    name = re.sub(r"[^\w-]", "_", preset.name) or "sequential"
    lines.append(f"], name={py_value(name)})")
    return lines


def _functional(preset: Preset, model: Model | None) -> list[str]:
    """keras.Input -> one line per layer in dependency order -> keras.Model(inputs, outputs)."""
    specs = preset.model.layers
    names = [ls.name for ls in specs]
    inputs_of: list[list[str]]
    order = list(range(len(specs)))
    problem = None
    if model is not None:
        names = [layer.name for layer in model.layers]
        inputs_of = [list(i) for i in model.inputs]
        try:
            order = model.topological_order()
        except GraphError as exc:
            problem = str(exc)
    else:
        inputs_of = [ls.inputs or ([INPUT] if i == 0 else [names[i - 1] or ""]) for i, ls in enumerate(specs)]
    taken: set[str] = set()
    var = {INPUT: "inputs"}
    for name in names:
        var[name] = _identifier(name or "layer", taken)
    lines = []
    if problem:
        lines.append(f"# The graph is not valid yet: {problem}")
    lines.append(f"inputs = keras.Input(shape={_shape(preset.model.input_shape)})")
    for i in order:
        spec = specs[i]
        args = [var.get(n, _identifier(n, taken)) for n in inputs_of[i]]
        layer = LAYER_TYPES.get(spec.type)
        multi = layer is not None and layer.arity != (1, 1)
        arg = "[" + ", ".join(args) + "]" if multi else (args[0] if args else "inputs")
        lines.append(f"{var[names[i]]} = {layer_call(spec, names[i])}({arg})")
    outs = _outputs_of(preset, model) or ([names[-1]] if names else [])
    out_vars = [var.get(n, n) for n in outs]
    if len(out_vars) == 1:
        out = out_vars[0]
    else:  # a dict, so that losses, metrics and targets are matched by output name
        out = "{" + ", ".join(f"{py_value(n)}: {v}" for n, v in zip(outs, out_vars)) + "}"
    name = re.sub(r"[^\w-]", "_", preset.name) or "model"
    lines.append(f"model = keras.Model(inputs=inputs, outputs={out}, name={py_value(name)})")
    return lines


__all__ = ["keras_code", "layer_args", "layer_call", "optimizer_call", "py_value", "schedule_call", "weight_paths"]
