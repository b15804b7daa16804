"""Pydantic schemas of the REST API (documentation and validation only; no store access here).

Families follow ``XPublic`` (one item) and ``XsPublic(data, count)`` (a page of items).
Numbers that may be missing are ``float | None`` (JSON ``null``), never NaN.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    detail: str
    #: The same message in Chinese (errors only; see :func:`industrial_brain._shared.error_zh.error_zh`).
    detail_zh: str | None = None


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: str
    role: str


class MePublic(BaseModel):
    username: str | None
    role: Literal["admin", "analyst", "enterprise", "public", "steward"]
    uscc: str | None = None
    department: str | None = None
    max_grade: Literal["general", "important", "core"]


class Page(BaseModel):
    """A page of rows: ``data`` (records), ``count`` (rows matching before paging), ``limit``, ``offset``."""

    model_config = ConfigDict(extra="allow")
    data: list[dict[str, Any]]
    count: int
    limit: int | None = None
    offset: int | None = None


class DatasetPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    dataset_id: str
    kind: str
    title: str | None = None
    grade: Literal["general", "important", "core"]
    rows: int
    years: str | None = None


class DatasetsPublic(BaseModel):
    data: list[DatasetPublic]
    count: int


class RegionPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    name_zh: str | None = None
    name_en: str | None = None
    level: str | None = None


class RegionsPublic(BaseModel):
    data: list[RegionPublic]
    count: int


class IndicatorPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    name_zh: str | None = None
    name_en: str | None = None
    unit: str | None = None
    dataset_id: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    quality: Literal["ok", "unit_unknown", "undocumented", "excluded", "duplicated"] = Field(
        "ok", description="the most serious quality status of the series (a picker groups by it)"
    )
    quality_flags: list[str] = Field(default_factory=list, description="every status that applies")
    unit_known: bool = True
    quality_notes: int = Field(
        0, description="number of quality notes on the series (GET /indicators/{code})"
    )


class UnitLabel(BaseModel):
    unit: str = Field(description="the unit code as stored, e.g. '10^8 CNY'")
    en: str
    zh: str
    label: str = Field(description="the label in the asked language")
    aliases: list[str] = Field(default_factory=list, description="other spellings of the same unit")


class UnitLabelsPublic(BaseModel):
    lang: Literal["en", "zh"]
    data: list[UnitLabel]
    unsure_mark: str = Field(description="the mark after a unit the source leaves uncertain: '(?)'")


class IndicatorsPublic(BaseModel):
    data: list[IndicatorPublic]
    count: int


class IndicatorDetail(IndicatorPublic):
    """One library entry with ``sources`` (datasets holding it) and ``quality`` (its notes)."""

    kind: str
    sources: list[dict[str, Any]]
    quality: list[dict[str, Any]]


class IndicatorSeries(BaseModel):
    """One indicator by year (``data``: year, value, rank, n, national, national_n, group, group_n)."""

    model_config = ConfigDict(extra="allow")
    code: str
    national_method: str
    data: list[dict[str, Any]]
    count: int


class BoardPublic(BaseModel):
    """A province's board (see :func:`industrial_brain.services.board.region_board`)."""

    model_config = ConfigDict(extra="allow")
    code: str
    name: str
    kpis: list[dict[str, Any]]
    coordination: dict[str, Any] | None = None
    sectors: dict[str, Any] | None = None
    enterprises: dict[str, Any] | None = None
    alerts: dict[str, Any]
    notes: list[str]


class ComparePublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    indicator: str
    regions: list[dict[str, Any]]
    data: list[dict[str, Any]]
    count: int


class WatchIn(BaseModel):
    code: str = Field(min_length=1, max_length=120)
    region: str | None = Field(None, max_length=12)


class WatchlistPublic(BaseModel):
    data: list[dict[str, Any]]
    count: int


class SkippedYear(BaseModel):
    year: int
    reason: str = Field(description="e.g. 'partial year; error: outlier in 1 region (340000)'")
    notes: list[dict[str, Any]] = Field(description="kind, severity, n, regions, detail per reason")


