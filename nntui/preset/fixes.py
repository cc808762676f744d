"""One-key fixes: for the first misfit of a preset, the fixes that are known to make it go away.

:func:`find_fixes` names the misfit the builder's status line shows (a layer whose input does not
fit, a merge of branches that do not fit together, an output that its loss cannot score, an input
shape that cannot hold the data), asks :mod:`.fix_candidates` and :mod:`.fix_heads` for the edits
the engine's advice names, and previews each one on a copy: the model is checked again and the
fix is kept only if the misfit layer (and every layer the fix adds) then fits. A kept
:class:`Fix` carries its :class:`~nntui.preset.edit.Edit` (one undo step) and what it changes:
the rows whose shapes change, the parameter count before and after, and what, if anything, is the
next problem. Pure: nothing here imports a face.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from ..engine.config import ConfigError
from ..engine.layers import LAYER_TYPES
from ..engine.model import GraphError
from ..engine.shapes import format_shape
from .edit import Edit
from .fix_candidates import Candidate, Context, input_fixes, layer_fixes
from .fix_edits import chain
from .fix_heads import loss_fixes, merge_fixes
from .model_check import CheckResult, check_preset
from .preset import Preset

MAX_FIXES = 6
UNKNOWN = "?"


@dataclass(frozen=True)
class Misfit:
    """What does not fit: ``kind`` is 'layer', 'merge', 'loss' or 'input' (fixes are known for these),
    or 'graph', 'settings', 'crash' (none are); ``index`` the layer (None: the input or the model)."""

    kind: str
    index: int | None
    name: str
    reason: str
    advice: str | None = None
    type: str = ""


@dataclass(frozen=True)
class RowChange:
    """One row that a fix changes: ``kind`` 'added', 'removed', 'moved', 'changed' or 'input';
    shapes in Keras notation ('?' where none could be computed, None where the row is not there)."""

    kind: str
    name: str
    type: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Fix:
    """A known fix: what it does, how to make it by hand (and the keys, when a key or two do), the edit,
    and its preview."""

    title: str
    by_hand: str
    keys: str
    edit: Edit
    rows: tuple[RowChange, ...]
    params_before: int
    params_after: int
    partial_before: bool
    partial_after: bool
    next_problem: str | None  # what still does not fit afterwards (None: ready to train)


@dataclass(frozen=True)
class FixReport:
    """The first misfit (None when the model is ready, or has no layers) and its fixes, best first."""

    misfit: Misfit | None
    fixes: tuple[Fix, ...] = ()


def misfit_of(check: CheckResult) -> Misfit | None:
    """The problem the status line shows first, as a Misfit."""
    report = check.report
    if check.crash is not None:
        return Misfit("crash", None, "", check.crash)
    error = report.error
    if error is not None:
        i = report.error_index
        if isinstance(error, GraphError) or i is None:
            return Misfit("graph", i, "", str(error))
        row = report.rows[i]
        if row.output_shape is not None:
            kind = "loss"
        elif LAYER_TYPES[check.model.layers[i].type_name].family == "merge":
            kind = "merge"
        else:
            kind = "layer"
        return Misfit(kind, i, row.name, getattr(error, "reason", str(error)), getattr(error, "fix", None),
                      row.type)
    if check.input_error is not None:
        return Misfit("input", None, "input", check.input_error, "Change the input shape.")
    if check.settings_error is not None:
        return Misfit("settings", None, "", check.settings_error)
    return None


def candidates(preset: Preset, check: CheckResult, misfit: Misfit) -> list[Candidate]:
    """The fixes to try for ``misfit``, the likely mistake first."""
    ctx = Context(preset, check)
    if misfit.kind == "layer":
        return layer_fixes(ctx, misfit.index)
    if misfit.kind == "merge":
        return merge_fixes(ctx, misfit.index)
    if misfit.kind == "loss":
        return loss_fixes(ctx, misfit.index)
    if misfit.kind == "input":
        return input_fixes(ctx)
    return []


def _first_error(check: CheckResult) -> float:
    """Where the first layer error is (infinity when none), to compare two checks."""
    i = check.report.error_index
    return float("inf") if check.report.error is None or i is None else float(i)


def resolved(misfit: Misfit, before: CheckResult, after: CheckResult, tracked: int | None,
             added: list[int]) -> bool:
    """Whether the misfit went away: the layer that did not fit (and every layer added) fits now, and
    the fix made no new input or internal problem; for the input, the layers fit no worse than before."""
    if after.crash is not None:
        return False
    if misfit.kind == "input":
        return after.input_error is None and _first_error(after) >= _first_error(before)
    if after.input_error is not None and before.input_error is None:
        return False
    rows = after.report.rows
    for k in [tracked, *added]:
        if k is None or k >= len(rows) or rows[k].output_shape is None or rows[k].error is not None:
            return False
    return not (isinstance(after.report.error, GraphError))


def _key(preset: Preset, k: int) -> tuple:
    spec = preset.model.layers[k]
    return spec.type, repr(sorted(spec.config.items()))


def _shape(check: CheckResult, k: int) -> str:
    shape = check.report.rows[k].output_shape
    return UNKNOWN if shape is None else format_shape(shape)


def row_changes(old: Preset, before: CheckResult, new: Preset, after: CheckResult) -> tuple[list[RowChange], list[int]]:
    """The rows a fix changes (with their shapes before and after) and the indices of the added layers."""
    changes: list[RowChange] = []
    if tuple(old.model.input_shape) != tuple(new.model.input_shape):
        changes.append(RowChange("input", "input", "Input", format_shape(before.report.input_shape),
                                 format_shape(after.report.input_shape)))
    a = [_key(old, k) for k in range(len(old.model.layers))]
    b = [_key(new, k) for k in range(len(new.model.layers))]
    removed, added, pairs = [], [], []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pairs += list(zip(range(i1, i2), range(j1, j2)))
            continue
        n = min(i2 - i1, j2 - j1) if op == "replace" else 0
        pairs += list(zip(range(i1, i1 + n), range(j1, j1 + n)))
        removed += range(i1 + n, i2)
        added += range(j1 + n, j2)
    moved = []
    for j in list(added):
        match = next((i for i in removed if a[i] == b[j]), None)
        if match is not None:
            removed.remove(match)
            added.remove(j)
            moved.append((match, j))
    names_after = [r.name for r in after.report.rows]
    names_before = [r.name for r in before.report.rows]
    events = [(j, RowChange("added", names_after[j], new.model.layers[j].type, None, _shape(after, j)))
              for j in added]
    events += [(j, RowChange("moved", names_after[j], new.model.layers[j].type, _shape(before, i), _shape(after, j)))
               for i, j in moved]
    for i, j in pairs:
        rb, ra = before.report.rows[i], after.report.rows[j]
        if (rb.output_shape, rb.params, a[i]) != (ra.output_shape, ra.params, b[j]):
            events.append((j, RowChange("changed", names_after[j], new.model.layers[j].type,
                                        _shape(before, i), _shape(after, j))))
    events += [(j + 0.5, RowChange("removed", names_before[i], old.model.layers[i].type, _shape(before, i), None))
               for i, j in ((i, min(i, len(b))) for i in removed)]
    changes += [change for _, change in sorted(events, key=lambda e: e[0])]
    return changes, sorted(added)


def _partial(check: CheckResult) -> bool:
    """Whether some rows could not be sized (the parameters are counted up to the misfit)."""
    return any(r.output_shape is None for r in check.report.rows)


def preview(preset: Preset, check: CheckResult, misfit: Misfit, candidate: Candidate) -> tuple[Fix, Preset] | None:
    """The candidate applied to a copy and checked: the Fix and the preset it leaves when it makes the
    misfit go away, else None."""
    try:
        made = chain("fix: " + candidate.title[:1].lower() + candidate.title[1:], preset, list(candidate.steps))
    except (ConfigError, IndexError, KeyError):
        return None
    if made is None:
        return None
    edit, new = made
    after = check_preset(new)
    rows, added = row_changes(preset, check, new, after)
    if not resolved(misfit, check, after, candidate.tracked, added):
        return None
    fix = Fix(candidate.title, candidate.by_hand, candidate.keys, edit, tuple(rows), check.report.total_params,
              after.report.total_params, _partial(check), _partial(after), None if after.ready else after.problem)
    return fix, new


def find_fixes(preset: Preset, check: CheckResult | None = None, limit: int = MAX_FIXES) -> FixReport:
    """The first misfit of ``preset`` and the fixes that make it go away (at most ``limit``, best first;
    two candidates that lead to the same preset count once)."""
    check = check if check is not None else check_preset(preset)
    misfit = misfit_of(check)
    if misfit is None:
        return FixReport(None)
    fixes, seen = [], set()
    for candidate in candidates(preset, check, misfit):
        found = preview(preset, check, misfit, candidate)
        if found is None:
            continue
        fix, result = found
        key = repr((result.model, result.training))
        if key not in seen:
            seen.add(key)
            fixes.append(fix)
        if len(fixes) >= limit:
            break
    return FixReport(misfit, tuple(fixes))


__all__ = ["Fix", "FixReport", "Misfit", "RowChange", "candidates", "find_fixes", "misfit_of", "preview",
           "resolved", "row_changes"]
