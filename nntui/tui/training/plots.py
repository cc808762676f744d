"""Live training curves drawn with plotext: the loss panel and the accuracy panel.

x is in epochs (2.5 = half-way through the third epoch), so the epochs are the integer ticks and
are marked with faint vertical lines. A change of the learning rate by hand (+ and -) is a violet
vertical line on the loss panel, labelled with the new rate at its top. Each panel draws the per-batch value (faint), its moving
average (bright) and the per-epoch validation value (points). Rendering plotext is pure Python
and holds the GIL, so :meth:`TrainingPlot.show` only stores the data; the drawing happens at the
next refresh, the series are first averaged down to what the panel's width can show, and the
last render's cost is kept in ``render_seconds`` for the screen to pace the redraws.
"""

from __future__ import annotations

import math
import time

import numpy as np
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.strip import Strip
from textual.widget import Widget
from textual_plotext import PlotextPlot

from ..common.css import tcss

BATCH_COLOR = (110, 110, 130)
SMOOTH_COLOR = (255, 170, 60)
TRAIN_COLOR = (90, 170, 255)
VAL_COLOR = (80, 220, 120)
EPOCH_LINE_COLOR = (70, 70, 85)
RATE_COLOR = (190, 120, 255)


def rate_label(rate: float) -> str:
    """A learning rate as short as it reads: 0.0005, 0.002, 1e-05."""
    return f"{rate:.2g}"


