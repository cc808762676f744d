"""The soft brush and the MNIST preparation of a hand-drawn digit (nntui.data.handwriting)."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.data.handwriting import (
    BOX, CENTRE, INK, SIZE, Brush, Canvas, as_input, centre_of_mass, ink_box, input_problem, prepare,
    resampling_matrix,
)

# a '2' as a polyline of (row, column) points, 18 rows by 12 columns, its top-left at (0, 0)
TWO = [(1, 1), (0, 4), (1, 8), (4, 10), (8, 8), (13, 3), (17, 0), (17, 11)]


def drawn(points, offset=(0.0, 0.0), canvas=None) -> Canvas:
    canvas = canvas or Canvas()
    moved = [(r + offset[0], c + offset[1]) for r, c in points]
    for a, b in zip(moved, moved[1:]):
        canvas.stroke(a, b)
    return canvas


# ------------------------------------------------------------------------------------------ the brush
def test_the_brush_is_full_in_its_centre_and_soft_at_its_rim():
    canvas = Canvas(Brush(core=0.8, rim=2.0))
    canvas.stroke((10, 10))
    p = canvas.pixels
    assert p[10, 10] == 1.0
    assert 0.0 < p[10, 11] < 1.0 and 0.0 < p[11, 11] < p[10, 11]  # partial, fading with distance
    assert p[10, 12] == 0.0 and p[12, 12] == 0.0 and p[:, :8].max() == 0.0
    w = p[7:14, 7:14]
    assert np.array_equal(w, w.T) and np.array_equal(w, w[::-1]) and np.array_equal(w, w[:, ::-1])  # round


def test_a_stroke_is_the_brush_dragged_along_the_segment():
    segment, dots = Canvas(), Canvas()
    segment.stroke((5.0, 4.0), (20.0, 13.0))
    for t in np.linspace(0.0, 1.0, 400):
        dots.stroke((5.0 + 15.0 * t, 4.0 + 9.0 * t))
    assert np.abs(segment.pixels - dots.pixels).max() < 0.02
    assert segment.pixels.dtype == np.float32 and segment.pixels.max() == 1.0


def test_strokes_over_strokes_do_not_darken_the_rims_and_the_eraser_takes_ink_away():
    canvas = drawn(TWO, (5, 8))
    before = canvas.pixels.copy()
    assert np.array_equal(drawn(TWO, (5, 8), canvas=canvas).pixels, before)  # the same strokes again: no change
    assert canvas.stroke((9, 18)) is False  # a dot on a corner of the stroke
    assert canvas.stroke((13, 13), (13, 20), erase=True) is True
    assert canvas.pixels[13, 13:21].max() == 0.0 and canvas.pixels[12, 13:21].max() < 0.2
    assert (canvas.pixels <= before).all() and np.array_equal(canvas.pixels[16:], before[16:])
    canvas.clear()
    assert canvas.empty and not canvas.pixels.any()


def test_points_outside_the_field_paint_only_their_part_inside():
    canvas = Canvas()
    assert canvas.stroke((-10, -10)) is False
    canvas.stroke((0, 27), (-5, 40))
    assert canvas.pixels[0, 27] == 1.0 and canvas.pixels[3:, :].max() == 0.0


# ------------------------------------------------------------------------------------------ the preparation
def test_a_digit_in_a_corner_and_in_the_centre_give_the_same_prepared_input():
    centre = prepare(drawn(TWO, (5, 8)).pixels)
    for offset in [(1, 1), (1, 15), (9, 1), (9, 15), (4, 7)]:  # whole pixels: the keyboard's and mouse's steps
        corner = prepare(drawn(TWO, offset).pixels)
        assert np.abs(corner.image - centre.image).max() < 1e-6, offset
    for offset in [(1.5, 1.5), (2.3, 14.6), (8.5, 1.25)]:  # between pixels: MNIST's whole-pixel shift jitters
        corner = prepare(drawn(TWO, offset).pixels)
        assert abs(corner.image.sum() - centre.image.sum()) < 0.1 * centre.image.sum(), offset
        assert np.abs(np.subtract(corner.centre, centre.centre)).max() < 1.0, offset
        assert np.abs(corner.image - centre.image).mean() < 0.1, offset


@pytest.mark.parametrize("start, end", [((4, 12), (14, 16)), ((3, 3), (6, 25)), ((2, 5), (25, 9)),
                                        ((10, 10), (12, 13))])
def test_scaling_fits_the_box_into_20_pixels_and_keeps_its_aspect_ratio(start, end):
    canvas = Canvas()
    (r0, c0), (r1, c1) = start, end  # a hollow rectangle
    for a, b in [((r0, c0), (r0, c1)), ((r0, c1), (r1, c1)), ((r1, c1), (r1, c0)), ((r1, c0), (r0, c0))]:
        canvas.stroke(a, b)
    prepared = prepare(canvas.pixels)
    top, left, height, width = prepared.box
    assert (top, left, height, width) == ink_box(canvas.pixels)
    assert max(prepared.size) == BOX and prepared.scale == pytest.approx(BOX / max(height, width))
    assert prepared.size == (round(height * prepared.scale), round(width * prepared.scale))
    assert abs(prepared.size[1] / prepared.size[0] - width / height) <= 0.5 / min(prepared.size) * 2
    _, _, h, w = ink_box(prepared.image)
    assert (h, w) == prepared.size  # the scaled ink fills exactly the scaled box
    assert np.abs(np.subtract(prepared.centre, (CENTRE, CENTRE))).max() <= 0.5
    assert prepared.image.dtype == np.float32 and 0.0 <= prepared.image.min() and prepared.image.max() <= 1.0


def test_a_tiny_drawing_is_enlarged_and_a_huge_one_shrunk():
    small, big = Canvas(), Canvas()
    small.stroke((12, 13), (16, 14))
    big.stroke((1, 2), (26, 25))
    assert prepare(small.pixels).scale > 2 and prepare(big.pixels).scale < 1
    for canvas in (small, big):
        assert max(prepare(canvas.pixels).size) == BOX


def test_resampling_is_the_identity_at_scale_one_and_keeps_flat_areas_flat():
    assert np.array_equal(resampling_matrix(17, 17), np.eye(17, dtype=np.float32))
    for n_in, n_out in [(7, 20), (26, 20), (20, 9)]:
        m = resampling_matrix(n_in, n_out)
        assert m.shape == (n_out, n_in) and m.dtype == np.float32 and (m >= 0).all()
        assert np.allclose(m.sum(axis=1)[2:-2], 1.0, atol=1e-6) and (m.sum(axis=1) <= 1 + 1e-6).all()


def test_an_empty_canvas_prepares_nothing():
    canvas = Canvas()
    assert canvas.empty and prepare(canvas.pixels) is None and ink_box(canvas.pixels) is None
    canvas.pixels[3, 3] = INK / 2  # below a byte's worth of ink: still blank paper
    assert canvas.empty and prepare(canvas.pixels) is None


def test_centre_of_mass_counts_pixels_at_their_centres():
    image = np.zeros((SIZE, SIZE), np.float32)
    image[3, 5], image[7, 9] = 1.0, 3.0
    assert centre_of_mass(image) == pytest.approx((6.0, 8.0))


def test_an_mnist_like_digit_goes_through_unchanged():
    """A 20-pixel box whose centre of mass rounds to (14, 14): no scaling, no shift, the same bits."""
    canvas = drawn(TWO, (0, 0))
    prepared = prepare(canvas.pixels)
    again = Canvas()
    again.pixels[...] = prepared.image
    assert np.array_equal(prepare(again.pixels).image, prepared.image)


def test_real_mnist_test_digits_are_fixed_points_of_the_preparation(real_mnist):
    from nntui.data import load_mnist

    images = load_mnist(real_mnist).x_test[:300]
    canvas = Canvas()
    for image in images:
        canvas.load_pixels(image)
        assert canvas.pixels.dtype == np.float32
        assert np.array_equal(prepare(canvas.pixels).image, canvas.pixels)


def test_load_pixels_takes_one_28x28_byte_image():
    canvas = Canvas()
    with pytest.raises(ValueError, match="28x28 uint8"):
        canvas.load_pixels(np.zeros((28, 28), np.float32))
    image = np.zeros((28, 28), np.uint8)
    image[4, 4] = 255
    canvas.load_pixels(image)
    assert canvas.pixels[4, 4] == 1.0 and canvas.pixels.sum() == 1.0


# ------------------------------------------------------------------------------------------ the model's input
@pytest.mark.parametrize("shape", [(784,), (28, 28), (28, 28, 1), (14, 56)])
def test_every_input_of_784_values_takes_the_drawing_row_by_row(shape):
    image = np.arange(784, dtype=np.float32).reshape(28, 28)
    assert input_problem(shape) is None
    x = as_input(image, shape)
    assert x.shape == (1, *shape) and x.dtype == np.float32 and np.array_equal(x.reshape(-1), image.reshape(-1))


@pytest.mark.parametrize("shape, shown", [((32,), "(None, 32) holds 32 values"),
                                          ((28, 28, 3), "(None, 28, 28, 3) holds 2,352 values")])
def test_another_input_says_why_it_cannot_read_a_drawing(shape, shown):
    problem = input_problem(shape)
    assert shown in problem and "(None, 784), (None, 28, 28) or (None, 28, 28, 1)" in problem
    with pytest.raises(ValueError, match="784 pixels"):
        as_input(np.zeros((28, 28), np.float32), shape)
