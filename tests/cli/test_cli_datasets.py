"""`nntui --headless` on data beyond MNIST: Playground's sets, CSV and npz files (their errors one line,
exit 2), and the real MNIST as CSV and npz training exactly as the IDX files do."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from nntui.cli import cli
from nntui.data.mnist import MnistArrays, load_mnist
from nntui.engine.events import RunEnded
from nntui.preset import load_preset, loads
from nntui.preset.datasets import load_arrays
from nntui.preset.run import prepare_run
from nntui.preset.toml_writer import dumps


def headless(*args):
    return CliRunner().invoke(cli, ["--headless", *args])


def test_playground_presets_reach_095(tmp_path):
    for name in ("playground-xor", "playground-spiral"):
        metrics = tmp_path / f"{name}.jsonl"
        result = headless("--preset", name, "--metrics-out", str(metrics))
        assert result.exit_code == 0, result.output
        first = result.stdout.splitlines()[0]
        assert first.startswith(f'Training "{name}"') and f"on 500 {name[11:]} points, 500 for test" in first
        done = json.loads(metrics.read_text().splitlines()[-1])
        assert done["event"] == "done" and done["test_accuracy"] >= 0.95, (name, done)


def test_csv_problems_are_one_line_with_exit_2(tmp_path):
    (tmp_path / "train.csv").write_text("label,a,b\n0,1,2\n1,2\n" + "0,1,1\n" * 5)
    preset = tmp_path / "p.toml"
    text = dumps(load_preset("playground-xor")).replace('dataset = "xor"\n', 'dataset = "csv"\npath = "train.csv"\n')
    preset.write_text(text)
    result = headless("--preset", str(preset))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"{preset}: data.path: {tmp_path}/train.csv, line 3, column 3: missing "
                                    "(the row has 2 columns, the header 3)"), result.stderr
    preset.write_text(text.replace('path = "train.csv"', 'path = "none.csv"'))
    result = headless("--preset", str(preset))
    assert result.exit_code == 2 and result.stderr == f"{preset}: data.path: {tmp_path}/none.csv: no such file\n"


def test_an_npz_missing_an_array_names_it(tmp_path):
    np.savez(tmp_path / "d.npz", x_train=np.zeros((4, 2)), y_train=np.zeros(4, int), x_test=np.zeros((2, 2)))
    preset = tmp_path / "p.toml"
    preset.write_text(dumps(load_preset("playground-xor")).replace('dataset = "xor"\n',
                                                                   'dataset = "npz"\npath = "d.npz"\n'))
    result = headless("--preset", str(preset))
    assert result.exit_code == 2 and "d.npz: missing arrays: y_test" in result.stderr and "Traceback" not in result.output


N_TRAIN, N_TEST = 2000, 500


def test_real_mnist_as_csv_and_npz_trains_as_the_idx_files(real_mnist, tmp_path, one_blas_thread):
    mnist = load_mnist(real_mnist, download=False)
    x_train, y_train = mnist.x_train[:N_TRAIN], mnist.y_train[:N_TRAIN]
    x_test, y_test = mnist.x_test[:N_TEST], mnist.y_test[:N_TEST]
    header = ",".join(["label"] + [f"pixel{i}" for i in range(784)])
    for name, x, y in (("train.csv", x_train, y_train), ("test.csv", x_test, y_test)):
        rows = np.concatenate([y[:, None], x.reshape(len(x), 784)], axis=1)
        np.savetxt(tmp_path / name, rows, fmt="%d", delimiter=",", header=header, comments="")
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    base = dumps(load_preset("mnist").with_overrides(epochs=1, batch_size=32))

    def accuracy(data_lines: str, arrays=None):
        preset = loads(base.replace('dataset = "mnist"\n', data_lines), "p.toml", tmp_path / "p.toml")
        setup = prepare_run(preset, memory=True)
        data = setup.datasets(arrays if arrays is not None else load_arrays(preset))
        return [e for e in setup.fit(data, 1) if isinstance(e, RunEnded)][0].test_logs["accuracy"]

    idx = accuracy('dataset = "mnist"\n', MnistArrays(x_train, y_train, x_test, y_test, "subset"))
    csv = accuracy('dataset = "csv"\npath = "train.csv"\ntest_path = "test.csv"\n')
    npz = accuracy('dataset = "npz"\npath = "mnist.npz"\n')
    assert csv == idx and npz == idx and idx > 0.7, (idx, csv, npz)


def test_a_2_gb_csv_beyond_the_memory_there_is_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    with open(big, "w") as fh:  # 2 MB of rows, then a sparse tail to 2 GiB (no disk used)
        fh.write("label,x,y\n" + "0,12,34\n1,56,78\n" * 131072)
        fh.truncate(2 << 30)
    preset = tmp_path / "p.toml"
    preset.write_text(dumps(load_preset("playground-xor")).replace('dataset = "xor"\n',
                                                                   'dataset = "csv"\npath = "big.csv"\n'))
    monkeypatch.setenv("NNTUI_MEMORY_LIMIT", "1e9")
    result = headless("--preset", str(preset))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"{preset}: this run needs about ") and "but only 954 MiB is available" in \
        result.stderr, result.stderr
