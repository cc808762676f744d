"""The anatomy of the run, after the source chapter's figure: network, layers, loss function, optimiser.

    input X ──▶ layers (weights) ──▶ predictions Y'
                     ▲                    │
               weight update              ▼
                 optimizer ◀── loss score ── loss function ◀── targets Y

Drawn as boxes and arrows on a character canvas sized to the widget; every box shows its live
value: the batch shape, the layers and their weights, the loss, the learning rate, the size of the
last weight update (the optimiser's ``update_norm``).
"""

from __future__ import annotations

import math

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from ..common.css import tcss

BOX = Style(color="#7a7f99")
TITLE = Style(color="#e0e0f0", bold=True)
VALUE = Style(color="#ffd479", bold=True)
TEXT = Style(color="#c8c8d8")
DIM = Style(color="#8a8aa0")
ARROW = Style(color="#5fb3ff", bold=True)
LOSS_ARROW = Style(color="#ff9f5f", bold=True)
UPDATE_ARROW = Style(color="#7ee787", bold=True)


def fmt(value, spec: str = ".4f", missing: str = "–") -> str:
    """A number or the missing mark; non-finite values as 'nan'/'inf'."""
    if value is None:
        return missing
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return format(value, spec)


def fmt_small(value) -> str:
    """Update sizes and learning rates: 0.0123, 1.2e-05."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.3g}" if abs(value) >= 1e-3 else f"{value:.2e}"


SHORT_LOSS = {
    "categorical_crossentropy": "cat. crossentropy",
    "sparse_categorical_crossentropy": "sparse crossentropy",
    "binary_crossentropy": "binary xentropy",
    "mean_squared_error": "mean sq. error",
    "mean_absolute_error": "mean abs. error",
}


def shape_text(shape) -> str:
    return " × ".join(str(d) for d in shape)


class Canvas:
    """A grid of characters with a style per cell, turned into a Rich Text."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.chars = [[" "] * width for _ in range(height)]
        self.styles: list[list[Style | None]] = [[None] * width for _ in range(height)]

    def put(self, x: int, y: int, text: str, style: Style | None = None) -> None:
        if not 0 <= y < self.height:
            return
        for i, ch in enumerate(text):
            if 0 <= x + i < self.width:
                self.chars[y][x + i] = ch
                self.styles[y][x + i] = style

    def box(self, x: int, y: int, w: int, h: int, title: str, lines, style: Style = BOX) -> None:
        """A rounded box with a title in its top border and up to h-2 lines of (text, style) parts."""
        if w < 4 or h < 2:
            return
        self.put(x, y, "╭" + "─" * (w - 2) + "╮", style)
        self.put(x + 1, y, f" {title[: w - 4]} ", TITLE)
        for row in range(1, h - 1):
            self.put(x, y + row, "│", style)
            self.put(x + w - 1, y + row, "│", style)
        self.put(x, y + h - 1, "╰" + "─" * (w - 2) + "╯", style)
        for row, parts in enumerate(lines[: h - 2]):
            cx = x + 2
            limit = x + w - 1
            for text, st in parts:
                room = limit - cx
                if room <= 0:
                    break
                if len(text) > room:
                    text = text[: max(0, room - 1)] + "…"
                self.put(cx, y + 1 + row, text, st)
                cx += len(text)

    def hline(self, x0: int, x1: int, y: int, style: Style, ch: str = "─") -> None:
        for x in range(min(x0, x1), max(x0, x1) + 1):
            self.put(x, y, ch, style)

    def vline(self, x: int, y0: int, y1: int, style: Style, ch: str = "│") -> None:
        for y in range(min(y0, y1), max(y0, y1) + 1):
            self.put(x, y, ch, style)

    def strips(self, base: Style) -> list[Strip]:
        """One Strip per row (runs of cells with the same style become one segment)."""
        out = []
        for y in range(self.height):
            row, styles = self.chars[y], self.styles[y]
            segments = []
            start = 0
            for x in range(1, self.width + 1):
                if x == self.width or styles[x] is not styles[start]:
                    st = styles[start]
                    segments.append(Segment("".join(row[start:x]), base + st if st is not None else base))
                    start = x
            out.append(Strip(segments, self.width))
        return out

    def text(self) -> Text:
        out = Text(no_wrap=True, overflow="crop")
        for y in range(self.height):
            row, styles = self.chars[y], self.styles[y]
            start = 0
            for x in range(1, self.width + 1):
                if x == self.width or styles[x] is not styles[start]:
                    out.append("".join(row[start:x]).rstrip() if x == self.width else "".join(row[start:x]),
                               styles[start])
                    start = x
            if y < self.height - 1:
                out.append("\n")
        return out


