"""The one run setup both faces use: from a preset to a model, a trainer and datasets, ready to fit.

:func:`prepare_run` builds and checks the model (shapes, then losses against outputs), optionally
refuses a run that cannot fit in memory, compiles the trainer, loads saved weights, makes the early
stopping and restores a checkpoint, in that order; it returns a :class:`RunSetup`. Its
:meth:`~RunSetup.datasets` turns the loaded arrays into the :class:`RunData` the model trains on, and
:meth:`~RunSetup.fit` starts the engine's one training generator with the preset's settings.

The headless runner (:mod:`nntui.headless.run`), the training screen's worker
(:mod:`nntui.tui.training.worker`) and the app's start state (:mod:`nntui.tui.common.start_state`)
all start here. Problems are one line: :class:`~nntui.preset.errors.RunError` (the model does not
fit together, the run needs more memory than there is), :class:`~nntui.preset.errors.PresetError`
(the data set's file cannot be used, its samples do not fit the input shape),
:class:`~nntui.preset.weights_file.WeightsError` and :class:`~nntui.preset.checkpoint.CheckpointError`.
The data set's sizes (:mod:`.data_source`) size the loss check before the data is loaded, and the
loaded arrays' sizes check it again (a large CSV file's classes are known only then).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data.arrays import Arrays
from ..engine.early_stopping import EarlyStopping
from ..engine.model import Model, ShapeReport
from ..engine.training import Dataset, Trainer, TrainingRun
from .build import OutputPlan, build_model, check_losses, full_check, make_trainer, output_plans
from .checkpoint import Checkpoint, restore_checkpoint
from .data_source import DataSizes, data_sizes, sizes_of
from .datasets import check_data, make_datasets
from .errors import RunError
from .fixes import find_fixes
from .memory import available_memory, estimate, refusal
from .preset import Preset
from .thread_setting import ThreadSetting, choose_threads
from .weights_file import load_weights


@dataclass(frozen=True)
class RunData:
    """The loaded arrays and the datasets made from them (a face may keep it between runs), and the
    arrays' sizes (the classes counted from the labels)."""

    arrays: Arrays
    train: Dataset
    val: Dataset | None
    test: Dataset
    sizes: DataSizes | None = None


@dataclass(frozen=True)
class RunSetup:
    """A run ready to start: the checked model and its report, the compiled trainer, the output plans,
    the early stopping (None when off), for a restored checkpoint the epochs done, their logs and the
    changes of the learning rate by hand, and the BLAS threads the run uses (the trainer's ``threads``)."""

    preset: Preset
    model: Model
    report: ShapeReport
    trainer: Trainer
    plans: tuple[OutputPlan, ...]
    early_stopping: EarlyStopping | None = None
    initial_epoch: int = 0
    history: list[dict] | None = None
    learning_rate_changes: list[dict] | None = None
    sizes: DataSizes | None = None
    threads: ThreadSetting = ThreadSetting()

    @property
    def acc_key(self) -> str | None:
        """The first accuracy the run logs ('accuracy', 'digit_accuracy', ...), None if it logs none."""
        return next((n for n in self.trainer.metric_names() if n.endswith("accuracy")), None)

    def datasets(self, arrays: Arrays) -> RunData:
        """The training, validation (None without a split) and test sets the model trains on; RunError
        when the outputs do not fit the classes the labels have."""
        sizes = sizes_of(arrays, self.preset.data.dataset)
        error = check_losses(self.preset.training, self.model, self.report, self.preset.data.dataset, sizes.classes)
        if error is not None:
            report = full_check(self.preset, self.model, sizes)
            raise RunError(model_error_line(self.preset, report), report)
        train, val, test = make_datasets(self.preset, self.model, arrays)
        return RunData(arrays, train, val, test, sizes)

    def fit(self, data: RunData, epochs: int, *, initial_epoch: int | None = None, history: list[dict] | None = None,
            keep_test_predictions: bool = False, learning_rate_changes: list[dict] | None = None) -> TrainingRun:
        """The engine's training generator over ``data`` up to epoch ``epochs``, with the preset's batch
        size and this setup's early stopping (continuing after ``initial_epoch``, its ``history`` and
        ``learning_rate_changes``, by default the setup's)."""
        return self.trainer.fit(data.train, epochs=epochs, batch_size=self.preset.training.batch_size,
                                validation=data.val, test=data.test,
                                initial_epoch=self.initial_epoch if initial_epoch is None else initial_epoch,
                                keep_test_predictions=keep_test_predictions, early_stopping=self.early_stopping,
                                history=self.history if history is None else history,
                                learning_rate_changes=(self.learning_rate_changes if learning_rate_changes is None
                                                       else learning_rate_changes))


