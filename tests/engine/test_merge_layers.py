"""Merge layers (Concatenate, Add, Multiply, Average): Keras's keys and shape rules, values, gradients, aliasing."""

import numpy as np
import pytest
from gradcheck import assert_gradients_close, check_model_theta_gradient, fixed_weights, numerical_gradient

from nntui.engine.config import ConfigError
from nntui.engine.layers import LAYER_TYPES, Add, Average, Concatenate, Conv2D, Dense, Flatten, Multiply, create_layer
from nntui.engine.model import GraphError, Model, ModelShapeError
from nntui.engine.shapes import ShapeError

MERGES = [Add, Average, Multiply, Concatenate]
ELEMENTWISE = [Add, Average, Multiply]


def rng(seed=0):
    return np.random.default_rng(seed)


def built(cls, shapes, dtype=np.float64, **config):
    layer = cls(name=cls.type_name.lower(), **config)
    layer.build([(None, *s) for s in shapes], dtype=dtype)
    return layer


def reference(cls, xs, axis=-1):
    if cls is Add:
        return sum(xs)
    if cls is Average:
        return sum(xs) / len(xs)
    if cls is Multiply:
        out = xs[0].copy()
        for x in xs[1:]:
            out = out * x
        return out
    return np.concatenate(xs, axis=axis)


# ---------------------------------------------------------------------- registry and config
def test_registered_with_keras_names_and_automatic_names():
    for cls in MERGES:
        assert LAYER_TYPES[cls.type_name] is cls and cls.family == "merge"
        assert cls.arity == (2, None) and cls().multi_input
    model = Model((4,), [Dense(units=4), Dense(units=4), Add(), Concatenate(), Multiply(), Average()],
                  inputs=[["input"], ["input"], ["dense", "dense_1"], ["dense", "add"], ["add", "add"],
                          ["multiply", "add"]], outputs=["concatenate", "average"])
    assert [l.name for l in model.layers][2:] == ["add", "concatenate", "multiply", "average"]


def test_config_keys_are_keras():
    assert Concatenate().get_config() == {"axis": -1}
    assert create_layer("Concatenate", axis=1).get_config() == {"axis": 1}
    for cls in ELEMENTWISE:
        assert cls().get_config() == {}
    with pytest.raises(ConfigError, match="units"):
        Add(units=3)
    with pytest.raises(ConfigError, match="axis"):
        Concatenate(axis=1.5)


# ---------------------------------------------------------------------- shapes
@pytest.mark.parametrize("cls", ELEMENTWISE)
def test_elementwise_needs_equal_shapes(cls):
    layer = cls(name="m")
    assert layer.compute_output_shape([(None, 64), (None, 64), (None, 64)]) == (None, 64)
    assert layer.compute_output_shape([(None, 7, 7, 8)] * 2) == (None, 7, 7, 8)
    assert layer.count_params([(None, 64), (None, 64)]) == 0
    with pytest.raises(ShapeError) as info:
        layer.compute_output_shape([(None, 64), (None, 32)])
    assert str(info.value) == (f"{cls.type_name} needs equal shapes (or 1 where they differ); "
                               "it received (None, 64) and (None, 32). "
                               "Add a Dense(64) to the second branch.")
    assert info.value.layer == "m"


def test_elementwise_fix_for_channels_spatial_size_rank_and_third_input():
    add = Add()
    with pytest.raises(ShapeError, match=r"\(None, 8, 8, 16\) and \(None, 8, 8, 32\)\. "
                                         r"Add a Conv2D\(16, 1\) \(a 1x1 convolution\) to the second branch\."):
        add.compute_output_shape([(None, 8, 8, 16), (None, 8, 8, 32)])
    with pytest.raises(ShapeError, match=r"same strides, padding and pooling .* \(8x8 in the first branch, "
                                         r"4x4 in the second branch\)"):
        add.compute_output_shape([(None, 8, 8, 16), (None, 4, 4, 16)])
    with pytest.raises(ShapeError, match=r"Flatten\(\) then Dense\(10\) on the second branch"):
        add.compute_output_shape([(None, 10), (None, 4, 4, 16)])
    with pytest.raises(ShapeError, match=r"\(None, 5\), \(None, 5\) and \(None, 6\)\. Add a Dense\(5\) to the "
                                         r"third branch\."):
        add.compute_output_shape([(None, 5), (None, 5), (None, 6)])


