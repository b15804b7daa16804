"""``ibrain backup``: a consistent single-file copy of the store, also while ``ibrain serve`` serves it.

The copy is made by :func:`industrial_brain.store.backup.copy_store` (why it is consistent is said
there); this service checks the destination and reports rows per table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.store.backup import copy_store
from industrial_brain.store.connection import Store


def check_destination(dest: str | os.PathLike, *, source: str, force: bool = False) -> Path:
    """``dest`` as a path after the checks: not the store itself (nor its WAL), in an existing folder,
    not an existing file unless ``force``."""
    dest = Path(dest).expanduser()
    if dest.is_dir():
        raise InputError.at("destination is a directory", file=str(dest), expected="a file path for the copy")
    if source != ":memory:" and os.path.realpath(dest) in {
        os.path.realpath(source),
        os.path.realpath(source + ".wal"),
    }:
        raise InputError.at("destination is the store itself", file=str(dest), expected="another file path")
    if not dest.parent.is_dir():
        raise InputError.at(
            "no such folder", file=str(dest.parent), expected="an existing folder for the copy"
        )
    if dest.exists() and not force:
        raise InputError.at(
            "destination already exists", file=str(dest), expected="a new file, or --force to replace it"
        )
    return dest


def backup_store(store: Store, dest: str | os.PathLike, *, force: bool = False) -> pd.DataFrame:
    """Copy the store to ``dest`` (see :mod:`industrial_brain.store.backup`); audited as ``backup``.

    Returns the copy's rows per table (``table, rows``), read back from the copy. The audit row is
    written before the copy, so that the copy holds it too.
    """
    dest = check_destination(dest, source=store.path, force=force)
    with store.transaction():
        store.audit("backup", f"file:{dest.name}", f"to {dest}" + (" (replacing)" if dest.exists() else ""))
    counts = copy_store(store, dest)
    return pd.DataFrame({"table": list(counts), "rows": list(counts.values())})