def model_error_line(preset: Preset, report: ShapeReport) -> str:
    """'<file>: model.layers[i] (name): <reason>' for the first layer that does not fit. For a layer whose
    input has the wrong rank or size, the advice is the first fix that nntui knows makes the misfit go
    away (:func:`~nntui.preset.fixes.find_fixes`: the model's likely mistake first, such as a Conv2D
    below Flatten moved back above it), not the layer's own guess; merges and losses keep theirs."""
    i = report.error_index
    if i is None:
        field = getattr(report.error, "field", None)
        return f"{preset.source}: {'model.' + field if field else 'model'}: {report.error}"
    text, reason = str(report.error), getattr(report.error, "reason", None)
    found = find_fixes(preset, limit=1)
    if reason and found.fixes and found.misfit.kind == "layer":
        fix = found.fixes[0]
        text = f"{reason} Fix: {fix.title}" + (f" (in the app: {fix.by_hand})." if fix.keys else ".")
    return f"{preset.source}: model.layers[{i}] ({report.rows[i].name}): {text}"


def check_memory(preset: Preset, model: Model, sizes: DataSizes | None = None) -> None:
    """Refuse (RunError) a run of ``preset`` that would not fit in the memory available (PresetError
    when its data set's file cannot be used or its samples do not fit the input shape)."""
    sizes = check_data(preset, sizes)
    train = sizes.train or 0
    if preset.data.limit is not None:
        train = min(train, preset.data.limit)
    samples = train + (sizes.test or 0)
    reason = refusal(estimate(preset, model, samples, sizes.classes), available_memory())
    if reason:
        raise RunError(f"{preset.source}: {reason}")


def prepare_run(preset: Preset, *, model: Model | None = None, trainer: Trainer | None = None,
                memory: bool = False, weights=None, checkpoint: Checkpoint | None = None,
                threads: ThreadSetting | None = None) -> RunSetup:
    """Everything a run of ``preset`` needs but the data.

    ``model`` and ``trainer`` continue from earlier ones (default: built fresh from the preset, seeded);
    ``memory`` refuses a run that cannot fit; ``weights`` is a .npz file to start from; ``checkpoint``
    a loaded checkpoint to continue exactly; ``threads`` the BLAS threads (default: ``NNTUI_THREADS``
    when set, else the engine's choice), set on the trainer, a continued one too.
    """
    threads = threads if threads is not None else choose_threads()
    model = model if model is not None else build_model(preset.model)
    sizes = data_sizes(preset)
    report = full_check(preset, model, sizes)
    if report.error is not None:
        raise RunError(model_error_line(preset, report), report)
    if memory:
        check_memory(preset, model, sizes)
    trainer = trainer if trainer is not None else make_trainer(preset, model)
    trainer.threads = threads.count
    if weights:
        load_weights(model, weights)
    t = preset.training
    early = EarlyStopping(**t.early_stopping) if t.early_stopping else None
    initial_epoch, history, changes = 0, None, None
    if checkpoint is not None:
        initial_epoch = restore_checkpoint(checkpoint, trainer, early)
        history = checkpoint.meta.get("history", [])
        changes = checkpoint.learning_rate_changes
    plans = tuple(output_plans(t, model, preset.data.dataset, sizes.classes))
    return RunSetup(preset, model, report, trainer, plans, early, initial_epoch, history, changes, sizes,
                    threads)
