"""What the end of a run says: the results tab's summary and the notice line (from a run_facts.RunResult)."""

from __future__ import annotations

from rich.text import Text

from .anatomy import fmt


def scores_line(ended) -> str:
    """'Test loss 0.0712 · test accuracy 97.91%.' (empty when the run measured no test set)."""
    if ended.test_logs is None:
        return ""
    acc = ended.test_accuracy
    return (f"Test loss {fmt(ended.test_loss)}"
            + (f" · test accuracy {acc:.2%}" if acc is not None else "") + ".")


def end_notice(ended) -> tuple[str | None, str]:
    """The notice line for the end of a run: (text or None, 'info' or 'error')."""
    if ended.reason == "non_finite":
        message = ended.message[:1].upper() + ended.message[1:]
        return f"✗ {message} (escape: back to the builder)", "error"
    if ended.reason == "stopped":
        what = ended.message[:1].upper() + ended.message[1:] if ended.message else "Stopped"
        return f"■ {what}; the weights so far are kept. {scores_line(ended)}", "info"
    if ended.reason == "early_stopping":
        what = ended.message[:1].upper() + ended.message[1:] if ended.message else "Stopped early"
        return f"✓ {what}. {scores_line(ended)}", "info"
    return None, "info"


def summary_text(result, n_test: int = 0) -> Text:
    """How the run ended and its test figures ('✓ Training completed after 5 epochs.' ...).

    ``n_test`` counts the test images when the result has no confusion matrix to count them.
    """
    ended = result.ended
    out = Text()
    reason = {"completed": ("✓ Training completed", "bold green"),
              "stopped": ("■ Training stopped", "bold yellow"),
              "early_stopping": ("✓ Training stopped early", "bold green"),
              "non_finite": ("✗ Training stopped: the loss is not finite", "bold red")}.get(
                  ended.reason, (f"■ Training ended ({ended.reason})", "bold yellow"))
    out.append(reason[0], reason[1])
    done = ended.epochs_completed
    full = f"{done} full epoch{'s' if done != 1 else ''}"
    s = result.snapshot
    if ended.stopped and s is not None and s.epoch > done and s.step:  # stopped inside an epoch
        out.append(f" during epoch {s.epoch}, batch {s.step}/{s.steps} ({full} done).\n")
    else:
        out.append(f" after {done} epoch{'s' if done != 1 else ''}.\n")
    if ended.reason == "early_stopping" and ended.message:
        out.append(ended.message[:1].upper() + ended.message[1:] + "\n", "dim")
    if ended.test_logs is not None:
        n = int(result.confusion.sum()) if result.confusion is not None else n_test
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


__all__ = ["scores_line", "end_notice", "summary_text"]
