"""What every ingest shares: the dataset record, the duplicate-file check, the atomic commit, the report.

An ingest validates everything first (no store access besides reads), then writes the dataset
record, its rows, its quality notes and an audit row in one transaction: the file is stored whole or
not at all. A file whose sha256 is already stored is a no-op that says so.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.store.connection import Store

GRADES = ("general", "important", "core")
KINDS = ("panel", "io", "enterprise", "sectors", "indicators")


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """Provenance of one ingested file (a row of the ``dataset`` table)."""

    dataset_id: str
    kind: str
    title: str = ""
    source: str = ""
    publisher: str = ""
    licence: str = ""
    citation: str = ""
    grade: str = "general"

    def checked(self) -> "DatasetInfo":
        if self.kind not in KINDS + ("reference", "geo"):
            raise InputError.at("unknown kind", column="kind", value=self.kind, expected=" | ".join(KINDS))
        if self.grade not in GRADES:
            raise InputError.at("unknown data grade", column="grade", value=self.grade,
                                expected="general | important | core")
        if self.kind == "enterprise" and self.grade == "general":
            raise InputError.at("enterprise data cannot be graded general", column="grade", value=self.grade,
                                expected="important or core (Data Security Law practice)")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}", self.dataset_id):
            raise InputError.at("bad dataset id", column="dataset_id", value=self.dataset_id,
                                expected="letters, digits, '_', '.', '-' (up to 128), starting with a letter or digit")
        return self


def dataset_id_from_path(path: Path) -> str:
    """A dataset id derived from a file name: lower-case, non-alphanumerics folded to '_'."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", path.stem).strip("_").lower()
    return stem or "dataset"


@dataclass(frozen=True)
class IngestReport(ResultMixin):
    """What an ingest did."""

    dataset_id: str
    kind: str
    file: str
    sha256: str
    rows: int
    skipped: bool = False
    message: str = ""
    notes: pd.DataFrame = field(default_factory=pd.DataFrame)
    details: dict = field(default_factory=dict)

    title_en = "Ingest report"
    title_zh = "入库报告"

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        yield ("数据集" if zh else "dataset", self.dataset_id)
        yield ("类型" if zh else "kind", self.kind)
        yield ("文件" if zh else "file", self.file)
        yield ("行数" if zh else "rows", self.rows)
        yield ("SHA-256", self.sha256[:16])
        yield ("质量提示" if zh else "quality notes", len(self.notes))
        if self.message:
            yield ("说明" if zh else "message", self.message)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.notes


def existing_by_sha(store: Store, sha: str) -> str | None:
    row = store.con.execute("SELECT dataset_id FROM dataset WHERE sha256 = ?", [sha]).fetchall()
    return row[0][0] if row else None


def check_dataset_id_free(store: Store, info: DatasetInfo, file: str, replace: bool) -> None:
    row = store.con.execute("SELECT kind FROM dataset WHERE dataset_id = ?", [info.dataset_id]).fetchall()
    row = row[0] if row else None
    if row and not replace:
        raise InputError.at(
            "dataset id already used by a different file", file=file, column="dataset_id", value=info.dataset_id,
            expected="a new --dataset-id, or --replace to replace that dataset")
    if row and row[0] != info.kind:
        raise InputError.at("cannot replace a dataset of another kind", file=file, column="kind",
                            value=info.kind, expected=row[0])


#: Tables that hold rows of a dataset, deleted together when a dataset is replaced.
_OWNED = ("observation", "quality_note", "external_reference", "enterprise", "assessment", "sector",
          "indicator", "region_neighbour")


def commit_dataset(store: Store, info: DatasetInfo, *, file: str, sha: str, rows: int,
                   write: Callable[[Store], None], notes: pd.DataFrame | None = None,
                   replace: bool = False, detail: str = "",
                   notes_from: Callable[[], pd.DataFrame | None] | None = None,
                   rows_from: Callable[[], int] | None = None) -> None:
    """Write the dataset record, its rows (``write``), its notes and an audit row in one transaction.

    ``notes_from`` / ``rows_from`` supply notes and the row count that ``write`` only learns while writing.
    Any exception inside rolls the whole transaction back.
    """
    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    with store.transaction() as con:
        if replace:
            for t in _OWNED:
                con.execute(f"DELETE FROM {t} WHERE dataset_id = ?", [info.dataset_id])
            ids = [r[0] for r in con.execute("SELECT table_id FROM io_table WHERE dataset_id = ?",
                                             [info.dataset_id]).fetchall()]
            for tid in ids:
                con.execute("DELETE FROM io_flow WHERE table_id = ?", [tid])
                con.execute("DELETE FROM io_code WHERE table_id = ?", [tid])
            con.execute("DELETE FROM io_table WHERE dataset_id = ?", [info.dataset_id])
            con.execute("DELETE FROM dataset WHERE dataset_id = ?", [info.dataset_id])
        write(store)
        if rows_from is not None:
            rows = rows_from()
        con.execute(
            "INSERT INTO dataset VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [info.dataset_id, info.kind, info.title, info.source, info.publisher, info.licence, info.citation,
             sha, rows, info.grade, Path(file).name, now])
        if notes_from is not None:
            notes = notes_from()
        if notes is not None and len(notes):
            write_notes(store, notes)
        store.audit("replace" if replace else "ingest", f"dataset:{info.dataset_id}",
                    f"{info.kind} file={Path(file).name} rows={rows} sha256={sha[:16]} {detail}".strip())


NOTE_COLUMNS = ["dataset_id", "indicator_code", "region_code", "year", "kind", "severity", "detail", "found_by"]


def write_notes(store: Store, notes: pd.DataFrame) -> None:
    frame = notes.reindex(columns=NOTE_COLUMNS)
    frame["year"] = pd.array(frame["year"], dtype="Int16")
    store.con.register("_notes", frame)
    try:
        store.con.execute("INSERT INTO quality_note SELECT * FROM _notes")
    finally:
        store.con.unregister("_notes")


def insert_frame(store: Store, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame whose columns are named as (a subset of) the table's columns."""
    name = f"_ins_{table}"
    store.con.register(name, frame)
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        store.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        store.con.unregister(name)
