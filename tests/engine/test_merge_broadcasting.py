"""Merge layers broadcast like Keras 3's: shapes, values, gradients summed over broadcast axes; Subtract,
Maximum and Minimum beside Add, Multiply and Average."""

import numpy as np
import pytest
from gradcheck import check_model_theta_gradient
from test_merge_layers import built, check_merge_input_gradients, rng

from nntui.engine.layers import (LAYER_TYPES, Add, Average, Conv2D, Dense, Maximum, Minimum, Multiply, Subtract,
                                 create_layer)
from nntui.engine.layers.merge import broadcast_shape
from nntui.engine.model import GraphError, Model
from nntui.engine.shapes import ShapeError

ELEMENTWISE = [Add, Subtract, Multiply, Average, Maximum, Minimum]
SHAPES = [[(3, 2, 1), (3, 2, 4)], [(3, 2, 4), (4,)], [(1, 4), (3, 1)], [(3, 2, 4), (3, 2, 4)],
          [(2, 1), (2, 3), (1, 3)]]
CASES = [(cls, shapes) for cls in ELEMENTWISE for shapes in SHAPES if cls is not Subtract or len(shapes) == 2]


def keras_reference(cls, xs):
    """What Keras 3 computes: lower-rank inputs expanded after the batch axis, then NumPy broadcasting."""
    rank = max(x.ndim for x in xs)
    xs = [x.reshape(x.shape[0], *(1,) * (rank - x.ndim), *x.shape[1:]) for x in xs]
    if cls is Subtract:
        return xs[0] - xs[1]
    ops = {Add: np.add, Multiply: np.multiply, Average: np.add, Maximum: np.maximum, Minimum: np.minimum}
    out = xs[0]
    for x in xs[1:]:
        out = ops[cls](out, x)
    return out / len(xs) if cls is Average else out


def test_the_new_merges_are_registered_with_keras_names():
    for cls in (Subtract, Maximum, Minimum):
        assert LAYER_TYPES[cls.type_name] is cls and cls.family == "merge" and cls().get_config() == {}
    assert Subtract.arity == (2, 2) and Maximum.arity == (2, None)
    assert create_layer("Maximum", name="m").name == "m"


def test_broadcast_shape_follows_keras():
    assert broadcast_shape((28, 28, 1), (28, 28, 4)) == (28, 28, 4)
    assert broadcast_shape((28, 28, 4), (4,)) == (28, 28, 4)
    assert broadcast_shape((1,), (7, 7, 8)) == (7, 7, 8)
    assert broadcast_shape((5, 1), (1, 6)) == (5, 6)
    assert broadcast_shape((None, 3), (4, 3)) == (None, 3)
    assert broadcast_shape((64,), (32,)) is None
    assert broadcast_shape((8, 8, 16), (4, 4, 16)) is None


@pytest.mark.parametrize("cls", ELEMENTWISE)
def test_shapes_broadcast_where_one_of_them_is_1(cls):
    layer = cls(name="m")
    assert layer.compute_output_shape([(None, 28, 28, 1), (None, 28, 28, 4)]) == (None, 28, 28, 4)
    assert layer.compute_output_shape([(None, 28, 28, 4), (None, 4)]) == (None, 28, 28, 4)
    assert layer.compute_output_shape([(None, 1, 6), (None, 5, 1)]) == (None, 5, 6)
    with pytest.raises(ShapeError) as info:
        layer.compute_output_shape([(None, 28, 28, 3), (None, 28, 28, 4)])
    assert str(info.value).startswith(f"{cls.type_name} needs equal shapes (or 1 where they differ); it received "
                                      "(None, 28, 28, 3) and (None, 28, 28, 4).")


def test_the_exact_example_of_the_issue():
    model = Model((28, 28, 1), [Conv2D(filters=4, kernel_size=3, padding="same", name="c"), Multiply(name="gate")],
                  inputs=[None, ["input", "c"]])
    report = model.infer_shapes()
    assert report.error is None and report.rows[-1].output_shape == (None, 28, 28, 4)


def test_subtract_takes_exactly_two_inputs():
    model = Model((3,), [Dense(units=3, name="a"), Subtract(name="s")], inputs=[None, ["input", "a", "a"]])
    report = model.infer_shapes()
    assert isinstance(report.error, GraphError) and "Subtract 's'" in str(report.error)


@pytest.mark.parametrize(("cls", "shapes"), CASES)
def test_values_equal_keras_broadcasting(cls, shapes):
    layer = built(cls, shapes, dtype=np.float32)
    xs = [rng(i).normal(size=(5, *s)).astype(np.float32) for i, s in enumerate(shapes)]
    out = layer.forward(xs, False)
    assert out.dtype == np.float32 and out.shape == (5, *layer.output_shape[1:])
    np.testing.assert_allclose(out, keras_reference(cls, xs), rtol=1e-6)


@pytest.mark.parametrize(("cls", "shapes"), CASES)
def test_gradients_of_broadcast_inputs_are_summed_over_the_broadcast_axes(cls, shapes):
    layer = built(cls, shapes)
    xs = [rng(20 + i).normal(size=(4, *s)) for i, s in enumerate(shapes)]
    check_merge_input_gradients(layer, xs)
    grads = layer.backward(np.ones((4, *layer.output_shape[1:])))
    for g, x in zip(grads, xs):
        assert g.shape == x.shape
    for i in range(len(grads)):
        for j in range(i + 1, len(grads)):
            assert not np.shares_memory(grads[i], grads[j])


@pytest.mark.parametrize("cls", [Maximum, Minimum])
def test_a_tie_gives_the_gradient_to_the_first_input_as_keras_pairwise(cls):
    layer = built(cls, [(3,)] * 3)
    xs = [np.array([[1.0, 5.0, 2.0]]), np.array([[1.0, 5.0, 7.0]]), np.array([[0.0, 5.0, 7.0]])]
    if cls is Minimum:
        xs = [-x for x in xs]
    layer.forward(xs, False)
    g = layer.backward(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_array_equal(g[0], [[1.0, 2.0, 0.0]])
    np.testing.assert_array_equal(g[1], [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(g[2], [[0.0, 0.0, 0.0]])


@pytest.mark.parametrize("cls", ELEMENTWISE)
def test_a_broadcast_merge_inside_a_graph_has_exact_parameter_gradients(cls):
    """Dense(1) (a per-sample scale) merged with Dense(5); relu branches overwrite their dy in place."""
    layers = [Dense(units=1, activation="relu", name="a"), Dense(units=5, activation="relu", name="b"),
              cls(name="m"), Dense(units=3, name="out")]
    model = Model((4,), layers, inputs=[["input"], ["input"], ["a", "b"], None]).build(seed=0, dtype=np.float64)
    assert model.layer("m").output_shape == (None, 5)
    check_model_theta_gradient(model, rng(3).normal(size=(8, 4)))
