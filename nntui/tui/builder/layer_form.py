"""The layer form: every setting of one layer, validated as the user types; applied only when valid.

Each setting is a :class:`~nntui.tui.common.field_editor.FieldEditor` driven by the layer class's
``fields`` (the engine's Field rules), plus the optional ``name`` and ``inputs`` that graph models
use. As values are typed, a line previews what the layer would give (its output shape and parameter
count, or why it would not fit). Enter applies (when every setting is valid), Escape cancels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup, VerticalScroll
from textual.widgets import Button, Static

from ...engine.config import ConfigError, Field
from ...engine.layers import LAYER_TYPES
from ...preset.document import PresetDocument
from ...preset.edit_fields import parse_names, valid_layer_name
from ..common.base import Dialog
from ..common.field_editor import MISSING, FieldEditor

NAME_FIELD = Field("name", "str", None, "the layer's name, for inputs and outputs (empty: automatic)",
                   allow_none=True)
INPUTS_FIELD = Field("inputs", "str", None, "names of the layers it reads, comma-separated "
                     "(empty: the layer above; 'input': the model's input)", allow_none=True)


def parse_name(text: str) -> str | None:
    """An optional layer name."""
    text = text.strip()
    return valid_layer_name(text) if text else None


@dataclass
class LayerEdit:
    """What the form returns: the full config and the optional name and inputs."""

    config: dict[str, Any]
    name: str | None
    inputs: list[str] | None


class LayerFormScreen(Dialog[LayerEdit | None]):
    """Edit (or set up a new) layer's settings."""

    CSS_PATH = ["../common/dialog.tcss", "layer_form.tcss"]
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the form without changing anything"),
        Binding("ctrl+s", "apply", "Apply", tooltip="Apply the settings (Enter in a field does too)"),
    ]

    def __init__(self, type_name: str, config: dict | None = None, *, name: str | None = None,
                 inputs: list[str] | None = None, title: str = "", context: str = "",
                 error: str | None = None, fix: str | None = None, focus: str | None = None,
                 preview: Callable[[LayerEdit], str] | None = None):
        super().__init__()
        #: what the layer would give with the settings as typed ('gives (None, 64) · 32,832 params')
        self.preview = preview
        self.focus_field = focus  # "inputs" or "name": start there instead of the first setting
        self.type_name = type_name
        self.layer_cls = LAYER_TYPES[type_name]
        self.config = dict(config or {})
        self.layer_name = name
        self.inputs = inputs
        self.heading = title or type_name
        self.context = context
        self.error, self.fix = error, fix

    def compose(self) -> ComposeResult:
        cls = self.layer_cls
        with VerticalGroup(classes="dialog", id="form"):
            yield Static(self.heading, classes="title", markup=False)
            if cls.description:
                yield Static(cls.description, classes="note", markup=False)
            if self.context:
                yield Static(self.context, classes="note", id="context", markup=False)
            if self.error:
                yield Static(f"✗ does not fit: {self.error}" + (f"\n  Fix: {self.fix}" if self.fix else ""),
                             classes="error", id="fit-error", markup=False)
            with VerticalScroll(id="fields"):
                if not cls.fields:
                    yield Static(f"{self.type_name} has no settings.", classes="note")
                for f in cls.fields:
                    value = self.config.get(f.name, MISSING if f.required else f.default)
                    yield FieldEditor(f, value, classes="setting")
                yield FieldEditor(NAME_FIELD, parse=parse_name, text=self.layer_name or "", label="name",
                                  classes="graph", id="layer-name")
                yield FieldEditor(INPUTS_FIELD, parse=parse_names, text=", ".join(self.inputs or []),
                                  label="inputs", classes="graph", id="layer-inputs")
            yield Static("", id="preview", markup=False)
            yield Static("", id="form-status", markup=False)
            with HorizontalGroup(classes="buttons"):
                yield Button("Apply (Enter)", variant="primary", id="apply", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#form").border_title = "Layer settings"
        editors = list(self.query(".setting").results(FieldEditor))
        target = next((e for e in editors if not e.valid), editors[0] if editors else None)
        if self.focus_field in ("inputs", "name") and all(e.valid for e in editors):
            target = self.query_one(f"#layer-{self.focus_field}", FieldEditor)
        if target is not None:
            target.input.focus()
        else:
            self.query_one("#apply", Button).focus()
        self._update_status()

    @property
    def editors(self) -> list[FieldEditor]:
        return list(self.query(FieldEditor).results(FieldEditor))

    def _update_status(self) -> None:
        bad = [e for e in self.editors if not e.valid]
        status = self.query_one("#form-status", Static)
        if bad:
            status.update(f"✗ not valid yet: {', '.join(e.label for e in bad)} (nothing is applied until "
                          "every setting is valid)")
            status.set_classes("error")
        else:
            status.update("")
            status.set_classes("")
        status.display = bool(bad)
        self.query_one("#apply", Button).disabled = bool(bad)
        self._update_preview(bad)

    def _update_preview(self, bad: list) -> None:
        """The output shape and parameter count with the settings as typed (kept while one is not valid)."""
        preview = self.query_one("#preview", Static)
        if self.preview is None:
            preview.display = False
            return
        outcome = None if bad else self.result()
        if isinstance(outcome, LayerEdit):
            text = self.preview(outcome)
        elif isinstance(outcome, str):
            text = f"✗ {outcome}"
        else:
            text = "gives ? until every setting is valid"
        preview.update(text)
        preview.set_class(text.startswith("✗"), "-error")
        preview.set_class(outcome is None, "-pending")

    def on_field_editor_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self._update_status()

    def on_field_editor_committed(self, event: FieldEditor.Committed) -> None:
        event.stop()
        if event.submitted:
            self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.action_cancel()

    def result(self) -> LayerEdit | str:
        """The edit, or the reason it is not valid."""
        bad = [e for e in self.editors if not e.valid]
        if bad:
            return f"{bad[0].label}: {bad[0].reason or 'required'}"
        config = {e.field.name: e.value for e in self.query(".setting").results(FieldEditor)}
        try:
            config = PresetDocument.validate_layer(self.type_name, config)
        except ConfigError as exc:
            return str(exc)
        name = self.query_one("#layer-name", FieldEditor).value
        inputs = self.query_one("#layer-inputs", FieldEditor).value
        return LayerEdit(config, name, inputs)

    def action_apply(self) -> None:
        outcome = self.result()
        if isinstance(outcome, LayerEdit):
            self.dismiss(outcome)
            return
        for editor in self.editors:
            editor.show_errors()
        first = next((e for e in self.editors if not e.valid), None)
        if first is not None:
            first.input.focus()
        self._update_status()
        self.notify(outcome, title="Not applied", severity="error", timeout=3)

    def action_cancel(self) -> None:
        self.dismiss(None)
