"""Validated, atomic ingest of user files into the store (panel, io, enterprise, sectors, indicators)."""

from __future__ import annotations

from pathlib import Path

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import GRADES, KINDS, DatasetInfo, IngestReport, dataset_id_from_path
from industrial_brain.ingest.io import ingest_io
from industrial_brain.ingest.panel import ingest_panel
from industrial_brain.ingest.reference_kinds import ingest_enterprises, ingest_indicators, ingest_sectors
from industrial_brain.store.connection import Store

__all__ = [
    "ingest",
    "DatasetInfo",
    "IngestReport",
    "KINDS",
    "GRADES",
    "ingest_panel",
    "ingest_io",
    "ingest_enterprises",
    "ingest_indicators",
    "ingest_sectors",
]


def ingest(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    dataset_id: str | None = None,
    title: str = "",
    source: str = "",
    publisher: str = "",
    licence: str = "",
    citation: str = "",
    grade: str | None = None,
    replace: bool = False,
    sheet: str | int | None = None,
    **options,
) -> IngestReport:
    """Validate ``path`` and store it whole as one dataset of ``kind``, or raise :class:`InputError`.

    Parameters
    ----------
    kind : {'panel', 'io', 'enterprise', 'sectors', 'indicators'}
    options : kind-specific options — panel: ``layout``, ``identities``; io: ``year`` (required),
        ``table_id``, ``region``, ``scheme``, ``unit``, ``rtol``, ``atol``; sectors/enterprise: ``scheme``.

    Examples
    --------
    >>> from industrial_brain.store import Store
    >>> store = Store(":memory:")                     # doctest: +SKIP
    >>> ingest(store, "gdp.csv", "panel")              # doctest: +SKIP
    """
    if kind not in KINDS:
        raise InputError.at("unknown kind", column="--kind", value=kind, expected=" | ".join(KINDS))
    path = Path(path)
    info = DatasetInfo(
        dataset_id=dataset_id or dataset_id_from_path(path),
        kind=kind,
        title=title or path.name,
        source=source or str(path.name),
        publisher=publisher,
        licence=licence,
        citation=citation,
        grade=grade or ("important" if kind == "enterprise" else "general"),
    ).checked()
    if kind == "panel":
        return ingest_panel(store, path, info, replace=replace, sheet=sheet, **options)
    if kind == "io":
        if options.get("year") is None:
            raise InputError.at(
                "missing option",
                file=str(path),
                column="--year",
                expected="the table's year, e.g. --year 2020",
            )
        return ingest_io(store, path, info, replace=replace, sheet=sheet, **options)
    fn = {"enterprise": ingest_enterprises, "sectors": ingest_sectors, "indicators": ingest_indicators}[kind]
    return fn(store, path, info, replace=replace, sheet=sheet, **options)
