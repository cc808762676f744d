"""The decision boundary: the plane's arithmetic (grid, Playground's colours, points to cells) and the widget."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult

from nntui.tui.boundary.plane import (
    ALPHA,
    BLUE,
    GREY,
    NO_POINT,
    ORANGE,
    BoundaryFrame,
    class_one_probability,
    grid_points,
    plane_colours,
    point_cells,
    probability_grid,
    resample,
)
from nntui.tui.boundary.widget import DecisionBoundary


def over_white(rgb):
    return [round(255 + (c - 255) * ALPHA) for c in rgb]


def test_grid_points_run_row_by_row_from_the_top():
    pts = grid_points(4, 2, (-6, 6, -6, 6))
    assert pts.dtype == np.float32 and pts.shape == (8, 2)
    np.testing.assert_allclose(pts[:4], [[-4.5, 3], [-1.5, 3], [1.5, 3], [4.5, 3]])
    np.testing.assert_allclose(pts[4:, 1], [-3] * 4)
    grid = probability_grid(lambda xy: (xy[:, 0] > 0).astype(float), 4, 2)
    assert grid.tolist() == [[0, 0, 1, 1], [0, 0, 1, 1]]


def test_class_one_probability_and_resample():
    assert class_one_probability(np.array([[0.2], [0.9]])).tolist() == [0.2, 0.9]
    assert class_one_probability(np.array([[0.7, 0.3]])).tolist() == [0.3]
    grid = np.arange(4.0).reshape(2, 2)
    assert resample(grid, 4, 4).tolist() == [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]
    assert resample(np.arange(16.0).reshape(4, 4), 2, 2).tolist() == [[0, 2], [8, 10]]


def test_playgrounds_colours_and_the_boundary():
    shades, edge = plane_colours(np.array([[0.0, 0.5, 1.0], [0.0, 0.0, 1.0]]))
    assert shades[0, 0].tolist() == over_white(ORANGE)
    assert shades[0, 1].tolist() == over_white(GREY)
    assert shades[0, 2].tolist() == over_white(BLUE)
    # the class (p >= 0.5) changes right of (0,0) and of (1,1), and below (0,1)
    assert edge.tolist() == [[True, True, False], [False, True, False]]
    shades, _ = plane_colours(np.array([[np.nan, 2.0]]))
    assert shades[0, 0].tolist() == over_white(GREY) and shades[0, 1].tolist() == over_white(BLUE)


def test_point_cells_misclassified_win_and_outside_is_left_out():
    frame = BoundaryFrame(np.zeros((2, 2)), np.array([[-5.0, 5.0], [-5.5, 5.5], [5.0, -5.0], [7.0, 0.0], [1, 1]]),
                          np.array([1, 0, 0, 1, 1]), predicted=np.array([0, 0, 0, 1, 1]))
    cells = point_cells(frame, 4, 2)
    assert cells[0, 0] == 1 * 2 + 1  # label 1, misclassified: wins over the right one in its cell
    assert cells[1, 3] == 0 and cells[0, 2] == 2
    assert (cells == NO_POINT).sum() == 5  # 3 cells taken; (7, 0) is off the plane
    assert frame.wrong.tolist() == [True, False, False, False, False]
    assert not BoundaryFrame(np.zeros((1, 1)), np.zeros((1, 2)), np.array([1])).wrong.any()


class One(App):
    def compose(self) -> ComposeResult:
        yield DecisionBoundary(("no", "yes"), note="epoch 1")


@pytest.mark.parametrize("size", [(80, 24), (41, 12)])
async def test_widget_draws_the_plane_square_and_the_legend(size):
    app = One()
    async with app.run_test(size=size) as pilot:
        widget = app.query_one(DecisionBoundary)
        assert "first prediction" in "".join(widget.render_line(y).text for y in range(widget.size.height))
        xy = np.array([[-3.0, 3.0], [3.0, -3.0]])
        widget.frame = BoundaryFrame(probability_grid(lambda p: (p[:, 0] > 0).astype(float), 100, 100), xy,
                                     np.array([0, 1]), predicted=np.array([0, 0]))
        await pilot.pause()
        cols, rows = widget.plane_size()
        assert cols == min(size[0], 2 * (size[1] - 1)) and rows == (cols + 1) // 2
        lines = [widget.render_line(y).text for y in range(widget.size.height)]
        assert all(len(line) == size[0] for line in lines)
        assert "◆" in lines[rows // 4] and "✕" in lines[3 * rows // 4]
        assert "yes" in lines[rows] and "no" in lines[rows] and "misclassified 1 of 2" in lines[rows]
        await pilot.resize_terminal(size[0] + 10, size[1] + 4)
        await pilot.pause()
        assert len(widget.render_line(0).text) == size[0] + 10
