"""Reading user files: format and encoding detection, hashing, one-line errors for unreadable input.

Chinese statistical files often come as GBK/GB18030 CSV or as XLSX; all are read as text first so
that type errors can be reported at their cell.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
ENV_MAX_FILE_MB = "IBRAIN_MAX_FILE_MB"
#: Largest file an ingest reads, in MiB (``$IBRAIN_MAX_FILE_MB`` overrides): a file is checked whole
#: in memory (several times its size), so a larger one is refused up front, in one line.
MAX_FILE_MB = 512
#: Cells meaning "no value" in a value column (yearbook marks and "not available" in words), compared
#: after trimming and lower-casing. ``NaN`` is not among them: it is a number's failure (0/0), not a
#: statement that the value is missing, and it is refused as not a number.
MISSING_MARKS = frozenset({"", "-", "--", "—", "——", "…", "...", "na", "n/a", "null", "none"})
#: Only a blank cell is missing (IO tables, indicator domains): ``marks`` for :func:`parse_numbers`.
BLANK = frozenset({""})
#: A number as a data file writes it: optional sign, digits with an optional decimal point, an optional
#: exponent (``2e3`` is 2000 in a value column); ``inf``/``infinity`` are read so as to be refused as
#: infinite. Not numbers: ``1_000`` (a Python literal), ``0x10``, ``NaN``, ``1,0``.
NUMBER_RE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?i:inf|infinity)"
#: Thousands separators accepted: commas between groups of three digits (``12,345.6``), nothing else.
GROUPED_RE = r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?"
#: A year as a data file writes it: digits, optionally with a zero fraction as spreadsheets export it
#: (``2015``, ``2015.0``); ``2e3``, ``2_015`` and ``+2015`` are not years.
YEAR_RE = r"[0-9]+(?:\.0+)?"


def parse_numbers(s: pd.Series, *, marks: frozenset[str] = MISSING_MARKS) -> tuple[np.ndarray, np.ndarray]:
    """(values, bad): cells of ``s`` as floats by :data:`NUMBER_RE` (after removing thousands
    separators written as :data:`GROUPED_RE` and no-break spaces); cells in ``marks`` are missing
    (NaN, not bad); anything else is bad (NaN, flagged). A numeric column (Parquet) is taken as is.

    >>> v, bad = parse_numbers(pd.Series(["1", "12,345.5", "2e3", "—", "NaN", "1_000", "1,0", None]))
    >>> v[:4].tolist(), bad.tolist()
    ([1.0, 12345.5, 2000.0, nan], [False, False, False, False, True, True, True, False])
    """
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype="float64"), np.zeros(len(s), dtype=bool)
    text = s.astype("string").str.strip().str.replace("\u00a0", "", regex=False)
    missing = (text.isna() | text.str.lower().isin(marks)).to_numpy(dtype=bool)
    grouped = text.str.fullmatch(GROUPED_RE).fillna(False).to_numpy(dtype=bool)
    text = text.where(~grouped, text.str.replace(",", "", regex=False))
    valid = text.str.fullmatch(NUMBER_RE).fillna(False).to_numpy(dtype=bool)
    num = pd.to_numeric(text.where(valid & ~missing), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    return num, ~missing & ~valid


def parse_years(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(years as floats, bad): digits by :data:`YEAR_RE`; a blank cell is NaN (not flagged: the caller
    decides whether a year may be missing); anything else is bad. A numeric column is taken as is.

    >>> y, bad = parse_years(pd.Series(["2015", "2015.0", "2e3", "2_015", "2015.5", None]))
    >>> y[:2].tolist(), bad.tolist()
    ([2015.0, 2015.0], [False, False, True, True, True, False])
    """
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype="float64"), np.zeros(len(s), dtype=bool)
    text = s.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
    valid = text.str.fullmatch(YEAR_RE).fillna(False).to_numpy(dtype=bool)
    num = pd.to_numeric(text.where(valid), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return num, ~blank & ~valid


class LineNumbers:
    """Each data row's own line (CSV) or row number (XLSX sheet) in its file, kept in a frame's
    ``attrs["lines"]``: blank lines are skipped, not renumbered. Shared, never copied (pandas
    deep-copies ``attrs`` at every operation); ``array`` is the numbers."""

    __slots__ = ("array",)

    def __init__(self, numbers):
        self.array = np.asarray(numbers, dtype="int64")

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __len__(self) -> int:
        return len(self.array)


def max_file_bytes() -> int:
    """Largest file an ingest reads: ``$IBRAIN_MAX_FILE_MB`` or :data:`MAX_FILE_MB` MiB, in bytes."""
    return int(float(os.environ.get(ENV_MAX_FILE_MB, MAX_FILE_MB)) * 1024**2)


XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


def sha256_file(path: str | Path, chunk: int = 1 << 22) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def file_format(path: Path) -> str:
    """'csv', 'xlsx' or 'parquet' from the file suffix; InputError otherwise."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise InputError.at(
        "unsupported file type",
        file=str(path),
        value=suffix or "(no suffix)",
        expected="a .csv, .xlsx or .parquet file",
    )


def check_readable(path: Path) -> None:
    """Raise a one-line InputError when the path is missing, a directory or empty."""
    if not path.exists():
        raise InputError.at("file not found", file=str(path), expected="an existing file")
    if path.is_dir():
        raise InputError.at("is a directory", file=str(path), expected="a data file")
    size = path.stat().st_size
    if size == 0:
        raise InputError.at("file is empty", file=str(path), expected="a header line and data rows")
    if size > (limit := max_file_bytes()):
        raise InputError.at(
            "file too large",
            file=str(path),
            value=f"{size / 1024**2:,.0f} MiB",
            expected=f"at most {limit / 1024**2:,.0f} MiB (${ENV_MAX_FILE_MB}); "
            "split the file by year or region",
        )


def detect_encoding(path: Path, chunk: int = 1 << 22) -> str:
    """'utf-8-sig' (BOM), 'utf-8' or 'gb18030' (a superset of GBK/GB2312); InputError if none fits.

    Reads incrementally so a large file is never held in memory twice.
    """
    with open(path, "rb") as fh:
        head = fh.read(chunk)
    if b"\x00" in head:  # UTF-16 text, a binary file, or a sparse file of zeros
        raise InputError.at(
            "not a text file",
            file=str(path),
            row=head[: head.index(b"\x00")].count(b"\n") + 1,
            value="NUL bytes",
            expected="UTF-8 (with or without BOM) or GBK/GB18030 text",
        )
    if head[:3] == codecs.BOM_UTF8:
        return "utf-8-sig"
    for enc in ("utf-8", "gb18030"):
        dec = codecs.getincrementaldecoder(enc)()
        line = 1
        try:
            with open(path, "rb") as fh:
                while block := fh.read(chunk):
                    dec.decode(block)
                    line += block.count(b"\n")
                dec.decode(b"", final=True)
            return enc
        except UnicodeDecodeError as exc:
            if enc == "gb18030":
                raise InputError.at(
                    "cannot decode text",
                    file=str(path),
                    row=line + exc.object[: exc.start].count(b"\n"),
                    value=exc.object[exc.start : exc.start + 4].hex(" "),
                    expected="UTF-8 (with or without BOM) or GBK/GB18030 text",
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def read_frame(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV, XLSX sheet or Parquet file into a DataFrame of strings (Parquet keeps its types).

    Column names are stripped of surrounding blanks. Blank cells become missing values.
    """
    path = Path(path)
    check_readable(path)
    fmt = file_format(path)
    if fmt == "csv":
        enc = detect_encoding(path)
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
        header, header_line = _csv_header(path, enc, sep)
        _check_header(header, str(path))
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            try:
                df = pd.read_csv(
                    path,
                    dtype=str,
                    encoding=enc,
                    sep=sep,
                    keep_default_na=False,
                    index_col=False,
                    na_values=[""],
                    skipinitialspace=True,
                    skip_blank_lines=False,  # kept, then dropped below: errors name the file's own lines
                    header=header_line - 1,
                )
            except pd.errors.EmptyDataError:
                raise InputError.at(
                    "file has no header line", file=str(path), expected="a header line"
                ) from None
            except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
                line = _first_ragged_line(path, enc, sep, len(header))
                raise InputError.at(
                    "malformed CSV",
                    file=str(path),
                    row=line,
                    value=str(exc).strip().splitlines()[-1][:80],
                    expected=f"{len(header)} fields on every line, as in the header",
                ) from None
    elif fmt == "xlsx":
        df = _read_xlsx(path, sheet)
    else:
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise InputError.at(
                "cannot read Parquet file",
                file=str(path),
                value=str(exc).splitlines()[0],
                expected="a valid Parquet file",
            ) from None
    if fmt == "csv":  # blank lines (and lines of empty cells) carry nothing: skipped, not renumbered
        empty = df.isna().all(axis=1).to_numpy()
        lines = np.arange(header_line + 1, header_line + 1 + len(df))[~empty]
        if empty.any():
            df = df[~empty].reset_index(drop=True)
        df.attrs["lines"] = LineNumbers(lines)
    df.columns = [str(c).strip() for c in df.columns]
    _check_header(list(df.columns), str(path))
    if df.empty:
        raise InputError.at("no data rows", file=str(path), expected="at least one row below the header")
    return df


def _csv_header(path: Path, enc: str, sep: str) -> tuple[list[str], int]:
    """The header's cells and its line number (the first line with a non-blank cell)."""
    import csv

    with open(path, encoding=enc, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        for row in reader:
            if any(cell.strip() for cell in row):
                return [c.strip() for c in row], reader.line_num
    raise InputError.at("file has no header line", file=str(path), expected="a header line")


def _first_ragged_line(path: Path, enc: str, sep: str, width: int) -> int | None:
    import csv

    with open(path, encoding=enc, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        try:
            for row in reader:
                if len(row) != width and reader.line_num > 1 and any(c.strip() for c in row):
                    return reader.line_num
        except csv.Error:
            return reader.line_num
    return None


def _check_header(columns: list[str], file: str) -> None:
    if any(c == "" or c.startswith("Unnamed:") for c in columns):
        pos = next(i for i, c in enumerate(columns) if c == "" or c.startswith("Unnamed:"))
        raise InputError.at(
            "blank column name",
            file=file,
            row=1,
            column=f"#{pos + 1}",
            expected="a name in every header cell",
        )
    dup = pd.Index(columns)[pd.Index(columns).duplicated()]
    if len(dup):
        raise InputError.at(
            "duplicate column name", file=file, row=1, column=dup[0], expected="each column name once"
        )


def _read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """One sheet as strings; without ``sheet``, the first *visible* one (the sheet a person sees on
    opening the workbook; a hidden or very hidden sheet is read only when named or indexed). Blank
    rows are skipped and ``attrs["lines"]`` keeps each row's own number in the sheet. A formula
    cell without a saved value (a workbook written by a program that does not calculate) is refused:
    its value is unknown, and reading it as blank would drop or change the row."""
    from openpyxl import load_workbook
    from zipfile import BadZipFile

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError.at(
            "cannot read XLSX workbook",
            file=str(path),
            value=str(exc).splitlines()[0],
            expected="a valid .xlsx file",
        ) from None
    names = wb.sheetnames
    if sheet is None:
        visible = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not visible:
            raise InputError.at(
                "no visible sheet",
                file=str(path),
                expected="a visible sheet, or --sheet NAME for a hidden one",
            )
        name = visible[0]
    elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        idx = int(sheet)
        if not 0 <= idx < len(names):
            raise InputError.at(
                "no such sheet",
                file=str(path),
                value=sheet,
                expected=f"a sheet index 0..{len(names) - 1} or a name among {names}",
            )
        name = names[idx]
    elif sheet in names:
        name = sheet
    else:
        raise InputError.at("no such sheet", file=str(path), value=sheet, expected=f"one of {names}")
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    where = f"{path}[{name}]"
    formulas = _uncached_formulas(path, name, rows) if _has_formulas(path) else None
    kept = [
        (n, r)
        for n, r in enumerate(rows, start=1)
        if r is not None and any(v is not None and str(v).strip() != "" for v in r)
    ]
    if formulas is None and not kept:
        raise InputError.at("sheet is empty", file=where, expected="a header row and data rows")

    header = ["" if v is None else str(v) for v in (kept[0][1] if kept else ())]
    if formulas:
        n, j, text = formulas
        col = header[j] if j < len(header) and header[j] else f"#{j + 1}"
        raise InputError.at(
            "formula without a saved value",
            file=where,
            row=n,
            column=col,
            value=text[:60],
            expected="a value: recalculate and save the workbook in Excel or LibreOffice, or paste values",
        )
    while header and header[-1] == "":
        header.pop()
    body = [
        [
            None if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            for v in r[: len(header)]
        ]
        for _, r in kept[1:]
    ]
    df = pd.DataFrame(body, columns=header, dtype=object)
    df.attrs["lines"] = LineNumbers([n for n, _ in kept[1:]])
    return df


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook at ``path`` holds a formula (an ``<f>`` element)."""
    from zipfile import ZipFile

    with ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with z.open(info) as fh:
                    tail = b""
                    while block := fh.read(1 << 20):
                        if b"<f>" in tail + block or b"<f " in tail + block:
                            return True
                        tail = block[-3:]
    return False


def _uncached_formulas(path: Path, name: str, values: list[tuple]) -> tuple[int, int, str] | None:
    """(sheet row, 0-based column, formula) of the first formula cell of sheet ``name`` whose saved
    value (in ``values``, read with ``data_only``) is missing; None when every formula has one."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        for n, (row, vals) in enumerate(zip(wb[name].iter_rows(values_only=True), values), start=1):
            for j, v in enumerate(row or ()):
                if (
                    isinstance(v, str)
                    and v.startswith("=")
                    and (vals is None or j >= len(vals) or vals[j] is None)
                ):
                    return n, j, v
                if type(v).__name__ in ("ArrayFormula", "DataTableFormula"):
                    if vals is None or j >= len(vals) or vals[j] is None:
                        return n, j, str(getattr(v, "text", v))
    finally:
        wb.close()
    return None
