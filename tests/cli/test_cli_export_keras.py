"""`nntui --preset P [--load-weights W] [--headless] --export-keras DIR`: DIR/model.py and DIR/weights.npz."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from nntui.cli import cli
from nntui.preset import build_model, load_preset
from nntui.preset.keras_code import keras_code
from nntui.preset.weights_file import load_weights, save_weights


def run(*args):
    return CliRunner().invoke(cli, list(args))


def saved(path) -> dict[str, np.ndarray]:
    with np.load(path) as npz:
        return {k: npz[k] for k in npz.files}


def assert_same_weights(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_export_without_training_writes_the_fresh_weights(tmp_path):
    out = tmp_path / "keras"
    result = run("--preset", "mnist-cnn", "--export-keras", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Wrote the Keras model to {out / 'model.py'} and {out / 'weights.npz'} "
                             f"(python {out / 'model.py'} trains it further)\n")
    preset = load_preset("mnist-cnn")
    assert (out / "model.py").read_text() == keras_code(preset)
    fresh = build_model(preset.model).build(seed=preset.training.seed)  # what a run would start from
    assert_same_weights(saved(out / "weights.npz"), fresh.get_weights())
    ast.parse((out / "model.py").read_text())
    assert sorted(p.name for p in out.iterdir()) == ["model.py", "weights.npz"]


def test_the_overrides_reach_the_code_and_the_weights(tmp_path):
    out = tmp_path / "keras"
    assert run("--export-keras", str(out), "--seed", "7", "--epochs", "3", "--batch-size", "64").exit_code == 0
    preset = load_preset("mnist").with_overrides(seed=7, epochs=3, batch_size=64)
    assert (out / "model.py").read_text() == keras_code(preset)
    assert "batch_size=64, epochs=3" in (out / "model.py").read_text()
    assert_same_weights(saved(out / "weights.npz"), build_model(preset.model).build(seed=7).get_weights())


def test_export_of_loaded_weights(tmp_path):
    model = build_model(load_preset("mnist").model).build(seed=123)
    save_weights(model, tmp_path / "w.npz")
    result = run("--load-weights", str(tmp_path / "w.npz"), "--export-keras", str(tmp_path / "k"))
    assert result.exit_code == 0, result.output
    assert_same_weights(saved(tmp_path / "k" / "weights.npz"), model.get_weights())


def test_headless_exports_the_trained_weights(tmp_path, fake_mnist_dir):
    result = run("--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "1", "--limit", "200",
                 "--save-weights", str(tmp_path / "w.npz"), "--export-keras", str(tmp_path / "k"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        f"Saved weights to {tmp_path / 'w.npz'}",
        f"Wrote the Keras model to {tmp_path / 'k' / 'model.py'} and {tmp_path / 'k' / 'weights.npz'} "
        f"(python {tmp_path / 'k' / 'model.py'} trains it further)"]
    trained = saved(tmp_path / "k" / "weights.npz")
    assert_same_weights(trained, saved(tmp_path / "w.npz"))
    fresh = build_model(load_preset("mnist").model).build(seed=0).get_weights()
    assert not np.array_equal(trained["dense/kernel"], fresh["dense/kernel"])


def test_an_interrupted_run_exports_nothing(tmp_path, fake_mnist_dir):
    out = tmp_path / "k"
    proc = subprocess.Popen([sys.executable, "-m", "nntui", "--headless", "--data-dir", str(fake_mnist_dir),
                             "--epochs", "10000", "--batch-size", "16", "--export-keras", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    for line in proc.stdout:
        if line.startswith("Epoch 1/"):
            break
    proc.send_signal(2)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert not out.exists() or not any(out.iterdir())


def test_a_misfit_model_is_not_exported(tmp_path):
    text = load_preset("mnist").path.read_text().replace("units = 10", "units = 5")
    assert "units = 5" in text
    (tmp_path / "bad.toml").write_text(text)
    result = run("--preset", str(tmp_path / "bad.toml"), "--export-keras", str(tmp_path / "k"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"{tmp_path / 'bad.toml'}: model.layers[1] (dense_1): ")
    assert not (tmp_path / "k").exists()


def test_refusals_are_one_line(tmp_path):
    result = run("--export-keras", str(tmp_path / "no" / "k"))
    assert (result.exit_code, result.stderr) == (2, f"--export-keras {tmp_path / 'no' / 'k'}: the folder "
                                                    f"{tmp_path / 'no'} does not exist\n")
    result = run("--summary", "--export-keras", str(tmp_path / "k"))
    assert result.exit_code == 2 and result.stderr.startswith("nntui: --export-keras does not go with --summary")
    result = run("--load-weights", str(tmp_path / "none.npz"), "--export-keras", str(tmp_path / "k"))
    assert result.exit_code == 2 and result.stderr == f"{tmp_path / 'none.npz'}: no such file\n"
    assert not (tmp_path / "k").exists()


def test_the_exported_trained_model_predicts_in_keras_what_nntui_predicts(tmp_path, fake_mnist_dir):
    pytest.importorskip("keras", reason="Keras is not installed (pip install keras and a backend)")
    out = tmp_path / "k"
    assert run("--preset", "mnist-multihead", "--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "1",
               "--limit", "200", "--export-keras", str(out)).exit_code == 0
    spec = importlib.util.spec_from_file_location("exported_multihead", out / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    keras_model = module.build_model()
    model = build_model(load_preset("mnist-multihead").model).build(seed=0)
    load_weights(model, out / "weights.npz")
    x = np.random.default_rng(0).uniform(0, 1, (16, 784)).astype(np.float32)
    ours = model.forward(x, training=False)
    theirs = keras_model.predict(x, verbose=0)  # Keras 3: a dict by output name for several outputs
    theirs = [theirs[o] for o in model.outputs] if isinstance(theirs, dict) else list(theirs)
    assert len(theirs) == len(ours) == 2
    for name, a, b in zip(model.outputs, ours, theirs):
        np.testing.assert_allclose(np.asarray(b), a, rtol=2e-4, atol=2e-5, err_msg=name)
