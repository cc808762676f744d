"""Health checks in plain words, from a history of layer statistics and the epoch logs.

:func:`check_health` returns one :class:`HealthNote` per check: ``ok`` when nothing is wrong (one
line for the check), ``warning`` with what is seen, what it means and what to try, or ``unknown``
while there is not yet enough to judge. The checks:

* dead units: a relu layer whose units never fire on the probe batch (:data:`DEAD_SHARE` or more);
* gradient flow: the gradient per parameter of the first weighted layer against the last one's
  (vanishing below :data:`VANISHING`, exploding above :data:`EXPLODING`), and a sudden jump of the
  whole gradient;
* update size: ``||Δw|| / ||w||`` of a step far outside about 1e-4 .. 1e-2 (the median of the last
  few snapshots above :data:`UPDATE_HIGH` or below :data:`UPDATE_LOW`, after the first
  :data:`WARMUP_STEPS` steps, whose updates are larger while the optimiser's averages fill): the
  learning rate;
* the loss: not finite, spiking from one batch to the next, rising from one epoch to the next, or
  stalled;
* over-fitting: a training/validation accuracy gap that widens over epochs.

The thresholds were set on the shipped presets: their default runs raise no warning, while mnist
with rmsprop at learning_rate 0.05 (88% of the first layer's units dead) does. RMSprop and Adam at
their default learning rate move the presets' weights by 1e-2 to 3e-2 of their size per step, so
"far outside" is taken as ten times beyond the usual range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median
from typing import Mapping, Sequence

from .stats import LayerStats

OK, WARNING, UNKNOWN = "ok", "warning", "unknown"
DEAD_SHARE = 0.4
VANISHING = 1e-3
EXPLODING = 1e2
GRADIENT_JUMP = 1e2
UPDATE_HIGH = 1e-1  # ten times the usual range: adaptive optimisers run at 1e-2 to 3e-2 on the presets
UPDATE_LOW = 1e-5
UPDATE_MIN_PARAMS = 100  # smaller layers (a batch-norm's gamma and beta) move relatively more
RECENT = 5  # snapshots the update and gradient checks take the median of
WARMUP_STEPS = 50  # the first steps move weights more (optimiser state still empty): not judged
SPIKE_FACTOR = 3.0
SPIKE_MARGIN = 0.5  # ... and at least this much above the batches before (a low loss is noisy)
SPIKES = 3
LOSS_RISE = 0.10
STALL = 0.01
STALL_ACCURACY = 0.99
GAP = 0.02


@dataclass(frozen=True)
class HealthNote:
    """One check's verdict. ``key`` (check, layer) identifies it across refreshes."""

    check: str
    level: str
    text: str
    meaning: str = ""
    advice: str = ""
    layer: str | None = None

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.check, self.layer)

    @property
    def line(self) -> str:
        """The note as one plain line: 'text: meaning. Try: advice.'"""
        parts = [self.text]
        if self.meaning:
            parts.append(f": {self.meaning}")
        if self.advice:
            parts.append(f". Try: {self.advice}")
        return "".join(parts)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _sci(x: float) -> str:
    return f"{x:.1e}"


def check_health(history: Sequence[Sequence[LayerStats]], epochs: Sequence[Mapping[str, float]] = (),
                 batch_losses: Sequence[float] = ()) -> list[HealthNote]:
    """Every check's note, model-level checks first; ``history`` oldest first (one entry per snapshot)."""
    latest = list(history[-1]) if history else []
    notes = []
    notes += _dead_units(latest)
    notes += _gradient_flow(history)
    notes += _update_size(history)
    notes += _loss(epochs, batch_losses)
    notes += _gap(epochs)
    return notes


def warnings_of(notes: Sequence[HealthNote]) -> list[HealthNote]:
    """Only the warnings."""
    return [n for n in notes if n.level == WARNING]


# ---------------------------------------------------------------------------------------------- layers
def _dead_units(latest: Sequence[LayerStats]) -> list[HealthNote]:
    judged = [s for s in latest if s.dead_fraction is not None]
    if not judged:
        return []
    bad = [s for s in judged if s.dead_fraction >= DEAD_SHARE]
    notes = [HealthNote(
        "dead_units", WARNING, f"{s.name}: {_pct(s.dead_fraction)} of its relu units are dead",
        "a dead unit outputs 0 for every image, so it passes nothing on and gets no gradient: it has "
        "stopped learning for good", "a lower learning rate, he_normal initial weights, or leaky_relu/elu "
        "(their units cannot die)", s.name) for s in bad]
    if not bad:
        shares = ", ".join(f"{s.name} {_pct(s.dead_fraction)}" for s in judged)
        notes.append(HealthNote("dead_units", OK, f"dead relu units: {shares}"))
    return notes


