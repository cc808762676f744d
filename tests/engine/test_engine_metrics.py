"""Accuracy metrics: the kind Keras 3 picks for metrics=["accuracy"] and the counts they return."""

import numpy as np

from nntui.engine.metrics import Accuracy, accuracy_for


def test_kind_follows_keras():
    assert accuracy_for("binary", 1).kind == "binary"
    assert accuracy_for("value", 1).kind == "binary"
    assert accuracy_for("integer", 10).kind == "sparse"
    assert accuracy_for("onehot", 10).kind == "categorical"


def test_counts():
    p = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    assert Accuracy("categorical").count(p, np.eye(3)[[1, 1, 2]]) == (2, 3)
    assert Accuracy("sparse").count(p, np.array([1, 0, 0])) == (2, 3)
    assert Accuracy("binary").count(np.array([[0.2], [0.6], [0.9]]), np.array([[0.0], [0.0], [1.0]])) == (2, 3)


def test_sequence_counts_every_position():
    p = np.zeros((2, 3, 4))
    p[..., 1] = 1.0
    y = np.ones((2, 3), int)
    y[0, 0] = 2
    assert Accuracy("sparse").count(p, y) == (5, 6)
