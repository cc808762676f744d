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
from .preset import ModelSpec, Preset, TrainingSpec
from .targets import TARGET_RULES, TargetRule, check_target


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


def output_plans(training: TrainingSpec, model: Model) -> list[OutputPlan]:
    """Loss, target rule and weight for each output of the model, in output order."""
    plans = []
    for name in model.outputs:
        loss_name = training.loss.get(name) if isinstance(training.loss, dict) else training.loss
        if loss_name is None:
            loss_name = next(iter(training.loss.values()))
        rule = (training.targets or {}).get(name, "digit")
        weight = (training.loss_weights or {}).get(name, 1.0)
        plans.append(OutputPlan(name, get_loss(loss_name), TARGET_RULES[rule], weight))
    return plans


def final_activation(model: Model, name: str) -> str | None:
    """The activation applied last by the output layer ``name`` (None when it is not its final step)."""
    layer = model.layer(name)
    if not getattr(layer, "activation_is_final", True):
        return None
    return layer.config.get("activation")


def check_losses(training: TrainingSpec, model: Model, report: ShapeReport) -> ModelShapeError | None:
    """The first output whose loss cannot score it (wrong units or activation), as a layer error."""
    if not report.ok:
        return None
    shapes = dict(zip(model.outputs, report.output_shapes()))
    for plan in output_plans(training, model):
        try:
            check_target(plan.rule, plan.loss, shapes[plan.name], final_activation(model, plan.name))
        except ShapeError as exc:
            index = next(i for i, layer in enumerate(model.layers) if layer.name == plan.name)
            return ModelShapeError(exc, index, plan.name)
    return None


def full_check(preset: Preset, model: Model) -> ShapeReport:
    """Shapes, then losses against outputs; the report's error is the first problem found."""
    report = model.infer_shapes()
    if not model.layers:
        report.error = GraphError("the model has no layers yet; add at least one (e.g. Dense)")
    elif report.ok:
        error = check_losses(preset.training, model, report)
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
    plans = output_plans(preset.training, model)
    return Trainer(model, [p.loss for p in plans], make_optimizer(preset.training),
                   [p.weight for p in plans], seed=preset.training.seed)
