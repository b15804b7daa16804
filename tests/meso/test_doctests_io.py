"""The doctest examples of every meso and quality module (numbers a reader can check by hand)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import industrial_brain.meso
import industrial_brain.quality

MODULES = sorted(
    info.name
    for pkg in (industrial_brain.meso, industrial_brain.quality)
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")
)
WITH_EXAMPLES = [
    "industrial_brain.meso.mrio",
    "industrial_brain.meso.regional_accounts",
    "industrial_brain.meso.chain_network",
    "industrial_brain.meso.digital",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0
    if name in WITH_EXAMPLES:
        assert res.attempted > 0
