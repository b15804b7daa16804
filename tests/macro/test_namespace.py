"""The package namespace holds the functions; no module is shadowed by a function beside it
(see macro/__init__)."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import industrial_brain.macro as macro

#: function name → the module that holds it (one module per method, named after the method, not the function).
HOMES = {
    "normalize": "normalisation",
    "dagum_gini": "gini_decomposition",
    "theil": "theil_index",
    "kernel_density": "kde",
    "moran": "spatial_autocorrelation",
    "location_quotient": "specialisation",
    "spatial_weights": "spatial_weighting",
    "contiguity_weights": "spatial_weighting",
    "distance_weights": "spatial_weighting",
}
MODULES = sorted(m.name for m in pkgutil.iter_modules(macro.__path__))


@pytest.mark.parametrize("name", sorted(HOMES))
def test_function_on_package_module_by_import(name):
    assert callable(getattr(macro, name)) and not isinstance(getattr(macro, name), types.ModuleType)
    mod = importlib.import_module(f"industrial_brain.macro.{HOMES[name]}")
    assert isinstance(mod, types.ModuleType)
    assert getattr(mod, name) is getattr(macro, name)  # one object, two doors


@pytest.mark.parametrize("module", MODULES)
def test_no_module_is_shadowed(module):
    # `import industrial_brain.macro.X as m` resolves to the package attribute X: it must be the module
    mod = importlib.import_module(f"industrial_brain.macro.{module}")
    assert getattr(macro, module) is mod
    exec(f"import industrial_brain.macro.{module} as m", ns := {})
    assert isinstance(ns["m"], types.ModuleType)


def test_from_module_import_reaches_module_contents():
    from industrial_brain.macro.gini_decomposition import NBS_REGION4
    from industrial_brain.macro.spatial_autocorrelation import QUADRANTS
    from industrial_brain.macro.spatial_weighting import SpatialWeights

    assert len(NBS_REGION4) == 31 and QUADRANTS[1] == "HH" and SpatialWeights.__name__ == "SpatialWeights"


def test_no_engine_imports_another_engines_private_helper():
    # shared helpers live in macro/_common.py
    import ast
    from pathlib import Path

    for path in Path(macro.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("industrial_brain.macro."):
                if node.module == "industrial_brain.macro._common":
                    continue
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"


def test_contract_names():
    # the fixed signatures
    import inspect

    sig = inspect.signature(macro.coupling_coordination)
    assert list(sig.parameters)[:3] == ["U", "weights", "model"]
    assert sig.parameters["model"].default == "conventional"
    assert list(inspect.signature(macro.dagum_gini).parameters)[:2] == ["values", "groups"]
    r = macro.dagum_gini([1.0, 3.0, 5.0, 7.0], ["A", "A", "B", "B"])
    assert all(isinstance(getattr(r, a), float) for a in ("gini", "within", "net_between", "transvariation"))
    assert set(macro.coupling_coordination([[0.5, 0.4]]).to_frame().columns) >= {"C", "T", "D", "level"}
    assert all(n in macro.__all__ for n in ("contiguity_weights", "distance_weights", "theil_t", "theil_l"))
