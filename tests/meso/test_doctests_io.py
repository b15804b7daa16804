"""The doctest examples of the MRIO, chain-graph and digital modules (numbers a reader can check by hand)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["industrial_brain.meso.mrio", "industrial_brain.meso.mrio_accounts", "industrial_brain.meso.chain_graph",
           "industrial_brain.meso.digital"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0
