"""The layers are rules that run (docs/platform.md, "Layers"): import-linter contracts, SQL only in the store,
no function-level import of the project's own modules, no module shadowed by a function of the same name."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import industrial_brain

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "industrial_brain"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SQL_CALL = re.compile(
    r"\.(execute|executemany|sql|register|unregister)\(|\b(store|s|con|self\.store)\.query\("
)


def _sources():
    return sorted(p for p in SRC.rglob("*.py") if "node_modules" not in p.parts)


def _lint_imports(cwd: Path, config: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(pythonpath), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_contracts_are_kept():
    r = _lint_imports(ROOT, ROOT / "pyproject.toml", ROOT / "src")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken" in r.stdout


def test_a_contract_fails_when_an_engine_imports_the_store(tmp_path):
    tree = tmp_path / "src"
    shutil.copytree(
        SRC,
        tree / "industrial_brain",
        ignore=shutil.ignore_patterns(
            "data", "web", "config", "__pycache__", "*.yaml", "*.csv", "*.json", "*.md"
        ),
    )
    engine = tree / "industrial_brain" / "macro" / "coupling.py"
    engine.write_text(
        engine.read_text(encoding="utf-8") + "\nimport industrial_brain.store.readers  # noqa\n",
        encoding="utf-8",
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    r = _lint_imports(tmp_path, tmp_path / "pyproject.toml", tree)
    assert r.returncode != 0
    assert "Engines are pure: no store, ingest, services or interface import BROKEN" in r.stdout
    assert "industrial_brain.macro.coupling -> industrial_brain.store.readers" in r.stdout


def test_sql_lives_only_in_the_store():
    found = []
    for path in _sources():
        rel = path.relative_to(SRC)
        if rel.parts[0] == "store":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL_CALL.search(line):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "SQL outside store/:\n" + "\n".join(found)


def test_no_function_level_import_of_the_project():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                mod = node.module if isinstance(node, ast.ImportFrom) else None
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if (
                    (mod or "").startswith("industrial_brain")
                    or any(n.startswith("industrial_brain") for n in names)
                    or (isinstance(node, ast.ImportFrom) and node.level > 0)
                ):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} in {fn.name}()")
    assert not found, "function-level imports of the project:\n" + "\n".join(found)


def _packages():
    yield industrial_brain
    for info in pkgutil.walk_packages(industrial_brain.__path__, "industrial_brain."):
        if info.ispkg:
            yield importlib.import_module(info.name)


def test_no_module_is_shadowed_by_a_name_beside_it():
    shadowed = []
    for pkg in _packages():
        for info in pkgutil.iter_modules(pkg.__path__):
            value = getattr(pkg, info.name, None)
            if value is not None and not isinstance(value, types.ModuleType):
                shadowed.append(f"{pkg.__name__}.{info.name} is a {type(value).__name__}")
    assert not shadowed, "\n".join(shadowed)


@pytest.mark.parametrize(
    "dotted",
    ["industrial_brain.meso.resilience.adaptive_recovery", "industrial_brain.macro.spatial_autocorrelation"],
)
def test_import_as_gives_a_module(dotted):
    module = importlib.import_module(dotted)
    assert isinstance(module, types.ModuleType) and module.__name__ == dotted