class YearFields(BaseModel):
    """The year a view opens on: the latest without an error or partial-year note (see /default-year)."""

    default_year: int | None = None
    latest_year: int | None = None
    clean_year: int | None = Field(None, description="null when every year carries such a note")
    skipped_years: list[SkippedYear] = Field(default_factory=list)
    year_flags: dict[str, list[str]] = Field(
        default_factory=dict, description="year → kinds of the notes on the whole year (e.g. partial_year)"
    )
    default_year_note: str | None = None


class PanelPage(Page, YearFields):
    """A panel page; each JSON row also has ``quality_note`` (its own notes, or null) and ``year_flags``."""

    indicators: list[str] = Field(default_factory=list)
    excluded: int = Field(0, description="values left out as quality errors (see /quality-notes)")


class MapPage(Page, YearFields):
    """Map values; each row also has ``quality_note`` (notes on the run's inputs there) and ``year_flags``."""


class DefaultYearPublic(YearFields):
    what: Literal["panel", "macro", "run"]
    indicator: list[str] | None = None
    run_id: str | None = None


class IOTablePublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    table_id: str
    year: int | None = None
    region_code: str | None = None
    scheme: str | None = None
    unit: str | None = None
    kind: str | None = None
    sectors: int | None = None


class IOTablesPublic(BaseModel):
    data: list[IOTablePublic]
    count: int


class IOResultPublic(Page):
    table_id: str
    unit: str | None = None
    notes: list[str] = Field(default_factory=list)


class ChokepointPublic(BaseModel):
    """One product ranked as a chokepoint (卡脖子): import share of supply × output at risk."""

    model_config = ConfigDict(extra="allow")
    sector: str
    rank: int
    name: str | None = None
    imports: float | None = None
    import_share: float | None = Field(None, description="imports / (output + imports)")
    import_penetration: float | None = Field(None, description="imports / (output + imports − exports)")
    output_at_risk: float | None = Field(
        None, description="domestic output lost with the imported use (Ghosh)"
    )
    output_at_risk_share: float | None = Field(None, description="output at risk / total output")
    use_hhi: float | None = None
    score: float | None = Field(None, description="import_share × output_at_risk_share")


class ChokepointsPublic(BaseModel):
    table_id: str
    unit: str | None = None
    score: str = "import_share * output_at_risk_share"
    notes: list[str] = Field(default_factory=list)
    data: list[ChokepointPublic]
    count: int


class EnterprisePublic(BaseModel):
    """One enterprise: registration, the latest assessment under the default model (flat fields) and
    the latest assessment under each model (``latest``)."""

    model_config = ConfigDict(extra="allow")
    uscc: str
    name: str | None = None
    region_code: str | None = None
    sector_code: str | None = None
    sector_scheme: str | None = None
    size_class: str | None = None
    model_code: str | None = None
    model_version: str | None = None
    assessment_id: str | None = None
    taken_on: str | None = None
    total_score: float | None = None
    level: str | None = None
    latest: list[dict] = []


class AggregatePage(Page):
    by: list[str]
    k: int
    suppressed: int
    model: str | None = None
    release_id: str | None = None
    made_at: str | None = None
    period: str | None = None
    p: float | None = None
    n_min: int | None = None


class ReleasePublic(BaseModel):
    """A release header: when, for which model and under which rules the aggregates were published."""

    release_id: str
    model_code: str
    made_at: str
    period: str | None = None
    k: int
    p: float
    n_min: int
    n_enterprises: int
    made_by: str | None = None


class ReleasesPublic(BaseModel):
    data: list[ReleasePublic]
    count: int


class ReleaseIn(BaseModel):
    """A release to make: every table over the latest assessments under one model, audited against
    every earlier release of that model."""

    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(None, max_length=80, description="model code (default: the most assessed)")
    period: str | None = Field(None, max_length=40, description="period label, e.g. 2024Q4")
    k: int = Field(3, ge=3, le=100, description="threshold: minimum enterprises per published cell")
    p: float = Field(10.0, ge=0, le=100, description="p of the p% dominance rule")
    n_min: int = Field(10, ge=5, le=1000, description="minimum enterprises for quartiles and shares")


class RunPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    run_id: str
    kind: str
    method: str
    created_at: str | None = None


class RunsPublic(BaseModel):
    data: list[RunPublic]
    count: int


class JobPublic(BaseModel):
    job_id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    error: str | None = None
    error_zh: str | None = Field(None, description="the error in Chinese (the dashboard in zh shows it)")
    result: Any = None
    created_at: str | None = None
    finished_at: str | None = None


class Capabilities(BaseModel):
    """Which services this server serves (read from the routes it mounted)."""

    macro: bool
    io: bool
    stress: bool
    assess: bool


class MacroJobIn(BaseModel):
    """Parameters of a macro pipeline run (see ``industrial_brain.services.macro.run_macro``)."""

    model_config = ConfigDict(extra="forbid")
    years: str | None = Field(
        None, max_length=20, description="FROM:TO window; default: the longest complete run"
    )
    model: Literal["conventional", "corrected"] = "conventional"
    weights: Literal["contiguity", "inverse_distance", "knn"] = "contiguity"
    k: int = Field(4, ge=1, le=30)
    permutations: int = Field(999, ge=0, le=9999)
    seed: int | None = Field(20240501, ge=0, le=2**31 - 1)
    missing: Literal["interpolate", "raise"] = "interpolate"


class AssessmentIn(BaseModel):
    """One filled questionnaire: answers by question code (choice codes; ``;``-separated or a list for
    multiple choice; numbers for numeric questions). Enterprise accounts submit for themselves."""

    model_config = ConfigDict(extra="forbid")
    uscc: str | None = Field(None, max_length=40, description="enterprise (default: the caller's own)")
    taken_on: str | None = Field(None, max_length=10, description="YYYY-MM-DD (default: today, UTC)")
    answers: dict[str, str | float | list[str]] = Field(..., max_length=500)


