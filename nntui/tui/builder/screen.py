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
from ...preset.document import PresetDocument
from ...preset.edit_fields import starter_config
from ...preset.keras_code import keras_code
from .graph_view import GraphView
from .layer_details import LayerDetails, input_shapes
from .settings_panel import TrainingPanel
from .stack_table import StackTable
from .status_line import StatusLine
from .totals import TotalsBar
from .view import StackView, stack_view

#: Buttons of the side panel (wide terminals): the same actions as the keys, for the mouse.
LAYER_BUTTONS = (("+ Add", "add"), ("Edit", "edit"), ("Delete", "delete"), ("Duplicate", "duplicate"),
                 ("↑", "move(-1)"), ("↓", "move(1)"))
GRAPH_BUTTONS = (("Branch", "branch"), ("Merge", "merge"), ("Output", "output"), ("Graph", "graph"))
MODEL_BUTTONS = (("Undo", "undo"), ("Redo", "redo"), ("Input", "input_shape"), ("Keras", "keras"),
                 ("Open", "open"), ("Save", "save"))
TRAIN_BUTTONS = (("▶ Train", "train"), ("Weights", "load_weights"), ("? Help", "app.help"))



def button_id(action: str) -> str:
    """'move(-1)' -> 'btn-move-up', 'input_shape' -> 'btn-input-shape'."""
    special = {"move(-1)": "move-up", "move(1)": "move-down", "app.help": "help"}
    return "btn-" + special.get(action, action.replace("_", "-"))


