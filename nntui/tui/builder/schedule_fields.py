"""The learning-rate schedule in the settings panel: off or one of Keras's schedules, and its settings.

Like the rest of the panel it holds no settings of its own: every valid change goes to the document
(``set_learning_rate_schedule``, one undoable step), and :meth:`ScheduleFields.sync` shows the
document's values again. A schedule chosen from "off" starts from settings fitted to the run
(:func:`~nntui.preset.settings_edits.starter_schedule`); ``initial_learning_rate`` left empty starts
from the optimizer's learning rate.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Label, Select, Static

from ...engine.config import Field
from ...engine.schedules import SCHEDULES
from ...preset.document import PresetDocument
from ...preset.settings_edits import starter_schedule, steps_per_epoch
from ..common.css import tcss
from ..common.field_editor import FieldEditor
from ..common.safe_lists import SafeSelect

OFF = "off"
#: labels for keys too long for the panel's name column (the tooltip names the key)
LABELS = {"initial_learning_rate": "initial rate"}


def editable_field(f: Field) -> Field:
    """The field as the panel edits it: the initial rate may be left empty (the optimizer's)."""
    if f.name == "initial_learning_rate":
        return replace(f, default=None, allow_none=True, doc="the rate at step 0 (empty: the optimizer's)")
    return f


class ScheduleFields(VerticalGroup):
    """The schedule's type (a Select with 'off') and, when on, its settings."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._shown: str | None = None

    @property
    def document(self) -> PresetDocument:
        return self.app.document

    def compose(self) -> ComposeResult:
        schedule = self.document.preset.training.learning_rate_schedule
        with HorizontalGroup(classes="select-row"):
            yield Label("schedule", classes="name")
            yield SafeSelect([(OFF, OFF)] + [(n, n) for n in SCHEDULES], value=schedule["type"] if schedule else OFF,
                             allow_blank=False, compact=True, id="schedule-type")
        yield Static("", id="schedule-hint", classes="hint")
        yield VerticalGroup(*self._rows(), id="schedule-settings")

    def _rows(self) -> list:
        schedule = self.document.preset.training.learning_rate_schedule
        self._shown = schedule["type"] if schedule else None
        if schedule is None:
            return []
        return [FieldEditor(editable_field(f), schedule.get(f.name), show_hint=False, id=f"schedule-{f.name}",
                            label=LABELS.get(f.name), classes="schedule") for f in SCHEDULES[schedule["type"]].fields]

    def on_mount(self) -> None:
        self._hint()

    def _hint(self) -> None:
        doc = self.document
        schedule = doc.preset.training.learning_rate_schedule
        steps = steps_per_epoch(doc.preset)
        if schedule is None:
            text = "a fixed learning rate (Keras's schedules change it at every step)"
        else:
            text = f"{SCHEDULES[schedule['type']].description}; {steps:,} steps per epoch"
        self.query_one("#schedule-hint", Static).update(text)

    def sync(self) -> None:
        """Show the document's schedule (new rows when its type changed)."""
        schedule = self.document.preset.training.learning_rate_schedule
        kind = schedule["type"] if schedule else None
        select = self.query_one("#schedule-type", Select)
        if select.value != (kind or OFF):
            with select.prevent(Select.Changed):
                select.value = kind or OFF
        if kind != self._shown:
            self.call_next(self._replace_rows)
        elif schedule is not None:
            for editor in self.query(".schedule").results(FieldEditor):
                editor.set_value(schedule.get(editor.field.name))
        self._hint()

    async def _replace_rows(self) -> None:
        box = self.query_one("#schedule-settings")
        await box.remove_children()
        await box.mount_all(self._rows())

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        doc = self.document
        current = doc.preset.training.learning_rate_schedule
        if value == (current["type"] if current else OFF):
            return
        config = None if value == OFF else starter_schedule(doc.preset, value)
        self.app.apply(lambda d: d.set_learning_rate_schedule(config))

    def on_field_editor_committed(self, event: FieldEditor.Committed) -> None:
        event.stop()
        current = self.document.preset.training.learning_rate_schedule
        if current is None:
            return
        config = dict(current, **{event.editor.field.name: event.value})
        if config.get("initial_learning_rate") is None:
            config.pop("initial_learning_rate", None)
        self.app.apply(lambda d: d.set_learning_rate_schedule(config))
        self.sync()
