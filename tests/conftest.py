"""Shared fixtures: throw-away stores, a store with the embedded default data, file writers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from industrial_brain.store import Store


@pytest.fixture
def store(tmp_path: Path):
    """An empty store in a temporary file."""
    s = Store(tmp_path / "empty.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def default_db(tmp_path_factory) -> Path:
    """Path of a store loaded once with all embedded default data (never write to it: copy it)."""
    from industrial_brain.services.defaults import init_store

    path = tmp_path_factory.mktemp("default") / "default.duckdb"
    with Store(path) as s:
        init_store(s)
    return path


@pytest.fixture
def default_store(default_db: Path, tmp_path: Path):
    """A private, writable copy of the default-data store."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(default_db, copy)
    s = Store(copy)
    yield s
    s.close()
