"""Ingest of firm-to-firm transaction records (VAT invoices, orders, deliveries) from CSV or Parquet.

Columns: ``record_id, seller_uscc, buyer_uscc, date, amount_cny`` and optional ``product_code``. The
file is checked whole inside DuckDB (:func:`industrial_brain.store.transactions.check_staged`: one
vectorised query per check, no Python loop over rows, so files of hundreds of millions of records
pass) and stored whole or not at all. A refused file gets one line naming the file, the row (the
header is row 1), the column, the value found and what was expected, and how many rows share the
fault. Refused: a blank required cell; an amount that is not a number, NaN, infinite, zero or
negative; a date that is not an ISO date or lies outside the declared period; self-trade (seller =
buyer); a malformed USCC (GB 32100) or a firm not registered (ingest the firms first); a record id
twice in the file or already stored; the same record entered from both sides (seller and buyer
swapped, same date and amount). Transaction data are firm-level: graded ``important`` by default,
never ``general``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import DatasetInfo, IngestReport, check_dataset_id_free, commit_dataset
from industrial_brain.ingest.files import file_format, sha256_file
from industrial_brain.reference.uscc import uscc_problem
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_by_sha256
from industrial_brain.store.transactions import REQUIRED, Finding, check_staged, insert_staged, staged

_REGISTER = "a firm registered first with 'ibrain network ingest FIRMS --kind firms'"


def _message(f: Finding, period: tuple[str | None, str | None]) -> tuple[str, str]:
    """(what, expected) of a finding."""
    start, end = period
    if f.check == "blank":
        return f"missing {f.column}", "a value in every row"
    if f.check in ("unknown_seller", "unknown_buyer"):
        problem = uscc_problem(f.value)
        if problem is not None:
            return (
                f"invalid unified social credit code: {problem}",
                "an 18-character GB 32100 code with a valid check character",
            )
        return f"unknown firm ({f.check.split('_')[1]})", _REGISTER
    return {
        "amount_not_number": ("amount is not a number", "an amount in CNY greater than 0"),
        "amount_not_finite": ("amount is NaN or infinite", "a finite amount in CNY greater than 0"),
        "amount_not_positive": ("amount is zero or negative", "an amount in CNY greater than 0"),
        "date_not_date": ("not a date", "an ISO date such as 2017-03-31"),
        "date_outside_period": (
            "date outside the declared period",
            f"a date from {start or 'any day'} to {end or 'any day'}",
        ),
        "self_trade": ("self-trade: the buyer is the seller", "a buyer other than the seller"),
        "duplicate_record_id": (f"duplicate record_id (also on row {f.other_row})", "each record id once"),
        "record_id_stored": (
            "record_id already stored",
            "a new record id, or --replace on the dataset that holds it",
        ),
        "swapped_duplicate": (
            f"seller and buyer swapped duplicate of row {f.other_row} (same date and amount)",
            "each transaction once, as the seller reports it",
        ),
        "swapped_stored": (
            "seller and buyer swapped duplicate of a stored record (same date and amount)",
            "each transaction once, as the seller reports it",
        ),
    }[f.check]


def _iso(value: str | None, name: str) -> str | None:
    """An ISO date option (``YYYY-MM-DD``) checked, or None."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError.at(
            "bad period", column=name, value=value, expected="an ISO date such as 2017-01-01"
        ) from None


def ingest_transactions(
    store: Store,
    path: str | Path,
    info: DatasetInfo,
    *,
    period_start: str | None = None,
    period_end: str | None = None,
    replace: bool = False,
) -> IngestReport:
    """Check a transaction file in the store's engine and store it whole as one dataset.

    Parameters
    ----------
    period_start, period_end : str, optional
        The period the file declares (ISO dates, inclusive); a record dated outside it is refused.
    """
    path = Path(path)
    period = (_iso(period_start, "period_start"), _iso(period_end, "period_end"))
    if not path.exists() or path.is_dir() or path.stat().st_size == 0:
        raise InputError.at("file not found or empty", file=str(path), expected="a CSV or Parquet file")
    fmt = file_format(path)
    if fmt == "xlsx":
        raise InputError.at(
            "unsupported file type", file=str(path), value=path.suffix, expected="a .csv or .parquet file"
        )
    sha = sha256_file(path)
    same = dataset_by_sha256(store, sha)
    if same is not None:
        return IngestReport(
            same,
            info.kind,
            str(path),
            sha,
            0,
            skipped=True,
            message=f"identical file already stored as dataset '{same}'; nothing to do",
        )
    check_dataset_id_free(store, info, str(path), replace)
    with staged(store, path, fmt) as columns:
        for c in REQUIRED:
            if c not in columns:
                raise InputError.at(
                    "missing column",
                    file=str(path),
                    row=1,
                    column=c,
                    expected=f"columns {', '.join(REQUIRED)}",
                )
        for f in check_staged(store, period=period, replacing=info.dataset_id if replace else None):
            what, expected = _message(f, period)
            if f.count > 1:
                what += f" ({f.count:,} rows like it)"
            raise InputError.at(
                what, file=str(path), row=f.row, column=f.column, value=f.value, expected=expected
            )
        rows: list[int] = []
        commit_dataset(
            store,
            info,
            file=str(path),
            sha=sha,
            rows=0,
            replace=replace,
            write=lambda s: rows.append(insert_staged(s, info.dataset_id, "product_code" in columns)),
            rows_from=lambda: rows[0],
            detail=f"period={period[0] or ''}..{period[1] or ''}",
        )
    return IngestReport(
        info.dataset_id, info.kind, str(path), sha, rows[0], message=f"stored {rows[0]:,} transactions"
    )
