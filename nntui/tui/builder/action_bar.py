"""The side panel's buttons (wide terminals): the builder's actions for the mouse, enabled as its keys are.

The screen computes an :class:`Availability` after each change of the model or of the selection and
binds it to :attr:`ActionBar.availability`; the bar enables its buttons from it and tells why Train is
disabled. The buttons never take the focus: Tab goes from the stack to the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.reactive import var
from textual.widgets import Button

from ..common.css import tcss

#: (label, action) per button, a row of buttons per group
LAYER_BUTTONS = (("+ Add", "add"), ("Edit", "edit"), ("Delete", "delete"), ("Duplicate", "duplicate"),
                 ("↑", "move(-1)"), ("↓", "move(1)"))
GRAPH_BUTTONS = (("Branch", "branch"), ("Merge", "merge"), ("Output", "output"), ("Graph", "graph"))
MODEL_BUTTONS = (("Undo", "undo"), ("Redo", "redo"), ("Input", "input_shape"), ("Keras", "keras"),
                 ("Open", "open"), ("Save", "save"))
TRAIN_BUTTONS = (("▶ Train", "train"), ("Weights", "load_weights"), ("? Help", "app.help"))
BUTTON_ROWS = (LAYER_BUTTONS, GRAPH_BUTTONS, MODEL_BUTTONS, TRAIN_BUTTONS)
#: every button's action, as the screen checks them
BUTTON_ACTIONS = tuple(action for row in BUTTON_ROWS for _, action in row)


def button_id(action: str) -> str:
    """'move(-1)' -> 'btn-move-up', 'input_shape' -> 'btn-input-shape'."""
    special = {"move(-1)": "move-up", "move(1)": "move-down", "app.help": "help"}
    return "btn-" + special.get(action, action.replace("_", "-"))


@dataclass(frozen=True)
class Availability:
    """The buttons' actions that can run now, and why Train cannot (None: it can)."""

    enabled: frozenset[str]
    train_blocker: str | None = None


class ActionBar(VerticalGroup):
    """Rows of compact buttons, one per builder action (the same actions as the keys)."""

    DEFAULT_CSS = tcss(__file__)

    availability: var[Availability | None] = var(None)

    def compose(self) -> ComposeResult:
        for buttons in BUTTON_ROWS:
            with HorizontalGroup():
                for label, action in buttons:
                    target = action if action.startswith("app.") else f"screen.{action}"
                    button = Button(label, action=target, compact=True, classes="action", name=action,
                                    id=button_id(action), variant="success" if action == "train" else "default")
                    button.can_focus = False
                    yield button

    def watch_availability(self, availability: Availability | None) -> None:
        if availability is None:
            return
        for button in self.query(".action").results(Button):
            button.disabled = button.name not in availability.enabled
            if button.name == "train":
                button.tooltip = availability.train_blocker or "Train the model"
