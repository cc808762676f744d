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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Header

from ...preset.document import PresetDocument
from ..common.breakpoints import set_breakpoint_classes
from ..common.field_editor import FieldEditor
from ..common.steady_footer import SteadyFooter
from .action_bar import BUTTON_ACTIONS, ActionBar, Availability
from .bindings import BUILDER_BINDINGS
from .graph_view import GraphView
from .layer_details import LayerDetails
from .layer_dialogs import add_branch, add_layer, add_merge, edit_layer
from .look_inside import kept_about, show_draw, show_inside
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
    BINDINGS = BUILDER_BINDINGS

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
        if action in ("train", "inside"):
            return True if self.train_blocker() is None else None
        if action == "why_not_train":  # t while Train is disabled: say why rather than nothing
            return False if self.train_blocker() is None else True
        if action == "draw":
            return self.train_blocker() is None and kept_about(self.app, self.doc.preset) is not None
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

    def action_fix(self) -> None:
        view = self.view
        if view is None or view.fixes.misfit is None:
            self.notify("Nothing to fix: every layer fits." if view is not None and view.ready else
                        f"Nothing f can fix here: {view.check.problem if view else ''}", timeout=3)
            return
        from .fix_chooser import FixChooserScreen
        revision = self.doc.revision

        def chosen(fix) -> None:
            if fix is not None and self.doc.revision == revision and self.app.apply(lambda d: d.apply(fix.edit)):
                self.notify(f"Fixed: {fix.title} (u undoes it)", timeout=4)
        self.app.push_screen(FixChooserScreen(view.fixes), chosen)

    def action_undo(self) -> None:
        label = self.doc.undo_label
        if self.app.apply(lambda d: d.undo()):
            self.notify(f"Undone: {label}", timeout=2)

    def action_redo(self) -> None:
        label = self.doc.redo_label
        if self.app.apply(lambda d: d.redo()):
            self.notify(f"Redone: {label}", timeout=2)

    def action_new(self) -> None:
        self.app.new_document()

    def action_leave_panel(self) -> None:
        focused = self.focused
        side = self.query_one("#side")
        if focused is None or not (focused is side or side in focused.ancestors):
            return
        for editor in side.query(FieldEditor).results(FieldEditor):
            editor.revert()
        (self.graph if self.graph_mode else self.table).focus()

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

    def action_why_not_train(self) -> None:
        view = self.view
        if view is not None and not view.ready:
            problem = view.check.problem or "the model does not fit"
            self.notify(f"{problem[:1].upper()}{problem[1:]}. The status line says how to fix it.",
                        title="Cannot train yet", severity="warning", timeout=5)

    def action_train(self) -> None:
        view = self.view
        if view is None or not view.ready:
            self.notify(f"The model is not ready to train: {view.check.problem if view else ''}",
                        severity="warning")
            return
        self.app.start_training(self.doc.snapshot())

    def action_inside(self) -> None:
        if self.train_blocker() is None:
            show_inside(self.app, self.doc.snapshot())

    def action_draw(self) -> None:
        if self.train_blocker() is None and not show_draw(self.app, self.doc.snapshot()):
            self.notify("Draw needs trained or loaded weights: t trains, w loads a .npz", severity="warning")

    def action_save(self) -> None:
        from .save import SaveScreen, save_preset
        doc = self.doc
        if doc.path is None or doc.builtin:
            self.app.push_screen(SaveScreen())
            return
        problem = save_preset(self.app, doc.path)
        if problem:  # the open file cannot be written now: ask where instead, saying why
            self.app.push_screen(SaveScreen(error=problem))
        else:
            self.notify(f"Saved {doc.path}", timeout=3)

    def action_save_as(self) -> None:
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
