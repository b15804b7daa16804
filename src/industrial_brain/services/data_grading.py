"""Grading the stored datasets by GB/T 43697-2024, column by column, and data stewards' overrides.

* :func:`describe_store` — one description per column of every stored dataset: each panel indicator,
  the input–output flows, the enterprise tables (``config/governance/store_tables.yaml``), with the
  factors read from the store (enterprises covered: *scale*; regions).
* :func:`grade_store` — grades them (:func:`industrial_brain.governance.grade_columns`) and stores a
  grade with its justification (``data_grade``, migration 14) for every dataset graded for the first
  time or whose descriptions changed (fingerprint, GB/T 43697-2024 Annex J); unchanged datasets keep
  their row. The grade in force feeds ``dataset.grade``, which the access policy
  (:mod:`industrial_brain.services.access`), exports and releases read.
* :func:`override_grade` — a data steward sets a dataset's grade with a reason; audited.

The grade in force (``effective_grade``)
----------------------------------------
A steward's override where one is set — kept when the dataset is graded again, with ``review`` in
the justification when the descriptions changed since. Otherwise the higher of the computed grade
and the grade the dataset had before it was first graded (``ingest_grade``): the computed grade
raises a dataset, it never lowers one on its own (就高从严, 6.6) — lowering is a steward's decision,
with a reason. Enterprise-level data (kinds ``enterprise``, ``assessment``, ``firms``,
``transactions``) is never set to general, as the ingest rule says.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from industrial_brain._shared.config import load_config
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.governance import (
    LEVELS,
    ClassificationResult,
    DerivedGrade,
    GradeResult,
    classify,
    grade_columns,
    grade_derived,
    strictest,
)
from industrial_brain.governance.rules import GradingRules, default_rules
from industrial_brain.store import data_grades as store_grades
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades, dataset_kind, set_dataset_grade

__all__ = [
    "ENTERPRISE_KINDS",
    "GradingReport",
    "describe_store",
    "grade_store",
    "override_grade",
    "stored_grades",
    "grade_justification",
    "derived_grade",
    "read_descriptions",
    "classify_descriptions",
    "grade_descriptions",
]

#: Dataset kinds holding enterprise-level rows: never general (the ingest rule).
ENTERPRISE_KINDS = ("enterprise", "assessment", "firms", "transactions")


def _tables() -> dict:
    return load_config("governance", "store_tables")


def describe_store(store: Store, dataset_ids: Collection[str] | None = None) -> pd.DataFrame:
    """One row per column of every stored dataset (or of ``dataset_ids``): ``dataset_id, table,
    column, description`` and the factor hints (``precision``, ``depth``, ``scale``, …)."""
    meta = store_grades.datasets_to_grade(store, dataset_ids)
    if dataset_ids is not None:
        missing = sorted(set(dataset_ids) - set(meta["dataset_id"]))
        if missing:
            raise InputError.at(
                "unknown dataset", column="dataset", value=missing[0], expected="the id of a stored dataset"
            )
    if meta.empty:
        raise InputError.at("no datasets stored", expected="a loaded store (ibrain init)")
    config = _tables()
    subjects = store_grades.dataset_subjects(store)
    regions = store_grades.dataset_regions(store)
    indicators = store_grades.panel_indicators(store)
    rows: list[dict] = []
    for d in meta.itertuples(index=False):
        context = f"{d.title or ''}; {d.publisher or ''}"
        if d.kind == "panel":
            for key in config["panel_keys"]:
                rows.append(
                    {
                        "dataset_id": d.dataset_id,
                        "table": "observation",
                        **key,
                        "precision": "province",
                        "depth": "aggregate",
                        "description": f"{key['description']}; {context}",
                    }
                )
            for ind in indicators[indicators["dataset_id"] == d.dataset_id].itertuples(index=False):
                rows.append({
                    "dataset_id": d.dataset_id, "table": "observation", "column": ind.indicator_code,
                    "name_zh": ind.name_zh, "unit": ind.unit, "precision": "province", "depth": "aggregate",
                    "scale": float(ind.regions),
                    "description": f"{ind.name_en} ({ind.unit}), provincial panel; {context}",
                })  # fmt: skip
            continue
        tables = config["kinds"].get(d.kind)
        if tables is None:
            rows.append(
                {
                    "dataset_id": d.dataset_id,
                    "table": "dataset",
                    "column": "(rows)",
                    "description": f"{d.kind} data: {context}",
                }
            )
            continue
        n = float(subjects.get(d.dataset_id, 0))
        for table, columns in tables.items():
            for c in columns:
                row = {"dataset_id": d.dataset_id, "table": table, **c, "column": f"{table}.{c['column']}"}
                row["description"] = f"{c['description']}; {context}"
                if d.kind in ENTERPRISE_KINDS:
                    row["group"] = "organisation"
                    row["scale"] = n
                    if regions.get(d.dataset_id, 0) > 1 and "region" not in c:
                        row["region"] = "province"
                rows.append(row)
    out = pd.DataFrame(rows)
    if "group" in out:  # the data subject of enterprise tables is the enterprise
        out["subject"] = out.pop("group")
    return out


@dataclass(frozen=True)
class GradingReport(ResultMixin):
    """What one grading pass did: the grades (``result``) and per dataset whether a grade was stored
    (``new`` / ``changed``) or kept (``unchanged``), the grade in force and why."""

    result: GradeResult
    datasets: pd.DataFrame

    title_en = "Data grading of the store (GB/T 43697-2024)"
    title_zh = "数据分级（GB/T 43697-2024）"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.datasets

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        yield ("规则" if zh else "rules", f"{self.result.rules_code} {self.result.rules_version}")
        yield ("列数" if zh else "columns graded", len(self.result.columns))
        for status in ("new", "changed", "unchanged"):
            yield (status, int((self.datasets["status"] == status).sum()))


def _effective(kind: str | None, computed: str, ingest: str, override: str | None) -> tuple[str, str]:
    if override is not None:
        return override, "override by a data steward"
    if LEVELS.index(computed) >= LEVELS.index(ingest):
        return computed, "computed grade (GB/T 43697-2024 6.5, 6.6)"
    return ingest, f"grade before grading ({ingest}) kept: a computed grade never lowers a dataset"


def grade_store(
    store: Store,
    dataset_ids: Collection[str] | None = None,
    *,
    actor: str | None = None,
    rules: GradingRules | None = None,
) -> GradingReport:
    """Grade the stored datasets column by column; store the grade and justification of each dataset
    graded for the first time or changed since (fingerprint), and set ``dataset.grade`` to the grade
    in force. One transaction; one audit row per stored grade."""
    rules = rules or default_rules()
    described = describe_store(store, dataset_ids)
    result = grade_columns(described, rules)
    previous = store_grades.latest_grades(store, list(result.datasets["dataset_id"]))
    previous = previous.set_index("dataset_id")
    current = dataset_grades(store)
    rows = []
    with store.transaction():
        for d in result.datasets.itertuples(index=False):
            prev = previous.loc[d.dataset_id] if d.dataset_id in previous.index else None
            if (
                prev is not None
                and prev["fingerprint"] == d.fingerprint
                and prev["rules"] == _rules_id(rules)
            ):
                rows.append((d.dataset_id, "unchanged", d.level, prev["effective_grade"], prev["grade_id"]))
                continue
            kind = dataset_kind(store, d.dataset_id)
            ingest = prev["ingest_grade"] if prev is not None else current[d.dataset_id]
            override = None if prev is None or pd.isna(prev["override_grade"]) else prev["override_grade"]
            effective, why = _effective(kind, d.level, ingest, override)
            just = result.justification(d.dataset_id)
            just["in_force"] = {"grade": effective, "why": why, "ingest_grade": ingest}
            if override is not None:
                just["in_force"]["review"] = (
                    "descriptions changed since the override: a steward should review it"
                )
            carried = {} if override is None else {
                "override_grade": override, "overridden_by": prev["overridden_by"],
                "override_reason": prev["override_reason"], "overridden_at": prev["overridden_at"],
            }  # fmt: skip
            gid = store_grades.insert_grade(
                store, dataset_id=d.dataset_id, graded_by=actor or store.actor, fingerprint=d.fingerprint,
                rules=_rules_id(rules), grade=d.level, general_sublevel=int(d.general_sublevel) or None,
                miit_level=d.miit_level, ingest_grade=ingest, effective_grade=effective, justification=just,
                **carried,
            )  # fmt: skip
            set_dataset_grade(store, d.dataset_id, effective)
            status = "new" if prev is None else "changed"
            store.audit(
                "grade dataset", d.dataset_id,
                f"{status}: computed {d.level} ({d.miit_level}), in force {effective}; rules {d.rules}; "
                f"fingerprint {d.fingerprint}",
                actor=actor,
            )  # fmt: skip
            rows.append((d.dataset_id, status, d.level, effective, gid))
    frame = pd.DataFrame(rows, columns=["dataset_id", "status", "computed", "effective_grade", "grade_id"])
    frame = frame.merge(
        result.datasets[["dataset_id", "general_sublevel", "miit_level", "deciding_columns", "rules"]]
    )
    return GradingReport(result, frame)


def _rules_id(rules: GradingRules) -> str:
    return f"{rules.code} {rules.version}"


def override_grade(
    store: Store, dataset_id: str, grade: str, *, reason: str, actor: str | None = None
) -> dict:
    """A data steward sets the grade of a graded dataset, with a reason (audited). Returns the grade
    in force as :func:`stored_grades` shows it."""
    if grade not in LEVELS:
        raise InputError.at("unknown data grade", column="grade", value=grade, expected=" | ".join(LEVELS))
    if not reason or not reason.strip():
        raise InputError.at(
            "an override needs a reason", column="reason", expected="why the steward sets this grade"
        )
    prev = store_grades.latest_grades(store, [dataset_id])
    if prev.empty:
        raise InputError.at(
            "dataset not graded yet",
            column="dataset",
            value=dataset_id,
            expected="a dataset graded by 'ibrain data grade'",
        )
    kind = dataset_kind(store, dataset_id)
    if kind in ENTERPRISE_KINDS and grade == "general":
        raise InputError.at(
            "enterprise data cannot be graded general",
            column="grade",
            value=grade,
            expected="important or core",
        )
    p = prev.iloc[0]
    who = actor or store.actor
    just = dict(p["justification"])
    just["in_force"] = {
        "grade": grade,
        "why": "override by a data steward",
        "ingest_grade": p["ingest_grade"],
        "override_reason": reason.strip(),
        "overridden_by": who,
    }
    at = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    sub = None if pd.isna(p["general_sublevel"]) else int(p["general_sublevel"])
    with store.transaction():
        store_grades.insert_grade(
            store, dataset_id=dataset_id, graded_by=p["graded_by"], fingerprint=p["fingerprint"],
            rules=p["rules"], grade=p["grade"], general_sublevel=sub, miit_level=p["miit_level"],
            ingest_grade=p["ingest_grade"], effective_grade=grade, justification=just,
            override_grade=grade, overridden_by=who, override_reason=reason.strip(), overridden_at=at, at=at,
        )  # fmt: skip
        set_dataset_grade(store, dataset_id, grade)
        store.audit(
            "override grade", dataset_id,
            f"{p['effective_grade']} -> {grade} (computed {p['grade']}); reason: {reason.strip()}",
            actor=actor,
        )  # fmt: skip
    return stored_grades(store, [dataset_id]).iloc[0].to_dict()


def stored_grades(store: Store, dataset_ids: Collection[str] | None = None) -> pd.DataFrame:
    """The grade in force of every graded dataset: ``dataset_id, grade`` (computed),
    ``general_sublevel, miit_level, effective_grade, override_grade, overridden_by, override_reason,
    at, fingerprint, rules`` (justifications: :func:`grade_justification`)."""
    g = store_grades.latest_grades(store, dataset_ids)
    cols = ["dataset_id", "grade", "general_sublevel", "miit_level", "effective_grade", "override_grade",
            "overridden_by", "override_reason", "at", "fingerprint", "rules"]  # fmt: skip
    return g[cols]


def grade_justification(store: Store, dataset_id: str) -> dict:
    """The stored justification of a dataset's grade in force (factors, rules, deciding columns)."""
    g = store_grades.latest_grades(store, [dataset_id])
    if g.empty:
        raise InputError.at("dataset not graded yet", column="dataset", value=dataset_id)
    return g.iloc[0]["justification"]


