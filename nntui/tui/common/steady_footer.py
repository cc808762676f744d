"""A Footer that rebuilds its keys only when they change, at most once per refresh.

Textual's :class:`~textual.widgets.Footer` recomposes (makes, mounts and styles a widget per key)
after every ``refresh_bindings``; starting the builder asks for that five times before its first
frame (focus, the enabled actions, ...), always for the same keys. :class:`SteadyFooter` waits for
the next refresh once however many calls arrive, and recomposes only when the keys it would show
(key, action, label, enabled, tooltip) differ from the ones shown. Its keys get the ``-compact``
class before they are mounted, so they are styled once.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class SteadyFooter(Footer):
    """Footer's keys, recomposed only when they change."""

    _pending = False
    _shown: tuple | None = None

    def _keys(self) -> tuple:
        """What the footer would show now."""
        try:
            active = self.screen.active_bindings
        except Exception:  # noqa: BLE001 - not on a screen (yet): nothing to show
            return ()
        return tuple((key, binding.action, binding.description, binding.key_display, enabled, tooltip)
                     for key, (_, binding, enabled, tooltip) in active.items()
                     if binding.show or key == self.app.COMMAND_PALETTE_BINDING)

    def compose(self) -> ComposeResult:
        self._shown = self._keys() if self._bindings_ready else None
        for widget in super().compose():
            if self.compact:
                for key in (widget, *widget._nodes):
                    if isinstance(key, FooterKey):
                        key.add_class("-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()
