"""What ? lists on the training screen: its keys and the Inside tab's."""

from __future__ import annotations

from ..common.help import Sections
from ..inside.help_keys import INSIDE_KEYS, WHAT_IT_SHOWS

TRAINING_KEYS = [
    ("space / p", "Pause / resume (the batch in flight finishes first)"),
    ("n / .", "One batch while paused"),
    ("s", "Stop the run (the test set is still measured)"),
    ("t / enter", "Train again, continuing from the current weights (after the run)"),
    ("r", "Restart from fresh weights (after the run)"),
    ("w / m", "Save the weights (.npz) / the metrics (JSON lines), paused or after the run"),
    ("1 2 3 4", "The tabs: curves, anatomy (narrow terminals), results, boundary (a model with 2-D input)"),
    ("i", "The Inside tab: look inside the network, live while it trains (i again: back)"),
    ("D", "The Draw pad: draw a digit and watch the network read it (paused or after the run); "
          "its i follows the drawing through every layer"),
    ("escape / b", "Back to the builder (the weights are kept)"),
]


def training_help(everywhere: list[tuple[str, str]]) -> Sections:
    """(section title, rows) for the training screen; ``everywhere``: the app's keys."""
    return [("Training", TRAINING_KEYS),
            ("Inside tab (while shown; m and 0-9 are its own there)", INSIDE_KEYS),
            ("What the Inside tab shows", WHAT_IT_SHOWS),
            ("Everywhere", everywhere)]
