"""Shape inference, parameter counts, Keras auto-names, ShapeError messages and GraphError cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntui.engine import GraphError, ModelShapeError, ShapeError, format_shape
from nntui.engine.layers import Dense, Flatten, Reshape
from nntui.engine.model import Model


def mnist_mlp():
    return Model((784,), [Dense(units=512, activation="relu"), Dense(units=10, activation="softmax")])


def test_mlp_shapes_and_parameter_counts():
    report = mnist_mlp().infer_shapes()
    assert report.ok and report.error is None
    assert [r.output_shape for r in report.rows] == [(None, 512), (None, 10)]
    assert [r.params for r in report.rows] == [401920, 5130]
    assert report.total_params == 407050 == report.trainable_params
    assert report.non_trainable_params == 0
    assert report.output_shapes() == [(None, 10)]
    assert mnist_mlp().count_params() == 407050
    model = mnist_mlp().build(seed=0)
    assert model.theta.size == 407050 and model.grad.size == 407050


def test_keras_automatic_names():
    model = Model((4,), [Dense(units=3), Dense(units=3), Flatten(), Dense(units=2, name="head"), Dense(units=1)])
    assert [l.name for l in model.layers] == ["dense", "dense_1", "flatten", "head", "dense_2"]
    clash = Model((4,), [Dense(units=3, name="dense_1"), Dense(units=3), Dense(units=3)])
    assert [l.name for l in clash.layers] == ["dense_1", "dense", "dense_2"]


def test_format_shape_is_keras_notation():
    assert format_shape((None, 784)) == "(None, 784)"
    assert format_shape((None, 28, 28, 1)) == "(None, 28, 28, 1)"
    assert format_shape((None,)) == "(None,)"


def test_reshape_wrong_product_explains_expected_received_and_fix():
    model = Model((784,), [Reshape(target_shape=[28, 27])])
    report = model.infer_shapes()
    assert not report.ok and report.error_index == 0
    err = report.error
    assert isinstance(err, ShapeError) and isinstance(err, ModelShapeError)
    text = str(err)
    assert "(None, 784)" in text              # what it received, in Keras notation
    assert "784" in text and "(None, 28, 27)" in text and "756" in text
    assert err.fix and err.fix in text and "multiply to 784" in err.fix
    assert err.layer == "reshape"
    with pytest.raises(ShapeError, match=r"\(None, 784\)"):
        model.check()
    with pytest.raises(ShapeError):
        model.build()


def test_reshape_infer_that_does_not_divide():
    err = Model((784,), [Reshape(target_shape=[-1, 5])]).infer_shapes().error
    assert isinstance(err, ShapeError)
    text = str(err)
    assert "-1" in text and "(None, 784)" in text and "5" in text and err.fix and err.fix in text


def test_dense_without_feature_axis():
    layer = Dense(units=3)
    with pytest.raises(ShapeError) as info:
        layer.compute_output_shape((None,))
    assert "(None,)" in str(info.value) and "Dense" in str(info.value)


def test_inference_stops_at_first_error_and_later_rows_are_none():
    model = Model((784,), [Dense(units=100), Reshape(target_shape=[7, 7]), Dense(units=5), Flatten()])
    report = model.infer_shapes()
    assert report.error_index == 1
    assert report.rows[0].output_shape == (None, 100) and report.rows[0].params == 78500
    assert report.rows[1].error is report.error.error
    assert [r.output_shape for r in report.rows[1:]] == [None, None, None]
    assert [r.params for r in report.rows[1:]] == [None, None, None]
    assert report.total_params == 78500


def test_unknown_input_name_is_a_graph_error():
    model = Model((4,), [Dense(units=3, name="a"), Dense(units=2, name="b")], inputs=[None, ["nope"]])
    report = model.infer_shapes()
    assert isinstance(report.error, GraphError) and report.error_index == 1
    assert "nope" in str(report.error)
    with pytest.raises(GraphError):
        model.check()


def test_duplicate_names_are_a_graph_error():
    model = Model((4,), [Dense(units=3, name="x"), Dense(units=2, name="x")])
    with pytest.raises(GraphError, match="twice"):
        model.check()
    with pytest.raises(GraphError):
        Model((4,), [Dense(units=3, name="input")]).check()


def test_cycle_is_a_graph_error():
    layers = [Dense(units=3, name="a"), Dense(units=3, name="b"), Dense(units=3, name="c")]
    model = Model((3,), layers, inputs=[["c"], ["a"], ["b"]], outputs=["c"])
    with pytest.raises(GraphError, match="cycle") as info:
        model.build()
    assert all(n in str(info.value) for n in "abc")


def test_unknown_output_is_a_graph_error():
    with pytest.raises(GraphError, match="zzz"):
        Model((3,), [Dense(units=2)], outputs=["zzz"]).check()


def test_wrong_number_of_inputs_is_a_graph_error():
    model = Model((3,), [Dense(units=2, name="a"), Dense(units=2, name="b")], inputs=[None, ["a", "input"]])
    with pytest.raises(GraphError, match="1 input"):
        model.check()


def test_graph_layers_may_be_listed_out_of_order():
    layers = [Dense(units=2, name="head"), Dense(units=4, name="body")]
    model = Model((3,), layers, inputs=[["body"], ["input"]], outputs=["head"]).build(seed=0)
    assert model.infer_shapes().output_shapes() == [(None, 2)]
    (out,) = model.forward(np.ones((5, 3), np.float32))
    assert out.shape == (5, 2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.data())
def test_reshape_with_minus_one_preserves_the_sample_size(dims, data):
    size = int(np.prod(dims))
    infer_at = data.draw(st.integers(0, len(dims) - 1))
    target = [-1 if i == infer_at else d for i, d in enumerate(dims)]
    model = Model((size,), [Reshape(target_shape=target), Flatten()])
    report = model.infer_shapes()
    assert report.rows[0].output_shape == (None, *dims)
    assert report.rows[1].output_shape == (None, size)
    wrong = Model((size + 1,), [Reshape(target_shape=dims)]).infer_shapes()
    assert isinstance(wrong.error, ShapeError) and f"(None, {size + 1})" in str(wrong.error)
