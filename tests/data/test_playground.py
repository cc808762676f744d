"""TensorFlow Playground's 2-D sets: the formulas of its src/dataset.ts at given draws, and the sets."""

import math

import numpy as np
import pytest

from nntui.data import DataError, generate
from nntui.data.playground import circles, gaussian, spiral, xor

S = math.sqrt(0.5)


# --- the formulas at points worked out by hand from dataset.ts ---------------------------------


def test_spiral_formula():
    # numSamples 8: n = 4 per arm; r = i / n * 5, t = 1.75 * i / n * 2 pi (+ pi for the negative arm)
    xy, label = spiral(np.full((8, 2), 0.5), 0.0)
    assert label.tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    # positive arm, i = 2: r = 2.5, t = 1.75 pi -> (2.5 sin, 2.5 cos) = (-1.76777, 1.76777)
    np.testing.assert_allclose(xy[2], [-2.5 * S, 2.5 * S], atol=1e-12)
    # negative arm, i = 1: r = 1.25, t = 0.875 pi + pi = 1.875 pi -> (-0.478354, 1.154849)
    np.testing.assert_allclose(xy[5], [-0.47835429, 1.15484941], atol=1e-8)
    np.testing.assert_allclose(xy[[0, 4]], [[0, 0], [0, 0]], atol=1e-15)  # both arms start at the centre
    # noise: x += randUniform(-1, 1) * noise; draws 0.75 and 0.25 give +0.5 and -0.5, times noise 0.5
    u = np.tile([0.75, 0.25], (8, 1))
    noisy, _ = spiral(u, 0.5)
    np.testing.assert_allclose(noisy - xy, np.tile([0.25, -0.25], (8, 1)), atol=1e-12)


def test_xor_formula():
    # x = randUniform(-5, 5) = 0.7 * 10 - 5 = 2, padded to 2.3; y = 0.2 * 10 - 5 = -3, padded to -3.3
    xy, label = xor(np.array([[0.7, 0.2, 0.5, 0.5]]), 0.0)
    np.testing.assert_allclose(xy, [[2.3, -3.3]])
    assert label.tolist() == [0]  # x * y < 0: Playground's -1
    # (0.5, 0.5) in the positive quadrant; the label is taken at the point moved by the noise:
    # noise 0.5, draws 0 -> (-2.5, -2.5): (-2)(-2) >= 0 -> 1; draws (0, 0.999) -> (-2, ~3) -> 0
    xy, label = xor(np.array([[0.52, 0.52, 0.0, 0.0], [0.52, 0.52, 0.0, 0.999]]), 0.5)
    np.testing.assert_allclose(xy, [[0.5, 0.5], [0.5, 0.5]], atol=1e-12)
    assert label.tolist() == [1, 0]


def test_circles_formula():
    # positive: r = randUniform(0, 2.5) = 1.25, angle = 0.25 * 2 pi -> (1.25 sin, 1.25 cos) = (1.25, 0)
    # negative: r = randUniform(3.5, 5) = 3.5, angle 0 -> (0, 3.5)
    xy, label = circles(np.array([[0.5, 0.25, 0.5, 0.5], [0.0, 0.0, 0.5, 0.5]]), 0.0)
    np.testing.assert_allclose(xy, [[1.25, 0.0], [0.0, 3.5]], atol=1e-12)
    assert label.tolist() == [1, 0]
    # a point inside near the edge, pushed out by noise 0.5 * randUniform(-5, 5) = +2.5: labelled 0
    xy, label = circles(np.array([[0.99, 0.25, 1.0, 0.5], [0.0, 0.0, 0.5, 0.5]]), 0.5)
    assert xy[0, 0] == pytest.approx(2.475) and label.tolist() == [0, 0]


def test_gaussian_formula():
    # variance = linear [0, 0.5] -> [0.5, 4]; normalRandom(mean, variance) = mean + sqrt(variance) * z
    z = np.array([[1.0, -1.0], [0.5, 0.0]])
    xy, label = gaussian(z, 0.5)
    np.testing.assert_allclose(xy, [[4.0, 0.0], [-1.0, -2.0]])
    assert label.tolist() == [1, 0]
    xy, _ = gaussian(z, 0.0)
    np.testing.assert_allclose(xy[0], [2 + S, 2 - S])
    xy, _ = gaussian(z, 0.25)  # variance 2.25
    np.testing.assert_allclose(xy[1], [-2 + 0.75, -2.0])


# --- the sets --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["circles", "xor", "gaussian", "spiral"])
def test_sets_are_deterministic_float32_and_test_drawn_apart(name):
    a, b = generate(name, seed=3, noise=0.1), generate(name, seed=3, noise=0.1)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    assert a.x_train.shape == (500, 2) and a.x_test.shape == (500, 2)
    assert a.x_train.dtype == np.float32 and set(np.unique(a.y_train)) == {0, 1}
    assert not np.array_equal(a.x_train, a.x_test)
    assert not np.array_equal(a.x_train, generate(name, seed=4, noise=0.1).x_train)
    assert np.abs(a.x_train).max() < 6 * 1.5  # near Playground's plane [-6, 6]
    assert a.class_names == ("orange", "blue") and a.num_classes == 2 and a.title == name
    assert generate(name, samples=40, seed=1).x_train.shape == (40, 2)


def test_shuffled_and_balanced():
    s = generate("spiral", samples=500)
    assert np.bincount(s.y_train).tolist() == [250, 250]
    assert 0.3 < s.y_train[:250].mean() < 0.7  # shuffled: not one class after the other
    g = generate("gaussian", samples=501, test_samples=20)
    assert np.bincount(g.y_train).tolist() == [250, 251] and len(g.x_test) == 20


def test_noise_free_sets_follow_their_rules():
    x = generate("xor", seed=2)
    assert np.array_equal(x.y_train, (x.x_train[:, 0] * x.x_train[:, 1] >= 0).astype(np.uint8))
    assert np.abs(x.x_train).min() >= 0.3 - 1e-6
    c = generate("circles", seed=2)
    r = np.hypot(*c.x_train.T)
    assert (r[c.y_train == 1] < 2.5).all() and (r[c.y_train == 0] >= 3.5 - 1e-5).all()
    g = generate("gaussian", samples=4000, seed=2)
    np.testing.assert_allclose(g.x_train[g.y_train == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(g.x_train[g.y_train == 0].std(axis=0), [S, S], atol=0.05)


@pytest.mark.parametrize("kw, message", [
    ({"name": "moons"}, "'moons': not one of Playground's sets (circles, xor, gaussian, spiral)"),
    ({"samples": 1}, "samples: expected an integer of at least 2, got 1"),
    ({"noise": 0.6}, "noise: expected a number from 0 to 0.5, got 0.6"),
])
def test_bad_settings(kw, message):
    kw = {"name": "spiral"} | kw
    with pytest.raises(DataError) as e:
        generate(**kw)
    assert str(e.value) == message
