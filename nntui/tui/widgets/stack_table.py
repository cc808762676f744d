"""The layer stack as a table: input row, one row per layer, the first misfit marked.

Rows are rebuilt from a :class:`~nntui.tui.view.StackView` after every change; the widget keeps
no model state of its own. Table row 0 is the input; row ``i + 1`` is layer ``i``.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ..css import tcss
from ..view import RowView, StackView

BASE_COLUMNS = (("#", "index"), ("Layer", "type"), ("Settings", "settings"), ("Output shape", "shape"),
                ("Param #", "params"))
INPUTS_COLUMN = ("Connected to", "inputs")


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells with an ellipsis."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class StackTable(DataTable):
    """The stack of layers with shapes and parameter counts."""

    DEFAULT_CSS = tcss(__file__)
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "stack-table--error", "stack-table--unknown", "stack-table--input", "stack-table--muted",
    }

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=False, cell_padding=1, **kwargs)
        self.view: StackView | None = None
        self._graph: bool | None = None
        self._widths: tuple | None = None

    @staticmethod
    def layer_index(row: int) -> int | None:
        """The layer index of a table row (None for the input row)."""
        return row - 1 if row >= 1 else None

    @property
    def selected_layer(self) -> int | None:
        """The layer under the cursor (None on the input row)."""
        return self.layer_index(self.cursor_row) if self.row_count else None

    def _column_widths(self, view: StackView) -> tuple[int, ...]:
        rows = view.rows
        index_w = max(3, max(len(self._index_text(r)) for r in rows))
        type_w = max(5, max(len(r.type) for r in rows))
        shape_w = max(len("Output shape"), max(len(r.shape) for r in rows))
        params_w = max(len("Param #"), max(len(r.params) for r in rows))
        inputs_w = min(24, max(len(INPUTS_COLUMN[0]), max(len(r.inputs) for r in rows))) if view.graph else 0
        fixed = [index_w, type_w, shape_w, params_w] + ([inputs_w] if view.graph else [])
        columns = len(fixed) + 1
        width = self.size.width or (self.app.size.width if self.is_attached else 80)
        available = width - 2 * columns - 2 - sum(fixed)  # cell padding, scrollbar
        settings_need = max(len("Settings"), max(len(r.settings) for r in rows))
        settings_w = max(8, min(settings_need, available))
        widths = (index_w, type_w, settings_w, shape_w, params_w)
        return widths + ((inputs_w,) if view.graph else ())

    @staticmethod
    def _index_text(row: RowView) -> str:
        index = "in" if row.index is None else str(row.index)
        return f"{row.marker} {index}" if row.marker else index

    def _cells(self, row: RowView, widths) -> list[Text]:
        if row.state == "error":
            style = self.get_component_rich_style("stack-table--error", partial=True)
        elif row.state == "unknown":
            style = self.get_component_rich_style("stack-table--unknown", partial=True)
        elif row.state == "input":
            style = self.get_component_rich_style("stack-table--input", partial=True)
        else:
            style = None
        shape = row.shape
        if row.state == "error" and row.index is not None and shape == "?":
            shape = "✗ does not fit"
        values = [self._index_text(row), row.type, row.settings, shape, row.params]
        if len(widths) > 5:
            values.append(row.inputs)
        cells = []
        for i, (value, width) in enumerate(zip(values, widths)):
            text = Text(clip(value, width), style=style or "", no_wrap=True, overflow="ellipsis",
                        justify="right" if i in (0, 4) else "left")
            cells.append(text)
        return cells

    def show(self, view: StackView, cursor_row: int | None = None) -> None:
        """Render ``view``; keep the cursor on ``cursor_row`` (default: where it is, clamped)."""
        self.view = view
        if cursor_row is None:
            cursor_row = self.cursor_row if self.row_count else 0
        widths = self._column_widths(view)
        if view.graph != self._graph or widths != self._widths:
            self.clear(columns=True)
            columns = BASE_COLUMNS + ((INPUTS_COLUMN,) if view.graph else ())
            for (label, key), width in zip(columns, widths):
                self.add_column(Text(label, justify="right" if key in ("index", "params") else "left"),
                                key=key, width=width)
            self._graph, self._widths = view.graph, widths
        else:
            self.clear()
        for row in view.rows:
            self.add_row(*self._cells(row, widths), key="input" if row.index is None else f"layer-{row.index}")
        self.move_cursor(row=max(0, min(cursor_row, self.row_count - 1)), animate=False)

    def on_resize(self) -> None:
        if self.view is not None:
            self.show(self.view)
