"""The builder: the layer stack with live shapes, totals, status, and every editing action.

All changes go through the app's document (``self.app.apply``); the screen re-renders when the
app publishes ``document_changed``. Shapes come from the model (``PresetDocument.check``).
"""

from __future__ import annotations

from functools import partial
from typing import Iterable

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, Vertical, VerticalGroup, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Select

from ...engine.layers import LAYER_TYPES
from ...spec.document import PresetDocument, starter_config
from ...spec.keras_code import keras_code
from ..view import StackView, stack_view
from ..widgets.layer_details import LayerDetails, input_shapes
from ..widgets.stack_table import StackTable
from ..widgets.status_line import StatusLine
from ..widgets.totals import TotalsBar
from ..widgets.training_panel import TrainingPanel

#: Buttons of the side panel (wide terminals): the same actions as the keys, for the mouse.
LAYER_BUTTONS = (("+ Add", "add"), ("Edit", "edit"), ("Delete", "delete"), ("Duplicate", "duplicate"),
                 ("↑", "move(-1)"), ("↓", "move(1)"))
MODEL_BUTTONS = (("Undo", "undo"), ("Redo", "redo"), ("Input", "input_shape"), ("Keras", "keras"),
                 ("Open", "open"), ("Save", "save"))
TRAIN_BUTTONS = (("▶ Train", "train"), ("? Help", "app.help"))



def button_id(action: str) -> str:
    """'move(-1)' -> 'btn-move-up', 'input_shape' -> 'btn-input-shape'."""
    special = {"move(-1)": "move-up", "move(1)": "move-down", "app.help": "help"}
    return "btn-" + special.get(action, action.replace("_", "-"))


