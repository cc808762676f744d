"""The builder's settings panel: the data set (:mod:`.data_panel`), the loss (per output: loss, target,
weight), the optimiser and its learning-rate schedule (:mod:`.schedule_fields`), the training loop
(batch size, epochs, validation split, the data limit and the seed), early stopping and checkpoints.

The panel shows the document's values and sends every valid change to the document through the
app (one undoable step per change); it never holds settings of its own. It is used in the
builder's side panel on wide terminals and inside a dialog on narrow ones.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Label, Select, Static

from ...engine.early_stopping import FIELDS as EARLY_STOPPING_FIELDS
from ...engine.losses import LOSSES
from ...engine.optimizers import OPTIMIZERS
from ...preset.document import PresetDocument
from ...preset.edit_fields import CHECKPOINT_FIELD, LOSS_WEIGHT_FIELD, TRAINING_FIELDS
from ...preset.model_check import monitor_choices
from ...preset.targets import default_rule, rules_for
from ..common.css import tcss
from ..common.field_editor import FieldEditor
from ..common.safe_lists import SafeSelect
from .data_panel import DataPanel
from .schedule_fields import ScheduleFields

LOOP_FIELDS = ("batch_size", "epochs", "validation_split", "limit", "seed")  # limit: a short run on a few images
ES_FIELDS = {f.name: f for f in EARLY_STOPPING_FIELDS}
ES_EDITED = ("patience", "min_delta", "mode", "restore_best_weights")  # the monitor has its own list
OFF, ON = "off", "on"


class LossSelect(SafeSelect):
    """The loss of one output (``output`` None: the model's only loss)."""

    def __init__(self, output: str | None, value: str, **kwargs):
        super().__init__([(n, n) for n in LOSSES], value=value, allow_blank=False, compact=True, **kwargs)
        self.output = output


class TargetSelect(SafeSelect):
    """How one output's target comes from the label (MNIST's digit rules on MNIST only)."""

    def __init__(self, output: str | None, value: str, dataset: str = "mnist", **kwargs):
        rules = rules_for(dataset)
        rules = rules if value in rules else (value, *rules)
        super().__init__([(n, n) for n in rules], value=value, allow_blank=False, compact=True, **kwargs)
        self.output = output


class SettingsPanel(VerticalGroup):
    """The builder's settings: data set, loss, optimiser and its settings, training loop, early stopping,
    checkpoints."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._loss_shape: tuple | None = None
        self._optimizer_shown: str | None = None
        self._early_shown: tuple | None = None

    @property
    def document(self) -> PresetDocument:
        return self.app.document

    # ------------------------------------------------------------------ building
    def compose(self) -> ComposeResult:
        doc = self.document
        yield DataPanel(id="data")
        yield Static("Loss", classes="heading")
        yield VerticalGroup(*self._loss_rows(doc), id="losses")
        yield Static("", id="loss-hint", classes="hint")
        yield Static("Optimizer", classes="heading")
        with HorizontalGroup(classes="select-row"):
            yield Label("optimizer", classes="name")
            yield SafeSelect([(name, name) for name in OPTIMIZERS], value=doc.preset.training.optimizer.type,
                         allow_blank=False, compact=True, id="optimizer")
        yield Static("", id="optimizer-hint", classes="hint")
        yield VerticalGroup(*self._optimizer_rows(doc), id="optimizer-fields")
        yield Static("Learning-rate schedule", classes="heading")
        yield ScheduleFields(id="schedule")
        yield Static("Training loop", classes="heading")
        for key in LOOP_FIELDS:
            yield FieldEditor(TRAINING_FIELDS[key], doc.training_value(key), show_hint=False, id=f"loop-{key}",
                              classes="loop")
        yield Static("Early stopping", classes="heading")
        yield VerticalGroup(*self._early_rows(doc), id="early-stopping")
        yield Static("Checkpoint", classes="heading")
        yield FieldEditor(CHECKPOINT_FIELD, doc.checkpoint_dir, show_hint=False, id="checkpoint-dir",
                          label="folder")
        yield Static("written after each epoch (off when empty); ctrl+o resumes one", classes="hint")

    def _loss_outputs(self, doc: PresetDocument) -> tuple:
        """What decides the loss rows' layout: the outputs (several: a group each) and the data set's rules."""
        return (tuple(doc.outputs) if len(doc.outputs) > 1 else (), rules_for(doc.preset.data.dataset))

    def _loss_rows(self, doc: PresetDocument) -> list:
        t = doc.preset.training
        loss = t.loss
        outputs = doc.outputs
        self._loss_shape = self._loss_outputs(doc)
        rows = []
        dataset = doc.preset.data.dataset
        default = default_rule(dataset)
        if len(outputs) <= 1:
            name = loss if isinstance(loss, str) else next(iter(loss.values()))
            rows.append(HorizontalGroup(Label("loss", classes="name"), LossSelect(None, name, id="loss-0", classes="loss"),
                                        classes="select-row"))
            target = (t.targets or {}).get(outputs[0], default) if outputs else default
            rows.append(HorizontalGroup(Label("target", classes="name"),
                                        TargetSelect(outputs[0] if outputs else None, target, dataset, id="target-0"),
                                        classes="select-row"))
            return rows
        for i, output in enumerate(outputs):
            name = loss.get(output, next(iter(loss.values()))) if isinstance(loss, dict) else loss
            rows.append(Static(f"output {i + 1}: {output}", classes="output-name", markup=False))
            rows.append(HorizontalGroup(Label("  loss", classes="name"),
                                        LossSelect(output, name, id=f"loss-{i}", classes="loss"),
                                        classes="select-row"))
            rows.append(HorizontalGroup(Label("  target", classes="name"),
                                        TargetSelect(output, (t.targets or {}).get(output, default), dataset,
                                                     id=f"target-{i}"),
                                        classes="select-row"))
            editor = FieldEditor(LOSS_WEIGHT_FIELD, (t.loss_weights or {}).get(output, 1.0), show_hint=False,
                                 label="  weight", id=f"weight-{i}", classes="weight")
            editor.output = output
            rows.append(editor)
        return rows

    def _early_rows(self, doc: PresetDocument) -> list:
        es = doc.preset.training.early_stopping
        self._early_shown = (es is not None, tuple(monitor_choices(doc.preset)))
        rows = [HorizontalGroup(Label("early stopping", classes="name"),
                                SafeSelect([(OFF, OFF), (ON, ON)], value=ON if es else OFF, allow_blank=False,
                                       compact=True, id="es-enabled"), classes="select-row")]
        if es is None:
            return rows
        choices = monitor_choices(doc.preset)
        monitor = es.get("monitor", "val_loss")
        options = [(c, c) for c in ([monitor] if monitor not in choices else []) + choices]
        rows.append(HorizontalGroup(Label("monitor", classes="name"),
                                    SafeSelect(options, value=monitor, allow_blank=False, compact=True, id="es-monitor"),
                                    classes="select-row"))
        for key in ES_EDITED:
            rows.append(FieldEditor(ES_FIELDS[key], es.get(key, ES_FIELDS[key].default), show_hint=False,
                                    id=f"es-{key}", classes="es"))
        return rows

    def _optimizer_rows(self, doc: PresetDocument) -> list:
        opt = doc.preset.training.optimizer
        self._optimizer_shown = opt.type
        cls = OPTIMIZERS[opt.type]
        return [FieldEditor(f, opt.config.get(f.name, f.default), show_hint=False, id=f"opt-{f.name}",
                            classes="opt") for f in cls.fields]

    def on_mount(self) -> None:
        self.app.document_changed.subscribe(self, self._on_document_changed, immediate=True)
        self.query_one("#loop-limit", FieldEditor).input.placeholder = "all images"
        self._hints()

    def _hints(self) -> None:
        doc = self.document
        loss = doc.preset.training.loss
        names = list(loss.values()) if isinstance(loss, dict) else [loss]
        text = "; ".join(dict.fromkeys(LOSSES[n].description for n in names if n in LOSSES))
        if len(doc.outputs) > 1:
            text += (". The total is the weighted mean of the outputs' losses; O on a layer adds or removes "
                     "an output")
        self.query_one("#loss-hint", Static).update(text)
        opt = OPTIMIZERS.get(doc.preset.training.optimizer.type)
        self.query_one("#optimizer-hint", Static).update(opt.description if opt else "")

    # ------------------------------------------------------------------ showing the document
    def _on_document_changed(self, _doc=None) -> None:
        self.sync()

    def sync(self) -> None:
        """Show the document's current values (rebuilding rows when the shape of the settings changed)."""
        doc = self.document
        t = doc.preset.training
        if self._loss_outputs(doc) != self._loss_shape:
            self.call_next(self._replace_rows, "#losses", self._loss_rows(doc))
        else:
            loss = t.loss
            for select in self.query(LossSelect).results(LossSelect):
                value = loss.get(select.output, next(iter(loss.values()))) if isinstance(loss, dict) else loss
                if select.value != value:
                    with select.prevent(Select.Changed):
                        select.value = value
            outputs = doc.outputs
            for select in self.query(TargetSelect).results(TargetSelect):
                output = select.output if select.output is not None else (outputs[0] if outputs else None)
                value = (t.targets or {}).get(output, default_rule(doc.preset.data.dataset))
                if select.value != value:
                    with select.prevent(Select.Changed):
                        select.value = value
            for editor in self.query(".weight").results(FieldEditor):
                editor.set_value((t.loss_weights or {}).get(getattr(editor, "output", ""), 1.0))
        es = t.early_stopping
        if (es is not None, tuple(monitor_choices(doc.preset))) != self._early_shown:
            self.call_next(self._replace_rows, "#early-stopping", self._early_rows(doc))
        else:
            self._set_select("#es-enabled", ON if es else OFF)
            if es is not None:
                self._set_select("#es-monitor", es.get("monitor", "val_loss"))
                for editor in self.query(".es").results(FieldEditor):
                    editor.set_value(es.get(editor.field.name, editor.field.default))
        self.query_one("#checkpoint-dir", FieldEditor).set_value(doc.checkpoint_dir)
        opt = doc.preset.training.optimizer
        select = self.query_one("#optimizer", Select)
        if select.value != opt.type:
            with select.prevent(Select.Changed):
                select.value = opt.type
        if opt.type != self._optimizer_shown:
            self.call_next(self._replace_rows, "#optimizer-fields", self._optimizer_rows(doc))
        else:
            for editor in self.query(".opt").results(FieldEditor):
                editor.set_value(opt.config.get(editor.field.name, editor.field.default))
        for key in LOOP_FIELDS:
            self.query_one(f"#loop-{key}", FieldEditor).set_value(doc.training_value(key))
        self.query_one("#schedule", ScheduleFields).sync()
        self._hints()

    def _set_select(self, selector: str, value) -> None:
        for select in self.query(selector).results(Select):
            if select.value != value:
                with select.prevent(Select.Changed):
                    select.value = value

    async def _replace_rows(self, selector: str, rows: list) -> None:
        """Swap a group's rows (the old ones are gone before the new ones, which reuse their ids, mount)."""
        box = self.query_one(selector)
        await box.remove_children()
        await box.mount_all(rows)

    # ------------------------------------------------------------------ applying the user's choices
    def _apply(self, operation) -> None:
        self.app.apply(operation)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        if event.select.id == "optimizer":
            if value != self.document.preset.training.optimizer.type:
                self._apply(lambda d: d.set_optimizer(value))
        elif isinstance(event.select, LossSelect):
            output = event.select.output
            self._apply(lambda d: d.set_loss(value, output))
        elif isinstance(event.select, TargetSelect):
            output = event.select.output
            self._apply(lambda d: d.set_target(output, value))
        elif event.select.id == "es-enabled":
            self._toggle_early_stopping(value == ON)
        elif event.select.id == "es-monitor":
            self._apply_early(monitor=value)

    def _toggle_early_stopping(self, on: bool) -> None:
        doc = self.document
        if on == (doc.preset.training.early_stopping is not None):
            return
        if not on:
            self._apply(lambda d: d.set_early_stopping(None))
            return
        monitor = "val_loss" if doc.preset.data.validation_split else "loss"
        self._apply(lambda d: d.set_early_stopping({"monitor": monitor, "patience": 2}))
        if doc.preset.training.early_stopping is None:  # refused: show the document's state again
            self._set_select("#es-enabled", OFF)

    def _apply_early(self, **changes) -> None:
        current = self.document.preset.training.early_stopping
        if current is None:
            return
        self._apply(lambda d: d.set_early_stopping(dict(current, **changes)))
        self.sync()

    def on_field_editor_committed(self, event: FieldEditor.Committed) -> None:
        event.stop()
        editor = event.editor
        key: str = editor.field.name
        value: Any = event.value
        if editor.has_class("opt"):
            opt = self.document.preset.training.optimizer
            config = dict(opt.config, **{key: value})
            self._apply(lambda d: d.set_optimizer(opt.type, config))
        elif editor.has_class("loop"):
            self._apply(lambda d: d.set_training(**{key: value}))
        elif editor.has_class("weight"):
            output = getattr(editor, "output", None)
            self._apply(lambda d: d.set_loss_weight(output, value))
        elif editor.has_class("es"):
            self._apply_early(**{key: value})
        elif editor.id == "checkpoint-dir":
            self._apply(lambda d: d.set_checkpoint_dir(value))
