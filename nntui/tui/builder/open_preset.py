"""Open another preset: a shipped one from the list, a file by path (its error shown if it is bad), or
resume a run from its checkpoint folder (the preset it trained, its weights, optimiser state and epochs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...preset.checkpoint import CheckpointError
from ...preset.errors import PresetError
from ...preset.loader import builtin_presets, load_preset
from ...preset.preset import Preset
from ..common.confirm import ConfirmScreen
from ..common.checked_input import CheckedInput
from ..common.path_dialog import PathDialog, as_typed
from ..common.safe_lists import SafeOptionList
from ..common.start_state import checkpoint_state


@dataclass
class Resume:
    """A checkpoint to continue: its preset, folder (as typed), epochs done and the trained state."""

    preset: Preset
    folder: str
    epochs: int
    state: Any


def shipped_options() -> list[Option]:
    """One option per shipped preset: name, data set and description (or why it is broken)."""
    options = []
    presets = builtin_presets()
    width = max((len(name) for name in presets), default=0) + 2  # a gap after the longest name
    for name, path in presets.items():
        try:
            preset = load_preset(str(path))
            description, dataset, style = preset.description, preset.data.dataset, ""
        except PresetError as exc:
            description, dataset, style = f"(broken: {exc.reason})", "", "red"
        options.append(Option(Text.assemble((name.ljust(max(19, width)), "bold"), (dataset.ljust(14), "cyan"),
                                            (description, style)), id=name))
    return options


class OpenPresetScreen(PathDialog[Preset | Resume | None]):
    """Load a preset into the builder (asks first when there are unsaved changes)."""

    CSS_PATH = ["../common/dialog.tcss", "open_preset.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Keep the current model")]
    ERROR_ID = "open-error"

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="open"):
            yield Static("Shipped presets (Enter opens)", classes="title")
            yield SafeOptionList(*shipped_options(), id="shipped")
            yield Static("Or a preset file (Enter opens):", classes="title")
            yield CheckedInput(placeholder="path/to/preset.toml", id="path")
            yield Static("Or resume a run from its checkpoint folder (Enter resumes):", classes="title")
            yield CheckedInput(placeholder="path/to/checkpoint-folder", id="checkpoint")
            yield self.error_line()

    def on_mount(self) -> None:
        self.query_one("#open").border_title = "Open"
        self.query_one("#shipped", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.load(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input
        text = event.value.strip()
        checkpoint = field.id == "checkpoint"
        if not text:
            self.show_error("type the path of a checkpoint folder (nntui --checkpoint DIR, or the checkpoint "
                            "setting of the loss panel)" if checkpoint else "type the path of a .toml preset file",
                            field)
            return
        path = self.path_of(text)
        if checkpoint:
            self.resume(path, text, field)
        else:
            self.load(str(path), shown=text, field=field)

    def resume(self, folder: Path, shown: str, field: Input) -> None:
        try:
            preset, state, checkpoint = checkpoint_state(folder)
        except CheckpointError as exc:
            self.show_error(as_typed(str(exc), folder, shown), field)
            return
        except Exception as exc:  # a damaged folder must never take the app down
            self.show_error(f"{shown}: not a usable checkpoint ({type(exc).__name__}: {exc})", field)
            return
        self._confirm_then_dismiss(Resume(preset, shown, checkpoint.epoch, state), preset.name)

    def _confirm_then_dismiss(self, result, name: str) -> None:
        if self.app.document.dirty:
            def answer(yes: bool | None) -> None:
                if yes:
                    self.dismiss(result)
            self.app.push_screen(ConfirmScreen("Discard unsaved changes?",
                                               f"Opening {name!r} replaces the model being edited.",
                                               yes="Discard", no="Keep editing"), answer)
            return
        self.dismiss(result)

    def load(self, ref: str, shown: str | None = None, field: Input | None = None) -> None:
        """Open a shipped preset by name, or a file (``shown``: as typed in ``field``)."""
        try:
            preset = load_preset(ref)
        except PresetError as exc:
            message = str(exc)
            if shown is not None and exc.source != shown:
                message = as_typed(message, exc.source, shown)
            self.show_error(message, field)
            return
        self._confirm_then_dismiss(preset, preset.name)

    def action_cancel(self) -> None:
        self.dismiss(None)
