"""No module is shadowed by a name exported beside it (issue 12).

``import industrial_brain.meso.resilience.adaptive_recovery as m`` must bind a module: a package
attribute that is not a module (a function, a class, a constant) must not carry the name of one of
the package's submodules, or ``import a.b as m`` would give the attribute once ``a`` has bound it.
"""

from __future__ import annotations

import importlib
import pkgutil
import types

import industrial_brain


def _packages() -> list[types.ModuleType]:
    pkgs = [industrial_brain]
    for info in pkgutil.walk_packages(industrial_brain.__path__, "industrial_brain."):
        if info.ispkg:
            pkgs.append(importlib.import_module(info.name))
    return pkgs


def test_no_submodule_is_shadowed_by_an_attribute():
    clashes = []
    for pkg in _packages():
        for info in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
            attr = getattr(pkg, info.name, None)
            if attr is not None and not isinstance(attr, types.ModuleType):
                clashes.append(f"{pkg.__name__}.{info.name} is a {type(attr).__name__}")
    assert not clashes, clashes


def test_renamed_modules_are_modules():
    import industrial_brain.meso.chain_network as chain_network
    import industrial_brain.meso.linkage_analysis as linkage_analysis
    import industrial_brain.meso.multiplier_analysis as multiplier_analysis
    import industrial_brain.meso.regional_accounts as regional_accounts
    import industrial_brain.meso.resilience.adaptive_recovery as adaptive_recovery
    import industrial_brain.meso.resilience.inoperability_model as inoperability_model

    for m in (
        chain_network,
        linkage_analysis,
        multiplier_analysis,
        regional_accounts,
        adaptive_recovery,
        inoperability_model,
    ):
        assert isinstance(m, types.ModuleType)
    from industrial_brain.meso import chain_graph, linkages, mrio_accounts, multipliers
    from industrial_brain.meso.resilience import ario, inoperability

    assert chain_graph is chain_network.chain_graph and linkages is linkage_analysis.linkages
    assert mrio_accounts is regional_accounts.mrio_accounts and multipliers is multiplier_analysis.multipliers
    assert ario is adaptive_recovery.ario and inoperability is inoperability_model.inoperability