def test_concatenate_shapes():
    cat = Concatenate(name="cat")
    assert cat.compute_output_shape([(None, 128), (None, 128)]) == (None, 256)
    assert cat.compute_output_shape([(None, 13, 13, 16), (None, 13, 13, 16), (None, 13, 13, 8)]) == \
        (None, 13, 13, 40)
    assert Concatenate(axis=1).compute_output_shape([(None, 3, 5), (None, 4, 5)]) == (None, 7, 5)
    assert Concatenate(axis=-2).compute_output_shape([(None, 3, 5), (None, 4, 5)]) == (None, 7, 5)
    assert cat.count_params([(None, 3), (None, 4)]) == 0
    with pytest.raises(ShapeError) as info:
        cat.compute_output_shape([(None, 26, 26, 4), (None, 13, 13, 4)])
    assert str(info.value) == ("Concatenate needs equal shapes except on axis -1; it received (None, 26, 26, 4) "
                               "and (None, 13, 13, 4). Give every branch the same strides, padding and pooling, "
                               "or Flatten every branch first.")
    with pytest.raises(ShapeError, match=r"same rank; it received \(None, 10\) and \(None, 4, 4, 16\)"):
        cat.compute_output_shape([(None, 10), (None, 4, 4, 16)])
    with pytest.raises(ShapeError, match="axis=0 is the batch axis"):
        Concatenate(axis=0).compute_output_shape([(None, 3), (None, 3)])
    with pytest.raises(ShapeError, match="axis=3 is beyond the 3-D inputs"):
        Concatenate(axis=3).compute_output_shape([(None, 3, 5), (None, 3, 5)])
    with pytest.raises(ShapeError, match="axis=-3 is the batch axis"):
        Concatenate(axis=-3).compute_output_shape([(None, 3, 5), (None, 3, 5)])


@pytest.mark.parametrize("cls", MERGES)
def test_a_single_input_is_refused(cls):
    with pytest.raises(ShapeError, match="at least 2 inputs"):
        cls().compute_output_shape([(None, 3)])
    model = Model((3,), [Dense(units=3, name="a"), cls(name="m")], inputs=[None, ["a"]])
    report = model.infer_shapes()
    assert isinstance(report.error, GraphError) and report.error_index == 1
    assert str(report.error) == f"{cls.type_name} 'm' takes at least 2 input(s); it was given 1"


def test_model_reports_a_misfit_merge_as_that_layer():
    layers = [Dense(units=64, name="a"), Dense(units=32, name="b"), Add(name="add"), Dense(units=10, name="out")]
    report = Model((8,), layers, inputs=[["input"], ["input"], ["a", "b"], None]).infer_shapes()
    assert isinstance(report.error, ModelShapeError) and report.error_index == 2
    assert report.rows[2].output_shape is None and report.rows[3].output_shape is None
    assert str(report.error) == ("Add needs equal shapes (or 1 where they differ); "
                                 "it received (None, 64) and (None, 32). "
                                 "Add a Dense(64) to the second branch.")


# ---------------------------------------------------------------------- values
@pytest.mark.parametrize("cls", MERGES)
@pytest.mark.parametrize("k", [2, 3])
def test_forward_matches_numpy(cls, k):
    shapes = [(4, 3)] * k if cls is not Concatenate else [(4, 3), (4, 1), (4, 2)][:k]
    layer = built(cls, shapes, dtype=np.float32)
    xs = [rng(i).normal(size=(5, *s)).astype(np.float32) for i, s in enumerate(shapes)]
    out = layer.forward(xs, False)
    assert out.dtype == np.float32 and out.shape == (5, *layer.output_shape[1:])
    np.testing.assert_allclose(out, reference(cls, xs), rtol=1e-6)


def test_concatenate_on_a_middle_axis():
    layer = built(Concatenate, [(2, 3, 4), (5, 3, 4)], axis=1)
    xs = [rng(1).normal(size=(6, 2, 3, 4)), rng(2).normal(size=(6, 5, 3, 4))]
    np.testing.assert_array_equal(layer.forward(xs, False), np.concatenate(xs, axis=1))
    g1, g2 = layer.backward(np.arange(6 * 7 * 12, dtype=np.float64).reshape(6, 7, 3, 4))
    assert g1.shape == (6, 2, 3, 4) and g2.shape == (6, 5, 3, 4) and g2[0, 0, 0, 0] == 2 * 12


# ---------------------------------------------------------------------- gradients
def check_merge_input_gradients(layer, xs, tol=1e-6):
    """Each input's dL/dx_i from backward against central differences, L = sum(out * R)."""
    out = layer.forward(xs, False)
    (r,) = fixed_weights([out.shape], seed=7)
    grads = [np.array(g) for g in layer.backward(r.copy())]
    assert len(grads) == len(xs)
    for i, x in enumerate(xs):
        numeric = numerical_gradient(lambda: float(np.sum(layer.forward(xs, False) * r)), x)
        assert_gradients_close(grads[i], numeric, tol, f"dL/dx{i} of {layer.type_name}")


@pytest.mark.parametrize("cls", MERGES)
@pytest.mark.parametrize("k", [2, 3, 4])
def test_input_gradients_match_finite_differences(cls, k):
    shapes = [(3, 2, 2)] * k if cls is not Concatenate else [(3, 2, i + 1) for i in range(k)]
    layer = built(cls, shapes)
    xs = [rng(10 + i).normal(size=(4, *s)) for i, s in enumerate(shapes)]
    check_merge_input_gradients(layer, xs)


