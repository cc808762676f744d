"""What the training screen draws from its state: head (title, status, progress), notice, epoch table, summary.

:class:`TrainingDrawing` is a mixin of :class:`~nntui.tui.training.screen.TrainingScreen`: its methods read
the screen's ``phase``, ``info``, ``snapshot`` and ``result`` and update its widgets.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from ...preset.format import duration, readable_count
from .anatomy import fmt

RUNNING, PAUSED = "running", "paused"  # two of the screen's phases (see TrainingScreen.phase)


class TrainingDrawing:
    """The training screen's drawing methods (a mixin: ``self`` is the TrainingScreen)."""

    def _table_columns(self, acc_key: str) -> None:
        """(Re)build the epoch table; short labels beside the anatomy, full ones when it has the width."""
        table = self.query_one("#training-epochs", DataTable)
        table.clear(columns=True)
        short = not self.has_class("-compact")
        acc = acc_key.replace("accuracy", "acc") if short else acc_key
        table.add_column("epoch", key="epoch")
        table.add_column("loss", key="loss")
        table.add_column(acc, key="accuracy")
        table.add_column("val_loss", key="val_loss")
        table.add_column(f"val_{acc}", key="val_accuracy")
        table.add_column("sec" if short else "seconds", key="seconds")
        self._table_short = short
        for epoch, logs, seconds in self._rows:
            self._add_row(epoch, logs, seconds, keep=True)

    def _add_row(self, epoch: int, logs, seconds: float, keep: bool = False) -> None:
        if not keep:
            self._rows = [r for r in self._rows if r[0] != epoch] + [(epoch, logs, seconds)]
        acc = self.info.acc_key if self.info is not None else "accuracy"
        table = self.query_one("#training-epochs", DataTable)
        cells = [Text(str(epoch), justify="right"),
                 Text(fmt(logs.get("loss")), justify="right"),
                 Text(fmt(logs.get(acc)) if acc else "–", justify="right"),
                 Text(fmt(logs.get("val_loss")), justify="right"),
                 Text(fmt(logs.get(f"val_{acc}")) if acc else "–", justify="right"),
                 Text("–" if self.deterministic else f"{seconds:.1f}", justify="right")]
        key = str(epoch)
        if key in table.rows:
            table.remove_row(key)
        table.add_row(*cells, key=key)
        table.scroll_end(animate=False)

    def _title(self) -> None:
        info = self.info
        if info is None:
            text = Text.assemble(("Training ", "bold"), (f'"{self.preset.name}"', "bold"))
        else:
            lr = f"{info.learning_rate:g}"
            text = Text.assemble(("Training ", "bold"), (f'"{info.preset_name}"', "bold"),
                                 (f" on {info.data_text or f'{info.n_train:,} samples'} · {info.total_params:,} "
                                  f"params · {info.optimizer} lr {lr} · batch {info.batch_size}", "dim"))
        self._set(self.query_one("#training-title", Static), text)

    def _status(self) -> None:
        phase, s = self.phase, self.snapshot
        where = f" at epoch {s.epoch}, batch {s.step}" if s is not None and s.step else ""
        if phase == "loading":
            text = Text(f"◌ {self.loading_text}", "yellow")
        elif phase == RUNNING:
            label = {"validation": "validating", "test": "testing"}.get(s.phase if s else "", "training")
            text = Text(f"● {label}", "bold green")
        elif phase == "pausing":
            text = Text("❚❚ pausing…", "bold yellow")
        elif phase == PAUSED:
            text = Text(f"❚❚ paused{where}", "bold yellow")
        elif phase == "stopping":
            text = Text("■ stopping…", "bold yellow")
        elif phase == "failed":
            text = Text("✗ failed", "bold red")
        else:
            ended = self.result.ended if self.result else None
            if ended is not None and ended.reason == "non_finite":
                text = Text("✗ loss not finite", "bold red")
            elif ended is not None and ended.reason in ("stopped", "early_stopping"):
                acc = f" · test accuracy {ended.test_accuracy:.2%}" if ended.test_accuracy is not None else ""
                text = Text(f"■ stopped{acc}" if ended.reason == "stopped" else f"✓ stopped early{acc}",
                            "bold yellow" if ended.reason == "stopped" else "bold green")
            elif ended is not None and ended.test_accuracy is not None:
                text = Text(f"✓ test accuracy {ended.test_accuracy:.2%}", "bold green")
            else:
                text = Text("✓ done", "bold green")
        self._set(self._state_label, text)

    def _progress_row(self) -> None:
        s, info = self.snapshot, self.info
        epoch_label, speed, bar = self._epoch_label, self._speed, self._bar
        if info is None or s is None:
            self._set(epoch_label, self.loading_text if self.phase == "loading" else "")
            self._set(speed, "")
            return
        if s.phase in ("validation", "test") and s.eval_total:
            self._set(epoch_label, Text.assemble((f"Epoch {max(s.epoch, 1)}/{s.epochs} ", "bold"),
                                                 (f"{'val' if s.phase == 'validation' else s.phase} "
                                                  f"{s.eval_done:,}/{s.eval_total:,}", "")))
        else:
            self._set(epoch_label, Text.assemble((f"Epoch {max(s.epoch, info.initial_epoch + 1)}/{s.epochs} ",
                                                  "bold"), (f"batch {s.step}/{s.steps}", "")))
        done = max(0, s.global_step - info.initial_epoch * info.steps_per_epoch)
        if self.phase == "ended" and self.result is not None and not self.result.ended.stopped:
            done = bar.total
        bar.update(done)
        if self.deterministic or s.samples_per_second is None:
            self._set(speed, "")
            return
        parts = [f"{readable_count(s.samples_per_second)} samples/s"]
        if self.phase in (RUNNING, "pausing") and s.seconds_left is not None:
            parts.append(f"{duration(s.seconds_left)} left")
        self._set(speed, " · ".join(parts))

    def _set(self, widget: Static, content) -> None:
        """Update a one-line Static only when its text changes, and without a new layout: the head's
        widgets have fixed widths, so a redraw at 10 Hz never reflows the screen."""
        key = content.markup if isinstance(content, Text) else str(content)
        if getattr(widget, "_shown_key", None) != key:
            widget._shown_key = key
            widget.update(content, layout=False)

    def _notice(self, text: str | None, kind: str = "info") -> None:
        notice = self.query_one("#training-notice", Static)
        notice.set_class(text is not None and kind == "error", "-error")
        notice.set_class(text is not None and kind == "info", "-info")
        notice.update(text or "")

    def _test_line(self, ended) -> str:
        if ended.test_logs is None:
            return ""
        acc = ended.test_accuracy
        return (f"Test loss {fmt(ended.test_loss)}"
                + (f" · test accuracy {acc:.2%}" if acc is not None else "") + ".")

    def _summary(self, result) -> Text:
        ended = result.ended
        out = Text()
        reason = {"completed": ("✓ Training completed", "bold green"),
                  "stopped": ("■ Training stopped", "bold yellow"),
                  "early_stopping": ("✓ Training stopped early", "bold green"),
                  "non_finite": ("✗ Training stopped: the loss is not finite", "bold red")}.get(
                      ended.reason, (f"■ Training ended ({ended.reason})", "bold yellow"))
        out.append(reason[0], reason[1])
        out.append(f" after {ended.epochs_completed} epoch{'s' if ended.epochs_completed != 1 else ''}.\n")
        if ended.reason == "early_stopping" and ended.message:
            out.append(ended.message[:1].upper() + ended.message[1:] + "\n", "dim")
        if ended.test_logs is not None:
            n = int(result.confusion.sum()) if result.confusion is not None else (self.info.n_test if self.info else 0)
            out.append("Test set: ", "bold")
            out.append(f"loss {fmt(ended.test_loss)}")
            if ended.test_accuracy is not None:
                right = n - result.test_errors if result.confusion is not None else None
                out.append(" · accuracy ")
                out.append(f"{ended.test_accuracy:.2%}", "bold")
                if right is not None:
                    out.append(f" ({right:,} of {n:,} right)")
            out.append("\n")
        elif ended.reason == "non_finite":
            out.append(ended.message + "\n")
        return out
