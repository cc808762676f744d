"""End to end on the real MNIST (when NNTUI_DATA_DIR points at it): the book's network, its 5 epochs."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nntui.cli import cli


def test_mnist_preset_reaches_097_on_real_data(real_mnist, tmp_path):
    metrics = tmp_path / "m.jsonl"
    result = CliRunner().invoke(cli, ["--preset", "mnist", "--headless", "--data-dir", str(real_mnist),
                                      "--metrics-out", str(metrics)])
    assert result.exit_code == 0, result.output
    records = [json.loads(l) for l in metrics.read_text().splitlines()]
    epochs = [r for r in records if r["event"] == "epoch"]
    done = records[-1]
    assert len(epochs) == 5 and epochs[-1]["loss"] < epochs[0]["loss"]
    assert done["event"] == "done" and done["test_accuracy"] >= 0.97, done
