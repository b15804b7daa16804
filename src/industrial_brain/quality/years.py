"""Default years: the latest year of a series, panel or run that a reader may quote.

A view that opens on "the latest year" quotes whatever the newest vintage holds. Official provincial
panels are published piecemeal, so the newest years are often provisional (a few indicators
out, the rest preliminary) and carry values the screening marked as errors. A planning office
reading a ranking from such a year misquotes it. The rule here:

    default year = max { y in years : no note on the series in year y is an error or a partial year }

A note *applies* to a series (datasets D, indicators I) when its dataset is in D and its indicator
is in I or empty (a note on the whole dataset, such as a partial year). A year is skipped when such
a note names it with severity ``error`` (the value was left out or interpolated: the year's ranking
or total lacks it) or kind ``partial_year``
(:func:`~industrial_brain.quality.panel_checks.check_partial_years`:
"do not compare this year's totals or rankings with complete years"). Notes without a year (a
mislabelled column, a provenance caveat) say something about every year alike and cannot make one
year better than another: they neither skip a year nor mark a value; the catalog lists them.

Values keep their notes: :func:`value_notes` gives, per ``(region, year)``, the sentence of every
year-specific note on it, and :func:`year_flags` the kinds of the notes on a whole year; a view marks
such a value with :data:`MARK` next to the number.

Why hand-written: this is a filter over the project's own quality notes; no library knows them.

References
----------
.. [1] Eurostat (2019). *ESS guidelines on revision policy for PEEIs*, §2 (preliminary and revised
   estimates are labelled as such wherever they are disseminated).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin

__all__ = [
    "MARK",
    "SKIP_KINDS",
    "SKIP_SEVERITIES",
    "CleanYear",
    "applicable",
    "latest_clean_year",
    "value_notes",
    "year_flags",
]

#: The mark a view puts next to a number that carries a quality note.
MARK = "†"
#: Note kinds that skip a year whatever their severity.
SKIP_KINDS: tuple[str, ...] = ("partial_year",)
#: Note severities that skip a year whatever their kind.
SKIP_SEVERITIES: tuple[str, ...] = ("error",)
_SKIPPED_COLUMNS = ["year", "kind", "severity", "n", "regions", "detail"]
_KIND_ZH = {"partial_year": "不完整年份", "outlier": "异常值", "identity": "恒等式不符"}


def applicable(
    notes: pd.DataFrame,
    *,
    datasets: Collection[str] | None = None,
    indicators: Collection[str] | None = None,
) -> pd.DataFrame:
    """The notes that apply to a series: dataset in ``datasets`` and indicator in ``indicators`` or empty.

    Parameters
    ----------
    notes : DataFrame
        Quality notes (:data:`~industrial_brain.quality.notes.NOTE_COLUMNS`).
    datasets, indicators : collections of ids / codes, or None for any

    Examples
    --------
    >>> n = pd.DataFrame({"dataset_id": ["a", "a", "b"], "indicator_code": ["gdp", None, "gdp"],
    ...                   "region_code": [None] * 3, "year": [2020, 2021, 2022], "kind": ["outlier"] * 3,
    ...                   "severity": ["error"] * 3, "detail": ["x"] * 3})
    >>> applicable(n, datasets=["a"], indicators=["gdp"])["year"].tolist()
    [2020, 2021]
    """
    keep = pd.Series(True, index=notes.index)
    if datasets is not None:
        keep &= notes["dataset_id"].isin(list(datasets))
    if indicators is not None:
        keep &= notes["indicator_code"].isna() | notes["indicator_code"].isin(list(indicators))
    return notes[keep]


def _years(notes: pd.DataFrame) -> pd.DataFrame:
    """Notes that name a year, with ``year`` as int."""
    n = notes[notes["year"].notna()]
    return n.assign(year=n["year"].astype(int))


def _skips(notes: pd.DataFrame) -> pd.DataFrame:
    """Per year and (kind, severity) of the notes that skip it: count, regions, first sentence."""
    n = _years(notes)
    n = n[n["severity"].isin(SKIP_SEVERITIES) | n["kind"].isin(SKIP_KINDS)]
    if n.empty:
        return pd.DataFrame(columns=_SKIPPED_COLUMNS)
    g = n.groupby(["year", "kind", "severity"], sort=True)
    out = g.agg(
        n=("detail", "size"),
        regions=("region_code", lambda r: ",".join(sorted({str(c) for c in r.dropna()}))),
        detail=("detail", "first"),
    ).reset_index()
    return out.sort_values(["year", "kind"], ascending=[False, True], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class CleanYear(ResultMixin):
    """The default year of a series and the later years skipped on the way to it.

    Attributes
    ----------
    year : int or None
        The latest clean year (None: no year is clean).
    latest : int or None
        The latest year with data.
    years : tuple of int
        The years with data, ascending.
    skipped : DataFrame
        One row per skipped year later than ``year`` (every skipped year when none is clean) and
        reason: ``year, kind, severity, n`` (notes), ``regions`` (comma-joined codes, empty for a note
        on the whole year), ``detail`` (the first note's sentence); newest year first.
    """

    year: int | None
    latest: int | None
    years: tuple[int, ...]
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_SKIPPED_COLUMNS))

    title_en = "Default year"
    title_zh = "默认年份"

    @property
    def default(self) -> int | None:
        """The year a view opens on: the clean year, else the latest (then every year is flagged)."""
        return self.year if self.year is not None else self.latest

    @property
    def skipped_years(self) -> list[int]:
        """The skipped years, newest first."""
        return list(dict.fromkeys(int(y) for y in self.skipped["year"]))

    def reasons(self, lang: str = "en") -> dict[int, str]:
        """Per skipped year, a short reason: ``'partial year; error: outlier in 4 regions'``.

        Examples
        --------
        >>> n = pd.DataFrame({"dataset_id": ["d", "d"], "indicator_code": [None, "gdp"],
        ...                   "region_code": [None, "340000"], "year": [2024, 2024],
        ...                   "kind": ["partial_year", "outlier"], "severity": ["warning", "error"],
        ...                   "detail": ["partial year: ...", "625.5 in 2024 is out of line ..."]})
        >>> latest_clean_year([2023, 2024], n).reasons()
        {2024: 'error: outlier in 1 region (340000); partial year'}
        """
        check_lang(lang)
        zh = lang == "zh"
        out: dict[int, list[str]] = {}
        for r in self.skipped.itertuples():
            kind = _KIND_ZH.get(r.kind, r.kind) if zh else r.kind.replace("_", " ")
            if r.kind in SKIP_KINDS:
                text = kind
            else:
                regions = [c for c in r.regions.split(",") if c]
                where = (
                    (f"{len(regions)} 个地区" if zh else f"{len(regions)} region{'s' * (len(regions) > 1)}")
                    + (f" ({', '.join(regions)})" if len(regions) <= 3 else "")
                    if regions
                    else ("全年" if zh else "the whole year")
                )
                text = f"错误：{kind}，{where}" if zh else f"error: {kind} in {where}"
            out.setdefault(int(r.year), []).append(text)
        return {y: "；".join(t) if zh else "; ".join(t) for y, t in out.items()}

    def line(self, lang: str = "en") -> str:
        """One line for a reader: the default year and which later years were skipped, and why.

        Examples
        --------
        >>> latest_clean_year([2021, 2022], pd.DataFrame(columns=["dataset_id", "indicator_code",
        ...     "region_code", "year", "kind", "severity", "detail"])).line()
        'year 2022 (the latest year; no year skipped)'
        """
        zh = lang == "zh"
        reasons = self.reasons(lang)
        if self.year is None:
            head = (
                f"{self.latest}年（没有无质量问题的年份：各年均有标注）"
                if zh
                else f"year {self.latest} (no clean year: every year carries a quality note)"
            )
            return head if self.latest is not None else ("无数据" if zh else "no data")
        if not reasons:
            return (
                f"{self.year}年（最新年份，未跳过任何年份）"
                if zh
                else f"year {self.year} (the latest year; no year skipped)"
            )
        listed = ("；" if zh else "; ").join(
            (f"{y}年（{r}）" if zh else f"{y} ({r})") for y, r in reasons.items()
        )
        return (
            f"{self.year}年（无错误和不完整年份标注的最新年份；跳过：{listed}）"
            if zh
            else f"year {self.year} (the latest without an error or partial-year note; skipped: {listed})"
        )

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, object]]:
        zh = lang == "zh"
        return [
            ("默认年份" if zh else "default year", self.default),
            ("最新年份" if zh else "latest year", self.latest),
        ]

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The skipped years and their reasons (``year, kind, severity, n, regions, detail``)."""
        check_lang(lang)
        return self.skipped.copy()


def latest_clean_year(
    years: Iterable[int],
    notes: pd.DataFrame,
    *,
    datasets: Collection[str] | None = None,
    indicators: Collection[str] | None = None,
) -> CleanYear:
    """The latest year with data that carries no error and no partial-year note for the series.

    Parameters
    ----------
    years : iterable of int
        The years in which the series (panel, run) has values.
    notes : DataFrame
        Quality notes (:data:`~industrial_brain.quality.notes.NOTE_COLUMNS`); filtered by
        :func:`applicable` with ``datasets`` and ``indicators``.
    datasets, indicators : collections of ids / codes, or None for any

    Returns
    -------
    CleanYear

    Notes
    -----
    ``year = max {y ∈ years : no applicable note names y with severity 'error' or kind 'partial_year'}``;
    warnings (level breaks, repeated values) and notes without a year do not skip a year.

    Examples
    --------
    GDP to 2025; 2025 is a partial year, 2024 has an outlier in one province:

    >>> n = pd.DataFrame({"dataset_id": ["d", "d", "d"], "indicator_code": [None, "gdp", "gdp"],
    ...                   "region_code": [None, "340000", "110000"], "year": [2025, 2024, 2023],
    ...                   "kind": ["partial_year", "outlier", "level_break"],
    ...                   "severity": ["warning", "error", "warning"], "detail": ["p", "o", "b"]})
    >>> c = latest_clean_year(range(2020, 2026), n, indicators=["gdp"])
    >>> c.year, c.latest, c.skipped_years
    (2023, 2025, [2025, 2024])
    """
    ys = tuple(sorted({int(y) for y in years}))
    skips = _skips(applicable(notes, datasets=datasets, indicators=indicators))
    bad = set(skips["year"].astype(int))
    clean = [y for y in ys if y not in bad]
    year = clean[-1] if clean else None
    later = skips[skips["year"].astype(int) > (year if year is not None else -(10**9))]
    later = later[later["year"].astype(int).isin(ys)].reset_index(drop=True)
    return CleanYear(year=year, latest=ys[-1] if ys else None, years=ys, skipped=later)


def value_notes(notes: pd.DataFrame) -> pd.DataFrame:
    """The year-specific notes on single values: ``region_code, year, quality_note`` (one row per value).

    ``quality_note`` joins the sentences (``"indicator: detail"`` when the note names an indicator)
    with ``" | "``. Pass notes already filtered by :func:`applicable`.

    Examples
    --------
    >>> n = pd.DataFrame({"dataset_id": ["d", "d"], "indicator_code": ["gdp", "gdp"],
    ...                   "region_code": ["110000", None], "year": [2018, 2025],
    ...                   "kind": ["level_break", "partial_year"], "severity": ["warning"] * 2,
    ...                   "detail": ["jumps ×0.9", "partial year"]})
    >>> value_notes(n).to_dict("records")
    [{'region_code': '110000', 'year': 2018, 'quality_note': 'gdp: jumps ×0.9'}]
    """
    n = _years(notes)
    n = n[n["region_code"].notna()]
    if n.empty:
        return pd.DataFrame(columns=["region_code", "year", "quality_note"])
    text = [
        f"{i}: {d}" if isinstance(i, str) and i else str(d) for i, d in zip(n["indicator_code"], n["detail"])
    ]
    out = n.assign(quality_note=text).groupby(["region_code", "year"], sort=True)["quality_note"]
    return out.agg(lambda s: " | ".join(dict.fromkeys(s))).reset_index()


def year_flags(notes: pd.DataFrame) -> dict[int, list[str]]:
    """The kinds of the notes on a whole year (no region), per year: ``{2025: ['partial_year']}``.

    Examples
    --------
    >>> n = pd.DataFrame({"dataset_id": ["d"], "indicator_code": [None], "region_code": [None],
    ...                   "year": [2025], "kind": ["partial_year"], "severity": ["warning"], "detail": ["p"]})
    >>> year_flags(n)
    {2025: ['partial_year']}
    """
    n = _years(notes)
    n = n[n["region_code"].isna()]
    return {int(y): sorted(set(g["kind"])) for y, g in n.groupby("year", sort=True)}
