"""The floors: the engine imports only NumPy, threadpoolctl and itself; data and preset import no UI; the house rules."""

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


@pytest.mark.parametrize("module", ["nntui.engine", "nntui.data", "nntui.preset", "nntui.headless.summary"])
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
    allowed_top = set(sys.stdlib_module_names) | {"numpy", "threadpoolctl"}  # threadpoolctl: BLAS threads
    for path in (ROOT / "engine").rglob("*.py"):
        depth = len(path.relative_to(ROOT / "engine").parts) - 1  # 0 for engine/x.py
        for level, module in imports_of(path):
            if level == 0:
                assert module.split(".")[0] in allowed_top, f"{path}: imports {module}"
            else:
                assert level <= depth + 1, f"{path}: relative import leaves the engine ({'.' * level}{module})"


@pytest.mark.parametrize("floor", ["data", "preset"])
def test_middle_floors_do_not_import_the_faces(floor):
    for path in (ROOT / floor).rglob("*.py"):
        for level, module in imports_of(path):
            name = module.split(".")[0]
            assert name not in UI_MODULES, f"{path}: imports {module}"
            assert not (level >= 2 and name in ("tui", "cli", "headless")), f"{path}: imports the face {module}"


# ------------------------------------------------------------------------------------------ the house rules
FLOORS = {"nntui": -1, "engine": 0, "data": 1, "preset": 2, "headless": 3, "tui": 3, "serve": 3, "cli": 4,
          "__main__": 5}
MAX_LINES = 400


def module_name(path: Path) -> tuple[str, bool]:
    """(dotted name, whether it is a package's __init__) of a file under nntui/."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


MODULES = {module_name(p)[0]: p for p in ROOT.rglob("*.py")}


def resolve(module: str, is_package: bool, level: int, name: str) -> str:
    if level == 0:
        return name
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_edges(path: Path) -> set[str]:
    """Every nntui module a file imports, at its top or inside functions (a name that is a submodule counts as it)."""
    module, is_package = module_name(path)
    edges = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = resolve(module, is_package, node.level, node.module or "")
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                       for alias in node.names]
        else:
            continue
        edges.update(t for t in targets if t in MODULES and t != module)
    return edges


GRAPH = {name: import_edges(path) for name, path in MODULES.items()}


def floor_of(module: str) -> tuple[str, int]:
    top = module.split(".")[1] if module.count(".") else "nntui"
    return top, FLOORS.get(top, 9)


def test_each_floor_imports_only_itself_and_the_floors_below():
    for module, edges in GRAPH.items():
        top, floor = floor_of(module)
        if top == "nntui":
            continue
        for target in edges:
            other, other_floor = floor_of(target)
            assert other == top or other_floor < floor, f"{module} imports {target} ({top} may not reach {other})"


# which folders of nntui/tui each folder may import: the builder and the training screen meet only in
# what both use (common/) and in the views they both open; the app (tui/app.py) wires them together
FEATURE_IMPORTS = {"common": set(), "builder": {"common", "inside", "draw", "boundary"},
                   "training": {"common", "inside", "draw", "boundary"},
                   "inside": {"common"}, "draw": {"common", "inside"}, "boundary": {"common"}}


def test_the_app_features_meet_only_in_common():
    for module, edges in GRAPH.items():
        parts = module.split(".")
        if parts[:2] != ["nntui", "tui"] or len(parts) < 4:
            continue
        assert parts[2] in FEATURE_IMPORTS, f"{module}: a new folder of nntui/tui; say what it may import"
        for target in edges:
            tparts = target.split(".")
            if tparts[:2] == ["nntui", "tui"] and len(tparts) >= 3 and tparts[2] != parts[2]:
                assert tparts[2] in FEATURE_IMPORTS[parts[2]], f"{module} imports {target}"


def test_no_import_cycles():
    """No cycle among nntui's modules, counting the imports inside functions too (Tarjan's algorithm)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def defined_names(path: Path) -> set[str]:
    """Names a module defines itself at its top level (not the ones it imports)."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        for sub in ast.walk(node):
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(sub.name)
            elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
    return names


def test_no_module_reexports_what_it_imports():
    """``from nntui.x import name`` finds ``name`` defined in x (a package's __init__ may present its API)."""
    defined = {name: defined_names(path) for name, path in MODULES.items()}
    sources = list(ROOT.rglob("*.py")) + list((ROOT.parent / "tests").rglob("*.py"))
    sources += list((ROOT.parent / "benchmarks").rglob("*.py"))
    found = []
    for path in sources:
        module, is_package = module_name(path) if path.is_relative_to(ROOT) else ("", False)
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = resolve(module, is_package, node.level, node.module or "")
            if source not in MODULES or MODULES[source].name == "__init__.py":
                continue
            for alias in node.names:
                if f"{source}.{alias.name}" not in MODULES and alias.name not in defined[source]:
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {alias.name} from {source}")
    assert not found, "imported through a module that only imports it:\n" + "\n".join(found)


def test_no_module_past_400_lines():
    long = {str(p.relative_to(ROOT.parent)): n for p in ROOT.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_every_package_is_installed():
    """pyproject.toml lists every package folder, so that an installed nntui has all of its modules."""
    import tomllib
    listed = set(tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {module_name(p)[0] for p in ROOT.rglob("__init__.py")}
    assert packages <= listed, f"not in pyproject.toml: {sorted(packages - listed)}"
