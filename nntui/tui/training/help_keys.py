"""The training screen's part of the help (?): its keys, from its bindings, and the tabs as laid out now."""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane

from ..common.help import Sections, binding_rows
from ..inside.help_keys import INSIDE_KEYS, WHAT_IT_SHOWS


def shown_tabs(tabs: TabbedContent) -> list[tuple[str, str]]:
    """(id, title) of the tabs shown now, in order (the tab keys number these)."""
    shown = []
    for pane in tabs.query(TabPane):
        tab = tabs.get_tab(pane)
        if not tab.has_class("-hidden") and tab.display:
            shown.append((pane.id, str(tab.label)))
    return shown


def training_help(bindings, tab_titles: list[str]) -> Sections:
    """The training screen's keys (each binding once, tooltips first) and the tab keys for ``tab_titles``
    (the tabs shown now: the Anatomy tab exists only in the compact layout)."""
    seen, rows = set(), {}
    for binding in bindings:
        if binding.action.startswith("tab") or binding.key == "question_mark":
            continue
        keys = [b for b in bindings if b.action == binding.action]
        if binding.action in seen:
            continue
        seen.add(binding.action)
        shown = " / ".join(k for k, _ in binding_rows(keys))
        what = _what(keys)
        # one key, two actions by phase (space pauses or resumes): one row that says both
        rows[shown] = f"{rows[shown]}; {what[:1].lower()}{what[1:]}" if shown in rows else what
    rows = list(rows.items())
    tabs = [(str(i), f"The {title} tab") for i, title in enumerate(tab_titles, start=1)]
    sections = [("Training", rows), ("Tabs", tabs)]
    if "Inside" in tab_titles:
        sections += [("Inside tab (while shown; m and 0-9 are its own there)", INSIDE_KEYS),
                     ("What the Inside tab shows", WHAT_IT_SHOWS)]
    return sections


def _what(bindings) -> str:
    for b in bindings:
        if b.tooltip:
            return b.tooltip
    return bindings[0].description
