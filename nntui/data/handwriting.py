"""A hand-drawn digit, made ready for a network trained on MNIST (pure NumPy).

Two parts:

- :class:`Canvas`: a 28x28 float32 field in [0, 1] (0 is paper, 1 full ink) painted with a soft
  round brush, full in its centre and fading over its rim, so that a stroke has anti-aliased edges
  like MNIST's. A stroke from one point to the next paints the whole segment at once (the distance
  of every pixel of its window to the segment, in one vectorised expression); ink combines with
  ``max`` (a stroke over a stroke never darkens the rims) and the eraser with ``min``.
- :func:`prepare`: the drawing made the way MNIST's digits were (LeCun et al.): the bounding box of
  the ink scaled to fit a 20x20 box keeping its aspect ratio (anti-aliased: a triangle filter as wide
  as the larger of one source pixel and one output pixel, so it averages when it shrinks and
  interpolates when it grows), then placed in the 28x28 field with an integer shift that puts its
  centre of mass at the centre. MNIST's own digits have their centre of mass within half a pixel of
  (14, 14) (row and column counted from 0, measured on the 10,000 test digits), so that is the
  centre; their larger side is 20 pixels (9,997 of the test digits; 3 have 19).

A digit that is already prepared (a 20-pixel box, its centre of mass rounding to (14, 14)) comes out
of :func:`prepare` bit for bit as it went in: scaling by 1 and shifting by 0 are skipped. So an MNIST
image put on the canvas as pixels (:meth:`Canvas.load_pixels`: value = byte x float32(1/255), the
very values the datasets feed the model) reaches the model unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

SIZE = 28  # the canvas and the prepared field are SIZE x SIZE pixels
BOX = 20  # the larger side of the prepared digit
CENTRE = 14.0  # where the prepared digit's centre of mass lies (row and column), as in MNIST
INK = 0.5 / 255.0  # values below this are blank paper (they would be 0 as a byte)
PIXELS = SIZE * SIZE
INPUT_SHAPES = ((784,), (28, 28), (28, 28, 1))  # the shipped presets' inputs; any shape of 784 values works


@dataclass(frozen=True)
class Brush:
    """A round soft brush: full ink within ``core`` pixels of its centre, fading linearly to none at ``rim``."""

    core: float = 0.8
    rim: float = 2.0

    def ink(self, distance: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Ink (0 to 1) at each distance from the brush's path, written into ``out``."""
        np.subtract(self.rim, distance, out=out)
        out *= np.float32(1.0 / (self.rim - self.core))
        return np.clip(out, 0.0, 1.0, out=out)


class Canvas:
    """A SIZE x SIZE float32 drawing in [0, 1]; points are (row, column) in pixels, floats allowed.

    Pixel (r, c) is the unit square centred on (r, c); a point outside the field is allowed (the
    brush's part inside still paints).
    """

    def __init__(self, brush: Brush | None = None) -> None:
        self.brush = brush or Brush()
        self.pixels = np.zeros((SIZE, SIZE), np.float32)
        self._rows = np.arange(SIZE, dtype=np.float32)[:, None]
        self._cols = np.arange(SIZE, dtype=np.float32)[None, :]
        self._ink = np.empty((SIZE, SIZE), np.float32)

    @property
    def empty(self) -> bool:
        """Whether nothing is drawn (no pixel has ink)."""
        return not bool((self.pixels >= INK).any())

    def clear(self) -> None:
        self.pixels.fill(0.0)

    def load_pixels(self, image: np.ndarray) -> None:
        """Put a uint8 28x28 image (an MNIST digit) on the canvas as pixels: byte x float32(1/255), as the datasets do."""
        image = np.asarray(image)
        if image.shape != (SIZE, SIZE) or image.dtype != np.uint8:
            raise ValueError(f"expected a {SIZE}x{SIZE} uint8 image, got {image.dtype} {image.shape}")
        np.multiply(image, np.float32(1.0 / 255.0), out=self.pixels)

    def stroke(self, start: tuple[float, float], end: tuple[float, float] | None = None, *,
               erase: bool = False) -> bool:
        """Paint (or erase) the segment from ``start`` to ``end`` (a dot when ``end`` is None); whether anything changed."""
        (r0, c0), (r1, c1) = start, end if end is not None else start
        reach = self.brush.rim
        top, bottom = max(0, int(np.floor(min(r0, r1) - reach))), min(SIZE, int(np.ceil(max(r0, r1) + reach)) + 1)
        left, right = max(0, int(np.floor(min(c0, c1) - reach))), min(SIZE, int(np.ceil(max(c0, c1) + reach)) + 1)
        if top >= bottom or left >= right:
            return False
        rows, cols = self._rows[top:bottom] - np.float32(r0), self._cols[:, left:right] - np.float32(c0)
        dr, dc = np.float32(r1 - r0), np.float32(c1 - c0)
        length2 = dr * dr + dc * dc
        if length2 > 0:  # the nearest point of the segment to each pixel: start + t (end - start), t in [0, 1]
            t = np.clip((rows * dr + cols * dc) / length2, 0.0, 1.0)
            rows, cols = rows - t * dr, cols - t * dc
        ink = self._ink[:bottom - top, :right - left]
        np.hypot(rows, cols, out=ink)
        self.brush.ink(ink, ink)
        window = self.pixels[top:bottom, left:right]
        before = window.copy()
        if erase:
            np.minimum(window, np.float32(1.0) - ink, out=window)
        else:
            np.maximum(window, ink, out=window)
        return not np.array_equal(before, window)


