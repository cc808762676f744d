"""Every output path of a run is checked before the data is loaded or a batch trained: one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from nntui.cli import cli

OUTPUTS = ["--metrics-out", "--save-weights", "--checkpoint", "--export-keras"]


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def no_data_no_training(monkeypatch):
    """Loading the data or starting a run fails the test: the refusal must come before both."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the output should have been refused before this")

    monkeypatch.setattr("nntui.headless.run.load_arrays", forbidden)
    monkeypatch.setattr("nntui.preset.run.RunSetup.fit", forbidden)


@pytest.mark.parametrize("option", OUTPUTS)
def test_an_output_in_a_missing_folder_is_refused_at_once(option, tmp_path, no_data_no_training):
    target = tmp_path / "missing" / ("out" if option in ("--checkpoint", "--export-keras") else "out.npz")
    result = run("--headless", option, str(target))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"{option} {target}: the folder {tmp_path / 'missing'} does not exist\n"
    assert result.stdout == "" and not (tmp_path / "missing").exists()


@pytest.mark.parametrize("option", ["--metrics-out", "--save-weights"])
def test_a_file_output_that_is_a_folder(option, tmp_path, no_data_no_training):
    result = run("--headless", option, str(tmp_path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and str(tmp_path) in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("option", ["--checkpoint", "--export-keras"])
def test_a_folder_output_that_is_a_file(option, tmp_path, no_data_no_training):
    (tmp_path / "f").write_text("x")
    result = run("--headless", option, str(tmp_path / "f"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and str(tmp_path / "f") in result.stderr


@pytest.mark.parametrize("option", OUTPUTS)
def test_a_place_that_cannot_be_written(option, tmp_path, no_data_no_training):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root writes anywhere but in /proc
        folder = type(tmp_path)("/proc")
        if not folder.is_dir():
            pytest.skip("no folder here refuses new files")
    result = run("--headless", option, str(folder / "out"))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{option} {folder / 'out'}: cannot write in {folder} ")
    assert result.stderr.count("\n") == 1


def test_the_outputs_are_checked_before_the_data(tmp_path):
    """A missing data folder and a missing output folder: the output is named (the data is never looked at)."""
    result = run("--headless", "--data-dir", str(tmp_path / "no-data"), "--metrics-out", str(tmp_path / "no" / "m"))
    assert result.exit_code == 2
    assert result.stderr.startswith("--metrics-out ") and "no-data" not in result.stderr


def test_two_outputs_on_one_file(tmp_path, no_data_no_training):
    same = str(tmp_path / "out")
    result = run("--headless", "--metrics-out", same, "--save-weights", same)
    assert result.exit_code == 2
    assert result.stderr == f"--save-weights {same}: --metrics-out writes this file too; give each output its own path\n"


def test_resume_checks_its_outputs_too(tmp_path, fake_mnist_dir):
    folder = tmp_path / "ck"
    assert run("--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "1", "--limit", "100",
               "--checkpoint", str(folder)).exit_code == 0
    result = run("--resume", str(folder), "--epochs", "2", "--data-dir", str(fake_mnist_dir),
                 "--save-weights", str(tmp_path / "no" / "w.npz"))
    assert result.exit_code == 2 and result.stderr.startswith("--save-weights ") and result.stdout == ""


def test_a_real_process_refuses_at_once_without_a_traceback(tmp_path, fake_mnist_dir):
    """Today's bugs: --metrics-out into a missing folder was a traceback, --save-weights failed after the run."""
    for option in ("--metrics-out", "--save-weights"):
        target = tmp_path / "missing" / "out"
        proc = subprocess.run([sys.executable, "-m", "nntui", "--headless", "--data-dir", str(fake_mnist_dir),
                               option, str(target)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2
        assert proc.stderr == f"{option} {target}: the folder {target.parent} does not exist\n"
        assert proc.stdout == ""  # not one line of training


def test_a_device_is_refused_where_the_output_replaces_its_file(no_data_no_training):
    """--save-weights /dev/null would rename a file over the device (as root): refused."""
    result = run("--headless", "--save-weights", os.devnull)
    assert result.exit_code == 2
    assert result.stderr == f"--save-weights {os.devnull}: is not a regular file (this output replaces the file it is given)\n"


def test_metrics_can_go_to_a_pipe(fake_mnist_dir):
    """--metrics-out /dev/stdout: the records come through the pipe, one line each, among the epoch lines."""
    proc = subprocess.run([sys.executable, "-m", "nntui", "--headless", "--data-dir", str(fake_mnist_dir), "--epochs",
                           "2", "--limit", "100", "--metrics-out", "/dev/stdout"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert [json.loads(line)["event"] for line in records] == ["start", "epoch", "epoch", "done"]
