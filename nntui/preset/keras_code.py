"""The preset as Keras code: the Python that loads MNIST, builds, compiles and fits the same model.

A plain stack becomes ``keras.Sequential([keras.Input(shape=...), keras.layers.X(...), ...])``; a
graph (layers that name their inputs, or several outputs) becomes the functional API. Layers show
only their non-default settings, with the first setting positional when it is required (as in
``keras.layers.Dense(512, activation="relu")``).
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
from .build import build_model
from .datasets import MNIST_TRAIN
from .edit_fields import non_default_settings
from .preset import LayerSpec, Preset
from .targets import TARGET_RULES, expected_units

OPTIMIZER_CLASSES = {"sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW", "adagrad": "Adagrad"}
RESERVED = {"keras", "model", "inputs", "outputs", "x_train", "y_train", "x_test", "y_test", "targets"}


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
    parts = []
    for i, (key, value) in enumerate(settings.items()):
        positional = i == 0 and fields and fields[0].name == key and fields[0].required
        parts.append(py_value(value) if positional else f"{key}={py_value(value)}")
    if name is not None:
        parts.append(f"name={py_value(name)}")
    return ", ".join(parts)


def layer_call(spec: LayerSpec, name: str | None = None) -> str:
    """``keras.layers.Dense(512, activation="relu")``."""
    return f"keras.layers.{spec.type}({layer_args(spec.type, spec.config, name)})"


def optimizer_call(type_name: str, config: dict) -> str:
    """``keras.optimizers.RMSprop(learning_rate=0.001)`` (learning rate always, other non-defaults)."""
    cls = OPTIMIZERS.get(type_name)
    class_name = OPTIMIZER_CLASSES.get(type_name, type_name[:1].upper() + type_name[1:])
    args = {}
    if "learning_rate" in config:
        args["learning_rate"] = config["learning_rate"]
    extra = non_default_settings(cls.fields, config) if cls is not None else dict(config)
    args.update({k: v for k, v in extra.items() if k != "learning_rate"})
    inner = ", ".join(f"{k}={py_value(v)}" for k, v in args.items())
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


def _target_expr(preset: Preset, model: Model | None, output: str, units: int | None) -> str:
    """The Python expression turning digit labels ``y`` into this output's targets."""
    rule = TARGET_RULES[(preset.training.targets or {}).get(output, "digit")]
    loss = get_loss(_loss_for(preset, output))
    if units is None:
        units = expected_units(rule, loss)
    values = {"digit": "y", "parity": "(y % 2)", "greater_than_4": "(y > 4).astype(\"int64\")",
              "digit_value": "y.astype(\"float32\") / 9"}[rule.name]
    if rule.classes == 0:
        return f"({values}).reshape(-1, 1)"
    if loss.target == "integer":
        return values
    if units == 1:
        return f"{values}.astype(\"float32\").reshape(-1, 1)"
    return f"keras.utils.to_categorical({values}, {units})"


def _metric(preset: Preset, output: str) -> str:
    rule = TARGET_RULES[(preset.training.targets or {}).get(output, "digit")]
    return '"mae"' if rule.classes == 0 else '"accuracy"'


def keras_code(preset: Preset) -> str:
    """Python source that builds, compiles and trains the preset's model with Keras 3."""
    model: Model | None
    try:
        model = build_model(preset.model)
        report = model.infer_shapes()
    except Exception:  # the code can still be written from the spec alone
        model, report = None, None
    units = {}
    if report is not None and report.ok and model is not None:
        units = {name: shape[-1] for name, shape in zip(model.outputs, report.output_shapes())}

    t, d = preset.training, preset.data
    shape = tuple(preset.model.input_shape)
    title = " ".join(f"{preset.name}: {preset.description}".split()) if preset.description else preset.name
    lines = [f"# {title}", "# Generated by nntui: the same model, compiled and trained with Keras 3.",
             "import keras", "", f"keras.utils.set_random_seed({t.seed})", "",
             "# MNIST: 60,000 training and 10,000 test images of 28x28 pixels, labels 0-9",
             "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()"]
    if d.limit is not None and d.limit < MNIST_TRAIN:
        lines.append(f"x_train, y_train = x_train[:{d.limit}], y_train[:{d.limit}]")
    reshape = ", ".join(str(v) for v in shape)
    lines += [f'x_train = x_train.reshape(-1, {reshape}).astype("float32") / 255',
              f'x_test = x_test.reshape(-1, {reshape}).astype("float32") / 255', "", ""]

    outputs = _outputs_of(preset, model)
    if not outputs and preset.model.layers:
        outputs = [preset.model.layers[-1].name or "output"]
    single = len(outputs) <= 1
    lines.append("def targets(y):")
    lines.append('    """Digit labels -> what the model\'s output(s) learn."""')
    if single:
        name = outputs[0] if outputs else ""
        lines.append(f"    return {_target_expr(preset, model, name, units.get(name))}")
    else:
        lines.append("    return {")
        for name in outputs:
            lines.append(f"        {py_value(name)}: {_target_expr(preset, model, name, units.get(name))},")
        lines.append("    }")
    lines += ["", "", "y_train, y_test = targets(y_train), targets(y_test)", ""]

    if _is_plain_stack(preset):
        lines += _sequential(preset)
    else:
        lines += _functional(preset, model)

    lines.append("model.summary()")
    lines += ["", "model.compile("]
    lines.append(f"    optimizer={optimizer_call(t.optimizer.type, t.optimizer.config)},")
    if isinstance(t.loss, dict) or not single:
        losses = {name: _loss_for(preset, name) for name in outputs}
        lines.append(f"    loss={py_value(losses)},")
        if t.loss_weights:
            lines.append(f"    loss_weights={py_value(t.loss_weights)},")
        metrics = ", ".join(f"{py_value(n)}: [{_metric(preset, n)}]" for n in outputs)
        lines.append(f"    metrics={{{metrics}}},")
    else:
        lines.append(f"    loss={py_value(t.loss)},")
        lines.append(f"    metrics=[{_metric(preset, outputs[0] if outputs else '')}],")
    lines.append(")")
    fit = f"model.fit(x_train, y_train, batch_size={t.batch_size}, epochs={t.epochs}"
    if d.validation_split:
        fit += f", validation_split={py_value(d.validation_split)}"
    lines += ["", fit + ")", "model.evaluate(x_test, y_test)"]
    return "\n".join(lines) + "\n"


def _sequential(preset: Preset) -> list[str]:
    lines = ["model = keras.Sequential(["]
    lines.append(f"    keras.Input(shape={_shape(preset.model.input_shape)}),")
    for spec in preset.model.layers:
        lines.append(f"    {layer_call(spec, spec.name)},")
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


__all__ = ["keras_code", "layer_args", "layer_call", "optimizer_call", "py_value"]
