"""What every ingest shares: the dataset record, the duplicate-file check, the atomic commit, the report.

An ingest validates everything first (no store access besides reads), then writes the dataset
record, its rows, its quality notes and an audit row in one transaction: the file is stored whole or
not at all. A file whose sha256 is already stored is a no-op that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_kind, delete_dataset, insert_dataset
from industrial_brain.store.quality_notes import insert_notes

GRADES = ("general", "important", "core")
KINDS = ("panel", "io", "enterprise", "sectors", "indicators")
#: The production network's kinds (``ibrain network ingest``): firm-level data, never graded general.
NETWORK_KINDS = ("firms", "transactions")
#: Firm annual accounts (``ibrain mu ingest``): firm-level data, never graded general.
ACCOUNT_KINDS = ("firm_accounts",)
#: The capital chain's kinds (``ibrain capital ingest``): firm and fund data, never graded general.
CAPITAL_KINDS = ("financing_needs", "financing_sources", "financial_statements")


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
        """This record, after checking kind, grade and id; :class:`InputError` naming the field otherwise."""
        if self.kind not in KINDS + NETWORK_KINDS + ACCOUNT_KINDS + CAPITAL_KINDS + ("reference", "geo"):
            raise InputError.at("unknown kind", column="kind", value=self.kind, expected=" | ".join(KINDS))
        if self.grade not in GRADES:
            raise InputError.at(
                "unknown data grade", column="grade", value=self.grade, expected="general | important | core"
            )
        if (
            self.kind in ("enterprise",) + NETWORK_KINDS + ACCOUNT_KINDS + CAPITAL_KINDS
            and self.grade == "general"
        ):
            raise InputError.at(
                "enterprise data cannot be graded general",
                column="grade",
                value=self.grade,
                expected="important or core (Data Security Law practice)",
            )
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}", self.dataset_id):
            raise InputError.at(
                "bad dataset id",
                column="dataset_id",
                value=self.dataset_id,
                expected="letters, digits, '_', '.', '-' (up to 128), starting with a letter or digit",
            )
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
        """The quality notes the ingest stored."""
        return self.notes


def check_dataset_id_free(store: Store, info: DatasetInfo, file: str, replace: bool) -> None:
    """Raise unless ``info.dataset_id`` is new, or ``replace`` is set and the stored one has the same kind."""
    kind = dataset_kind(store, info.dataset_id)
    if kind and not replace:
        raise InputError.at(
            "dataset id already used by a different file",
            file=file,
            column="dataset_id",
            value=info.dataset_id,
            expected="a new --dataset-id, or --replace to replace that dataset",
        )
    if kind and kind != info.kind:
        raise InputError.at(
            "cannot replace a dataset of another kind",
            file=file,
            column="kind",
            value=info.kind,
            expected=kind,
        )


def commit_dataset(
    store: Store,
    info: DatasetInfo,
    *,
    file: str,
    sha: str,
    rows: int,
    write: Callable[[Store], None],
    notes: pd.DataFrame | None = None,
    replace: bool = False,
    detail: str = "",
    notes_from: Callable[[], pd.DataFrame | None] | None = None,
    rows_from: Callable[[], int] | None = None,
) -> None:
    """Write the dataset record, its rows (``write``), its notes and an audit row in one transaction.

    ``notes_from`` / ``rows_from`` supply notes and the row count that ``write`` only learns while writing.
    Any exception inside rolls the whole transaction back.
    """
    with store.transaction():
        if replace:
            delete_dataset(store, info.dataset_id)
        write(store)
        if rows_from is not None:
            rows = rows_from()
        insert_dataset(
            store,
            dataset_id=info.dataset_id,
            kind=info.kind,
            title=info.title,
            source=info.source,
            publisher=info.publisher,
            licence=info.licence,
            citation=info.citation,
            sha256=sha,
            rows=rows,
            grade=info.grade,
            file_name=Path(file).name,
        )
        if notes_from is not None:
            notes = notes_from()
        if notes is not None and len(notes):
            insert_notes(store, notes)
        store.audit(
            "replace" if replace else "ingest",
            f"dataset:{info.dataset_id}",
            f"{info.kind} file={Path(file).name} rows={rows} sha256={sha[:16]} {detail}".strip(),
        )
