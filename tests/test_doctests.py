"""Every docstring example of every module runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import industrial_brain

matplotlib.use("Agg")

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(industrial_brain.__path__, "industrial_brain.")
    if not info.name.endswith("__main__")
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
#: Modules whose examples are numbers a reader can check by hand: they must keep them.
WITH_EXAMPLES = {
    "industrial_brain.macro.audit",
    "industrial_brain.meso.mrio",
    "industrial_brain.meso.regional_accounts",
    "industrial_brain.meso.chain_network",
    "industrial_brain.meso.digital",
    "industrial_brain.meso.chokepoint_analysis",
    "industrial_brain.network._common",
    "industrial_brain.network.concentration",
    "industrial_brain.network.leaders",
    "industrial_brain.network.cascade",
    "industrial_brain.network.link_scores",
    "industrial_brain.network.gaps",
    "industrial_brain.network.matching",
    "industrial_brain.monitor.rules",
    "industrial_brain.monitor.evaluation",
    "industrial_brain.monitor.states",
    "industrial_brain.monitor.forecasting",
    "industrial_brain.micro.accounts_synthetic",
    "industrial_brain.micro.per_mu",
    "industrial_brain.micro.per_mu_rules",
    "industrial_brain.micro.sme_tiers",
    "industrial_brain.meso.digital_by_industry",
    "industrial_brain.macro.structure_similarity",
    "industrial_brain.macro.krugman",
    "industrial_brain.macro.division_of_labour",
    "industrial_brain.meso.flow_reconciliation",
    "industrial_brain.meso.firm_network_synthesis",
    "industrial_brain.innovation.envelopment",
    "industrial_brain.innovation.network",
    "industrial_brain.innovation.productivity",
    "industrial_brain.governance.classification",
    "industrial_brain.governance.grading",
    "industrial_brain.governance.levels",
    "industrial_brain.governance.privacy",
    "industrial_brain.governance.rules",
    "industrial_brain.reference.gbt4754",
    "industrial_brain.capital.matching",
    "industrial_brain.capital.listing",
    "industrial_brain.capital.structure_indicators",
    "industrial_brain.capital.market_synthesis",
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write a file write it here
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(module, optionflags=FLAGS, report=True, verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed (run: python -m doctest -v)"
    if name in WITH_EXAMPLES:
        assert attempted > 0


def test_the_examples_cover_the_package():
    counted = 0
    for name in MODULES:
        finder = doctest.DocTestFinder()
        counted += sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
    assert counted >= 300
