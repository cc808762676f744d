"""The fix chooser (f): the misfit, and each known fix with what it changes before it is applied.

Every fix comes from :func:`~nntui.preset.fixes.find_fixes`, already tried on a copy of the model:
the chooser lists the rows it adds, moves or changes with their shapes before and after, the
parameter count before and after, and what still does not fit afterwards. Enter dismisses with
the chosen :class:`~nntui.preset.fixes.Fix` (the builder applies it as one undoable edit); Escape
with None. Without a known fix it says so and quotes the engine's advice.
"""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.content import Content
from textual.binding import Binding
from textual.containers import VerticalGroup
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...engine.layers.base import snake_case
from ...preset.fixes import Fix, FixReport, RowChange
from ..common.base import Dialog
from ..common.safe_lists import SafeOptionList

MARKS = {"added": "+", "removed": "−", "moved": "↕", "changed": "", "input": ""}
MAX_ROWS = 5
DIALOG_WIDTH = 110  # as fix_chooser.tcss has it
FRAME = 6  # the dialog's border and padding, and room for the list's scroll bar


def params_text(count: int, partial: bool) -> str:
    """'407,050', '401,920 so far' when rows below a misfit could not be counted, '?' when none could."""
    if partial and not count:
        return "?"
    return f"{count:,}" + (" so far" if partial else "")


def change_lines(rows: tuple[RowChange, ...], indent: str = "  ") -> list[list]:
    """The rows a fix changes, one line (a list of parts) each: mark, name (and type when the name does
    not say it), shape before → after."""
    shown = rows[:MAX_ROWS]
    labels = []
    for change in shown:
        automatic = change.name.startswith(snake_case(change.type))  # the name says the type already
        labels.append(change.name if automatic else f"{change.name} ({change.type})")
    width = max((len(label) for label in labels), default=0)
    lines = []
    for change, label in zip(shown, labels):
        line = [indent, (f"{MARKS.get(change.kind, ''):1} ", "bold"), label.ljust(width + 1)]
        if change.kind == "added":
            line.append(change.after or "?")
        elif change.kind == "removed":
            line.append((f"{change.before} (removed)", "dim"))
        else:
            line += [(change.before or "?", "dim"), " → ", change.after or "?"]
        lines.append(line)
    if len(rows) > MAX_ROWS:
        lines.append([(f"{indent}  … {len(rows) - MAX_ROWS} more rows", "dim")])
    return lines


def fix_prompt(fix: Fix, width: int = DIALOG_WIDTH - FRAME) -> Content:
    """One fix as the chooser lists it: title, how to make it by hand, the rows, the parameters, the outcome
    (what still does not fit afterwards, wrapped to ``width`` under its own indent)."""
    then = "\n".join(textwrap.wrap(fix.next_problem or "", max(20, width), initial_indent="  then: ",
                                   subsequent_indent="        "))
    outcome = [("  ✓ then ready to train", "bold $text-success")] if fix.next_problem is None else [(then, "dim")]
    params = [("  params ", "dim"), params_text(fix.params_before, fix.partial_before), " → ",
              (params_text(fix.params_after, fix.partial_after), "bold")]
    lines = [[(fix.title, "bold")], [(f"  by hand: {fix.by_hand}", "italic dim")], *change_lines(fix.rows),
             params, outcome]
    parts: list = []
    for k, line in enumerate(lines):
        parts += (["\n"] if k else []) + line
    return Content.assemble(*parts)


def misfit_title(report: FixReport) -> str:
    """'Fix conv2d', 'Fix the input shape'."""
    misfit = report.misfit
    if misfit is None:
        return "Nothing to fix"
    if misfit.kind == "input":
        return "Fix the input shape"
    if misfit.kind == "loss":
        return f"Fix the output {misfit.name} ({misfit.type}) for its loss"
    if misfit.index is None:
        return "Fix the model"
    return f"Fix layer {misfit.index} {misfit.type} ({misfit.name})"


class FixChooserScreen(Dialog[Fix | None]):
    """Choose one of the known fixes of the first misfit; dismisses with it (or None)."""

    CSS_PATH = ["../common/dialog.tcss", "fix_chooser.tcss"]
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything"),
        Binding("down", "cursor(1)", "Next", show=False, priority=True),
        Binding("up", "cursor(-1)", "Previous", show=False, priority=True),
    ]

    def __init__(self, report: FixReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        report = self.report
        with VerticalGroup(classes="dialog", id="fix-chooser"):
            yield Static(misfit_title(report), classes="title", markup=False)
            if report.misfit is not None:
                yield Static(report.misfit.reason, classes="note", markup=False, id="reason")
            if report.fixes:
                yield SafeOptionList(*self._options(), id="choices")
            else:
                yield Static("No known fix for this one: nntui cannot make this change for you.",
                             classes="error", id="none")
                advice = report.misfit.advice if report.misfit is not None else None
                if advice:
                    yield Static(f"The advice: {advice}", markup=False, id="advice")

    def _options(self) -> list[Option | None]:
        options: list[Option | None] = []
        width = min(DIALOG_WIDTH, self.app.size.width) - FRAME
        for k, fix in enumerate(self.report.fixes):
            if k:
                options.append(None)
            options.append(Option(fix_prompt(fix, width), id=str(k)))
        return options

    def on_mount(self) -> None:
        box = self.query_one("#fix-chooser")
        if self.report.fixes:
            n = len(self.report.fixes)
            box.border_subtitle = f"{n} fix{'es' if n > 1 else ''} · ↑↓ choose · Enter apply (u undoes) · Esc cancel"
            choices = self.query_one("#choices", OptionList)
            choices.highlighted = 0
            choices.focus()
        else:
            box.border_subtitle = "Esc close"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.report.fixes[int(event.option.id)])

    def action_cursor(self, delta: int) -> None:
        if not self.report.fixes:
            return
        choices = self.query_one("#choices", OptionList)
        if delta > 0:
            choices.action_cursor_down()
        else:
            choices.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
