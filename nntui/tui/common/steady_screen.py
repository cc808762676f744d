"""A screen laid out once per terminal size.

At start-up Textual sends the first screen the same Resize up to three times (the app's own at
start, the driver's reading of the terminal, and the one ``_on_idle`` sends again because the app
kept it although the size had not changed), and each lays the whole screen out again: for the
builder's 230 widgets about a fifth of the wait for the first frame. :class:`SteadyScreen` skips
a Resize to the size its layout already has; a real change of size is laid out as before, and so
is every other change (Textual's update timer lays out what asks for it).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen


class SteadyScreen(Screen):
    """A Screen that ignores a Resize to the size it is already laid out for."""

    def _screen_resized(self, size: Size) -> None:
        if size and size == self._compositor.size:
            return
        super()._screen_resized(size)
