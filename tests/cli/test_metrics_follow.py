"""`--metrics-out FILE` can be followed while the run goes (as Keras's CSVLogger's file can), and every
line on disk is a complete JSON object whatever stops the process: Ctrl+C, SIGTERM, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from nntui.engine.events import EpochEnded, RunEnded
from nntui.headless import metrics_file
from nntui.headless.metrics_file import MetricsWriter


def start(fake_mnist_dir, metrics, *extra):
    return subprocess.Popen([sys.executable, "-m", "nntui", "--headless", "--data-dir", str(fake_mnist_dir),
                             "--batch-size", "16", "--metrics-out", str(metrics), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))


def wait_for(proc, prefix: str) -> None:
    for line in proc.stdout:
        if line.startswith(prefix):
            return
    raise AssertionError(f"the run ended before {prefix!r}: {proc.stderr.read()}")


def complete_records(path) -> list[dict]:
    text = path.read_text()
    assert text.endswith("\n"), text[-200:]
    return [json.loads(line) for line in text.splitlines()]


def test_the_file_is_followed_like_tail_f(fake_mnist_dir, tmp_path):
    """Each record is in the file when its epoch line is printed; the file is never replaced, so one open
    handle (what `tail -f` keeps) reads every record up to the end."""
    metrics = tmp_path / "m.jsonl"
    metrics.write_text('{"event": "from an earlier run"}\n')
    proc = start(fake_mnist_dir, metrics, "--epochs", "3")
    wait_for(proc, "Epoch 1/3")
    follower = open(metrics, encoding="utf-8")
    seen = [json.loads(line) for line in follower.readlines()]
    assert [r["event"] for r in seen] == ["start", "epoch"] and seen[1]["epoch"] == 1
    assert proc.poll() is None or proc.returncode == 0
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    seen += [json.loads(line) for line in follower.readlines()]
    follower.close()
    assert [r["event"] for r in seen] == ["start", "epoch", "epoch", "epoch", "done"]
    assert seen == complete_records(metrics)
    assert not list(tmp_path.glob("m.jsonl*[!l]"))  # no .partial or temporary files beside it


def test_kill_9_leaves_only_complete_lines(fake_mnist_dir, tmp_path):
    metrics = tmp_path / "m.jsonl"
    proc = start(fake_mnist_dir, metrics, "--epochs", "10000")
    wait_for(proc, "Epoch 3/")
    before = complete_records(metrics)  # followed while the process runs
    assert [r["event"] for r in before] == ["start", "epoch", "epoch", "epoch"]
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    records = complete_records(metrics)
    assert records[:4] == before and all(r["event"] == "epoch" for r in records[1:])


@pytest.mark.parametrize("sig, code, reason", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_a_stopped_run_ends_its_file_with_a_done_record(fake_mnist_dir, tmp_path, sig, code, reason):
    metrics = tmp_path / "m.jsonl"
    proc = start(fake_mnist_dir, metrics, "--epochs", "10000")
    wait_for(proc, "Epoch 2/")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code and "Traceback" not in err
    records = complete_records(metrics)
    assert records[0]["event"] == "start" and records[1]["epoch"] == 1
    done = records[-1]
    assert done["event"] == "done" and done["reason"] == reason
    assert done["epochs_completed"] == sum(r["event"] == "epoch" for r in records) >= 2


def test_each_record_is_one_write_of_a_whole_line(tmp_path, monkeypatch):
    """The structural guarantee behind kill -9: a line never reaches the file in two pieces."""
    writes = []
    real_write = os.write
    monkeypatch.setattr(metrics_file.os, "write", lambda fd, data: writes.append(bytes(data)) or real_write(fd, data))
    writer = MetricsWriter(tmp_path / "m.jsonl")
    logs = {f"val_output_{i}_accuracy": 0.5 for i in range(400)}  # a long line (> 8 KiB)
    writer.write(EpochEnded(epoch=1, epochs=2, steps=3, logs=logs, seconds=1.0, train_seconds=0.9,
                            samples_per_second=10.0))
    writer.write(RunEnded(reason="completed", epochs_completed=1, test_logs=None))
    writer.write(object())  # not a record: nothing written
    writer.close()
    assert len(writes) == 2 and all(w.endswith(b"\n") and w.count(b"\n") == 1 for w in writes)
    assert len(writes[0]) > 8192
    assert b"".join(writes) == (tmp_path / "m.jsonl").read_bytes()