class DraftIn(BaseModel):
    """The answers an enterprise has given so far (kept as a draft, not scored)."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[str, str | float | list[str]] = Field(..., max_length=500)


class DraftPublic(BaseModel):
    answers: dict[str, str | float | list[str]]
    updated_at: str | None = Field(None, description="when the draft was last saved (UTC); None: no draft")


class AssessmentPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    uscc: str
    dataset_id: str
    total_score: float | None = None
    level: str | None = None
    skipped: bool = False


class StressJobIn(BaseModel):
    """A stress scenario to run: a shipped one by name, or a scenario written in YAML (edited)."""

    model_config = ConfigDict(extra="forbid")
    scenario: str | None = Field(None, max_length=80, description="a name from GET /stress/scenarios")
    yaml: str | None = Field(
        None, max_length=20000, description="a scenario in the YAML format (overrides scenario)"
    )
    table: str | None = Field(None, max_length=80, description="IO table id (default: the scenario's)")
    days: int | None = Field(None, ge=10, le=730)
    runs: int = Field(0, ge=0, le=200, description="Monte Carlo runs (0: the scenario as written only)")
    seed: int | None = Field(None, ge=0, le=2**31 - 1)


# ---- monitoring --------------------------------------------------------------------------------
class AlertReasonIn(BaseModel):
    """Why an alert is acknowledged or closed (stored with the change and audited)."""

    reason: str = Field(min_length=1, max_length=500)


class AlertPublic(BaseModel):
    """One alert (the list's fields) with its ``evidence``, ``lineage`` and state ``changes``."""

    model_config = ConfigDict(extra="allow")
    alert_id: str
    rule: str
    state: Literal["open", "acknowledged", "closed"]
    grade: Literal["general", "important", "core"]
    evidence: dict[str, Any] | None = None
    changes: list[dict[str, Any]]


class SubscriptionIn(BaseModel):
    """Alerts of these rules, regions and tags (each empty: all) to a webhook URL or e-mail address."""

    channel: Literal["webhook", "email"]
    target: str = Field(min_length=1, max_length=500)
    rules: list[str] = Field(default_factory=list, max_length=100)
    regions: list[str] = Field(default_factory=list, max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=100)


# ---- data products and grants (issue 20) -----------------------------------------------------------

Grade = Literal["general", "important", "core"]
Form = Literal["rows", "aggregates", "query"]


class DataProductPublic(BaseModel):
    """A data product: DCAT-style metadata, the three rights, terms, grade, quality, lineage."""

    model_config = ConfigDict(extra="allow")
    product_id: str
    kind: Literal["dataset", "run", "release", "api"]
    object_id: str
    holder: str
    title_zh: str
    title_en: str
    grade: Grade
    terms: Literal["public_interest_free", "conditional", "paid"]
    forms: list[Form]
    rights: dict[str, str | None]
    quality: dict[str, Any]
    lineage: dict[str, Any]
    dcat: dict[str, Any]


class DataProductsPublic(BaseModel):
    data: list[DataProductPublic]
    count: int


class DataProductIn(BaseModel):
    """What a steward publishes: the object (a dataset, run, release, or a dataset behind a query-only
    API), titles, terms, the output forms offered and the privacy budgets."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["dataset", "run", "release", "api"]
    object_id: str = Field(min_length=1, max_length=120)
    product_id: str | None = Field(default=None, min_length=1, max_length=80, pattern=r"^[a-z0-9_.-]+$")
    holder: str | None = Field(default=None, min_length=1, max_length=80)
    title_zh: str = Field(min_length=1, max_length=200)
    title_en: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    licence: str | None = Field(default=None, max_length=200)
    terms: Literal["public_interest_free", "conditional", "paid"] = "conditional"
    forms: list[Form] | None = Field(default=None, max_length=3)
    spatial: str | None = Field(default=None, max_length=200)
    update_frequency: Literal["once", "daily", "weekly", "monthly", "quarterly", "annual", "irregular"] = (
        "irregular"
    )
    processor: str | None = Field(default=None, max_length=200)
    operator: str | None = Field(default=None, max_length=200)
    epsilon_budget: float = Field(default=10.0, ge=0, le=100)
    public_epsilon: float = Field(default=0.0, ge=0, le=100)


class ScopeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: list[str] | None = Field(default=None, max_length=500)
    regions: list[str] | None = Field(default=None, max_length=500)
    years: list[int] | None = Field(default=None, min_length=2, max_length=2)


class AccessRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: str = Field(min_length=1, max_length=2000)
    form: Form
    days: int = Field(ge=1, le=3660)
    scope: ScopeIn | None = None
    epsilon: float = Field(default=0.0, ge=0, le=100)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    reason: str = Field(min_length=1, max_length=1000)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class GrantPublic(BaseModel):
    """A request and, once decided, the grant (``state``: pending, approved, expired, refused, revoked)."""

    model_config = ConfigDict(extra="allow")
    grant_id: str
    product_id: str
    grantee: str
    holder: str
    purpose: str
    form: Form
    days: int
    epsilon: float
    scope: dict[str, Any]
    status: Literal["pending", "approved", "refused", "revoked"]
    state: Literal["pending", "approved", "expired", "refused", "revoked"]
    requested_at: str
    expires_at: str | None = None


class GrantsPublic(BaseModel):
    data: list[GrantPublic]
    count: int


class UsagePublic(BaseModel):
    """The holder's usage report: grants with their uses, rows and ε spent; every use."""

    holder: str
    grants: list[dict[str, Any]]
    uses: list[dict[str, Any]]
    count: int


class AggregateCell(BaseModel):
    model_config = ConfigDict(extra="allow")
    key: str


class AggregatesPublic(BaseModel):
    """Counts, sums or means per cell; for DP answers the ε spent and the Laplace noise scale per part."""

    model_config = ConfigDict(extra="allow")
    by: str
    statistic: str
    mechanism: str
    cells: list[dict[str, Any]]


class VerifyPublic(BaseModel):
    product_id: str
    key: str
    measure: str
    at_least: float
    year: int | None = None
    answer: bool | None