def _recent(history, name: str, field: str, warmup: int = 0) -> list[float]:
    values = []
    for entry in history[-RECENT:]:
        for s in entry:
            if s.name == name and getattr(s, field) is not None and (s.update_step or s.step) >= warmup:
                values.append(getattr(s, field))
    return values


def _gradient_flow(history) -> list[HealthNote]:
    latest = list(history[-1]) if history else []
    with_grads = [s for s in latest if s.grad_rms is not None]
    if not latest:
        return []
    if not with_grads:
        return [HealthNote("gradients", UNKNOWN, "gradients: none yet (they appear after a training step)")]
    bad = [s for s in with_grads if not math.isfinite(s.grad_rms)]
    if bad:
        return [HealthNote("gradients", WARNING, f"{bad[0].name}: the gradient is not finite ({bad[0].grad_rms})",
                           "the weights cannot be updated any more", "a lower learning rate")]
    totals = [math.sqrt(sum(s.grad_norm ** 2 for s in entry if s.grad_norm is not None)) for entry in history
              if any(s.grad_norm is not None for s in entry)]
    if len(totals) >= 3:
        before = median(totals[:-1])
        if before > 0 and totals[-1] > GRADIENT_JUMP * before:
            return [HealthNote("gradients", WARNING, f"the gradient jumped {totals[-1] / before:,.0f}× above its "
                               "usual size", "gradients are exploding: the next steps may throw the weights far "
                               "off", "a lower learning rate, or BatchNormalization between the layers")]
    if len(with_grads) < 2:
        return [HealthNote("gradients", OK, f"gradient per weight {_sci(with_grads[0].grad_rms)} ({with_grads[0].name})")]
    first, last = with_grads[0], with_grads[-1]
    f = median(_recent(history, first.name, "grad_rms"))
    l_ = median(_recent(history, last.name, "grad_rms"))
    if l_ <= 0:
        return [HealthNote("gradients", UNKNOWN, f"gradients: {last.name} has a zero gradient")]
    ratio = f / l_
    span = f"from the last layer ({last.name}) to the first ({first.name})"
    if ratio < VANISHING:
        return [HealthNote("gradients", WARNING, f"gradients shrink {1 / max(ratio, 1e-30):,.0f}× {span}",
                           "vanishing gradients: the first layers hardly learn, the signal that trains them fades "
                           "on its way back", "relu instead of sigmoid or tanh in the hidden layers, "
                           "BatchNormalization, or fewer layers", first.name)]
    if ratio > EXPLODING:
        return [HealthNote("gradients", WARNING, f"gradients grow {ratio:,.0f}× {span}",
                           "exploding gradients: the first layers take huge steps and training turns unstable",
                           "a lower learning rate, or BatchNormalization between the layers", first.name)]
    return [HealthNote("gradients", OK, f"gradients flow: per weight {_sci(l_)} in {last.name}, "
                       f"{_sci(f)} in {first.name} ({ratio:.2g}×)")]


def _update_size(history) -> list[HealthNote]:
    latest = list(history[-1]) if history else []
    judged = []
    for s in latest:
        values = _recent(history, s.name, "update_ratio", WARMUP_STEPS)
        if values and s.params >= UPDATE_MIN_PARAMS:
            judged.append((s, median(values)))
    if not judged:
        return [HealthNote("updates", UNKNOWN, f"update size: judged after {WARMUP_STEPS} steps")] if latest else []
    notes = []
    for s, r in judged:
        if not math.isfinite(r) or r > UPDATE_HIGH:
            notes.append(HealthNote(
                "updates", WARNING, f"{s.name}: each step changes the weights by {_sci(r)} of their size",
                "ten times above the usual 1e-2 or more: the learning rate may be too high, steps overshoot",
                "a learning rate 3 to 10 times lower", s.name))
        elif r < UPDATE_LOW:
            notes.append(HealthNote(
                "updates", WARNING, f"{s.name}: each step changes the weights by only {_sci(r)} of their size",
                "ten times below the usual 1e-4 or more: the learning rate may be too low, learning crawls",
                "a learning rate 3 to 10 times higher, or adam", s.name))
    if not notes:
        lo, hi = min(r for _, r in judged), max(r for _, r in judged)
        span = _sci(lo) if lo == hi else f"{_sci(lo)} to {_sci(hi)}"
        notes.append(HealthNote("updates", OK, f"update size ||Δw||/||w||: {span} per step, near the usual 1e-4 to 1e-2"))
    return notes


