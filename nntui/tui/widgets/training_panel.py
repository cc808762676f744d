"""Loss, optimiser (with its settings) and the training loop's settings, applied as they are chosen.

The panel shows the document's values and sends every valid change to the document through the
app (one undoable step per change); it never holds settings of its own. It is used in the
builder's side panel on wide terminals and inside a dialog on narrow ones.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Label, Select, Static

from ...engine.losses import LOSSES
from ...engine.optimizers import OPTIMIZERS
from ...spec.document import TRAINING_FIELDS, PresetDocument
from ..css import tcss
from .field_editor import FieldEditor

LOOP_FIELDS = ("batch_size", "epochs", "validation_split")


class LossSelect(Select):
    """The loss of one output (``output`` None: the model's only loss)."""

    def __init__(self, output: str | None, value: str, **kwargs):
        super().__init__([(n, n) for n in LOSSES], value=value, allow_blank=False, compact=True, **kwargs)
        self.output = output


class TrainingPanel(VerticalGroup):
    """Edits the loss, the optimiser and its settings, batch size, epochs and validation split."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._loss_shape: tuple | None = None
        self._optimizer_shown: str | None = None

    @property
    def document(self) -> PresetDocument:
        return self.app.document

    # ------------------------------------------------------------------ building
    def compose(self) -> ComposeResult:
        doc = self.document
        yield Static("Loss", classes="heading")
        yield VerticalGroup(*self._loss_rows(doc), id="losses")
        yield Static("", id="loss-hint", classes="hint")
        yield Static("Optimizer", classes="heading")
        with HorizontalGroup(classes="select-row"):
            yield Label("optimizer", classes="name")
            yield Select([(name, name) for name in OPTIMIZERS], value=doc.preset.training.optimizer.type,
                         allow_blank=False, compact=True, id="optimizer")
        yield Static("", id="optimizer-hint", classes="hint")
        yield VerticalGroup(*self._optimizer_rows(doc), id="optimizer-fields")
        yield Static("Training loop", classes="heading")
        for key in LOOP_FIELDS:
            yield FieldEditor(TRAINING_FIELDS[key], doc.training_value(key), show_hint=False, id=f"loop-{key}",
                              classes="loop")

    def _loss_outputs(self, doc: PresetDocument) -> tuple:
        loss = doc.preset.training.loss
        return tuple(loss) if isinstance(loss, dict) else ()

    def _loss_rows(self, doc: PresetDocument) -> list:
        loss = doc.preset.training.loss
        self._loss_shape = self._loss_outputs(doc)
        pairs = list(loss.items()) if isinstance(loss, dict) else [(None, loss)]
        rows = []
        for i, (output, name) in enumerate(pairs):
            select = LossSelect(output, name, id=f"loss-{i}", classes="loss")
            rows.append(HorizontalGroup(Label("loss" if output is None else f"loss {output}", classes="name"),
                                        select, classes="select-row"))
        return rows

    def _optimizer_rows(self, doc: PresetDocument) -> list:
        opt = doc.preset.training.optimizer
        self._optimizer_shown = opt.type
        cls = OPTIMIZERS[opt.type]
        return [FieldEditor(f, opt.config.get(f.name, f.default), show_hint=False, id=f"opt-{f.name}",
                            classes="opt") for f in cls.fields]

    def on_mount(self) -> None:
        self.app.document_changed.subscribe(self, self._on_document_changed, immediate=True)
        self._hints()

    def _hints(self) -> None:
        doc = self.document
        loss = doc.preset.training.loss
        names = list(loss.values()) if isinstance(loss, dict) else [loss]
        text = "; ".join(dict.fromkeys(LOSSES[n].description for n in names if n in LOSSES))
        self.query_one("#loss-hint", Static).update(text)
        opt = OPTIMIZERS.get(doc.preset.training.optimizer.type)
        self.query_one("#optimizer-hint", Static).update(opt.description if opt else "")

    # ------------------------------------------------------------------ showing the document
    def _on_document_changed(self, _doc=None) -> None:
        self.sync()

    def sync(self) -> None:
        """Show the document's current values (rebuilding rows when the shape of the settings changed)."""
        doc = self.document
        if self._loss_outputs(doc) != self._loss_shape:
            self.call_next(self._replace_rows, "#losses", self._loss_rows(doc))
        else:
            loss = doc.preset.training.loss
            for select in self.query(LossSelect).results(LossSelect):
                value = loss.get(select.output) if isinstance(loss, dict) else loss
                if select.value != value:
                    with select.prevent(Select.Changed):
                        select.value = value
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
        self._hints()

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
