"""The training screen's part of the help (?): its keys, from its bindings, and the tabs as laid out now."""

from __future__ import annotations

from textual.binding import Binding

from ..common.help import Sections, binding_rows

#: the training screen's keys (its BINDINGS); the actions' phases are in phase.py
TRAINING_BINDINGS = [
    Binding("space", "pause", "Pause", tooltip="Pause the run (after the batch in flight)"),
    Binding("space", "resume", "Resume", tooltip="Resume the paused run"),
    Binding("p", "pause", "Pause", show=False),
    Binding("p", "resume", "Resume", show=False),
    Binding("n", "step", "Step", tooltip="One batch, then pause again (while running: pause)"),
    Binding("full_stop", "step", "Step", show=False),
    Binding("s", "stop", "Stop", tooltip="Stop the run (the weights so far stay; t trains on from them)"),
    Binding("t", "again", "Train again", tooltip="Train again, continuing from the current weights"),
    Binding("enter", "again", "Train again", show=False),
    Binding("r", "restart", "Restart", tooltip="Train again from fresh weights"),
    Binding("w", "save_weights", "Weights", tooltip="Save the trained weights (.npz)"),
    Binding("m", "save_metrics", "Metrics", tooltip="Save the metrics of every epoch (JSON lines)"),
    Binding("escape", "back", "Back", tooltip="Back to the builder (a run under way stops)"),
    Binding("b", "back", "Builder", show=False),
    # the tab keys number the tabs shown: Curves, Anatomy (compact layout), Results, Boundary (2-D models)
    Binding("1", "tab_number(1)", "Curves", show=False),
    Binding("2", "tab_number(2)", "Tab 2", show=False),
    Binding("3", "tab_number(3)", "Tab 3", show=False),
    Binding("4", "tab_number(4)", "Tab 4", show=False),
]

#: (tab id, title) in the order the tabs are shown
TABS = (("tab-live", "Curves"), ("tab-anatomy", "Anatomy"), ("tab-results", "Results"),
        ("tab-boundary", "Boundary"))


def shown_tabs(shown) -> list[tuple[str, str]]:
    """(id, title) of the tabs for which ``shown(id)`` is true, in order (the Anatomy tab exists only in
    the compact layout, the Boundary tab only for a 2-D model)."""
    return [(tab, title) for tab, title in TABS if shown(tab)]


def training_help(bindings, tab_titles: list[str]) -> Sections:
    """The training screen's keys (each binding once, tooltips first) and the tab keys for ``tab_titles``
    (the tabs shown now: the Anatomy tab exists only in the compact layout)."""
    seen, rows = set(), []
    for binding in bindings:
        if binding.action.startswith("tab") or binding.key == "question_mark":
            continue
        keys = [b for b in bindings if b.action == binding.action]
        if binding.action in seen:
            continue
        seen.add(binding.action)
        rows.append((" / ".join(k for k, _ in binding_rows(keys)), _what(keys)))
    tabs = [(str(i), f"The {title} tab") for i, title in enumerate(tab_titles, start=1)]
    return [("Training", rows), ("Tabs", tabs)]


def _what(bindings) -> str:
    for b in bindings:
        if b.tooltip:
            return b.tooltip
    return bindings[0].description
