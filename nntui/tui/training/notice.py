"""The notice line under the head: what the user should know about the run (continuing, stopped, failed)."""

from __future__ import annotations

from textual.widgets import Static

from ..common.css import tcss


class TrainingNoticeLine(Static):
    """Hidden when there is nothing to say; a muted line for information, a marked one for an error."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)

    def say(self, text: str | None, kind: str = "info") -> None:
        """Show ``text`` (``kind`` 'info' or 'error'), or hide the line (None)."""
        self.set_class(text is not None and kind == "error", "-error")
        self.set_class(text is not None and kind == "info", "-info")
        self.update(text or "")


__all__ = ["TrainingNoticeLine"]
