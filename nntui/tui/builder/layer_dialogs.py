"""Adding and editing layers: the palette chooses a type, the layer form its settings, then one edit applies.

Each function opens its dialogs over the builder and applies the answer to the app's document with
``app.apply`` (one undoable step); Escape in any of them applies nothing. A type without required
settings is added at once with its starter settings, without a form. ``view`` is the builder's
:class:`~nntui.tui.builder.view.StackView`: the shapes the form's context line quotes.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.app import App

from ...engine.config import ConfigError
from ...engine.layers import LAYER_TYPES
from ...preset import graph_edits, layer_edits
from ...preset.document import PresetDocument
from ...preset.edit import Edit
from ...preset.edit_fields import starter_config
from ...preset.format import with_article
from ...preset.preset import Preset
from .layer_details import input_shapes
from .layer_form import LayerEdit, LayerFormScreen
from .palette import PaletteScreen
from .view import ERROR_MARK, StackView, layer_preview

#: applies a form's answer to the document
Apply = Callable[[PresetDocument, LayerEdit], Any]
#: the same edit as a value, for the form's preview
MakeEdit = Callable[[Preset, LayerEdit], Edit]


def previewer(app: App, make: MakeEdit) -> Callable[[LayerEdit], str]:
    """The form's preview: what the layer would give if the settings as typed were applied."""
    preset = app.document.snapshot()

    def preview(edit: LayerEdit) -> str:
        try:
            change = make(preset, edit)
        except (ConfigError, IndexError) as exc:
            return f"{ERROR_MARK} {getattr(exc, 'reason', None) or exc}"
        return layer_preview(preset, change)
    return preview


def needs_form(type_name: str) -> bool:
    """Whether a new layer of this type has settings without a default (the form asks for them)."""
    return any(f.required for f in LAYER_TYPES[type_name].fields)


def shape_of_row(view: StackView | None, row: int) -> str:
    """The output shape of table row ``row`` (0: the input), or '?'."""
    return view.rows[row].shape if view is not None and row < len(view.rows) else "?"


def _choose_type(app: App, palette: PaletteScreen, then: Callable[[str], None]) -> None:
    def picked(type_name: str | None) -> None:
        if type_name:
            then(type_name)
    app.push_screen(palette, picked)


def _ask(app: App, form: LayerFormScreen, apply: Apply) -> None:
    def done(edit: LayerEdit | None) -> None:
        if edit is not None:
            app.apply(lambda d: apply(d, edit))
    app.push_screen(form, done)


# ---------------------------------------------------------------------------------------- the stack
def add_layer(app: App, view: StackView | None, index: int) -> None:
    """a: a new layer at ``index``, of the type chosen in the palette."""
    def chosen(type_name: str) -> None:
        if not needs_form(type_name):
            app.apply(lambda d: d.insert_layer(index, type_name, starter_config(type_name)))
            return
        form = LayerFormScreen(type_name, starter_config(type_name), title=f"Add {type_name} as layer {index}",
                               context=f"will receive {shape_of_row(view, index)} (the output of the row above)",
                               preview=previewer(app, lambda p, e: layer_edits.insert_layer(
                                   p, index, type_name, e.config, name=e.name, inputs=e.inputs)))
        _ask(app, form, lambda d, e: d.insert_layer(index, type_name, e.config, name=e.name, inputs=e.inputs))
    _choose_type(app, PaletteScreen(), chosen)


def edit_layer(app: App, view: StackView, index: int) -> None:
    """e: the form of layer ``index`` (its misfit, if any, above the settings)."""
    spec = app.document.layers[index]
    row = view.rows[index + 1]
    context = f"receives {', '.join(input_shapes(view, index)) or '?'} · gives {row.shape}"
    form = LayerFormScreen(spec.type, spec.config, name=spec.name, inputs=spec.inputs,
                           title=f"Edit layer {index} · {spec.type} ({row.name})", context=context,
                           error=row.error, fix=row.fix,
                           preview=previewer(app, lambda p, e: layer_edits.update_layer(
                               p, index, e.config, name=e.name, inputs=e.inputs)))
    _ask(app, form, lambda d, e: d.update_layer(index, e.config, name=e.name, inputs=e.inputs))


# ---------------------------------------------------------------------------------------- the graph
def add_branch(app: App, view: StackView | None, source: int | None) -> None:
    """b: a new layer that reads layer ``source`` (None: the input) instead of the layer above it."""
    source_name = "input" if source is None else app.document.names()[source]

    def chosen(type_name: str) -> None:
        if not needs_form(type_name):
            app.apply(lambda d: d.add_branch(source, type_name, starter_config(type_name)))
            return
        shape = shape_of_row(view, 0 if source is None else source + 1)
        form = LayerFormScreen(type_name, starter_config(type_name), name=app.document.fresh_name(type_name),
                               inputs=[source_name], title=f"Add {type_name} as a branch from {source_name}",
                               context=f"will read {source_name} {shape} (a new branch beside the layers below it)",
                               preview=previewer(app, lambda p, e: graph_edits.add_branch(
                                   p, source, type_name, e.config, name=e.name, inputs=e.inputs)))
        _ask(app, form, lambda d, e: d.add_branch(source, type_name, e.config, name=e.name, inputs=e.inputs))
    _choose_type(app, PaletteScreen(title=f"Add a branch from {source_name}"), chosen)


def add_merge(app: App, after: int | None) -> None:
    """m: a merge layer after ``after`` joining it and the loose ends of the other branches (editable)."""
    def chosen(type_name: str) -> None:
        doc = app.document
        form = LayerFormScreen(type_name, starter_config(type_name), name=doc.fresh_name(type_name),
                               inputs=doc.merge_defaults(after), title=f"Add {with_article(type_name)} layer: which layers does it join?",
                               context="inputs: the layers it joins, comma-separated (default: the selected "
                                       "layer and the loose ends of the other branches)",
                               focus="inputs",
                               preview=previewer(app, lambda p, e: graph_edits.add_merge(
                                   p, after, type_name, e.inputs or [], e.config, name=e.name)))
        _ask(app, form, lambda d, e: d.add_merge(after, type_name, e.inputs or [], e.config, name=e.name))
    _choose_type(app, PaletteScreen(family="merge", title="Join branches with a merge layer"), chosen)