class BuilderScreen(Screen):
    """Build a network layer by layer and see at once whether the shapes fit."""

    CSS_PATH = "screen.tcss"
    TYPE_AHEAD = True  # keys typed while the app is busy wait their turn (common/typeahead.py)
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
        Binding("b", "branch", "Branch", show=False,
                tooltip="Add a branch: a new layer that reads the selected row (not the layer above it)"),
        Binding("m", "merge", "Merge", show=False,
                tooltip="Add a merge layer (Concatenate, Add, ...) joining the selected layer and the loose "
                        "ends of the other branches (editable in its form)"),
        Binding("O", "output", "Output", show=False,
                tooltip="Make the selected layer an output too, or no longer one (several outputs: each "
                        "gets its loss, target and weight in the loss panel)"),
        Binding("g", "graph", "Graph", show=False, tooltip="Draw the model as a graph (branches in columns) / back to the table"),
        Binding("i", "input_shape", "Input", show=False, tooltip="Edit the input shape"),
        Binding("o", "training_settings", "Loss/opt", tooltip="Choose the loss, the optimizer and its settings, "
                                                                "batch size, epochs, validation split"),
        Binding("k", "keras", "Keras", tooltip="Show the model as Keras code, ready to copy"),
        Binding("t", "train", "Train", tooltip="Train the model (when it fits)"),
        Binding("ctrl+s", "save", "Save", tooltip="Save the model as a preset TOML file"),
        Binding("ctrl+o", "open", "Open", show=False,
                tooltip="Open a shipped preset, a preset file, or resume a run from its checkpoint folder"),
        Binding("w", "load_weights", "Weights", show=False,
                tooltip="Load saved weights (.npz) into the model: the next run starts from them"),
        Binding("ctrl+n", "clear", "New", show=False, tooltip="Start from an empty stack (undoable)"),
        Binding("q", "app.quit", "Quit", show=False, tooltip="Quit (asks about unsaved changes)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: StackView | None = None
        self.graph_mode = False

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="main"):
            with Vertical(id="stack-pane"):
                yield StackTable(id="stack")
                yield GraphView(id="graph")
                yield TotalsBar(id="totals")
            with VerticalScroll(id="side"):
                with VerticalGroup(id="actions"):
                    for buttons in (LAYER_BUTTONS, GRAPH_BUTTONS, MODEL_BUTTONS, TRAIN_BUTTONS):
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
        graph = self.query_one("#graph", GraphView)
        graph.border_title = "Graph"
        graph.border_subtitle = "g: table · b branch · m merge · O output"
        graph.display = False
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

    def refresh_view(self, cursor_row: int | None = None) -> None:
        """Re-render everything from the document (the model answers every shape)."""
        doc = self.doc
        view = self.view = stack_view(doc)
        self.table.show(view, cursor_row)
        self.table.border_subtitle = "g: draw the graph" if view.graph else ""
        if self.graph_mode:
            self.query_one("#graph", GraphView).show(view, self.cursor_row)
        self.query_one("#totals", TotalsBar).show(view)
        self.query_one("#status", StatusLine).show(view, self.app.start_weights_note())
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
        return None

    def _show_details(self) -> None:
        if self.view is not None:
            self.query_one("#details", LayerDetails).show(self.doc, self.view, self.cursor_row)

    def on_screen_resume(self) -> None:
        # back from the training screen (or a dialog): what the next run starts from may have changed
        if self.view is not None:
            self.query_one("#status", StatusLine).show(self.view, self.app.start_weights_note())

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.graph_mode:
            self.query_one("#graph", GraphView).move_to(self.cursor_row)
        self._show_details()
        self._update_actions()

    def on_graph_view_highlighted(self, event: GraphView.Highlighted) -> None:
        event.stop()
        if event.row != self.cursor_row:
            self.table.move_cursor(row=event.row, animate=False)

    def on_graph_view_selected(self, event: GraphView.Selected) -> None:
        event.stop()
        if event.row != self.cursor_row:
            self.table.move_cursor(row=event.row, animate=False)
        self.action_edit()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # ------------------------------------------------------------------ which actions are available
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or self.view is None:
            return True
        layer = self.selected_layer
        if action in ("delete", "duplicate", "output"):
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
                      "Loss/opt": "Loss, optimizer, training", "Keras": "Keras code", "New": "New empty stack",
                      "Branch": "Add a branch", "Merge": "Add a merge layer", "Output": "Toggle output",
                      "Graph": "Graph drawing", "Weights": "Load weights"}

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

    # ------------------------------------------------------------------ graph actions
    def action_graph(self) -> None:
        """Switch between the table and the drawing of the graph (the selection is shared)."""
        self.graph_mode = not self.graph_mode
        graph = self.query_one("#graph", GraphView)
        table = self.table
        if self.graph_mode and self.view is not None:
            graph.show(self.view, self.cursor_row)
        graph.display = self.graph_mode
        table.display = not self.graph_mode
        (graph if self.graph_mode else table).focus()

    def action_branch(self) -> None:
        from .palette import PaletteScreen
        source = self.selected_layer
        source_name = "input" if source is None else self.doc.names()[source]

        def picked(type_name: str | None) -> None:
            if not type_name:
                return
            cls = LAYER_TYPES[type_name]
            if any(f.required for f in cls.fields):
                self._open_branch_form(type_name, source, source_name)
            else:
                self.app.apply(lambda d: d.add_branch(source, type_name, starter_config(type_name)))
        self.app.push_screen(PaletteScreen(title=f"Add a branch from {source_name}"), picked)

    def _open_branch_form(self, type_name: str, source: int | None, source_name: str) -> None:
        from .layer_form import LayerFormScreen
        view = self.view
        row = 0 if source is None else source + 1
        shape = view.rows[row].shape if view is not None and row < len(view.rows) else "?"
        name = self.doc.fresh_name(type_name)
        form = LayerFormScreen(type_name, starter_config(type_name), name=name, inputs=[source_name],
                               title=f"Add {type_name} as a branch from {source_name}",
                               context=f"will read {source_name} {shape} (a new branch beside the layers below it)")

        def done(edit) -> None:
            if edit is not None:
                self.app.apply(lambda d: d.add_branch(source, type_name, edit.config, name=edit.name,
                                                      inputs=edit.inputs))
        self.app.push_screen(form, done)

    def action_merge(self) -> None:
        from .palette import PaletteScreen
        after = self.selected_layer

        def picked(type_name: str | None) -> None:
            if not type_name:
                return
            self._open_merge_form(type_name, after)
        self.app.push_screen(PaletteScreen(family="merge", title="Join branches with a merge layer"), picked)

    def _open_merge_form(self, type_name: str, after: int | None) -> None:
        from .layer_form import LayerFormScreen
        doc = self.doc
        joined = doc.merge_defaults(after)
        form = LayerFormScreen(type_name, starter_config(type_name), name=doc.fresh_name(type_name), inputs=joined,
                               title=f"Add {type_name}: which layers does it join?",
                               context="inputs: the layers it joins, comma-separated (default: the selected "
                                       "layer and the loose ends of the other branches)",
                               focus="inputs")

        def done(edit) -> None:
            if edit is not None:
                self.app.apply(lambda d: d.add_merge(after, type_name, edit.inputs or [], edit.config,
                                                     name=edit.name))
        self.app.push_screen(form, done)

    def action_output(self) -> None:
        layer = self.selected_layer
        if layer is None:
            return
        name = self.doc.names()[layer]
        if self.app.apply(lambda d: d.toggle_output(layer)):
            outputs = self.doc.outputs
            what = "is now an output" if name in outputs else "is no longer an output"
            extra = (" · each output's loss, target and weight: o" if len(outputs) > 1 else "")
            self.notify(f"{name} {what} (outputs: {', '.join(outputs)}){extra}", timeout=4)

    def action_load_weights(self) -> None:
        from .load_weights import LoadWeightsScreen

        def loaded(path) -> None:
            if path:
                self.notify(f"Loaded the weights of {path}: the next run starts from them", timeout=4)
                self.refresh_view()
        self.app.push_screen(LoadWeightsScreen(), loaded)

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
            first = panel.query("#losses Select").first()  # the loss (the data set is above it)
            first.focus()
            panel.scroll_visible()
        else:
            from .settings_dialog import TrainingSettingsScreen
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
        from .open_preset import OpenPresetScreen, Resume

        def opened(result) -> None:
            if isinstance(result, Resume):
                self.app.replace_document(result.preset, checkpoint_dir=result.folder)
                self.app.trained = result.state
                self.app.start_note = (f"resumes the run checkpointed in {result.folder} after epoch "
                                       f"{result.epochs}", result.state)
                self.refresh_view()
                self.notify(f"Resumed {result.preset.name} after epoch {result.epochs}: t trains on from there "
                            f"(checkpoints go to {result.folder} again)", timeout=5)
            elif result is not None:
                self.app.replace_document(result)
                self.notify(f"Opened {result.name}", timeout=3)
        self.app.push_screen(OpenPresetScreen(), opened)
