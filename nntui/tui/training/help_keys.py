"""The training screen's part of the help (?): its keys, from its bindings, and the tabs as laid out now."""

from __future__ import annotations

from ..common.help import Sections, binding_rows

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
