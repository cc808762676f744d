"""The epoch table: one row per finished epoch, with Keras's names (loss, accuracy, val_loss, val_accuracy)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import DataTable

from ..common.css import tcss
from .anatomy import fmt


class TrainingEpochTable(DataTable, can_focus=False):
    """The epochs of the run so far (a continued run starts with the past ones) and their seconds.

    Beside the anatomy the labels are short (``acc``, ``sec``); in the ``compact`` layout the table has
    the width for the full ones. ``deterministic`` hides the seconds (snapshots).
    """

    DEFAULT_CSS = tcss(__file__)

    compact: var[bool] = var(False, init=False, toggle_class="-compact")

    def __init__(self, *, deterministic: bool = False, **kwargs) -> None:
        super().__init__(show_cursor=False, zebra_stripes=True, **kwargs)
        self.deterministic = deterministic
        self.acc_key: str | None = "accuracy"  # the logs' accuracy key (None: the loss has none)
        self.epoch_rows: list = []  # (epoch, logs, seconds) shown

    def on_mount(self) -> None:
        self._build()

    def watch_compact(self) -> None:
        self._build()

    def show_epochs(self, rows, acc_key: str | None) -> None:
        """A new run: its accuracy key and the rows of its past epochs."""
        self.acc_key = acc_key
        self.epoch_rows = list(rows)
        self._build()

    def clear_epochs(self) -> None:
        """Fresh weights: no past epochs."""
        self.epoch_rows = []
        self.clear()

    def add_epoch(self, epoch: int, logs, seconds: float) -> None:
        """An epoch ended (again, after a restart of the same number: its row is replaced)."""
        self.epoch_rows = [r for r in self.epoch_rows if r[0] != epoch] + [(epoch, logs, seconds)]
        self._add_row(epoch, logs, seconds)

    def _build(self) -> None:
        """(Re)build the columns and the rows."""
        self.clear(columns=True)
        short = not self.compact
        label = self.acc_key or "accuracy"
        acc = label.replace("accuracy", "acc") if short else label
        self.add_column("epoch", key="epoch")
        self.add_column("loss", key="loss")
        self.add_column(acc, key="accuracy")
        self.add_column("val_loss", key="val_loss")
        self.add_column(f"val_{acc}", key="val_accuracy")
        self.add_column("sec" if short else "seconds", key="seconds")
        for epoch, logs, seconds in self.epoch_rows:
            self._add_row(epoch, logs, seconds)

    def _add_row(self, epoch: int, logs, seconds: float) -> None:
        acc = self.acc_key
        cells = [Text(str(epoch), justify="right"),
                 Text(fmt(logs.get("loss")), justify="right"),
                 Text(fmt(logs.get(acc)) if acc else "–", justify="right"),
                 Text(fmt(logs.get("val_loss")), justify="right"),
                 Text(fmt(logs.get(f"val_{acc}")) if acc else "–", justify="right"),
                 Text("–" if self.deterministic else f"{seconds:.1f}", justify="right")]
        key = str(epoch)
        if key in self.rows:
            self.remove_row(key)
        self.add_row(*cells, key=key)
        self.scroll_end(animate=False)


__all__ = ["TrainingEpochTable"]
