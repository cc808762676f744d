"""The three floors: the engine imports no UI and nothing outside itself; data and spec import no UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "nntui"
UI_MODULES = ("textual", "rich", "click", "textual_plotext", "plotext")


def loaded_after_import(module: str) -> list[str]:
    code = (f"import sys, {module}; "
            f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.mark.parametrize("module", ["nntui.engine", "nntui.data", "nntui.spec", "nntui.headless.summary"])
def test_lower_floors_load_no_ui_module(module):
    loaded = loaded_after_import(module)
    assert not [m for m in UI_MODULES if m in loaded], f"{module} pulled in {loaded}"


def test_headless_cli_does_not_load_textual():
    loaded = loaded_after_import("nntui.cli")
    assert "textual" not in loaded and "plotext" not in loaded


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import statement in a file."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_engine_imports_only_stdlib_numpy_and_itself():
    allowed_top = set(sys.stdlib_module_names) | {"numpy"}
    for path in (ROOT / "engine").rglob("*.py"):
        depth = len(path.relative_to(ROOT / "engine").parts) - 1  # 0 for engine/x.py
        for level, module in imports_of(path):
            if level == 0:
                assert module.split(".")[0] in allowed_top, f"{path}: imports {module}"
            else:
                assert level <= depth + 1, f"{path}: relative import leaves the engine ({'.' * level}{module})"


@pytest.mark.parametrize("floor", ["data", "spec"])
def test_middle_floors_do_not_import_the_faces(floor):
    for path in (ROOT / floor).rglob("*.py"):
        for level, module in imports_of(path):
            name = module.split(".")[0]
            assert name not in UI_MODULES, f"{path}: imports {module}"
            assert not (level >= 2 and name in ("tui", "cli", "headless")), f"{path}: imports the face {module}"
