"""Fixtures of the input–output engine tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

_PKG_DIR = Path(__file__).resolve().parents[2] / "src" / "industrial_brain" / "data" / "io_tables"


@pytest.fixture(scope="session")
def io_tables_dir() -> Path:
    """The embedded NBS tables (the package copy)."""
    assert (_PKG_DIR / "cn_nbs_io_2020_42sec_noncompetitive.csv").exists(), "embedded IO tables missing"
    return _PKG_DIR


@pytest.fixture
def mb_Z() -> np.ndarray:
    """Miller & Blair (2009), ch. 2, Table 2.3: interindustry flows."""
    return np.array([[150.0, 500.0], [200.0, 100.0]])


@pytest.fixture
def mb_x() -> np.ndarray:
    return np.array([1000.0, 2000.0])


@pytest.fixture(scope="session")
def io_store(default_db):
    """A read-only store with the embedded default data (shared by the MRIO, chain and digital tests)."""
    from industrial_brain.store import Store

    s = Store(default_db, read_only=True)
    yield s
    s.close()


@pytest.fixture(scope="session")
def mrio_result(io_store):
    """The 31-province MRIO of 2017, built once per test session (worker)."""
    from industrial_brain.services.io import mrio

    return mrio(io_store)
