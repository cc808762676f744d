"""The builder's part of the help: its keys, the stack's and graph's navigation, the forms' and dialogs' keys."""

from __future__ import annotations

from ..common.confirm import ConfirmScreen
from ..common.help import Sections, binding_rows
from .fix_chooser import FixChooserScreen
from .keras_code import KerasCodeScreen
from .layer_form import LayerFormScreen
from .palette import PaletteScreen

TABLE_KEYS = [
    ("↑ ↓ / pgup pgdn / home end", "Move the cursor in the stack (row 'in' is the input)"),
    ("enter / click a selected row", "Edit the row under the cursor"),
    ("tab / shift+tab", "Move between the stack and the side panel's settings (wide terminals)"),
    ("ctrl+p", "Command palette: every action by name (also clickable)"),
]
GRAPH_KEYS = [
    ("↑ ↓ / pgup pgdn / home end", "Move through the nodes in drawing order (the selection is the table's)"),
    ("← →", "Scroll sideways when the drawing is wider than the pane"),
    ("enter", "Edit the selected node (b, m, O, a, d ... act on it as on the table)"),
]
MERGE_NOTES = [
    ("Concatenate", "Joins its inputs along an axis; the other axes must be equal"),
    ("Add Subtract Multiply Average Maximum Minimum",
     "Element-wise; shapes equal, or 1 where they differ (broadcast as in Keras 3: (28, 28, 1) x (28, 28, 4))"),
]
FORM_KEYS = [
    ("type", "A bad value is marked at once (✗ and the reason); nothing applies until it is valid"),
    ("→ / enter", "Accept the completion shown in grey (activations, initialisers, true/false); "
                  "enter then applies"),
    ("tab / shift+tab", "Next / previous setting"),
    ("enter", "Apply (when every setting is valid)"),
]


def builder_help(builder_bindings, everywhere: list[tuple[str, str]]) -> Sections:
    """(section title, rows) for the builder and the dialogs it opens; ``everywhere``: the app's keys."""
    return [
        ("Builder", list(dict.fromkeys(binding_rows(builder_bindings))) + TABLE_KEYS),  # t: one row
        ("Graph drawing (g)", GRAPH_KEYS),
        ("Merge layers (m)", MERGE_NOTES),
        ("Everywhere", everywhere),
        ("Add-layer palette", [("type", "Filter by name or description")] + binding_rows(PaletteScreen.BINDINGS)
         + [("enter", "Add the highlighted layer")]),
        ("Layer form, input shape, training settings", FORM_KEYS + binding_rows(LayerFormScreen.BINDINGS)),
        ("Fix chooser (f)", [("↑ ↓", "Choose a fix: each says what it adds, moves or changes, with the shapes and "
                                    "parameters before and after"), ("enter", "Apply it (one step: u undoes it)")]
         + binding_rows(FixChooserScreen.BINDINGS)),
        ("Keras code", binding_rows(KerasCodeScreen.BINDINGS)),
        ("Questions", binding_rows(ConfirmScreen.BINDINGS)),
    ]
