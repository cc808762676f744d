"""A screen's breakpoint classes (``-narrow``, ``-wide``) set before its widgets are styled.

Textual adds them when the first Resize arrives, after the screen's widgets are mounted and styled,
so that every widget is styled twice (about a third of the builder's start-up). :func:`set_breakpoint_classes`
sets them from the terminal's size at compose time, the way Textual's ``Screen._on_resize`` would;
the first Resize then finds nothing to change. Later resizes work as before.
"""

from __future__ import annotations

from textual.screen import Screen


def breakpoint_classes(width: int, height: int, horizontal, vertical) -> dict[str, bool]:
    """Which of the breakpoints' classes a ``width`` x ``height`` screen has (as Textual decides it:
    the largest breakpoint the dimension reaches, per direction)."""
    classes = {name: False for _, name in list(horizontal) + list(vertical)}
    for size, breakpoints in ((width, horizontal), (height, vertical)):
        for least, name in sorted(breakpoints, reverse=True):
            if size >= least:
                classes[name] = True
                break
    return classes


def set_breakpoint_classes(screen: Screen) -> None:
    """Give ``screen`` the breakpoint classes of the app's current size, restyling only the screen."""
    app = screen.app
    horizontal = (app.HORIZONTAL_BREAKPOINTS if screen.HORIZONTAL_BREAKPOINTS is None
                  else screen.HORIZONTAL_BREAKPOINTS) or []
    vertical = (app.VERTICAL_BREAKPOINTS if screen.VERTICAL_BREAKPOINTS is None
                else screen.VERTICAL_BREAKPOINTS) or []
    width, height = app.size
    if (horizontal or vertical) and width and height:
        screen.update_classes(breakpoint_classes(width, height, horizontal, vertical), animate=False)
