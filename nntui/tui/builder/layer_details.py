"""The side panel's view of the selected row: what the layer does, its settings, its shapes, its error."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...engine.layers import LAYER_TYPES
from ...engine.model import INPUT
from ...preset.data_source import shape_suggestion
from ...preset.document import PresetDocument
from ..common.css import tcss
from .view import ERROR_MARK, INPUT_NAME, INPUT_TYPE, LOOSE_FIX, LOOSE_MARK, StackView, format_value


def input_shapes(view: StackView, index: int) -> list[str]:
    """The shapes layer ``index`` receives, as the model reported them."""
    rows = view.rows
    report = view.check.report
    names = report.rows[index].inputs if index < len(report.rows) else []
    by_name = {r.name: r.shape for r in rows[1:]}
    by_name[INPUT] = rows[0].shape
    return [by_name.get(n, "?") for n in names]


class LayerDetails(Static):
    """Details of the row under the cursor (read-only; editing happens in the form)."""

    DEFAULT_CSS = tcss(__file__)

    def _error_colour(self) -> str:
        """The theme's error text colour as a Rich colour (red if the theme gives none)."""
        value = self.app.theme_variables.get("text-error", "") if self.is_attached else ""
        try:
            Style.parse(value)
        except Exception:
            return "red"
        return value or "red"

    def show(self, doc: PresetDocument, view: StackView, row: int) -> None:
        """Render table row ``row`` (0: the input) of ``view``."""
        row = max(0, min(row, len(view.rows) - 1))
        item = view.rows[row]
        parts = []
        if item.index is None:
            parts.append(Text.assemble((INPUT_TYPE, "bold"), "  ", (f"shape {item.settings[6:]}", ""),
                                       (f"  ({INPUT_NAME})", "dim")))
            parts.append(Text("The shape of one sample, without the batch axis. Keras writes the batch "
                              "axis as None: the model receives " + item.shape + ".", style="dim"))
            sizes = view.check.sizes
            if sizes is not None and sizes.values is not None:
                parts.append(Text(f"{sizes.title} samples have {sizes.values:,} values: {shape_suggestion(sizes)}.",
                                  style="dim"))
            parts.append(Text(f"Layers that read it name it '{INPUT}' in their inputs.", style="dim"))
            parts.append(Text("i or Enter: edit the input shape", style="italic dim"))
        else:
            spec = doc.layers[item.index]
            cls = LAYER_TYPES.get(spec.type)
            parts.append(Text.assemble((f"Layer {item.index} · ", "dim"), (spec.type, "bold"),
                                       (f"  ({item.name})", "dim")))
            if cls is not None and cls.description:
                parts.append(Text(cls.description, style="italic"))
            shapes = Table.grid(padding=(0, 1))
            shapes.add_column(style="dim")
            shapes.add_column()
            shapes.add_row("receives", Text(", ".join(input_shapes(view, item.index)) or "?"))
            shapes.add_row("gives", Text(item.shape))
            shapes.add_row("params", Text(item.params))
            if view.graph:
                shapes.add_row("inputs", Text(item.inputs or "-"))
            parts.append(shapes)
            if cls is not None and cls.fields:
                parts.append(Text("Settings", style="underline"))
                for f in cls.fields:
                    value = spec.config.get(f.name, f.default)
                    changed = f.required or value != f.default
                    line = Text.assemble((f.name, "bold"), " = ", (format_value(f, value), "" if changed else "dim"))
                    if f.doc and changed:  # the key settings say what they do; defaults stay short
                        line.append(f"  {f.doc}", style="dim italic")
                    parts.append(line)
        if item.loose:
            parts.append(Text(f"{LOOSE_MARK} Not read by any layer and not an output: its weights train for "
                              f"nothing ({LOOSE_FIX}).", style="italic"))
        if item.state == "error":
            colour = self._error_colour()
            parts.append(Text(f"{ERROR_MARK} {item.error}", style=f"bold {colour}"))
            if item.fix:
                parts.append(Text(f"Fix: {item.fix}", style=colour))
        content = Group(*parts)
        height = self._height_of(content)
        # a full layout pass only when the box changes height (cursor moves are then cheap)
        self.update(content, layout=height is None or height != self._height)
        self._height = height
        self.set_class(item.state == "error", "-error")

    _height: int | None = None

    def _height_of(self, content) -> int | None:
        """How many lines ``content`` takes at the current width (None before the first layout)."""
        width = self.content_region.width
        if not width:
            return None
        console = self.app.console
        return len(console.render_lines(content, console.options.update_width(width), pad=False))
