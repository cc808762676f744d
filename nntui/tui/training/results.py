"""What the training screen shows when a run ends: test metrics, the confusion matrix, misclassified digits.

Digits are drawn with half blocks: each text cell shows two pixel rows, the upper one as the
foreground of '▀' and the lower one as its background, so a 28x28 image takes 28 columns x 14 rows.
A run on 2-D points shows the test points on the plane of its decision boundary instead, the
misclassified ones marked.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from ..boundary.widget import DecisionBoundary
from ..common.css import tcss
from .summary import summary_text

DIGIT_WIDTH = 28
DIGIT_ROWS = 14
_GRAYS: dict[tuple[int, int], Style] = {}


def _gray_style(top: int, bottom: int) -> Style:
    key = (top, bottom)
    style = _GRAYS.get(key)
    if style is None:
        style = Style(color=Color.from_rgb(top, top, top), bgcolor=Color.from_rgb(bottom, bottom, bottom))
        _GRAYS[key] = style
    return style


def half_block_image(image: np.ndarray, levels: int = 32) -> Text:
    """A uint8 grey image (even number of rows) as half-block text: two pixel rows per line."""
    img = np.asarray(image, dtype=np.uint8)
    if img.shape[0] % 2:
        img = np.vstack([img, np.zeros((1, img.shape[1]), np.uint8)])
    step = 256 // levels
    q = (img // step) * step + step // 2
    q[img == 0] = 0
    q = np.minimum(q, 255)
    out = Text(no_wrap=True, overflow="crop")
    for r in range(0, q.shape[0], 2):
        top, bottom = q[r], q[r + 1]
        for t, b in zip(top.tolist(), bottom.tolist()):
            if t == b:
                out.append("█" if t else " ", Style(color=Color.from_rgb(t, t, t)) if t else Style(bgcolor="black"))
            else:
                out.append("▀", _gray_style(t, b))
        if r + 2 < q.shape[0]:
            out.append("\n")
    return out


class TrainingDigit(Widget):
    """One misclassified test image with its true and predicted labels."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, image, true_text: str, pred_text: str, index: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.image = image
        self.true_text = true_text
        self.pred_text = pred_text
        self.index = index

    def render(self):
        text = half_block_image(self.image) if self.image is not None else Text("(no image)")
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append("\ntrue ", "dim")
        label.append(self.true_text, "bold green")
        label.append("  predicted ", "dim")
        label.append(self.pred_text, "bold red")
        label.append(f"\ntest image #{self.index}", "dim")
        return text + label


class TrainingConfusion(Widget):
    """The confusion matrix: rows are the true class, columns the predicted one, plus each row's recall."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.matrix = None
        self.names: tuple = ()

    def show(self, matrix, names) -> None:
        self.matrix = None if matrix is None else np.asarray(matrix)
        self.names = tuple(names)
        self.refresh(layout=True)

    def _lines(self) -> Text:
        m = self.matrix
        out = Text(no_wrap=True)
        if m is None:
            return out
        k = m.shape[0]
        names = list(self.names) or [str(i) for i in range(k)]
        cell = max(4, len(str(int(m.max()))) + 1, max(len(n) for n in names) + 1)
        label = max(5, max(len(n) for n in names) + 1)
        out.append(" " * label + " predicted →\n", "dim")
        out.append("true ↓".ljust(label)[:label], "dim")
        for n in names:
            out.append(n.rjust(cell), "bold")
        out.append("  recall\n", "dim")
        for i in range(k):
            total = int(m[i].sum())
            out.append(names[i].rjust(label - 1) + " ", "bold")
            for j in range(k):
                v = int(m[i, j])
                if i == j:
                    style = "bold green"
                elif v == 0:
                    style = "dim"
                else:
                    share = v / max(total, 1)
                    style = "bold red" if share >= 0.05 else ("red" if share >= 0.01 else "yellow")
                out.append((str(v) if v or i == j else "·").rjust(cell), style)
            recall = m[i, i] / total if total else float("nan")
            out.append(f"  {recall:6.1%}" if total else "      –", "cyan")
            if i < k - 1:
                out.append("\n")
        return out

    def get_content_width(self, container, viewport) -> int:
        text = self._lines()
        return max((len(line) for line in text.plain.split("\n")), default=0)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 0 if self.matrix is None else self.matrix.shape[0] + 2

    def render(self):
        return self._lines()


class TrainingResults(VerticalScroll):
    """The results tab: summary, confusion matrix and a grid of misclassified digits."""

    DEFAULT_CSS = tcss(__file__)

    def compose(self) -> ComposeResult:
        yield Static("The test results appear here when the run ends.", id="results-summary")
        yield Static("Confusion matrix (test set)", id="results-matrix-title")
        yield TrainingConfusion(id="results-matrix")
        yield Static("", id="results-digits-title")
        yield Container(id="results-digits")
        yield DecisionBoundary(note="test set", id="results-plane")

    def on_mount(self) -> None:
        self.query_one("#results-matrix-title").display = False
        self.query_one("#results-digits-title").display = False
        self.query_one("#results-plane").display = False

    def on_resize(self) -> None:
        self._fit_grid()

    def _fit_grid(self) -> None:
        grid = self.query_one("#results-digits")
        columns = max(1, (self.size.width - 2 + 2) // (28 + 2))
        grid.styles.grid_size_columns = columns

    def clear(self, text: str = "The test results appear here when the run ends.") -> None:
        self.query_one("#results-summary", Static).update(text)
        self.query_one("#results-matrix-title").display = False
        self.query_one("#results-digits-title").display = False
        self.query_one(TrainingConfusion).show(None, ())
        self.query_one("#results-digits").remove_children()
        self.query_one("#results-plane").display = False

    def show(self, result, n_test: int = 0) -> None:
        """Fill in from a run_facts.RunResult (``n_test``: the test images, when it has no confusion matrix)."""
        self.query_one("#results-summary", Static).update(summary_text(result, n_test))
        has_matrix = result is not None and result.confusion is not None
        self.query_one("#results-matrix-title").display = has_matrix
        self.query_one(TrainingConfusion).show(result.confusion if has_matrix else None,
                                               result.class_names if has_matrix else ())
        grid = self.query_one("#results-digits")
        grid.remove_children()
        title = self.query_one("#results-digits-title", Static)
        plane = self.query_one("#results-plane", DecisionBoundary)
        plane.display = has_matrix and result.boundary is not None
        if plane.display:
            names = tuple(result.class_names)
            plane.class_names = names if len(names) == 2 else plane.class_names
            plane.frame = result.boundary
            title.update(f"Test points on the plane: {result.test_errors:,} misclassified (✕) of "
                         f"{len(result.boundary.labels):,}")
            title.display = True
        elif has_matrix and result.misclassified:
            shown = len(result.misclassified)
            title.update(f"Misclassified test images: the first {shown} of {result.test_errors:,}")
            title.display = True
            grid.mount_all([TrainingDigit(img, t, p, i) for img, t, p, i in result.misclassified])
            self._fit_grid()
        elif has_matrix:
            title.update("No misclassified test images.")
            title.display = True
        else:
            title.display = False
