"""Open another preset: a shipped one from the list, or a file by path (its error shown if it is bad)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...spec.errors import PresetError
from ...spec.loader import builtin_presets, load_preset
from ...spec.preset import Preset
from ..widgets.field_editor import FieldInput
from .confirm import ConfirmScreen
from .base import Dialog


def shipped_options() -> list[Option]:
    """One option per shipped preset: name and description (or why it is broken)."""
    options = []
    for name, path in builtin_presets().items():
        try:
            description = load_preset(str(path)).description
            style = ""
        except PresetError as exc:
            description, style = f"(broken: {exc.reason})", "red"
        options.append(Option(Text.assemble((name.ljust(16), "bold"), (description, style)), id=name))
    return options


class OpenPresetScreen(Dialog[Preset | None]):
    """Load a preset into the builder (asks first when there are unsaved changes)."""

    CSS_PATH = ["dialog.tcss", "open_preset.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Keep the current model")]

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="open"):
            yield Static("Shipped presets (Enter opens)", classes="title")
            yield OptionList(*shipped_options(), id="shipped")
            yield Static("Or a preset file (Enter opens):", classes="title")
            yield FieldInput(placeholder="path/to/preset.toml", id="path")
            yield Static("", id="open-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#open").border_title = "Open"
        self.query_one("#open-error").display = False
        self.query_one("#shipped", OptionList).focus()

    def show_error(self, text: str) -> None:
        error = self.query_one("#open-error", Static)
        error.update(f"✗ {text}")
        error.display = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.load(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.show_error("type the path of a .toml preset file")
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.app.cwd / path
        self.load(str(path), shown=text)

    def load(self, ref: str, shown: str | None = None) -> None:
        try:
            preset = load_preset(ref)
        except PresetError as exc:
            message = str(exc)
            if shown is not None and exc.source != shown:
                message = message.replace(exc.source, shown, 1)
            self.show_error(message)
            return
        if self.app.document.dirty:
            def answer(yes: bool | None) -> None:
                if yes:
                    self.dismiss(preset)
            self.app.push_screen(ConfirmScreen("Discard unsaved changes?",
                                               f"Opening {preset.name!r} replaces the model being edited.",
                                               yes="Discard", no="Keep editing"), answer)
            return
        self.dismiss(preset)

    def action_cancel(self) -> None:
        self.dismiss(None)
