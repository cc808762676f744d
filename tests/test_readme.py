"""README.md starts with the two commands a new user runs, and .ci/run runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def first_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_readme_opens_with_install_and_run_then_install_and_test():
    run, test = first_commands()
    assert "pip install ." in run and "nntui --preset mnist --headless" in run
    assert 'pip install ".[test]"' in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    _, test = first_commands()
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci.splitlines()
