"""The training screen's i (the Inside tab, and back) and D (the Draw pad) keys."""

from __future__ import annotations

from ..draw.launch import open_draw
from .phase import Phase


def toggle_inside(screen) -> None:
    """Show the Inside tab; pressed there, back to the tab shown before it."""
    tabs = screen._tabs
    if tabs.active == "tab-inside":
        tabs.active = getattr(screen, "_before_inside", "tab-live")
    else:
        screen._before_inside = tabs.active or "tab-live"
        tabs.active = "tab-inside"


def draw_pad(screen) -> None:
    """The Draw pad with a copy of the weights (paused or ended: nothing writes them)."""
    state = screen.state
    if state is not None and screen.phase in (Phase.PAUSED, Phase.ENDED):
        arrays = screen.data.arrays if screen.data is not None else screen.arrays
        open_draw(screen.app, screen.preset, state.model, about=state.trained_text(), data_dir=screen.data_dir,
                  arrays=arrays)
