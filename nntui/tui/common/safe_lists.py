"""OptionList and Select that survive page keys pressed before their first layout.

Textual 8.2's ``OptionList._move_page`` reads its line cache, which is empty until the list has a
size: pgup/pgdn typed right after the key that opened a palette, expanded a Select, or changed the
command palette's matches raised KeyError and took the app down (found by the random-keys test).
These subclasses ignore such a page key; once the list is laid out they behave exactly like
Textual's. The command palette's list is Textual's own class: :func:`guard_command_palette` gives it
the same guard (the app calls it once).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import OptionList, Select
from textual.widgets._select import SelectCurrent, SelectOverlay  # Select's own parts (no public names)


def _safe_move_page(widget, move, direction) -> None:
    if not widget.options or not widget._lines:  # not laid out yet: nothing to page through
        return
    try:
        move(direction)
    except (KeyError, IndexError):
        pass


class SafeOptionList(OptionList):
    """An OptionList whose pgup/pgdn do nothing before its first layout."""

    def _move_page(self, direction) -> None:
        _safe_move_page(self, super()._move_page, direction)


class SafeSelectOverlay(SelectOverlay):
    """Select's drop-down list, with the same guard."""

    def _move_page(self, direction) -> None:
        _safe_move_page(self, super()._move_page, direction)


class SafeSelect(Select):
    """A Select whose drop-down list survives page keys pressed as it opens."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield SafeSelectOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)


def guard_command_palette() -> None:
    """Give the command palette's list (textual.command.CommandList) the same page-key guard."""
    from textual.command import CommandList
    if getattr(CommandList, "_nntui_guarded", False):
        return
    move = CommandList._move_page

    def _move_page(self, direction) -> None:
        _safe_move_page(self, lambda d: move(self, d), direction)
    CommandList._move_page = _move_page
    CommandList._nntui_guarded = True


__all__ = ["SafeOptionList", "SafeSelect", "SafeSelectOverlay", "guard_command_palette"]