class TrainingAnatomy(Widget):
    """The boxes-and-arrows picture of the run, updated from the worker's snapshots."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.info = None
        self.snapshot = None
        self._strips = None
        self._strips_key = None

    def set_info(self, info) -> None:
        """The run's fixed facts (run_facts.RunInfo); a new run: the last run's values are gone."""
        self.info = info
        self.snapshot = None
        self._strips = None
        self.refresh()

    def show(self, snapshot) -> None:
        """The live values (run_facts.Snapshot); redrawn only if a shown value changed.

        A hidden picture (the other layout's, or the Anatomy tab while another tab is open) keeps the
        values too: it is drawn only when it is on screen (render_line), so it costs nothing till then.
        """
        old = self.snapshot
        self.snapshot = snapshot
        if old is None or self._shown(old) != self._shown(snapshot):
            self._strips = None
            self.refresh()

    @staticmethod
    def _shown(s):
        return (s.batch_shape, s.step, s.steps, round(s.smooth_acc or 0, 3), s.batch_loss, s.smooth_loss,
                s.learning_rate, s.update_norm, s.global_step > 0)

    # ------------------------------------------------------------------------------------------
    # The Line API: the picture is drawn once per change into strips (no markup, no wrapping).
    def render_line(self, y: int) -> Strip:
        width, height = self.content_size.width, self.content_size.height
        key = (width, height, self.app.theme)
        if self._strips is None or self._strips_key != key:
            base = self.rich_style
            if width < 20 or height < 5:
                self._strips = [Strip.blank(width, base)] * max(height, 0)
            else:
                self._strips = self.draw(width, height).strips(base)
            self._strips_key = key
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, self.rich_style)

    def draw(self, width: int, height: int) -> Canvas:
        """The picture on a width x height canvas (about 64 x 13 shows everything for a small model)."""
        info, snap = self.info, self.snapshot
        cv = Canvas(width, height)
        gap = 5 if width >= 76 else 4
        usable = width - 2 * gap
        wa = max(15, min(22, int(usable * 0.27)))
        wc = max(20, int(usable * 0.37))
        wb = max(16, usable - wa - wc)
        xa, xb = 0, wa + gap
        xc = xb + wb + gap

        layers = list(info.layers) if info is not None else []
        top_h = min(max(5, height - 8), max(5, len(layers) + 3))
        yb = top_h + 2
        bottom_h = 5

        def label(long: str, short: str, value: str, box_w: int):
            return long if len(long) + len(value) <= box_w - 3 else short

        # --- top row: input X, layers (weights), predictions Y'
        if snap is not None and snap.batch_shape:
            batch = snap.batch_shape
        elif info is not None:
            batch = (info.batch_size, *info.input_shape)
        else:
            batch = ()
        if info is not None and snap is not None and snap.steps:
            steps = f"{snap.step}/{snap.steps}"
            where = [(label("batch ", "", steps, wa), DIM), (steps, TEXT)]
            images = f"{info.n_train:,} images"
            count = [(images if len(images) <= wa - 3 else f"of {info.n_train:,}", DIM)]
        else:
            where = [(f"{info.n_train:,} images" if info else "loading…", DIM)]
            count = []
        cv.box(xa, 0, wa, top_h, "input X", [[(shape_text(batch) if batch else "–", VALUE)], where, count])
        lines = []
        room = top_h - 3
        shown = layers if len(layers) <= room else layers[: max(0, room - 1)]
        for layer in shown:
            lines.append([(layer.text, TEXT)])
        if len(shown) < len(layers):
            lines.append([(f"… {len(layers) - len(shown)} more", DIM)])
        if info is not None:
            lines.append([(f"{info.total_params:,}", VALUE), (" weights", DIM)])
        cv.box(xb, 0, wb, top_h, f"layers ({len(layers)})" if layers else "layers", lines)
        n_batch = batch[0] if batch else None
        out = info.output_shape[1:] if info is not None and info.output_shape else ()
        acc = snap.smooth_acc if snap is not None else None
        acc_text = fmt(acc, ".1%") if acc is not None else "–"
        cv.box(xc, 0, wc, top_h, "predictions Y'", [
            [(shape_text((n_batch, *out)) if n_batch and out else "–", VALUE)],
            [(info.output_activation or "linear" if info else "", DIM)],
            [(label("accuracy ", "acc ", acc_text, wc), DIM), (acc_text, VALUE)],
        ])
        # arrows along the data path
        cv.hline(xa + wa, xb - 2, 1, ARROW)
        cv.put(xb - 1, 1, "▶", ARROW)
        cv.hline(xb + wb, xc - 2, 1, ARROW)
        cv.put(xc - 1, 1, "▶", ARROW)
        # predictions down into the loss function
        pc = xc + wc // 2
        cv.vline(pc, top_h, yb - 2, ARROW)
        cv.put(pc, yb - 1, "▼", ARROW)
        cv.put(pc + 2, top_h, "Y'", DIM)

        # --- bottom row: targets Y, optimizer, loss function
        loss_val = snap.smooth_loss if snap is not None else None
        batch_loss = snap.batch_loss if snap is not None else None
        loss_name = info.loss_name if info else "–"
        loss_name = SHORT_LOSS.get(loss_name, loss_name) if len(loss_name) > wc - 3 else loss_name
        score = fmt(batch_loss)
        cv.box(xc, yb, wc, bottom_h, "loss function", [
            [(loss_name.replace("_", " "), TEXT)],
            [("score ", DIM), (score, VALUE)],
            [(label("smoothed ", "avg ", score, wc), DIM), (fmt(loss_val), TEXT)],
        ])
        lr = snap.learning_rate if snap is not None and snap.learning_rate else (info.learning_rate if info else None)
        lr_text = fmt_small(lr)
        upd = fmt_small(snap.update_norm) if snap is not None and snap.global_step else "–"
        cv.box(xb, yb, wb, bottom_h, "optimizer", [
            [(info.optimizer if info else "–", TEXT)],
            [(label("learning rate ", "lr ", lr_text, wb), DIM), (lr_text, VALUE)],
            [(label("update ‖Δw‖ ", "update ", upd, wb), DIM), (upd, VALUE)],
        ])
        rule, _, encoding = (info.target_text if info else "").partition(", ")
        cv.box(xa, yb, wa, bottom_h, "targets Y", [
            [(shape_text((n_batch, *out)) if n_batch and out else "–", VALUE)],
            [(rule, TEXT)],
            [(encoding, DIM)],
        ])
        # the loss score from the loss function to the optimizer
        cv.put(xb + wb, yb + 2, "◀", LOSS_ARROW)
        cv.hline(xb + wb + 1, xc - 1, yb + 2, LOSS_ARROW)
        if gap >= 5:
            cv.put(xb + wb, yb + 3, "score", DIM)
        # the weight update from the optimizer up to the layers' weights
        bc = xb + wb // 2
        cv.put(bc, top_h, "▲", UPDATE_ARROW)
        cv.vline(bc, top_h + 1, yb - 1, UPDATE_ARROW)
        cv.put(bc + 2, top_h + (yb - top_h - 1) // 2, "weight update", DIM)
        # the true targets Y, routed under the optimizer into the bottom of the loss function
        route = yb + bottom_h
        if route < height:
            ta = xa + wa // 2
            cv.put(ta, yb + bottom_h - 1, "┬", ARROW)
            if route - 1 >= yb + bottom_h:
                cv.vline(ta, yb + bottom_h, route - 1, ARROW)
            cv.put(ta, route, "╰", ARROW)
            cv.hline(ta + 1, pc - 1, route, ARROW)
            cv.put(pc, route, "▲", ARROW)
            text = " Y (true targets) "
            cv.put(xb + max(1, (wb - len(text)) // 2), route, text, DIM)
        return cv
