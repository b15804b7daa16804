"""Synthetic MRIOs for the resilience tests (clearly synthetic: random, seeded, balanced by construction)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_mrio(
    n_regions: int = 3,
    n_sectors: int = 4,
    seed: int = 0,
    density: float = 1.0,
    regions: list[str] | None = None,
    sectors: list[str] | None = None,
):
    """(Z, Y, x) with a (region, sector) MultiIndex; x = Z·1 + Y·1, value added > 0 everywhere."""
    rng = np.random.default_rng(seed)
    N = n_regions * n_sectors
    regions = regions or [f"r{i}" for i in range(n_regions)]
    sectors = sectors or [f"s{i}" for i in range(n_sectors)]
    idx = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    x = rng.uniform(100.0, 1000.0, N)
    A = rng.uniform(0.0, 1.0, (N, N)) * (rng.uniform(size=(N, N)) < density)
    home = np.kron(np.eye(n_regions), np.ones((n_sectors, n_sectors)))
    A *= 1.0 + 4.0 * home  # trade mostly at home
    A *= rng.uniform(0.3, 0.6) / A.sum(axis=0).clip(1e-12)  # column sums 0.3-0.6: value added > 0
    Z = A * x[None, :]
    fd = x - Z.sum(axis=1)
    # make final demand positive by raising output where needed (then re-derive Z)
    bad = fd <= 0.05 * x
    if bad.any():
        fd = np.where(bad, 0.05 * x, fd)
    Y = np.repeat((fd / n_regions)[:, None], n_regions, axis=1)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    cols = pd.MultiIndex.from_product([regions, ["final demand"]], names=["region", "category"])
    return pd.DataFrame(Z, idx, idx), pd.DataFrame(Y, idx, cols), pd.Series(x, idx, name="x")
