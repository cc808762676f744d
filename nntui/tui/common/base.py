"""What the app's dialogs share: a dismiss that happens once, however many keys ask for it."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen, Screen

ResultType = TypeVar("ResultType")


class SafeDismiss:
    """Dismiss only while this screen is the current one, and only once.

    Keys typed ahead can reach a dialog after it has already been dismissed (two quick Enters);
    a second dismiss would pop the screen below it (the builder itself).
    """

    _dismissed = False
    #: keys typed while the app is still busy wait for it (see typeahead.py)
    TYPE_AHEAD = True

    def dismiss(self, result=None):
        if self._dismissed or not self.is_current:
            return None
        self._dismissed = True
        return super().dismiss(result)


class Dialog(SafeDismiss, ModalScreen[ResultType]):
    """A modal dialog (styled by dialog.tcss: a box of class ``dialog``)."""


class Page(SafeDismiss, Screen[ResultType]):
    """A full screen pushed over another (the Keras code over the builder)."""
