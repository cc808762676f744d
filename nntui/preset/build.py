"""From a preset spec to engine objects: the model, its losses and targets, the trainer."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.layers import create_layer
from ..engine.losses import Loss, get_loss
from ..engine.model import GraphError, Model, ModelShapeError, ShapeReport
from ..engine.optimizers import Optimizer, get_optimizer
from ..engine.schedules import create_schedule
from ..engine.shapes import ShapeError
from ..engine.training import Trainer
from .data_source import DataSizes, data_sizes
from .preset import ModelSpec, Preset, TrainingSpec
from .targets import TARGET_RULES, TargetRule, check_target, default_rule


@dataclass
class OutputPlan:
    """One model output: its layer name, loss, target rule and loss weight."""

    name: str
    loss: Loss
    rule: TargetRule
    weight: float = 1.0


def build_model(spec: ModelSpec) -> Model:
    """An unbuilt Model from a ModelSpec (shapes not yet checked)."""
    layers = [create_layer(ls.type, ls.name, **ls.config) for ls in spec.layers]
    inputs = [ls.inputs for ls in spec.layers]
    return Model(spec.input_shape, layers, inputs=inputs, outputs=spec.outputs)


def output_plans(training: TrainingSpec, model: Model, dataset: str = "mnist",
                 classes: int | None = None) -> list[OutputPlan]:
    """Loss, target rule and weight for each output of the model, in output order; the ``label`` rule
    sized to the data set's ``classes`` (None: not known yet)."""
    plans = []
    for name in model.outputs:
        loss_name = training.loss.get(name) if isinstance(training.loss, dict) else training.loss
        if loss_name is None:
            loss_name = next(iter(training.loss.values()))
        rule = (training.targets or {}).get(name, default_rule(dataset))
        weight = (training.loss_weights or {}).get(name, 1.0)
        plans.append(OutputPlan(name, get_loss(loss_name), TARGET_RULES[rule].sized(classes), weight))
    return plans


def final_activation(model: Model, name: str) -> str | None:
    """The activation applied last by the output layer ``name`` (None when it is not its final step)."""
    layer = model.layer(name)
    if not getattr(layer, "activation_is_final", True):
        return None
    return layer.config.get("activation")


def check_losses(training: TrainingSpec, model: Model, report: ShapeReport, dataset: str = "mnist",
                 classes: int | None = None) -> ModelShapeError | None:
    """The first output whose loss cannot score it (wrong units for the data set's ``classes``, or the
    wrong activation), as a layer error."""
    if not report.ok:
        return None
    shapes = dict(zip(model.outputs, report.output_shapes()))
    for plan in output_plans(training, model, dataset, classes):
        try:
            check_target(plan.rule, plan.loss, shapes[plan.name], final_activation(model, plan.name))
        except ShapeError as exc:
            index = next(i for i, layer in enumerate(model.layers) if layer.name == plan.name)
            return ModelShapeError(exc, index, plan.name)
    return None


def full_check(preset: Preset, model: Model, sizes: DataSizes | None = None) -> ShapeReport:
    """Shapes, then losses against outputs and the data set's classes (``sizes``, default: the preset's
    data set's as far as known); the report's error is the first problem found."""
    report = model.infer_shapes()
    if not model.layers:
        report.error = GraphError("the model has no layers yet; add at least one (e.g. Dense)")
    elif report.ok:
        sizes = data_sizes(preset) if sizes is None else sizes
        error = check_losses(preset.training, model, report, preset.data.dataset, sizes.classes)
        if error is not None:
            report.error, report.error_index = error, error.index
            report.rows[error.index].error = error.error
    return report


def make_optimizer(training: TrainingSpec) -> Optimizer:
    """The optimiser the preset names, with its settings and its learning-rate schedule (if any)."""
    optimizer = get_optimizer(training.optimizer.type, **training.optimizer.config)
    if training.learning_rate_schedule is not None:
        optimizer.schedule = create_schedule(training.learning_rate_schedule, optimizer.config["learning_rate"])
    return optimizer


def make_trainer(preset: Preset, model: Model) -> Trainer:
    """Build the model's weights (seeded) and compile it with the preset's losses and optimiser."""
    if not model.built:
        model.build(seed=preset.training.seed)
    plans = output_plans(preset.training, model, preset.data.dataset)
    return Trainer(model, [p.loss for p in plans], make_optimizer(preset.training),
                   [p.weight for p in plans], seed=preset.training.seed)
