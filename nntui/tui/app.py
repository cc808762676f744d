"""The Textual app: holds the document being edited, opens on the builder, routes to the screens.

The app is thin: :class:`NntuiApp` owns the one :class:`~nntui.preset.document.PresetDocument`,
applies operations to it (:meth:`NntuiApp.apply`) and publishes :attr:`NntuiApp.document_changed`
after each change so that widgets re-render. The builder (:mod:`nntui.tui.builder`) is the first
screen; :meth:`NntuiApp.start_training` pushes the training screen (:mod:`nntui.tui.training`),
imported when it is first needed so that the builder appears sooner.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from ..engine.config import ConfigError
from ..preset.document import PresetDocument, untitled_preset
from ..preset.epoch_time import measure_speed
from ..preset.loader import builtin_dirs
from ..preset.preset import Preset
from .builder.commands import builder_commands
from .builder.screen import BuilderScreen
from .common.help import HelpScreen, Sections, binding_rows
from .common.safe_lists import guard_command_palette
from .common.typeahead import TypeAhead

guard_command_palette()  # pgdn right after ctrl+p crashed inside Textual (see common/safe_lists.py)


def is_builtin(path: Path | None) -> bool:
    """Whether ``path`` is one of the shipped presets (never saved over without a new name)."""
    if path is None:
        return False
    try:
        folder = Path(path).resolve().parent
        return any(folder == d.resolve() for d in builtin_dirs())
    except OSError:
        return False


class NntuiApp(App[int]):
    """nntui: build a network, see its shapes, train it."""

    TITLE = "nntui"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    #: a screen under a dialog gets this class, so that app.tcss hides its toasts (the dialog shows them)
    SUSPENDED_SCREEN_CLASS = "-suspended"
    MODES = {"builder": BuilderScreen}
    DEFAULT_MODE = "builder"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", tooltip="List every key"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="Quit (asks about unsaved changes)"),
    ]

    def __init__(self, preset: Preset, data_dir: str | os.PathLike | None = None, *,
                 cursor_blink: bool = True, cwd: str | os.PathLike | None = None, typeahead: bool = True,
                 training_screen: Callable[[Preset, Any], Screen] | None = None,
                 speed_probe: Callable[..., float | None] | None = measure_speed, draw_weights: str | None = None,
                 threads=None):
        super().__init__()
        self.typeahead = TypeAhead(self) if typeahead else None
        self.document = PresetDocument(preset, builtin=is_builtin(preset.path))
        self.data_dir = data_dir
        self.cursor_blink = cursor_blink
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.document_changed: Signal[PresetDocument] = Signal(self, "document-changed")
        #: Makes the training screen for (preset, data_dir); None: nntui's TrainingScreen (tests pass a fake)
        self.training_screen = training_screen
        #: Times a preset's training steps on this machine (samples/s) for the builder's estimate of an
        #: epoch's time; called in a worker thread. None: no estimate (tests)
        self.speed_probe = speed_probe
        #: The BLAS threads of the app's runs (a ThreadSetting from --threads / NNTUI_THREADS; None:
        #: NNTUI_THREADS or the engine's choice, read by the run setup)
        self.threads = threads
        #: The model trained last (the training screen's TrainedState); the next run continues from
        #: it while the model spec is unchanged. Loading weights or a checkpoint sets it too.
        self.trained = None
        #: (what the builder says, the TrainedState it is about) for loaded weights or a checkpoint
        self.start_note: tuple[str, Any] | None = None
        #: ``nntui --load-weights FILE --draw``: the weights file the Draw pad opens with, over the builder
        self.draw_weights = draw_weights

    def on_mount(self) -> None:
        if self.draw_weights:
            self.call_after_refresh(self.open_draw_pad, self.draw_weights)

    def open_draw_pad(self, path: str) -> None:
        """Load ``path`` as the start weights (as the builder's w does) and open the Draw pad on them."""
        from .common.start_state import weights_state
        from .draw.launch import open_draw

        state = weights_state(self.document.snapshot(), path)
        self.trained = state
        self.start_note = (f"starts from the weights in {path}", state)
        open_draw(self, self.document.snapshot(), state.model, about=f"from {path}",
                  data_dir=self.data_dir)

    def on_ready(self) -> None:
        # Textual draws the first frames inside its start-up batch and drops them, then writes only the
        # widgets refreshed since: the totals and the status line (refreshed inside the batch) appeared
        # several frames late. Refreshing every widget once the batch is over makes the first frame
        # written a whole one.
        self.screen.query("*").refresh()

    def update_styles(self, node, animate: bool = True) -> None:
        # Textual restyles a widget at each class change, even before it is mounted (a Button's
        # compact=True in its __init__); mounting styles it anyway, so skip nodes not in the DOM yet
        if node is not self and not node.is_attached:
            return
        super().update_styles(node, animate)

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
        self.trained = self.start_note = None  # another model: the weights of this one are gone
        self.document = PresetDocument(preset, builtin=is_builtin(preset.path))
        self.document.checkpoint_dir = checkpoint_dir if checkpoint_dir is not None else keep
        self.document_changed.publish(self.document)

    def new_document(self) -> None:
        """Start a new model: ``untitled``, no description, no layers, no file (the current input shape
        and training settings stay); asks first when the current one has unsaved changes."""
        def start(discard: bool | None = True) -> None:
            if discard:
                self.replace_document(untitled_preset(self.document.preset), checkpoint_dir="")
                self.document.checkpoint_dir = None
                self.notify("A new model: a adds its first layer; ctrl+s saves it", timeout=4)
        if not self.document.dirty:
            start()
            return
        from .common.confirm import ConfirmScreen
        self.push_screen(ConfirmScreen("Start a new model?",
                                       f"The changes to {self.document.preset.name!r} are not saved.",
                                       yes="Discard them", no="Keep editing"), start)

    def start_weights_note(self) -> str | None:
        """What the next run starts from when it is not fresh weights (None: fresh weights, nothing to say).

        When an edit makes trained or loaded weights unusable (the model changed), the note says that
        the next run starts from fresh weights, rather than vanishing.
        """
        state = self.trained
        if state is None:
            return None
        note = self.start_note
        loaded = note is not None and note[1] is state
        if not state.matches(self.document.preset):
            if not (loaded or state.trained):
                return None
            what = "loaded" if loaded else "trained"
            return (f"starts from fresh weights: the model changed since its weights were {what} "
                    f"(u undoes the change)")
        if loaded:
            return note[0]
        if state.trained:
            done, steps = state.epochs_completed, state.steps_done
            return (f"continues from the weights trained so far ({done} full epoch{'s' if done != 1 else ''}, "
                    f"{steps:,} batch{'es' if steps != 1 else ''} in all)")
        return None

    # ------------------------------------------------------------------ training
    def start_training(self, preset: Preset) -> None:
        """Push the training screen for a snapshot of ``preset``."""
        factory = self.training_screen
        if factory is None:
            from .training.screen import TrainingScreen  # imported when first needed: the builder shows sooner
            factory = TrainingScreen
        self.push_screen(factory(preset, self.data_dir))

    # ------------------------------------------------------------------ app-wide actions
    def action_command_palette(self) -> None:
        # Textual only looks at the top screen: with a dialog opened over the palette (? or ctrl+q in
        # it), a second ctrl+p pushed another palette with the same id and crashed (DuplicateIds)
        from textual.command import CommandPalette
        if not any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            super().action_command_palette()

    def help_sections(self, screen: Screen | None = None) -> Sections:
        """What ? lists on ``screen`` (default: the builder): that screen's keys, then the app-wide keys.

        The builder lists its dialogs' keys too; a screen with a ``help_sections()`` method gives its own
        sections (the training screen: its keys and the tabs of its layout); any other screen its bindings.
        """
        everywhere = binding_rows(self.BINDINGS)
        if screen is None or isinstance(screen, BuilderScreen):
            from .builder.help_keys import builder_help  # imported here: it imports every dialog, for their keys

            return builder_help(BuilderScreen.BINDINGS, everywhere)
        own = getattr(screen, "help_sections", None)
        if callable(own):
            return [*own(), ("Everywhere", everywhere)]
        title = (type(screen).__doc__ or type(screen).__name__).strip().splitlines()[0].rstrip(".")
        rows = [row for row in binding_rows(screen.BINDINGS) if row[0] != "?"]
        return [(title, rows), ("Everywhere", everywhere)]

    def action_help(self) -> None:
        """The help of the screen shown (its own ``help_sections()`` when it has one), with the keys of everywhere."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections(self.screen)))

    async def action_quit(self) -> None:
        if not self.document.dirty:
            self.exit(0)
            return
        from .common.confirm import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.exit(0)
        if not isinstance(self.screen, ConfirmScreen):
            self.push_screen(ConfirmScreen("Quit without saving?",
                                           f"The changes to {self.document.preset.name!r} are not saved.",
                                           yes="Quit", no="Keep editing"), answer)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, BuilderScreen):
            yield from builder_commands(screen)


def run_app(preset: Preset, data_dir: str | os.PathLike | None = None, *, threads=None,
            draw_weights: str | None = None) -> int:
    """Run the app on the builder with ``preset`` (its runs on ``threads``, a ThreadSetting; the Draw pad over
    it with ``draw_weights``); the exit code."""
    app = NntuiApp(preset, data_dir, threads=threads, draw_weights=draw_weights)
    result = app.run()
    if app.return_code not in (None, 0):
        return int(app.return_code)
    return int(result or 0)


__all__ = ["NntuiApp", "run_app"]