def downsample(x: np.ndarray, y: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``n`` points: means over equal runs of consecutive points (NaNs ignored)."""
    if len(x) <= n or n < 2:
        return x, y
    edges = np.linspace(0, len(x), n + 1).astype(np.int64)
    starts = edges[:-1]
    counts = np.diff(edges)
    ok = np.isfinite(y)
    ysum = np.add.reduceat(np.where(ok, y, 0.0), starts)
    ycount = np.add.reduceat(ok.astype(np.float64), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        ym = ysum / ycount
    xm = np.add.reduceat(x, starts) / counts
    return xm, ym


def tick_labels(values: list[float]) -> list[str]:
    """Short labels with as many decimals as the spacing needs: 0.25 0.50; 0.012 0.014; 2.5e+06."""
    span = (max(values) - min(values)) / max(1, len(values) - 1) if len(values) > 1 else abs(values[0])
    biggest = max(abs(v) for v in values)
    if biggest >= 1e5:
        return [f"{v:.2g}" for v in values]
    decimals = 0 if span >= 10 else min(4, max(2, 1 - math.floor(math.log10(span)))) if span > 0 else 2
    return [f"{v:.{decimals}f}" for v in values]


def _finite(values) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    return arr


class TrainingPlot(PlotextPlot):
    """One panel: ``kind`` is 'loss' or 'accuracy'."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, kind: str = "loss", **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.curves = None
        self.render_seconds = 0.0
        self._cache_key = None
        self._cache = None

    def show(self, curves) -> None:
        """New data (a live_history.Curves); drawn at the next refresh."""
        if curves is self.curves:
            return
        self.curves = curves
        self.refresh()

    # The Line API: plotext's text is turned into strips once per change (not re-parsed per frame).
    def render_line(self, y: int) -> Strip:
        width, height = self.content_size.width, self.content_size.height
        key = (id(self.curves), width, height, self.app.theme, self.theme)
        if key != self._cache_key or self._cache is None:
            t0 = time.perf_counter()
            self._cache = self._strips(width, height)
            self.render_seconds = time.perf_counter() - t0
            self._cache_key = key
        if 0 <= y < len(self._cache):
            return self._cache[y]
        return Strip.blank(width, self.rich_style)

    def _strips(self, width: int, height: int) -> list[Strip]:
        if width < 4 or height < 2:
            return [Strip.blank(width, self.rich_style)] * max(0, height)
        self._draw()
        plot = self._plot
        plot.plotsize(width, height)
        plot._set_size(width, height)
        plot.theme(self._get_plotext_theme_name(self.app.theme))
        text = Text.from_ansi(plot.build(), no_wrap=True)
        console = self.app.console
        lines = Segment.split_and_crop_lines(text.render(console), width, pad=True, include_new_lines=False)
        strips = [Strip(line, width) for line in lines][:height]
        while len(strips) < height:
            strips.append(Strip.blank(width, self.rich_style))
        return strips

    # -------------------------------------------------------------------------------------------
    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        c = self.curves
        loss = self.kind == "loss"
        plt.xlabel("epoch")
        acc_name = (c.acc_key if c is not None and c.acc_key else "accuracy")
        plt.ylabel("loss" if loss else acc_name)
        if c is None or (not c.batch_x and not c.epoch_x):
            plt.xlim(0, 1)
            plt.ylim(0, 1)
            plt.xticks([0, 1])
            return
        if not loss and c.acc_key is None:
            plt.xlim(0, 1)
            return
        width = max(10, self.size.width - 12)
        bx = _finite(c.batch_x)
        raw = _finite(c.batch_loss if loss else ())
        smooth = _finite(c.smooth_loss if loss else c.smooth_acc)
        ex = _finite(c.epoch_x)
        val = _finite(c.val_loss if loss else c.val_acc)
        train = _finite(c.train_loss if loss else c.train_acc)
        last_x = max(float(bx[-1]) if len(bx) else 0.0, float(ex[-1]) if len(ex) else 0.0)
        x_end = max(1.0, math.ceil(last_x - 1e-9))
        first = math.floor(float(bx[0]) if len(bx) else (float(ex[0]) - 1 if len(ex) else 0.0))
        # the series: (x, y, kind) with kind 'line' or 'points'
        series = []
        if len(raw):
            x, y = downsample(bx, raw, 2 * width)
            series.append((x, y, "line", BATCH_COLOR, "braille"))
        if len(smooth):
            x, y = downsample(bx, smooth, 2 * width)
            series.append((x, y, "line", SMOOTH_COLOR, "braille"))
        if not loss:
            series.append((ex, train, "points", TRAIN_COLOR, "•"))
        series.append((ex, val, "points", VAL_COLOR, "●"))
        values = np.concatenate([y[np.isfinite(y)] for _, y, *_ in series]) if series else np.array([])
        rows = max(2, self.content_size.height - 4)
        log = False
        if len(values):
            lo, hi = float(values.min()), float(values.max())
            if loss:
                lo = max(0.0, lo)
                # an exploding loss spans orders of magnitude: plot log10 of it (labelled 1e5, 1e10...)
                log = lo > 0 and hi / lo > 1e3
                if not log and np.isfinite(smooth).any():
                    # a few spikes of the raw batch loss must not squash the curve: cap at the smoothed peak
                    cap = float(np.nanmax(smooth)) * 1.15
                    if np.isfinite(val).any():
                        cap = max(cap, float(np.nanmax(val)))
                    hi = min(hi, cap)
            else:
                hi = min(1.0, hi)
        # epoch marks
        marks = [e for e in range(first + 1, int(x_end))]
        if len(marks) <= 30:
            for e in marks:
                plt.vline(e, EPOCH_LINE_COLOR)
        for x, y, kind, color, marker in series:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(y) if log else y
            ok = np.isfinite(y)
            if not ok.any():
                continue
            draw = plt.plot if kind == "line" else plt.scatter
            draw(x[ok].tolist(), y[ok].tolist(), marker=marker, color=color)
        plt.xlim(first, x_end)
        span = int(x_end) - first
        step = max(1, math.ceil(span / max(2, width // 8)))
        plt.xticks(list(range(first, int(x_end) + 1, step)))
        if not len(values):
            return
        if log:
            plt.ylabel("loss (log)")
            k0, k1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
            step = max(1, math.ceil((k1 - k0) / max(1, rows // 3)))
            ks = list(range(k0, k1 + 1, step))
            plt.ylim(k0, k1)
            plt.yticks(ks, [f"1e{k}" for k in ks])
            self._rate_marks(first, x_end, k1)
            return
        if hi - lo < 1e-6:
            hi = lo + (0.01 if lo < 1 else abs(lo) * 0.01)
        pad = (hi - lo) * 0.05
        y0 = lo - pad if loss and lo - pad > 0 else lo
        y1 = hi + (pad if loss or hi + pad <= 1 else 0)
        plt.ylim(y0, y1)
        # ticks on whole rows (plotext rounds a tick to the nearest row), evenly spaced, at most 6
        every = max(2, math.ceil((rows - 1) / 5))
        at_rows = list(range(0, rows, every))
        ticks = [y0 + (y1 - y0) * r / max(1, rows - 1) for r in at_rows]
        plt.yticks(ticks, tick_labels(ticks))
        self._rate_marks(first, x_end, y1)

    def _rate_marks(self, x0: float, x1: float, top: float) -> None:
        """On the loss panel: where the learning rate was changed by hand, a line and the new rate."""
        c = self.curves
        if self.kind != "loss" or c is None or not getattr(c, "rate_marks", ()):
            return
        plt = self.plt
        for x, rate in c.rate_marks:
            if x0 <= x <= x1:
                plt.vline(x, RATE_COLOR)
                plt.text(rate_label(rate), x, top, color=RATE_COLOR, background="default", alignment="left")


def _rgb(c) -> Style:
    return Style(color=f"rgb({c[0]},{c[1]},{c[2]})", bold=True)


class TrainingLegend(Widget):
    """The legend line above a plot; a shorter wording when the panel is narrow."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, kind: str, acc_key: str = "accuracy", **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.acc_key = acc_key

    def texts(self) -> list[Text]:
        """The wordings, longest first."""
        b, s, t, v = _rgb(BATCH_COLOR), _rgb(SMOOTH_COLOR), _rgb(TRAIN_COLOR), _rgb(VAL_COLOR)
        if self.kind == "loss":
            return [Text.assemble(("loss  ", "bold"), ("━ ", b), ("per batch  ", "dim"), ("━ ", s),
                                  ("smoothed  ", "dim"), ("● ", v), ("validation", "dim")),
                    Text.assemble(("loss ", "bold"), ("━ ", b), ("batch ", "dim"), ("━ ", s), ("smoothed ", "dim"),
                                  ("● ", v), ("val", "dim"))]
        name = self.acc_key
        return [Text.assemble((f"{name}  ", "bold"), ("━ ", s), ("per batch, smoothed  ", "dim"), ("• ", t),
                              ("epoch  ", "dim"), ("● ", v), ("validation", "dim")),
                Text.assemble((f"{name.replace('accuracy', 'acc')} ", "bold"), ("━ ", s), ("smoothed ", "dim"),
                              ("• ", t), ("epoch ", "dim"), ("● ", v), ("val", "dim"))]

    def render(self):
        width = self.content_size.width
        options = self.texts()
        for text in options:
            if text.cell_len <= width:
                return text
        return options[-1]


class TrainingPlotPanel(Vertical):
    """A plot with its legend line above it."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, kind: str, acc_key: str = "accuracy", **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.acc_key = acc_key

    def compose(self) -> ComposeResult:
        yield TrainingLegend(self.kind, self.acc_key)
        yield TrainingPlot(self.kind, id=f"{self.id}-plot" if self.id else None)

    def set_acc_key(self, acc_key: str | None) -> None:
        legend = self.query_one(TrainingLegend)
        legend.acc_key = acc_key or "accuracy"
        legend.refresh()
