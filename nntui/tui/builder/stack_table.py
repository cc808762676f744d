"""The layer stack as a table: input row, one row per layer, the first misfit marked.

Rows are rebuilt from a :class:`~nntui.tui.builder.view.StackView` after every change; the widget keeps
no model state of its own. Table row 0 is the input; row ``i + 1`` is layer ``i``.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from ..common.css import tcss
from ...engine.model import INPUT
from .view import INPUT_NAME, INPUT_TYPE, RowView, StackView

SEQUENTIAL_COLUMNS = (("#", "index"), ("Layer", "type"), ("Settings", "settings"), ("Output shape", "shape"),
                      ("Param #", "params"))
GRAPH_COLUMNS = (("#", "index"), ("Layer (type)", "type"), ("Output shape", "shape"), ("Param #", "params"),
                 ("Connected to", "inputs"))


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells with an ellipsis, after a whole setting where one fits
    ('filters=32, relu, …', not 'filters=32, rel…')."""
    if len(text) <= width:
        return text
    cut = text.rfind(", ", 0, max(0, width - 2))
    if cut > 0:
        return text[:cut] + ", …"
    return text[: max(0, width - 1)] + "…"


def connections_text(inputs: str) -> str:
    """'input, dense' as the summary writes it: 'input_layer, dense'."""
    return ", ".join(INPUT_NAME if n.strip() == INPUT else n.strip() for n in inputs.split(",")) if inputs else ""


class StackTable(DataTable):
    """The stack of layers with shapes and parameter counts."""

    DEFAULT_CSS = tcss(__file__)
    # a row cursor: Home and End go to the input row and the last layer (DataTable scrolls sideways)
    BINDINGS = [
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
    ]
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "stack-table--error", "stack-table--unknown", "stack-table--input", "stack-table--muted",
        "stack-table--loose",
    }

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=False, cell_padding=1, **kwargs)
        self.view: StackView | None = None
        self._graph: bool | None = None
        self._widths: tuple | None = None

    def action_first_row(self) -> None:
        """Move the cursor to the input row."""
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        """Move the cursor to the last layer."""
        self.move_cursor(row=max(0, self.row_count - 1))

    @staticmethod
    def layer_index(row: int) -> int | None:
        """The layer index of a table row (None for the input row)."""
        return row - 1 if row >= 1 else None

    @property
    def selected_layer(self) -> int | None:
        """The layer under the cursor (None on the input row)."""
        return self.layer_index(self.cursor_row) if self.row_count else None

    def _available(self) -> int:
        width = self.size.width or (self.app.size.width if self.is_attached else 80)
        return width

    def _column_widths(self, view: StackView) -> tuple[int, ...]:
        """Fixed widths for the shape columns; the flexible column (settings, or inputs in a graph) gets the rest."""
        rows = view.rows
        # room for a vertical scrollbar only when the rows (and the header) need one
        scrollbar = 0 if self.size.height and len(rows) + 1 <= self.size.height else 2
        index_w = max(3, max(len(self._index_text(r)) for r in rows))
        shape_w = max(len("Output shape"), max(len(self._shape_text(r)) for r in rows))
        params_w = max(len("Param #"), max(len(r.params) for r in rows))
        if view.graph:
            type_w = min(28, max(len("Layer (type)"), max(len(self._type_text(r, True)) for r in rows)))
            available = self._available() - 2 * 5 - scrollbar - (index_w + type_w + shape_w + params_w)
            if available < 12:  # give the connections room at the expense of long layer names
                type_w = max(14, type_w - (12 - available))
                available = self._available() - 2 * 5 - scrollbar - (index_w + type_w + shape_w + params_w)
            need = max(len("Connected to"), max(len(connections_text(r.inputs)) for r in rows))
            return index_w, type_w, shape_w, params_w, max(8, min(need, available))
        type_w = max(5, max(len(self._type_text(r, False)) for r in rows))
        fixed = index_w + type_w + shape_w + params_w
        available = self._available() - 2 * 5 - scrollbar - fixed
        need = max(len("Settings"), max(len(r.settings) for r in rows))
        return index_w, type_w, max(8, min(need, available)), shape_w, params_w

    @staticmethod
    def _shape_text(row: RowView) -> str:
        if row.state == "error" and row.index is not None and row.shape == "?":
            return "✗ does not fit"
        return row.shape

    @staticmethod
    def _type_text(row: RowView, graph: bool) -> str:
        if row.index is None:
            return f"{INPUT_NAME} ({INPUT_TYPE})" if graph else INPUT_TYPE
        if not graph:
            return row.type
        return f"{row.name} ({row.type})"

    @staticmethod
    def _index_text(row: RowView) -> str:
        index = "in" if row.index is None else str(row.index)
        return f"{row.marker} {index}" if row.marker else index

    def _cells(self, row: RowView, widths, graph: bool) -> list[Text]:
        if row.state == "error":
            style = self.get_component_rich_style("stack-table--error", partial=True)
        elif row.state == "unknown":
            style = self.get_component_rich_style("stack-table--unknown", partial=True)
        elif row.state == "input":
            style = self.get_component_rich_style("stack-table--input", partial=True)
        elif row.loose:
            style = self.get_component_rich_style("stack-table--loose", partial=True)
        else:
            style = None
        shape = self._shape_text(row)
        if graph:
            kind = self._type_text(row, True)
            if row.index is None and len(kind) > widths[1]:
                kind = INPUT_NAME  # the name whole rather than 'input_layer (InputLay…'
            values = [self._index_text(row), kind, shape, row.params,
                      connections_text(row.inputs) if row.index is not None else ""]
            right = (0, 3)
        else:
            values = [self._index_text(row), self._type_text(row, False), row.settings, shape, row.params]
            right = (0, 4)
        return [Text(clip(value, width), style=style or "", no_wrap=True, overflow="ellipsis",
                     justify="right" if i in right else "left")
                for i, (value, width) in enumerate(zip(values, widths))]

    def show(self, view: StackView, cursor_row: int | None = None) -> None:
        """Render ``view``; keep the cursor on ``cursor_row`` (default: where it is, clamped)."""
        self.view = view
        if cursor_row is None:
            cursor_row = self.cursor_row if self.row_count else 0
        widths = self._column_widths(view)
        if view.graph != self._graph or widths != self._widths:
            self.clear(columns=True)
            columns = GRAPH_COLUMNS if view.graph else SEQUENTIAL_COLUMNS
            for (label, key), width in zip(columns, widths):
                self.add_column(Text(label, justify="right" if key in ("index", "params") else "left"),
                                key=key, width=width)
            self._graph, self._widths = view.graph, widths
        else:
            self.clear()
        for row in view.rows:
            self.add_row(*self._cells(row, widths, view.graph),
                         key="input" if row.index is None else f"layer-{row.index}")
        self.move_cursor(row=max(0, min(cursor_row, self.row_count - 1)), animate=False)

    def on_resize(self) -> None:
        if self.view is not None:
            self.show(self.view)
