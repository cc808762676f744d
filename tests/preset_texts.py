"""Preset texts shared by tests (imported as ``preset_texts``, like ``fake_mnist``)."""

HEADS = """\
[[model.layers]]
type = "Dense"
name = "digit"
inputs = ["trunk"]
units = 10
activation = "softmax"
[[model.layers]]
type = "Dense"
name = "parity"
inputs = ["trunk"]
units = 1
activation = "sigmoid"
[training]
loss = { digit = "categorical_crossentropy", parity = "binary_crossentropy" }
targets = { parity = "parity" }
"""
"""A softmax 'digit' and a sigmoid 'parity' head, both reading 'trunk', then [training] with their losses
and the parity target: the end of a two-output preset (more [training] lines may follow)."""

MULTIHEAD = """
name = "heads"
[model]
input_shape = [784]
outputs = ["digit", "parity"]
[[model.layers]]
type = "Dense"
name = "trunk"
units = 16
activation = "relu"
""" + HEADS
"""Two outputs on a Dense trunk over flat 784-pixel images (layers: trunk, digit, parity)."""

TWO_HEADS = """
name = "two heads"
description = 'digit and parity from one trunk'
[model]
input_shape = [28, 28, 1]
outputs = ["digit", "parity"]
[[model.layers]]
type = "Flatten"
[[model.layers]]
type = "Dense"
name = "trunk"
units = 64
activation = "relu"
""" + HEADS + """\
loss_weights = { digit = 1.0, parity = 0.5 }
optimizer = { type = "adam", learning_rate = 0.0005, amsgrad = true }
"""
"""Two weighted outputs on 28x28x1 images (an unnamed Flatten, then trunk, digit, parity), Adam with amsgrad."""