class BuilderScreen(Screen):
    """Build a network layer by layer and see at once whether the shapes fit."""

    CSS_PATH = "builder.tcss"
    AUTO_FOCUS = "#stack"
    BINDINGS = [
        Binding("a,insert", "add", "Add", tooltip="Add a layer under the cursor, chosen from the palette"),
        Binding("e", "edit", "Edit", tooltip="Edit the selected layer's settings (on the input row: the input shape)"),
        Binding("d,delete", "delete", "Del", tooltip="Delete the selected layer"),
        Binding("c", "duplicate", "Dup", show=False, tooltip="Duplicate the selected layer (the copy goes below it)"),
        Binding("shift+up,K", "move(-1)", "Up", show=False, key_display="⇧↑", tooltip="Move the selected layer up"),
        Binding("shift+down,J", "move(1)", "Down", show=False, key_display="⇧↓", tooltip="Move the selected layer down"),
        Binding("u,ctrl+z", "undo", "Undo", tooltip="Undo the last change"),
        Binding("U,ctrl+y", "redo", "Redo", show=False, tooltip="Redo the last undone change"),
        Binding("i", "input_shape", "Input", show=False, tooltip="Edit the input shape"),
        Binding("o", "training_settings", "Loss/opt", tooltip="Choose the loss, the optimizer and its settings, "
                                                                "batch size, epochs, validation split"),
        Binding("k", "keras", "Keras", tooltip="Show the model as Keras code, ready to copy"),
        Binding("t", "train", "Train", tooltip="Train the model (when it fits)"),
        Binding("ctrl+s", "save", "Save", tooltip="Save the model as a preset TOML file"),
        Binding("ctrl+o", "open", "Open", show=False, tooltip="Open a shipped preset or a preset file"),
        Binding("ctrl+n", "clear", "New", show=False, tooltip="Start from an empty stack (undoable)"),
        Binding("q", "app.quit", "Quit", show=False, tooltip="Quit (asks about unsaved changes)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: StackView | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="main"):
            with Vertical(id="stack-pane"):
                yield StackTable(id="stack")
                yield TotalsBar(id="totals")
            with VerticalScroll(id="side"):
                with VerticalGroup(id="actions"):
                    for buttons in (LAYER_BUTTONS, MODEL_BUTTONS, TRAIN_BUTTONS):
                        with HorizontalGroup():
                            for label, action in buttons:
                                target = action if action.startswith("app.") else f"screen.{action}"
                                button = Button(label, action=target, compact=True, classes="action",
                                                name=action, id=button_id(action),
                                                variant="success" if action == "train" else "default")
                                button.can_focus = False  # for the mouse; Tab goes from the stack to the settings
                                yield button
                yield LayerDetails(id="details")
                yield TrainingPanel(id="training")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#stack").border_title = "Layers"
        self.query_one("#details").border_title = "Selected"
        self.query_one("#training").border_title = "Loss, optimizer, training (o)"
        self.app.document_changed.subscribe(self, self._on_document_changed, immediate=True)
        self.refresh_view()

    @property
    def doc(self) -> PresetDocument:
        return self.app.document

    @property
    def table(self) -> StackTable:
        return self.query_one("#stack", StackTable)

    @property
    def cursor_row(self) -> int:
        table = self.table
        return table.cursor_row if table.row_count else 0

    @property
    def selected_layer(self) -> int | None:
        """The layer under the cursor (None on the input row)."""
        return self.table.selected_layer

    # ------------------------------------------------------------------ rendering
    def _on_document_changed(self, _doc=None) -> None:
        focus = self.doc.last_focus
        self.refresh_view(None if focus is None else focus + 1)

    def train_note(self) -> str | None:
        """Why Train is unavailable even when the model fits (e.g. the training screen is missing)."""
        return self.app.train_unavailable_reason()

    def refresh_view(self, cursor_row: int | None = None) -> None:
        """Re-render everything from the document (the model answers every shape)."""
        doc = self.doc
        view = self.view = stack_view(doc)
        self.table.show(view, cursor_row)
        self.query_one("#totals", TotalsBar).show(view)
        self.query_one("#status", StatusLine).show(view, self.train_note() if view.ready else None)
        self._show_details()
        where = "shipped preset" if doc.builtin else (str(doc.path) if doc.path else "not saved yet")
        self.title = f"nntui · {doc.preset.name}" + (" [modified]" if doc.dirty else "")
        self.sub_title = where
        self._update_actions()

    _availability: tuple | None = None

    def _update_actions(self) -> None:
        """Refresh the footer and enable the side panel's buttons as the keys are (only on a change)."""
        states = []
        for button in self.query(".action").results(Button):
            action = button.name or ""
            name, _, args = action.partition("(")
            params = (int(args.rstrip(")")),) if args else ()
            states.append((button, self.check_action(name, params) is True))
        blocker = self.train_blocker()
        availability = (tuple(enabled for _, enabled in states), blocker)
        if availability == self._availability:
            return
        self._availability = availability
        self.refresh_bindings()
        for button, enabled in states:
            button.disabled = not enabled
            if button.name == "train":
                button.tooltip = blocker or "Train the model"

    def train_blocker(self) -> str | None:
        """Why Train is disabled (None when it is enabled)."""
        view = self.view
        if view is None:
            return None
        if not view.ready:
            return f"The model is not ready: {view.check.problem}"
        return self.train_note()

    def _show_details(self) -> None:
        if self.view is not None:
            self.query_one("#details", LayerDetails).show(self.doc, self.view, self.cursor_row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_details()
        self._update_actions()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # ------------------------------------------------------------------ which actions are available
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or self.view is None:
            return True
        layer = self.selected_layer
        if action in ("delete", "duplicate"):
            return True if layer is not None else None
        if action == "move":
            if layer is None:
                return None
            delta = int(parameters[0]) if parameters else 0
            return True if 0 <= layer + delta < len(self.doc.layers) else None
        if action == "undo":
            return True if self.doc.can_undo else None
        if action == "redo":
            return True if self.doc.can_redo else None
        if action == "train":
            return True if self.train_blocker() is None else None
        return True

    COMMAND_TITLES = {"Del": "Delete layer", "Dup": "Duplicate layer", "Up": "Move layer up",
                      "Down": "Move layer down", "Add": "Add layer", "Edit": "Edit layer", "Input": "Input shape",
                      "Loss/opt": "Loss, optimizer, training", "Keras": "Keras code", "New": "New empty stack"}

    def system_commands(self) -> Iterable[SystemCommand]:
        """Every builder action for the command palette (ctrl+p), so each is reachable by mouse too."""
        for binding in self.BINDINGS:
            name, _, args = binding.action.partition("(")
            params = (int(args.rstrip(")")),) if args else ()
            if self.check_action(name, params) is not True:
                continue
            title = self.COMMAND_TITLES.get(binding.description, binding.description)
            yield SystemCommand(title, binding.tooltip, partial(self.run_action, binding.action))

    # ------------------------------------------------------------------ editing actions
    def _insert_position(self) -> int:
        layer = self.selected_layer
        return 0 if layer is None else layer + 1

    def action_add(self) -> None:
        from .palette import PaletteScreen
        index = self._insert_position()

        def picked(type_name: str | None) -> None:
            if not type_name:
                return
            cls = LAYER_TYPES[type_name]
            if any(f.required for f in cls.fields):
                self._open_form(type_name, index=index, new=True)
            else:
                self.app.apply(lambda d: d.insert_layer(index, type_name, starter_config(type_name)))
        self.app.push_screen(PaletteScreen(), picked)

    def _open_form(self, type_name: str, *, index: int, new: bool) -> None:
        from .layer_form import LayerFormScreen
        doc = self.doc
        view = self.view
        if new:
            above = view.rows[index].shape if view is not None and index < len(view.rows) else "?"
            context = f"will receive {above} (the output of the row above)"
            form = LayerFormScreen(type_name, starter_config(type_name), title=f"Add {type_name} as layer {index}",
                                   context=context)
        else:
            spec = doc.layers[index]
            row = view.rows[index + 1]
            context = f"receives {', '.join(input_shapes(view, index)) or '?'} · gives {row.shape}"
            form = LayerFormScreen(spec.type, spec.config, name=spec.name, inputs=spec.inputs,
                                   title=f"Edit layer {index} · {spec.type} ({row.name})", context=context,
                                   error=row.error, fix=row.fix)

        def done(edit) -> None:
            if edit is None:
                return
            if new:
                self.app.apply(lambda d: d.insert_layer(index, type_name, edit.config, name=edit.name,
                                                        inputs=edit.inputs))
            else:
                self.app.apply(lambda d: d.update_layer(index, edit.config, name=edit.name, inputs=edit.inputs))
        self.app.push_screen(form, done)

    def action_edit(self) -> None:
        layer = self.selected_layer
        if layer is None:
            self.action_input_shape()
        else:
            self._open_form(self.doc.layers[layer].type, index=layer, new=False)

    def action_delete(self) -> None:
        layer = self.selected_layer
        if layer is not None:
            self.app.apply(lambda d: d.delete_layer(layer))

    def action_duplicate(self) -> None:
        layer = self.selected_layer
        if layer is not None:
            self.app.apply(lambda d: d.duplicate_layer(layer))

    def action_move(self, delta: int) -> None:
        layer = self.selected_layer
        if layer is not None:
            target = self.app.apply(lambda d: d.move_layer(layer, int(delta)))
            if target is not None:  # also when the swap changed nothing (two identical layers)
                self.table.move_cursor(row=target + 1, animate=False)

    def action_undo(self) -> None:
        label = self.doc.undo_label
        if self.app.apply(lambda d: d.undo()):
            self.notify(f"Undone: {label}", timeout=2)

    def action_redo(self) -> None:
        label = self.doc.redo_label
        if self.app.apply(lambda d: d.redo()):
            self.notify(f"Redone: {label}", timeout=2)

    def action_clear(self) -> None:
        if self.app.apply(lambda d: d.clear_layers()):
            self.notify("All layers removed (u to undo)", timeout=3)

    def action_input_shape(self) -> None:
        from .input_shape import InputShapeScreen

        def done(shape) -> None:
            if shape is not None:
                self.app.apply(lambda d: d.set_input_shape(shape))
        self.app.push_screen(InputShapeScreen(self.doc.preset.model.input_shape), done)

    def action_training_settings(self) -> None:
        if self.has_class("-wide"):
            panel = self.query_one("#training", TrainingPanel)
            first = panel.query(Select).first()
            first.focus()
            panel.scroll_visible()
        else:
            from .training_settings import TrainingSettingsScreen
            self.app.push_screen(TrainingSettingsScreen())

    # ------------------------------------------------------------------ other screens
    def action_keras(self) -> None:
        from .keras_code import KerasCodeScreen
        self.app.push_screen(KerasCodeScreen(keras_code(self.doc.preset), self.doc.preset.name))

    def action_train(self) -> None:
        view = self.view
        if view is None or not view.ready:
            self.notify(f"The model is not ready to train: {view.check.problem if view else ''}",
                        severity="warning")
            return
        self.app.start_training(self.doc.snapshot())

    def action_save(self) -> None:
        from .save import SaveScreen
        self.app.push_screen(SaveScreen())

    def action_open(self) -> None:
        from .open_preset import OpenPresetScreen

        def opened(preset) -> None:
            if preset is not None:
                self.app.replace_document(preset)
                self.notify(f"Opened {preset.name}", timeout=3)
        self.app.push_screen(OpenPresetScreen(), opened)