@dataclass(frozen=True)
class Prepared:
    """The drawing made ready for the model, and how it was made (for the pad to show)."""

    image: np.ndarray  # SIZE x SIZE float32 in [0, 1]
    box: tuple[int, int, int, int]  # the ink's bounding box on the canvas: top, left, height, width
    size: tuple[int, int]  # its height and width once scaled (the larger one is BOX)
    scale: float  # BOX / the larger side of the box
    offset: tuple[int, int]  # where the scaled box's top-left corner went in the field (row, column)
    centre: tuple[float, float]  # the prepared image's centre of mass (row, column)
    drawn_centre: tuple[float, float]  # the drawing's centre of mass on the canvas
    scaled: np.ndarray  # the box's ink once scaled (``size``), before it is placed


def ink_box(pixels: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, left, height, width) of the pixels with ink, or None when there are none."""
    inked = pixels >= INK
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def resampling_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) float32 weights that resample a row of ``n_in`` pixels to ``n_out``, anti-aliased.

    Output pixel i covers the same stretch of the row as source positions centred on
    (i + 0.5) * n_in / n_out - 0.5; its weights are a triangle as wide as max(1, n_in / n_out) source
    pixels each side (a tent: linear interpolation when growing, averaging when shrinking), normalised
    over the whole tent, so pixels past the ends count as blank paper. n_in == n_out gives the identity.
    """
    step = n_in / n_out
    reach = max(1.0, step)
    centres = (np.arange(n_out) + 0.5) * step - 0.5
    span = int(np.ceil(reach)) + 1
    positions = np.arange(-span, n_in + span)
    tent = np.maximum(0.0, 1.0 - np.abs(positions[None, :] - centres[:, None]) / reach)
    tent /= tent.sum(axis=1, keepdims=True)
    return tent[:, span:span + n_in].astype(np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of an image's intensity-weighted centre (pixel (r, c) at (r, c))."""
    mass = float(image.sum(dtype=np.float64))
    rows = float(image.sum(axis=1, dtype=np.float64) @ np.arange(image.shape[0]))
    cols = float(image.sum(axis=0, dtype=np.float64) @ np.arange(image.shape[1]))
    return rows / mass, cols / mass


def prepare(pixels: np.ndarray) -> Prepared | None:
    """The drawing as MNIST would have it (see the module's doc); None for a blank canvas."""
    box = ink_box(pixels)
    if box is None:
        return None
    top, left, height, width = box
    window = pixels[top:top + height, left:left + width]
    crop = np.where(window >= INK, window, np.float32(0.0)).astype(np.float32, copy=False)
    drawn = centre_of_mass(crop)
    scale = BOX / max(height, width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    if size != (height, width):
        crop = resampling_matrix(height, size[0]) @ crop @ resampling_matrix(width, size[1]).T
        np.clip(crop, 0.0, 1.0, out=crop)
    cy, cx = centre_of_mass(crop)
    offset = (int(np.round(CENTRE - cy)), int(np.round(CENTRE - cx)))
    image = np.zeros((SIZE, SIZE), np.float32)
    (r0, r1), (s0, s1) = _overlap(offset[0], size[0])
    (c0, c1), (t0, t1) = _overlap(offset[1], size[1])
    image[r0:r1, c0:c1] = crop[s0:s1, t0:t1]
    return Prepared(image, box, size, scale, offset, centre_of_mass(image), (drawn[0] + top, drawn[1] + left), crop)


def _overlap(start: int, length: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The rows of the field and of the pasted block that meet when the block starts at ``start``."""
    lo, hi = max(0, start), min(SIZE, start + length)
    return (lo, hi), (lo - start, hi - start)


# ------------------------------------------------------------------------------------------ the model's input
def input_problem(input_shape) -> str | None:
    """Why a model with this input shape (no batch axis) cannot read a drawing; None when it can."""
    shape = tuple(input_shape)
    if prod(shape) == PIXELS:
        return None
    shown = "(None, " + ", ".join(map(str, shape)) + ")"
    return (f"The pad draws 28x28 = 784 pixels, but this model's input {shown} holds {prod(shape):,} values; "
            "drawing needs an input of (None, 784), (None, 28, 28) or (None, 28, 28, 1).")


def as_input(image: np.ndarray, input_shape) -> np.ndarray:
    """A prepared 28x28 image as a batch of one with the model's input shape, row by row as the datasets do."""
    problem = input_problem(input_shape)
    if problem is not None:
        raise ValueError(problem)
    return np.ascontiguousarray(image, dtype=np.float32).reshape(1, *tuple(input_shape))
