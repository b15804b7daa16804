"""The package namespace holds the functions; the same-named modules stay reachable (see macro/__init__)."""

from __future__ import annotations

import importlib
import types

import pytest

import industrial_brain.macro as macro

SAME_NAME = ("normalize", "dagum_gini", "theil", "kernel_density", "moran", "location_quotient")


@pytest.mark.parametrize("name", SAME_NAME)
def test_function_on_package_module_by_import(name):
    assert callable(getattr(macro, name)) and not isinstance(getattr(macro, name), types.ModuleType)
    mod = importlib.import_module(f"industrial_brain.macro.{name}")
    assert isinstance(mod, types.ModuleType)
    assert getattr(mod, name) is getattr(macro, name)  # one object, two doors


def test_from_module_import_reaches_module_contents():
    from industrial_brain.macro.dagum_gini import NBS_REGION4
    from industrial_brain.macro.moran import QUADRANTS, SpatialWeights

    assert len(NBS_REGION4) == 31 and QUADRANTS[1] == "HH" and SpatialWeights.__name__ == "SpatialWeights"


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
