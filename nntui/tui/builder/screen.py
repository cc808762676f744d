"""The builder: the layer stack with live shapes, totals, status, and every editing key.

The app's document is the one source: every change goes through ``self.app.apply``, and the screen
answers the app's ``document_changed`` signal by computing a new :class:`~nntui.tui.builder.view.StackView`
(every shape from the model) into its reactive :attr:`BuilderScreen.view`. The table takes it first
(it owns the cursor); the watcher shows the rest, and the totals and the status line are bound to it.
The selection's details and the side panel's buttons follow the cursor.

The keys' actions are short: the palette and the layer form live in :mod:`~nntui.tui.builder.layer_dialogs`,
the buttons in :mod:`~nntui.tui.builder.action_bar`, the command palette's entries in
:mod:`~nntui.tui.builder.commands`; the other dialogs are opened here and imported when first used.
"""

from __future__ import annotations

from textual import events
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Header, Select

from ...preset.document import PresetDocument
from ..common.breakpoints import set_breakpoint_classes
from ..common.steady_footer import SteadyFooter
from .action_bar import BUTTON_ACTIONS, ActionBar, Availability
from .graph_view import GraphView
from .layer_details import LayerDetails
from .layer_dialogs import add_branch, add_layer, add_merge, edit_layer
from .settings_panel import SettingsPanel
from .stack_table import StackTable
from .status_line import StatusLine
from .totals import TotalsBar
from .view import StackView, stack_view


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

    #: the document as the builder shows it (rows, totals, status); a new one after every change
    view: var[StackView | None] = var(None, always_update=True, init=False)
    #: what the next run starts from when not fresh weights (the status line says it)
    start_note: var[str | None] = var(None)
    #: the drawing of the graph instead of the table (g); the selection is shared
    graph_mode: var[bool] = var(False, init=False)
    #: which side-panel buttons are enabled; a change refreshes the footer's keys too
    availability: var[Availability | None] = var(None, bindings=True)
    _shown_once = False  # whether the screen has been resumed (shown) before

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        set_breakpoint_classes(self)  # -wide now: the widgets below are styled once, not again at the first resize
        # the view now (watchers run from on_mount): the totals and the status line bound to it show it in the
        # first frame instead of the next
        view = stack_view(self.doc)
        self.set_reactive(BuilderScreen.view, view)
        yield Header(icon="≡")
        with Horizontal(id="main"):
            with Vertical(id="stack-pane"):
                yield StackTable(id="stack")
                yield GraphView(id="graph")
                yield TotalsBar(view, id="totals").data_bind(BuilderScreen.view)
            with VerticalScroll(id="side"):
                yield ActionBar(id="actions").data_bind(BuilderScreen.availability)
                yield LayerDetails(id="details")
                # the longest part of the screen, mounted just after the first frame (Textual's Lazy)
                settings = SettingsPanel(id="training")
                settings.border_title = "Loss, optimizer, training (o)"
                yield Lazy(settings)
        yield StatusLine(view, id="status").data_bind(BuilderScreen.view, BuilderScreen.start_note)
        yield SteadyFooter(compact=True)

    def on_mount(self) -> None:
        self.table.border_title = "Layers"
        graph = self.graph
        graph.border_title = "Graph"
        graph.border_subtitle = "g: table · b branch · m merge · O output"
        graph.display = False
        self.query_one("#details").border_title = "Selected"
        self.app.document_changed.subscribe(self, self._on_document_changed, immediate=True)
        self.show_document()

    @property
    def doc(self) -> PresetDocument:
        return self.app.document

    @property
    def table(self) -> StackTable:
        return self.query_one("#stack", StackTable)

    @property
    def graph(self) -> GraphView:
        return self.query_one("#graph", GraphView)

    @property
    def cursor_row(self) -> int:
        table = self.table
        return table.cursor_row if table.row_count else 0

    @property
    def selected_layer(self) -> int | None:
        """The layer under the cursor (None on the input row)."""
        return self.table.selected_layer

    # ------------------------------------------------------------------ showing the document
    def _on_document_changed(self, _doc=None) -> None:
        focus = self.doc.last_focus
        self.show_document(None if focus is None else focus + 1)

    def show_document(self, cursor_row: int | None = None) -> None:
        """A new view of the document; the table's cursor goes to ``cursor_row`` (default: it stays)."""
        view = stack_view(self.doc)
        self.table.show(view, cursor_row)
        self.view = view

    def watch_view(self, view: StackView) -> None:
        doc = self.doc
        self.table.border_subtitle = "g: draw the graph" if view.graph else ""
        if self.graph_mode:
            self.graph.show(view, self.cursor_row)
        self.start_note = self.app.start_weights_note()
        self._show_selection()
        where = "shipped preset" if doc.builtin else (str(doc.path) if doc.path else "not saved yet")
        self.title = f"nntui · {doc.preset.name}" + (" [modified]" if doc.dirty else "")
        self.sub_title = where

    def watch_graph_mode(self, graph_mode: bool) -> None:
        graph, table = self.graph, self.table
        if graph_mode and self.view is not None:
            graph.show(self.view, self.cursor_row)
        graph.display = graph_mode
        table.display = not graph_mode
        (graph if graph_mode else table).focus()

    def _show_selection(self) -> None:
        """The selected row's details, and the actions it allows."""
        if self.view is None:
            return
        self.query_one("#details", LayerDetails).show(self.doc, self.view, self.cursor_row)
        enabled = frozenset(action for action in BUTTON_ACTIONS if self.check_action(*parse(action)[1:]) is True)
        self.availability = Availability(enabled, self.train_blocker())

    def train_blocker(self) -> str | None:
        """Why Train is disabled (None when it is enabled)."""
        view = self.view
        if view is None:
            return None
        if not view.ready:
            return f"The model is not ready: {view.check.problem}"
        return None

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # runs before Screen's own handler: the first time, the widgets were styled as they mounted a
        # moment ago, so Textual's restyle of the whole screen (a third of the start-up) is skipped
        if not self._shown_once:
            self._shown_once = True
            event.refresh_styles = False
        # back from the training screen or a dialog: what the next run starts from may have changed
        if self.view is not None:
            self.start_note = self.app.start_weights_note()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.graph_mode:
            self.graph.move_to(self.cursor_row)
        self._show_selection()

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

    # ------------------------------------------------------------------ layers: the palette and the form
    def action_add(self) -> None:
        layer = self.selected_layer
        add_layer(self.app, self.view, 0 if layer is None else layer + 1)

    def action_edit(self) -> None:
        layer = self.selected_layer
        if layer is None:
            self.action_input_shape()
        else:
            edit_layer(self.app, self.view, layer)

    def action_branch(self) -> None:
        add_branch(self.app, self.view, self.selected_layer)

    def action_merge(self) -> None:
        add_merge(self.app, self.selected_layer)

    # ------------------------------------------------------------------ edits at once
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

    def action_graph(self) -> None:
        """Switch between the table and the drawing of the graph."""
        self.graph_mode = not self.graph_mode

    # ------------------------------------------------------------------ the model's settings
    def action_input_shape(self) -> None:
        from .input_shape import InputShapeScreen

        def done(shape) -> None:
            if shape is not None:
                self.app.apply(lambda d: d.set_input_shape(shape))
        self.app.push_screen(InputShapeScreen(self.doc.preset.model.input_shape), done)

    def action_training_settings(self) -> None:
        if self.has_class("-wide"):
            panel = self.query_one("#training", SettingsPanel)  # mounted by now: keys wait for the first frame
            panel.query("#losses Select").first().focus()  # the loss (the data set is above it)
            panel.scroll_visible()
        else:
            from .settings_dialog import TrainingSettingsScreen
            self.app.push_screen(TrainingSettingsScreen())

    # ------------------------------------------------------------------ other screens and files
    def action_keras(self) -> None:
        from ...preset.keras_code import keras_code
        from .keras_code import KerasCodeScreen
        from .keras_export import ExportKerasScreen, export_source
        preset, view = self.doc.snapshot(), self.view
        export = ((lambda: ExportKerasScreen(preset, export_source(self.app, preset)))
                  if view is not None and view.ready else None)  # a model that does not fit has no weights
        self.app.push_screen(KerasCodeScreen(keras_code(preset), preset.name, export=export))

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

    def action_load_weights(self) -> None:
        from .load_weights import LoadWeightsScreen

        def loaded(path) -> None:
            if path:
                self.notify(f"Loaded the weights of {path}: the next run starts from them", timeout=4)
                self.start_note = self.app.start_weights_note()
        self.app.push_screen(LoadWeightsScreen(), loaded)

    def action_open(self) -> None:
        from .open_preset import OpenPresetScreen, Resume

        def opened(result) -> None:
            if isinstance(result, Resume):
                self.app.replace_document(result.preset, checkpoint_dir=result.folder)
                self.app.trained = result.state
                self.app.start_note = (f"resumes the run checkpointed in {result.folder} after epoch "
                                       f"{result.epochs}", result.state)
                self.start_note = self.app.start_weights_note()
                self.notify(f"Resumed {result.preset.name} after epoch {result.epochs}: t trains on from there "
                            f"(checkpoints go to {result.folder} again)", timeout=5)
            elif result is not None:
                self.app.replace_document(result)
                self.notify(f"Opened {result.name}", timeout=3)
        self.app.push_screen(OpenPresetScreen(), opened)