# ---------------------------------------------------------------------------------------------- the run
def _loss(epochs, batch_losses) -> list[HealthNote]:
    losses = [float(x) for x in batch_losses]
    bad = [x for x in losses if not math.isfinite(x)]
    if bad:
        return [HealthNote("loss", WARNING, f"the loss became {bad[-1]}", "the weights blew up",
                           "a lower learning rate")]
    spikes = 0
    for i in range(5, len(losses)):
        before = median(losses[i - 5:i])
        if losses[i] > SPIKE_FACTOR * before and losses[i] > before + SPIKE_MARGIN:
            spikes += 1
    if spikes >= SPIKES:
        return [HealthNote("loss", WARNING, f"the loss spiked {spikes} times in the last {len(losses)} batches",
                           "some steps overshoot and undo progress: the learning rate may be too high",
                           "a lower learning rate, or a larger batch_size")]
    train = [e["loss"] for e in epochs if isinstance(e.get("loss"), (int, float)) and math.isfinite(e["loss"])]
    if len(train) >= 2 and train[-1] > (1 + LOSS_RISE) * train[-2]:
        return [HealthNote("loss", WARNING, f"the training loss rose from {train[-2]:.4g} to {train[-1]:.4g} "
                           f"in epoch {len(train)}", "the steps overshoot: the learning rate is likely too high",
                           "a learning rate 3 times lower")]
    acc_key = _accuracy_key(epochs)
    if len(train) >= 3:
        gain = (train[-3] - train[-1]) / max(abs(train[-3]), 1e-12)
        acc = epochs[-1].get(acc_key) if acc_key else None
        if gain < STALL and (acc is None or acc < STALL_ACCURACY):
            return [HealthNote("loss", WARNING, f"the loss has hardly moved for 2 epochs ({train[-3]:.4g} → "
                               f"{train[-1]:.4g})", "training has stopped making progress",
                               "a higher learning rate or adam; if many units are dead, a lower one; or a larger model")]
    if len(train) >= 2:
        return [HealthNote("loss", OK, f"the loss falls: {train[-2]:.4g} → {train[-1]:.4g} over the last epoch")]
    if len(losses) >= 10:
        return [HealthNote("loss", OK, f"the loss: {median(losses[-10:]):.4g} over the last 10 batches, no spikes")]
    return [HealthNote("loss", UNKNOWN, "the loss: too early to judge")]


def _accuracy_key(epochs) -> str | None:
    if not epochs:
        return None
    keys = [k for k in epochs[-1] if k.endswith("accuracy") and not k.startswith("val_")]
    return keys[0] if keys else None


def _gap(epochs) -> list[HealthNote]:
    key = _accuracy_key(epochs)
    if key is None:
        return []
    pairs = [(e[key], e[f"val_{key}"]) for e in epochs if key in e and f"val_{key}" in e]
    if not pairs:
        if epochs:
            return [HealthNote("overfitting", UNKNOWN, "over-fitting: no validation set to compare with "
                               "(data.validation_split)")]
        return []
    gaps = [a - v for a, v in pairs]
    a, v = pairs[-1]
    if len(gaps) >= 3 and gaps[-1] > GAP and gaps[-1] > gaps[-2] > gaps[-3]:
        return [HealthNote(
            "overfitting", WARNING, f"training accuracy {a:.3f}, validation {v:.3f}: the gap grew from "
            f"{100 * gaps[-3]:.1f} to {100 * gaps[-1]:.1f} points in 2 epochs",
            "over-fitting: the network memorises the training images instead of what generalises",
            "early stopping on val_loss, Dropout, fewer units, or more training data")]
    if len(gaps) < 3:
        return [HealthNote("overfitting", UNKNOWN, f"over-fitting: judged after 3 epochs (now training accuracy "
                           f"{a:.3f}, validation {v:.3f})")]
    return [HealthNote("overfitting", OK, f"no over-fitting: training {a:.3f}, validation {v:.3f}")]
