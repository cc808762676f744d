"""The ``load_data()`` of the Keras code: the preset's data set as its model reads it, in plain NumPy/Keras.

MNIST and Fashion-MNIST come from ``keras.datasets``; an npz or CSV file is read from where the preset
names it (the path made absolute); Playground's points are drawn with the same formulas, generators and
seed as nntui draws them, so the Keras script trains on the same points.
"""

from __future__ import annotations

from .data_source import data_file
from .data_spec import PLAYGROUND_SETS
from .preset import Preset

MNIST_TRAIN = 60_000

#: Playground's formulas (nntui.data.playground), as the script writes them: draws ``u`` -> (xy, label).
PLAYGROUND_CODE = {
    "circles": ["    pos = np.arange(len(u)) < len(u) - len(u) // 2",
                "    r = np.where(pos, u[:, 0] * 2.5, u[:, 0] * 1.5 + 3.5)",
                "    angle = u[:, 1] * 2 * np.pi",
                "    x, y = r * np.sin(angle), r * np.cos(angle)",
                "    nx, ny = (u[:, 2] * 10 - 5) * noise, (u[:, 3] * 10 - 5) * noise",
                "    label = np.hypot(x + nx, y + ny) < 2.5"],
    "xor": ["    x, y = u[:, 0] * 10 - 5, u[:, 1] * 10 - 5",
            "    x += np.where(x > 0, 0.3, -0.3)",
            "    y += np.where(y > 0, 0.3, -0.3)",
            "    nx, ny = (u[:, 2] * 10 - 5) * noise, (u[:, 3] * 10 - 5) * noise",
            "    label = (x + nx) * (y + ny) >= 0"],
    "gaussian": ["    label = np.arange(len(u)) < len(u) - len(u) // 2",
                 "    xy = np.where(label[:, None], 2.0, -2.0) + np.sqrt(0.5 + 7 * noise) * u"],
    "spiral": ["    n = len(u)",
               "    label = np.arange(n) < n - n // 2",
               "    i = np.concatenate([np.arange(n - n // 2), np.arange(n // 2)]).astype(float)",
               "    r = i / (n / 2) * 5",
               "    t = 1.75 * i / (n / 2) * 2 * np.pi + np.where(label, 0.0, np.pi)",
               "    x = r * np.sin(t) + (u[:, 0] * 2 - 1) * noise",
               "    y = r * np.cos(t) + (u[:, 1] * 2 - 1) * noise"],
}
DRAWS = {"circles": "rng.random((samples, 4))", "xor": "rng.random((samples, 4))",
         "gaussian": "rng.standard_normal((samples, 2))", "spiral": "rng.random((samples, 2))"}


def data_function(preset: Preset, py_value) -> list[str]:
    """The lines of ``def load_data(): ...`` (``py_value`` writes Python literals)."""
    d = preset.data
    reshape = ", ".join(str(v) for v in preset.model.input_shape)
    if d.dataset in ("mnist", "fashion_mnist"):
        what = "MNIST" if d.dataset == "mnist" else "Fashion-MNIST"
        lines = ["def load_data():", f'    """{what} as the model reads it: (x_train, y_train), (x_test, y_test)."""',
                 "    # 60,000 training and 10,000 test images of 28x28 pixels, labels 0-9",
                 f"    (x_train, y_train), (x_test, y_test) = keras.datasets.{d.dataset}.load_data()"]
        if d.limit is not None and d.limit < MNIST_TRAIN:
            lines.append(f"    x_train, y_train = x_train[:{d.limit}], y_train[:{d.limit}]")
        return lines + [f'    x_train = x_train.reshape(-1, {reshape}).astype("float32") / 255',
                        f'    x_test = x_test.reshape(-1, {reshape}).astype("float32") / 255',
                        "    return (x_train, targets(y_train)), (x_test, targets(y_test))", "", ""]
    if d.dataset in PLAYGROUND_SETS:
        lines = _playground(preset, py_value)
    elif d.dataset == "npz":
        lines = ["def load_data():", '    """The npz file as the model reads it: (x_train, y_train), (x_test, y_test)."""',
                 f"    with np.load({py_value(str(data_file(preset, d.path)))}) as f:",
                 '        x_train, y_train, x_test, y_test = (f[k] for k in ("x_train", "y_train", "x_test", "y_test"))',
                 '    scale = 255 if x_train.dtype == np.uint8 and x_test.dtype == np.uint8 else 1']
    else:
        lines = _csv(preset, py_value)
    if d.limit is not None:
        lines.append(f"    x_train, y_train = x_train[:{d.limit}], y_train[:{d.limit}]")
    return lines + [f'    x_train = x_train.reshape(-1, {reshape}).astype("float32") / scale',
                    f'    x_test = x_test.reshape(-1, {reshape}).astype("float32") / scale',
                    '    y_train, y_test = y_train.astype("int64"), y_test.astype("int64")',
                    "    return (x_train, targets(y_train)), (x_test, targets(y_test))", "", ""]


def _playground(preset: Preset, py_value) -> list[str]:
    d = preset.data
    test = d.test_samples if d.test_samples is not None else d.samples
    body = PLAYGROUND_CODE[d.dataset]
    xy = [] if d.dataset == "gaussian" else ["    xy = np.stack([x, y], axis=1)"]
    return (["def draw(samples, noise, rng):",
             f'    """{d.dataset}: TensorFlow Playground\'s formula (labels 0 and 1), shuffled."""',
             f"    u = {DRAWS[d.dataset]}"] + body + xy
            + ["    order = rng.permutation(samples)", '    return xy[order].astype("float32"), label[order]', "", "",
               "def load_data():", f'    """Playground\'s {d.dataset} as nntui draws it: (x_train, y_train), (x_test, y_test)."""',
               f"    train_seed, test_seed = np.random.SeedSequence({d.seed}).spawn(2)",
               f"    x_train, y_train = draw({d.samples}, {py_value(d.noise)}, np.random.default_rng(train_seed))",
               f"    x_test, y_test = draw({test}, {py_value(d.noise)}, np.random.default_rng(test_seed))",
               "    scale = 1"])


def _csv(preset: Preset, py_value) -> list[str]:
    d = preset.data
    path = py_value(str(data_file(preset, d.path)))
    lines = ["def read_csv(path):",
             '    """(features, labels) of a CSV file with a header row."""',
             '    with open(path, encoding="utf-8-sig") as f:',
             '        names = [n.strip() for n in f.readline().split(",")]',
             '    values = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, encoding="utf-8-sig")',
             f"    label = names.index({py_value(d.label_column)})" if d.label_column else "    label = 0",
             "    return np.delete(values, label, axis=1), values[:, label]", "", "",
             "def load_data():", '    """The CSV file as the model reads it: (x_train, y_train), (x_test, y_test)."""',
             f"    x_train, y_train = read_csv({path})"]
    if d.test_path:
        lines.append(f"    x_test, y_test = read_csv({py_value(str(data_file(preset, d.test_path)))})")
    else:
        lines += [f"    n_test = int(np.ceil(len(x_train) * {py_value(d.test_split)}))",
                  "    x_train, x_test = x_train[:-n_test], x_train[-n_test:]",
                  "    y_train, y_test = y_train[:-n_test], y_train[-n_test:]"]
    both = "np.concatenate([x_train.ravel(), x_test.ravel()])"
    return lines + [f"    pixels = {both}",
                    "    scale = 255 if np.all((pixels == np.round(pixels)) & (pixels >= 0) & (pixels <= 255)) else 1"]


__all__ = ["data_function"]