def derived_grade(
    store: Store, sources: Collection[str], transform: str, *, own: str | None = None
) -> DerivedGrade:
    """The grade of data derived from stored datasets (their grades in force) by ``transform``
    (GB/T 43697-2024 Annex I; :func:`industrial_brain.governance.grade_derived`)."""
    grades = dataset_grades(store)
    missing = [s for s in sources if s not in grades]
    if missing:
        raise InputError.at(
            "unknown dataset", column="sources", value=missing[0], expected="stored dataset ids"
        )
    return grade_derived({s: grades[s] for s in sources}, transform, own=own)


# ---- files of column descriptions (the command line) ------------------------------------------------


def read_descriptions(path: str | Path) -> pd.DataFrame:
    """A CSV of column descriptions (``dataset_id, column, description`` and optional hints)."""
    p = Path(path)
    if not p.is_file():
        raise InputError.at("file not found", file=str(path), expected="a CSV of column descriptions")
    try:
        return pd.read_csv(p, dtype=str, keep_default_na=False).replace("", None)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError.at(f"not a readable CSV ({exc.__class__.__name__})", file=str(path)) from None


def classify_descriptions(columns: pd.DataFrame, rules: GradingRules | None = None) -> ClassificationResult:
    """Classify column descriptions (GB/T 43697-2024 5.1–5.2)."""
    return classify(columns, rules)


def grade_descriptions(columns: pd.DataFrame, rules: GradingRules | None = None) -> GradeResult:
    """Grade column descriptions and their datasets (GB/T 43697-2024 6.3–6.6)."""
    return grade_columns(columns, rules)


def _mixed(levels: Mapping[str, str]) -> str:
    return strictest(levels.values())
