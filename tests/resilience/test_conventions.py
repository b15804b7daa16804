"""The ARIO model's implementation choices are data (ARIOConventions), chosen once per model."""

from __future__ import annotations

import dataclasses

import numpy as np

from industrial_brain.meso.resilience import ARIOConventions, ARIOModel, ARIOParams

from ._synthetic import synthetic_mrio


def test_boario_compat_selects_boario_conventions():
    Z, Y, x = synthetic_mrio(2, 3, seed=2)
    ours = ARIOModel(Z, Y, x)
    theirs = ARIOModel(Z, Y, x, boario_compat=True, params=ARIOParams(monetary_factor=10**3))
    assert ours.conventions == ARIOConventions()
    assert theirs.conventions == ARIOConventions.boario(10**3)
    assert theirs.conventions.capital_decimals == 4
    # every field differs between the two sets of conventions: each is one documented choice
    for f in dataclasses.fields(ARIOConventions):
        assert getattr(ours.conventions, f.name) != getattr(theirs.conventions, f.name), f.name
    assert np.count_nonzero(theirs.is_input) >= np.count_nonzero(ours.is_input)
