"""The builder's entries in the command palette (ctrl+p): every action by name, so that each is reachable
by the mouse too. The app adds them to Textual's system commands while the builder is the screen."""

from __future__ import annotations

from functools import partial
from typing import Iterable

from textual.actions import parse
from textual.app import SystemCommand
from textual.screen import Screen

#: the palette's titles for the footer's short descriptions (the others are shown as they are)
COMMAND_TITLES = {"Del": "Delete layer", "Dup": "Duplicate layer", "Up": "Move layer up",
                  "Down": "Move layer down", "Add": "Add layer", "Edit": "Edit layer", "Input": "Input shape",
                  "Loss/opt": "Loss, optimizer, training", "Keras": "Keras code", "New": "New model (untitled)", "Save as": "Save as a new file",
                  "Branch": "Add a branch", "Merge": "Add a merge layer", "Output": "Toggle output",
                  "Graph": "Graph drawing", "Weights": "Load weights", "Fix": "Fix the misfit"}


def builder_commands(screen: Screen) -> Iterable[SystemCommand]:
    """One command per binding of ``screen`` whose action can run now (its ``check_action`` says True)."""
    for binding in screen.BINDINGS:
        _, name, params = parse(binding.action)
        if screen.check_action(name, params) is not True:
            continue
        title = COMMAND_TITLES.get(binding.description, binding.description)
        yield SystemCommand(title, binding.tooltip, partial(screen.run_action, binding.action))
