"""The Textual app: holds the document being edited, opens on the builder, routes to the screens.

The app is thin: :class:`NntuiApp` owns the one :class:`~nntui.spec.document.PresetDocument`,
applies operations to it (:meth:`NntuiApp.apply`) and publishes :attr:`NntuiApp.document_changed`
after each change so that widgets re-render. Screens live in :mod:`nntui.tui.screens`.

Training seam (for the next issue): :meth:`NntuiApp.start_training` pushes
``nntui.tui.screens.training.TrainingScreen(preset, data_dir)`` when that module exists. Until then
the builder's Train action is shown disabled with the reason "training screen not installed".
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any, Callable, Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from ..engine.config import ConfigError
from ..spec.document import PresetDocument
from ..spec.loader import builtin_dirs
from ..spec.preset import Preset
from .screens.builder import BuilderScreen
from .typeahead import TypeAhead
from .widgets.safe_lists import guard_command_palette

guard_command_palette()  # pgdn right after ctrl+p crashed inside Textual (see widgets/safe_lists.py)

TRAINING_MODULE = "nntui.tui.screens.training"
NOT_INSTALLED = "training screen not installed"


def is_builtin(path: Path | None) -> bool:
    """Whether ``path`` is one of the shipped presets (never saved over without a new name)."""
    if path is None:
        return False
    try:
        folder = Path(path).resolve().parent
        return any(folder == d.resolve() for d in builtin_dirs())
    except OSError:
        return False


def load_training_screen() -> tuple[type[Screen] | None, str | None]:
    """The TrainingScreen class, or None and why it is unavailable."""
    try:
        module = importlib.import_module(TRAINING_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == TRAINING_MODULE:
            return None, NOT_INSTALLED
        return None, f"the training screen failed to load ({exc})"
    except Exception as exc:  # a broken module must not take the builder down
        return None, f"the training screen failed to load ({type(exc).__name__}: {exc})"
    cls = getattr(module, "TrainingScreen", None)
    if cls is None:
        return None, f"{NOT_INSTALLED} ({TRAINING_MODULE} has no TrainingScreen)"
    return cls, None


class NntuiApp(App[int]):
    """nntui: build a network, see its shapes, train it."""

    TITLE = "nntui"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    MODES = {"builder": BuilderScreen}
    DEFAULT_MODE = "builder"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", tooltip="List every key"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="Quit (asks about unsaved changes)"),
    ]

    def __init__(self, preset: Preset, data_dir: str | os.PathLike | None = None, *,
                 cursor_blink: bool = True, cwd: str | os.PathLike | None = None, typeahead: bool = True):
        super().__init__()
        self.typeahead = TypeAhead(self) if typeahead else None
        self.document = PresetDocument(preset, builtin=is_builtin(preset.path))
        self.data_dir = data_dir
        self.cursor_blink = cursor_blink
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.document_changed: Signal[PresetDocument] = Signal(self, "document-changed")
        self._training: tuple[type[Screen] | None, str | None] | None = None
        #: The model trained last (the training screen's TrainedState); the next run continues from
        #: it while the model spec is unchanged. Loading weights or a checkpoint sets it too.
        self.trained = None
        #: (what the builder says, the TrainedState it is about) for loaded weights or a checkpoint
        self.start_note: tuple[str, Any] | None = None

    async def on_event(self, event: events.Event) -> None:
        # keys that arrive while the app is still reacting to the previous one wait their turn
        if (self.typeahead is not None and isinstance(event, events.Key) and not event.is_forwarded
                and self.typeahead.take(event)):
            return
        await super().on_event(event)

    # ------------------------------------------------------------------ the document
    def apply(self, operation: Callable[[PresetDocument], Any]) -> Any:
        """Run an operation on the document; publish the change; show a bad value as a notification."""
        before = self.document.revision
        try:
            result = operation(self.document)
        except (ConfigError, IndexError) as exc:
            self.notify(str(getattr(exc, "reason", exc)), title="Not applied", severity="error")
            return None
        if self.document.revision != before:
            self.document_changed.publish(self.document)
        return result

    def replace_document(self, preset: Preset, *, checkpoint_dir: str | None = None) -> None:
        """Edit another preset (a fresh history); the checkpoint folder setting carries over unless given."""
        keep = self.document.checkpoint_dir
        self.document = PresetDocument(preset, builtin=is_builtin(preset.path))
        self.document.checkpoint_dir = checkpoint_dir if checkpoint_dir is not None else keep
        self.document_changed.publish(self.document)

    def start_weights_note(self) -> str | None:
        """What the next run starts from when it is not fresh weights (None: fresh weights)."""
        state = self.trained
        if state is None or not state.matches(self.document.preset):
            return None
        note = self.start_note
        if note is not None and note[1] is state:
            return note[0]
        if state.trained:
            done, steps = state.epochs_completed, state.steps_done
            return (f"continues from the weights trained so far ({done} full epoch{'s' if done != 1 else ''}, "
                    f"{steps:,} batch{'es' if steps != 1 else ''} in all)")
        return None

    # ------------------------------------------------------------------ training (the seam)
    def training_screen(self) -> tuple[type[Screen] | None, str | None]:
        """The TrainingScreen class (or None and the reason), looked up once."""
        if self._training is None:
            self._training = load_training_screen()
        return self._training

    def train_unavailable_reason(self) -> str | None:
        """Why Train cannot start whatever the model (None when the training screen exists)."""
        return self.training_screen()[1]

    def start_training(self, preset: Preset) -> bool:
        """Push the training screen for a snapshot of ``preset``; False (with a note) when unavailable."""
        cls, reason = self.training_screen()
        if cls is None:
            self.notify(f"Train is unavailable: {reason}.", severity="warning")
            return False
        self.push_screen(cls(preset, self.data_dir))
        return True

    # ------------------------------------------------------------------ app-wide actions
    def action_command_palette(self) -> None:
        # Textual only looks at the top screen: with a dialog opened over the palette (? or ctrl+q in
        # it), a second ctrl+p pushed another palette with the same id and crashed (DuplicateIds)
        from textual.command import CommandPalette
        if not any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            super().action_command_palette()

    def action_help(self) -> None:
        from .screens.help import HelpScreen
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        if not self.document.dirty:
            self.exit(0)
            return
        from .screens.confirm import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.exit(0)
        if not isinstance(self.screen, ConfirmScreen):
            self.push_screen(ConfirmScreen("Quit without saving?",
                                           f"The changes to {self.document.preset.name!r} are not saved.",
                                           yes="Quit", no="Keep editing"), answer)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "system_commands", None)
        if commands is not None:
            yield from commands()


def run_app(preset: Preset, data_dir: str | os.PathLike | None = None) -> int:
    """Run the app on the builder with ``preset``; returns the exit code."""
    app = NntuiApp(preset, data_dir)
    result = app.run()
    if app.return_code not in (None, 0):
        return int(app.return_code)
    return int(result or 0)


__all__ = ["NntuiApp", "run_app", "load_training_screen", "TRAINING_MODULE"]