def test_concatenate_gradient_on_axis_1():
    layer = built(Concatenate, [(2, 3), (4, 3)], axis=1)
    check_merge_input_gradients(layer, [rng(1).normal(size=(3, 2, 3)), rng(2).normal(size=(3, 4, 3))])


def test_multiply_with_zeros_has_exact_gradients():
    """No division: an input that is exactly 0 still gets the product of the others."""
    layer = built(Multiply, [(3,)] * 3)
    xs = [np.array([[0.0, 2.0, 3.0]]), np.array([[4.0, 0.0, 5.0]]), np.array([[6.0, 7.0, 0.0]])]
    layer.forward(xs, False)
    g = layer.backward(np.ones((1, 3)))
    np.testing.assert_array_equal(g[0], [[24.0, 0.0, 0.0]])
    np.testing.assert_array_equal(g[1], [[0.0, 14.0, 0.0]])
    np.testing.assert_array_equal(g[2], [[0.0, 0.0, 15.0]])


@pytest.mark.parametrize("cls", MERGES)
def test_backward_returns_arrays_that_share_no_memory(cls):
    shapes = [(3, 4)] * 3 if cls is not Concatenate else [(3, 4), (3, 2), (3, 1)]
    layer = built(cls, shapes)
    xs = [rng(i).normal(size=(5, *s)) for i, s in enumerate(shapes)]
    out = layer.forward(xs, True)
    dy = rng(9).normal(size=out.shape)
    grads = layer.backward(dy)
    for i in range(len(grads)):
        for j in range(i + 1, len(grads)):
            assert not np.shares_memory(grads[i], grads[j]), (i, j)
        assert grads[i].flags.c_contiguous
    # at most one gradient may be dy itself (the caller hands it over); the others are the layer's own
    assert sum(np.shares_memory(g, dy) for g in grads) <= 1


@pytest.mark.parametrize("cls", MERGES)
def test_no_input_gradient_when_every_input_is_the_model_input(cls):
    model = Model((3,), [cls(name="m"), Dense(units=2, name="d")], inputs=[["input", "input"], None])
    model.build(seed=0, dtype=np.float64)
    assert not model.layer("m").need_input_grad
    assert model.layer("m").backward(np.ones((2, model.layer("m").output_shape[-1]))) is None
    check_model_theta_gradient(model, rng(1).normal(size=(4, 3)))


# ---------------------------------------------------------------------- in whole graphs
def two_relu_branches(merge, seed=0):
    """input -> Dense relu 'a' and Dense relu 'b' -> merge -> Dense 'out': both branches overwrite their dy."""
    layers = [Dense(units=5, activation="relu", name="a"), Dense(units=5, activation="relu", name="b"),
              merge, Dense(units=3, name="out")]
    model = Model((4,), layers, inputs=[["input"], ["input"], ["a", "b"], None])
    return model.build(seed=seed, dtype=np.float64)


@pytest.mark.parametrize("cls", MERGES)
def test_branches_that_overwrite_their_gradient_in_place(cls):
    """Dense with relu writes its activation derivative into the dy it receives (in place)."""
    model = two_relu_branches(cls(name="m"))
    x = rng(3).normal(size=(8, 4))
    check_model_theta_gradient(model, x)


def test_the_in_place_check_catches_an_aliasing_merge(monkeypatch):
    """The test above would fail if Add returned the same array to both branches."""
    model = two_relu_branches(Add(name="m"))
    monkeypatch.setattr(model.layer("m"), "backward", lambda dy: [dy, dy])
    with pytest.raises(AssertionError, match="dL/dtheta"):
        check_model_theta_gradient(model, rng(3).normal(size=(8, 4)))


@pytest.mark.parametrize("cls", MERGES)
def test_the_same_layer_twice(cls):
    """Add(a, a), Multiply(a, a) = a**2, Concatenate(a, a): both gradients flow to 'a' and are summed."""
    layers = [Dense(units=3, activation="tanh", name="a"), cls(name="m"), Dense(units=2, name="out")]
    model = Model((4,), layers, inputs=[None, ["a", "a"], None]).build(seed=0, dtype=np.float64)
    check_model_theta_gradient(model, rng(4).normal(size=(5, 4)))


def test_concatenate_of_conv_branches_and_batch_size_changes():
    layers = [Conv2D(filters=2, kernel_size=1, activation="relu", name="p"),
              Conv2D(filters=3, kernel_size=3, padding="same", activation="relu", name="q"),
              Concatenate(name="cat"), Flatten(name="f"), Dense(units=2, name="out")]
    model = Model((4, 4, 2), layers, inputs=[["input"], ["input"], ["p", "q"], None, None])
    model.build(seed=0, dtype=np.float64)
    assert model.layer("cat").output_shape == (None, 4, 4, 5)
    for n in (3, 1, 2):
        check_model_theta_gradient(model, rng(n).normal(size=(n, 4, 4, 2)))
