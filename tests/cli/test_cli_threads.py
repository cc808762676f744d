"""`--threads N` and NNTUI_THREADS: the BLAS threads of a run, for the headless run and the app alike."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import nntui.tui.app
from nntui.cli import cli
from nntui.preset import load_preset
from nntui.preset.errors import RunError
from nntui.preset.run import prepare_run
from nntui.preset.thread_setting import ThreadSetting, choose_threads


def headless(fake_mnist_dir, *args, env=None):
    return CliRunner().invoke(cli, ["--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "1",
                                    "--limit", "64", "--batch-size", "32", *args], env=env or {"NNTUI_THREADS": ""})


def test_threads_option_fixes_the_threads_and_the_start_line_says_so(fake_mnist_dir):
    result = headless(fake_mnist_dir, "--threads", "1")
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith('Training "mnist"') and first.endswith("; 1 BLAS thread (--threads 1)"), first


def test_environment_variable_fixes_the_threads(fake_mnist_dir):
    result = headless(fake_mnist_dir, env={"NNTUI_THREADS": "2"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("; 2 BLAS threads (NNTUI_THREADS=2)")


def test_option_wins_over_the_environment(fake_mnist_dir):
    result = headless(fake_mnist_dir, "--threads", "1", env={"NNTUI_THREADS": "2"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("; 1 BLAS thread (--threads 1)")


def test_without_either_the_engine_chooses(fake_mnist_dir):
    result = headless(fake_mnist_dir)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(", chosen by the engine")


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_bad_threads_option_is_one_line_and_exit_2(fake_mnist_dir, value):
    result = headless(fake_mnist_dir, "--threads", value)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--threads" in lines[0] and "Traceback" not in result.output, result.output


@pytest.mark.parametrize("value", ["0", "-3", "two", "1.5", "1e3"])
def test_bad_environment_variable_is_one_line_naming_it(fake_mnist_dir, value):
    result = headless(fake_mnist_dir, env={"NNTUI_THREADS": value})
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"NNTUI_THREADS: {value!r} is not a number of threads (a whole number, at least 1)"]
    assert result.stdout == ""  # refused before the run starts


def test_bad_environment_variable_stops_the_app_before_it_opens(monkeypatch):
    opened = []
    monkeypatch.setattr(nntui.tui.app, "run_app", lambda *a, **k: opened.append(k) or 0)
    result = CliRunner().invoke(cli, [], env={"NNTUI_THREADS": "lots"})
    assert result.exit_code == 2 and "NNTUI_THREADS" in result.stderr and not opened


@pytest.mark.parametrize("args, env, expected", [
    (["--threads", "3"], {"NNTUI_THREADS": "2"}, ThreadSetting(3, "--threads")),
    ([], {"NNTUI_THREADS": "2"}, ThreadSetting(2, "NNTUI_THREADS")),
    ([], {"NNTUI_THREADS": ""}, ThreadSetting()),
])
def test_the_app_gets_the_setting(monkeypatch, args, env, expected):
    opened = []
    monkeypatch.setattr(nntui.tui.app, "run_app", lambda *a, **k: opened.append(k) or 0)
    result = CliRunner().invoke(cli, ["--preset", "mnist", *args], env=env)
    assert result.exit_code == 0, result.output
    assert opened[0]["threads"] == expected


def test_serve_refuses_a_bad_environment_variable():
    result = CliRunner().invoke(cli, ["serve", "--port", "0"], env={"NNTUI_THREADS": "x"})
    assert result.exit_code == 2 and result.stderr.startswith("NNTUI_THREADS: 'x'")


def test_the_run_setup_sets_the_trainers_threads(monkeypatch):
    preset = load_preset("mnist")
    assert prepare_run(preset, threads=ThreadSetting(1, "--threads")).trainer.threads == 1
    monkeypatch.setenv("NNTUI_THREADS", "2")
    setup = prepare_run(preset)  # default: the environment
    assert setup.trainer.threads == 2 and setup.threads == ThreadSetting(2, "NNTUI_THREADS")
    # a continued trainer follows the setting too (it may change between runs)
    again = prepare_run(preset, model=setup.model, trainer=setup.trainer, threads=ThreadSetting())
    assert again.trainer is setup.trainer and again.trainer.threads is None
    monkeypatch.setenv("NNTUI_THREADS", "none")
    with pytest.raises(RunError, match="^NNTUI_THREADS: 'none'"):
        prepare_run(preset)


def test_describe_and_choose():
    assert ThreadSetting().describe(cpus=1) == "up to 1 BLAS thread, chosen by the engine"
    assert ThreadSetting().describe(cpus=4) == "up to 4 BLAS threads, chosen by the engine"
    assert choose_threads(None, {"NNTUI_THREADS": " 4 "}) == ThreadSetting(4, "NNTUI_THREADS")
    assert choose_threads(None, {}) == ThreadSetting()


def test_the_apps_training_job_passes_the_setting_to_the_run_setup():
    from nntui.tui.training.run_control import RunControl
    from nntui.tui.training.worker import TrainingJob

    job = TrainingJob(load_preset("mnist"), control=RunControl(), threads=ThreadSetting(1, "--threads"))
    setup = job._setup()
    assert setup.threads == ThreadSetting(1, "--threads") and setup.trainer.threads == 1
