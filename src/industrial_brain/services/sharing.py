"""Data products, governed sharing between departments, and differentially private release.

The measures on data as a production factor ("data twenty measures", 2022) split the rights to a
data product — to **hold** it, to **process / use** it and to **operate** it — and favour products
that are "usable but not visible" over raw export. Here:

* a **department** (a tenant: every account belongs to at most one) **publishes** a dataset, a stored
  run, a release of aggregates or a query-only API over a dataset as a **data product**, with
  DCAT-style metadata (W3C Data Catalog Vocabulary v3: ``dct:title``, ``dct:description``,
  ``dct:publisher``, ``dct:license``, ``dct:temporal``, ``dct:spatial``, ``dct:accrualPeriodicity``),
  the grade, the screening's quality counts, the lineage, the three rights and the **terms**
  (``public_interest_free`` / ``conditional`` / ``paid``);
* another department **requests** it with a purpose, a scope (columns, regions, years), a duration
  and an output form (``rows`` / ``aggregates`` / ``query``); the holder's **steward** approves or
  refuses it with a reason; a grant **expires** after its days and can be **revoked**, both at once;
* every **use** under a grant is recorded (who, what, when, rows returned) and shown to the holder
  (:func:`usage_report`); requests, decisions, revocations and uses are in the audit log;
* aggregates of enterprise-level data given to an ``aggregates`` grantee or the public are
  differentially private (:mod:`industrial_brain.governance.privacy`, OpenDP's Laplace mechanism),
  each figure published with its noise scale, against a **privacy budget** per product and per
  grant kept in the store (``privacy_release``) and refused once spent; a repeated query is answered
  from the stored release and spends nothing (no averaging of fresh noise).

Who may do what is :func:`industrial_brain.services.access.check_product` (the one access policy).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import secrets
from dataclasses import dataclass

import pandas as pd

from industrial_brain.errors import AccessError, InputError
from industrial_brain.governance.privacy import STATISTICS, noisy_aggregate
from industrial_brain.services import access
from industrial_brain.services.access import FORMS, Principal, deny
from industrial_brain.services.catalog import catalog as dataset_catalog
from industrial_brain.services.catalog import quality_notes
from industrial_brain.store import sharing as stored
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades, dataset_kind
from industrial_brain.store.enterprises import assessment_results
from industrial_brain.store.observations import observations
from industrial_brain.store.regions import regions
from industrial_brain.store.releases import releases, release_table
from industrial_brain.store.runs import run_row, run_values

__all__ = [
    "KINDS",
    "TERMS",
    "add_department",
    "list_departments",
    "publish",
    "catalogue",
    "product_page",
    "request_access",
    "inbox",
    "decide",
    "revoke",
    "usage_report",
    "read_rows",
    "read_aggregates",
    "verify",
]

KINDS = ("dataset", "run", "release", "api")
TERMS = ("public_interest_free", "conditional", "paid")
FREQUENCIES = ("once", "daily", "weekly", "monthly", "quarterly", "annual", "irregular")
ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
#: Clamping bounds of the measures of enterprise assessments (a total score is 0–100).
ASSESSMENT_MEASURES = {"total_score": (0.0, 100.0)}
SIZE_CLASSES = ("large", "medium", "small", "micro")
#: Default privacy budgets: ε of one DP answer, of a product over every grantee, of the public.
DEFAULT_QUERY_EPSILON, DEFAULT_PRODUCT_EPSILON = 0.5, 10.0
MAX_DAYS = 3660


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _changed(store: Store) -> None:
    access.forget_sharing(store)


def _need_id(value: str, column: str) -> str:
    if not value or len(value) > 80 or not set(value) <= ID_CHARS:
        raise InputError.at("bad id", column=column, value=value, expected="1–80 of a–z 0–9 _ - .")
    return value


def _text(value: str | None, column: str, *, required: bool = True, limit: int = 2000) -> str | None:
    v = (value or "").strip()
    if required and not v:
        raise InputError.at("missing text", column=column, expected="a non-empty text")
    if len(v) > limit:
        raise InputError.at("text too long", column=column, expected=f"at most {limit} characters")
    return v or None


# ---- departments ---------------------------------------------------------------------------------


def add_department(
    store: Store, department_id: str, name_zh: str, name_en: str, *, actor: str | None = None
) -> None:
    """Add a department (a tenant of data sharing); audited ``department_add``."""
    _need_id(department_id, "department")
    if stored.department_exists(store, department_id):
        raise InputError.at(
            "department exists", column="department", value=department_id, expected="a new id"
        )
    with store.transaction():
        stored.insert_department(
            store,
            department_id,
            _text(name_zh, "name_zh", limit=200),
            _text(name_en, "name_en", limit=200),
            _now(),
        )
        store.audit("department_add", f"department:{department_id}", name_en, actor=actor)


def list_departments(store: Store) -> pd.DataFrame:
    """Departments with their number of accounts."""
    return stored.departments(store)


# ---- publishing ----------------------------------------------------------------------------------


def _object_metadata(store: Store, kind: str, object_id: str) -> dict:
    """Grade, coverage, quality counts and lineage of the thing a product offers (from the store)."""
    if kind in ("dataset", "api"):
        cat = dataset_catalog(store, datasets=[object_id])
        if cat.empty:
            raise InputError.at(
                "unknown dataset", column="object", value=object_id, expected="a stored dataset id"
            )
        row = cat.iloc[0].to_dict()
        notes = quality_notes(store, object_id)
        years = str(row.get("years") or "")
        lo, _, hi = years.partition("–") if "–" in years else years.partition("-")
        quality = {
            "notes": int(len(notes)),
            **{k: int(v) for k, v in notes["severity"].value_counts().items()},
        }
        return {
            "grade": row["grade"],
            "title": row.get("title"),
            "publisher": row.get("publisher"),
            "licence": row.get("licence"),
            "temporal": (
                int(lo) if lo.strip().isdigit() else None,
                int(hi) if hi.strip().isdigit() else None,
            ),
            "quality": quality,
            "lineage": {"dataset": object_id, "sha256": row.get("sha256"), "source": row.get("source")},
            "data_kind": dataset_kind(store, object_id),
        }
    if kind == "run":
        row = run_row(store, object_id)
        if row is None:
            raise InputError.at(
                "unknown run", column="object", value=object_id, expected="an id of /api/v1/runs"
            )
        ids = access.run_datasets(row["datasets"])
        grades = dataset_grades(store)
        vals = run_values(store, object_id)
        years = vals["year"].dropna()
        return {
            "grade": access.highest_grade(grades.get(d, "core") for d in ids),
            "title": f"{row['kind']} run {object_id} ({row['method']})",
            "publisher": None,
            "licence": None,
            "temporal": (int(years.min()), int(years.max())) if len(years) else (None, None),
            "quality": {"values": int(len(vals))},
            "lineage": {
                "run": object_id,
                "datasets": ids,
                "method": row["method"],
                "version": row["version"],
            },
            "data_kind": "run",
        }
    if kind == "release":
        rel = releases(store)
        hit = rel[rel["release_id"] == object_id]
        if hit.empty:
            raise InputError.at(
                "unknown release",
                column="object",
                value=object_id,
                expected="an id of /api/v1/enterprises/releases",
            )
        r = hit.iloc[0].to_dict()
        return {
            "grade": "general",  # released cells passed the disclosure control (k, p, differencing audit)
            "title": f"released aggregates {object_id} ({r['model_code']})",
            "publisher": None,
            "licence": None,
            "temporal": (None, None),
            "quality": {"k": int(r["k"]), "enterprises": int(r["n_enterprises"])},
            "lineage": {"release": object_id, "model_code": r["model_code"], "period": r.get("period")},
            "data_kind": "release",
        }
    raise InputError.at("unknown product kind", column="kind", value=kind, expected=" | ".join(KINDS))


def _forms_for(kind: str, data_kind: str | None, forms: list[str] | None) -> list[str]:
    allowed = {"api": ["query"], "release": ["aggregates"]}.get(kind, list(FORMS))
    forms = forms or allowed
    bad = [f for f in forms if f not in allowed]
    if bad:
        raise InputError.at(
            f"output form not offered by a {kind} product",
            column="forms",
            value=bad[0],
            expected=" | ".join(allowed),
        )
    return forms


def publish(
    store: Store,
    who: Principal,
    *,
    kind: str,
    object_id: str,
    product_id: str | None = None,
    holder: str | None = None,
    title_zh: str,
    title_en: str,
    description: str | None = None,
    licence: str | None = None,
    terms: str = "conditional",
    forms: list[str] | None = None,
    spatial: str | None = None,
    update_frequency: str = "irregular",
    processor: str | None = None,
    operator: str | None = None,
    epsilon_budget: float = DEFAULT_PRODUCT_EPSILON,
    public_epsilon: float = 0.0,
) -> dict:
    """Publish ``object_id`` (a dataset, run, release, or a dataset behind a query-only ``api``) as a
    data product of department ``holder`` (default the caller's); only the holder's steward or admin
    may. The grade, coverage, quality counts and lineage are read from the store. From now on the
    object is *held*: other departments read it only under a grant. Audited ``data_publish``."""
    if who.role not in ("admin", "steward"):
        raise deny(who, "only a steward (or admin) publishes data products")
    holder = holder or who.department
    if holder is None or not stored.department_exists(store, holder):
        raise InputError.at(
            "unknown holder department", column="holder", value=holder, expected="a stored department"
        )
    if who.role == "steward" and holder != who.department:
        raise deny(who, f"a steward publishes for its own department ({who.department}), not {holder}")
    if kind not in KINDS:
        raise InputError.at("unknown product kind", column="kind", value=kind, expected=" | ".join(KINDS))
    if terms not in TERMS:
        raise InputError.at("unknown terms", column="terms", value=terms, expected=" | ".join(TERMS))
    if update_frequency not in FREQUENCIES:
        raise InputError.at(
            "unknown update frequency",
            column="update_frequency",
            value=update_frequency,
            expected=" | ".join(FREQUENCIES),
        )
    for col, eps in (("epsilon_budget", epsilon_budget), ("public_epsilon", public_epsilon)):
        if not 0 <= eps <= 100:
            raise InputError.at("privacy budget out of range", column=col, value=eps, expected="0 ≤ ε ≤ 100")
    meta = _object_metadata(store, kind, object_id)
    product_id = _need_id(product_id or f"{kind}-{object_id}".lower().replace("_", "-")[:80], "product_id")
    if stored.product_exists(store, product_id):
        raise InputError.at(
            "product exists", column="product_id", value=product_id, expected="a new product id"
        )
    enterprise_level = meta["data_kind"] in ("enterprise", "assessment")
    row = {
        "product_id": product_id,
        "kind": kind,
        "object_id": object_id,
        "holder": holder,
        "processor": processor,
        "operator": operator or holder,
        "title_zh": _text(title_zh, "title_zh", limit=200),
        "title_en": _text(title_en, "title_en", limit=200),
        "description": _text(description, "description", required=False),
        "publisher": holder,
        "licence": licence or meta["licence"],
        "temporal_start": meta["temporal"][0],
        "temporal_end": meta["temporal"][1],
        "spatial": spatial,
        "update_frequency": update_frequency,
        "grade": meta["grade"],
        "quality": meta["quality"],
        "lineage": meta["lineage"] | {"data_kind": meta["data_kind"]},
        "terms": terms,
        "forms": ",".join(_forms_for(kind, meta["data_kind"], forms)),
        "measures": ASSESSMENT_MEASURES if enterprise_level else {},
        "epsilon_budget": float(epsilon_budget),
        "public_epsilon": float(public_epsilon),
        "published_by": who.username or "cli",
        "published_at": _now(),
    }
    with store.transaction():
        stored.insert_product(store, row)
        store.audit(
            "data_publish",
            f"product:{product_id}",
            f"kind={kind} object={object_id} holder={holder}",
            actor=who.actor,
        )
    _changed(store)
    return product(store, product_id)


# ---- the catalogue -------------------------------------------------------------------------------


def _public_row(rec: dict) -> dict:
    out = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in rec.items()}
    for k in ("quality", "lineage", "measures"):
        out[k] = json.loads(out[k]) if isinstance(out.get(k), str) else (out.get(k) or {})
    out["forms"] = [f for f in (out.get("forms") or "").split(",") if f]
    out["rights"] = {
        "holder": out["holder"],
        "processor": out.get("processor"),
        "operator": out.get("operator"),
    }
    out["published_at"] = pd.Timestamp(out["published_at"]).isoformat() + "Z"
    for k in ("temporal_start", "temporal_end"):
        out[k] = None if out.get(k) is None else int(out[k])
    out["dcat"] = {
        "dct:identifier": out["product_id"],
        "dct:title": [
            {"@language": "zh", "@value": out["title_zh"]},
            {"@language": "en", "@value": out["title_en"]},
        ],
        "dct:description": out.get("description"),
        "dct:publisher": out["publisher"],
        "dct:license": out.get("licence"),
        "dct:temporal": {"dcat:startDate": out["temporal_start"], "dcat:endDate": out["temporal_end"]},
        "dct:spatial": out.get("spatial"),
        "dct:accrualPeriodicity": out.get("update_frequency"),
    }
    return out


def product(store: Store, product_id: str) -> dict:
    """One product's metadata (JSON-ready), :class:`InputError` for an unknown id."""
    f = stored.products(store, product_id)
    if f.empty:
        raise InputError.at(
            "unknown data product",
            column="product_id",
            value=product_id,
            expected="an id of /api/v1/data/products",
        )
    return _public_row(f.iloc[0].to_dict())


def catalogue(
    store: Store,
    who: Principal,
    *,
    search: str | None = None,
    holder: str | None = None,
    grade: str | None = None,
) -> list[dict]:
    """Products whose metadata the subject may see (the public: general products; accounts: every one),
    filtered by ``search`` (in the titles, description or id, case-insensitive), ``holder``, ``grade``."""
    f = stored.products(store)
    out = []
    for rec in f.to_dict("records"):
        if who.role == "public" and rec["grade"] != "general":
            continue
        if holder and rec["holder"] != holder or grade and rec["grade"] != grade:
            continue
        text = " ".join(
            str(rec.get(k) or "") for k in ("product_id", "title_zh", "title_en", "description")
        ).lower()
        if search and search.strip().lower() not in text:
            continue
        out.append(_public_row(rec))
    return out


def product_page(store: Store, who: Principal, product_id: str) -> dict:
    """A product's metadata with what the subject may do with it (``access``: the forms it may read
    now and how), its department's requests and grants of it, and the privacy budgets left."""
    p = product(store, product_id)
    if who.role == "public" and p["grade"] != "general":
        raise deny(who, f"product {product_id} is {p['grade']}")
    may = {}
    for form in p["forms"]:
        try:
            a = access.check_product(
                store, who, product_id, form, grade=p["grade"], public_epsilon=p["public_epsilon"]
            )
            may[form] = a.via
        except AccessError:
            continue
    mine = (
        stored.grants(store, product_id=product_id, grantee=who.department)
        if who.department
        else pd.DataFrame()
    )
    spent = stored.epsilon_spent(store, product_id)
    p["access"] = may
    p["my_grants"] = [_grant_public(r) for r in mine.to_dict("records")] if len(mine) else []
    p["budget"] = {
        "product_epsilon": p["epsilon_budget"],
        "product_spent": spent,
        "public_epsilon": p["public_epsilon"],
        "public_spent": stored.epsilon_spent(store, product_id, grantee="public"),
    }
    return p


# ---- requests, decisions, revocations ------------------------------------------------------------


def _ts(v) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return None
    return pd.Timestamp(v).isoformat() + "Z"


def _grant_public(rec: dict, now: _dt.datetime | None = None) -> dict:
    now = now or _now()
    out = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in rec.items()}
    out["scope"] = json.loads(out["scope"]) if isinstance(out.get("scope"), str) else out.get("scope") or {}
    for k in ("requested_at", "decided_at", "expires_at", "revoked_at"):
        out[k] = _ts(out.get(k))
    exp = rec.get("expires_at")
    state = out["status"]
    if (
        state == "approved"
        and exp is not None
        and not pd.isna(exp)
        and pd.Timestamp(exp).to_pydatetime().replace(tzinfo=_dt.UTC) <= now
    ):
        state = "expired"
    out["state"] = state
    out["days"] = int(out["days"])
    out["epsilon"] = float(out["epsilon"])
    return out


def _scope(store: Store, scope: dict | None) -> dict:
    scope = dict(scope or {})
    unknown = set(scope) - {"columns", "regions", "years"}
    if unknown:
        raise InputError.at(
            "unknown scope key",
            column="scope",
            value=sorted(unknown)[0],
            expected="columns | regions | years",
        )
    out: dict = {}
    for key in ("columns", "regions"):
        vals = scope.get(key) or []
        if (
            not isinstance(vals, list)
            or not all(isinstance(v, str) and 0 < len(v) <= 100 for v in vals)
            or len(vals) > 500
        ):
            raise InputError.at(f"scope {key}: a list of codes", column=f"scope.{key}", value=vals)
        if vals:
            out[key] = vals
    years = scope.get("years")
    if years:
        if (
            not isinstance(years, list)
            or len(years) != 2
            or not all(isinstance(y, int) and 1900 <= y <= 2100 for y in years)
            or years[0] > years[1]
        ):
            raise InputError.at(
                "scope years: [from, to]", column="scope.years", value=years, expected="two years, from ≤ to"
            )
        out["years"] = years
    return out


def request_access(
    store: Store,
    who: Principal,
    product_id: str,
    *,
    purpose: str,
    form: str,
    days: int,
    scope: dict | None = None,
    epsilon: float = 0.0,
) -> dict:
    """A request of the subject's department for ``product_id``: ``purpose``, ``form`` (rows |
    aggregates | query), ``days`` of validity once approved, ``scope`` (``columns``, ``regions``,
    ``years: [from, to]``) and, for aggregates, the privacy budget ``epsilon`` asked. Audited
    ``data_request``."""
    p = product(store, product_id)
    if who.department is None:
        raise deny(who, "only an account of a department requests data products")
    if who.department == p["holder"]:
        raise InputError.at(
            "a department does not request its own product", column="product_id", value=product_id
        )
    _offered(p, form, "form not offered by this product")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InputError.at("duration out of range", column="days", value=days, expected=f"1–{MAX_DAYS} days")
    if not 0 <= epsilon <= p["epsilon_budget"]:
        raise InputError.at(
            "privacy budget asked out of range",
            column="epsilon",
            value=epsilon,
            expected=f"0 ≤ ε ≤ the product's budget {p['epsilon_budget']}",
        )
    if form == "aggregates" and epsilon == 0 and p["measures"]:
        raise InputError.at(
            "aggregates of enterprise data need a privacy budget", column="epsilon", expected="ε > 0"
        )
    row = {
        "grant_id": "g-" + secrets.token_hex(6),
        "product_id": product_id,
        "grantee": who.department,
        "requested_by": who.username,
        "purpose": _text(purpose, "purpose"),
        "scope": _scope(store, scope),
        "form": form,
        "days": days,
        "epsilon": float(epsilon),
        "requested_at": _now(),
    }
    with store.transaction():
        stored.insert_request(store, row)
        store.audit(
            "data_request",
            f"grant:{row['grant_id']}",
            f"product={product_id} department={who.department} form={form} days={days} "
            f"purpose={row['purpose'][:200]}",
            actor=who.actor,
        )
    return grant(store, row["grant_id"])


def grant(store: Store, grant_id: str) -> dict:
    """One request or grant (JSON-ready, with its ``state``: pending | approved | expired | refused |
    revoked)."""
    f = stored.grants(store, grant_id=grant_id)
    if f.empty:
        raise InputError.at(
            "unknown request", column="grant_id", value=grant_id, expected="an id of /api/v1/data/inbox"
        )
    return _grant_public(f.iloc[0].to_dict())


def _steward_of(who: Principal, holder: str, what: str) -> None:
    if who.role == "admin" or (who.role == "steward" and who.department == holder):
        return
    raise deny(who, f"only the steward of department {holder} (or admin) {what}")


def inbox(store: Store, who: Principal, *, status: str | None = "pending") -> list[dict]:
    """Requests for the products of the steward's department (admin: every department), of ``status``."""
    if who.role not in ("admin", "steward"):
        raise deny(who, "the inbox is a steward's")
    f = stored.grants(store, holder=None if who.role == "admin" else who.department, status=status)
    return [_grant_public(r) for r in f.to_dict("records")]


def decide(store: Store, who: Principal, grant_id: str, *, approve: bool, reason: str) -> dict:
    """Approve or refuse a pending request with a ``reason``; an approval runs ``days`` from now.
    Audited ``data_approve`` / ``data_refuse``."""
    g = grant(store, grant_id)
    _steward_of(who, g["holder"], "decides its requests")
    if g["status"] != "pending":
        raise InputError.at(
            "request already decided", column="grant_id", value=grant_id, expected="a pending request"
        )
    reason = _text(reason, "reason", limit=1000)
    now = _now()
    expires = now + _dt.timedelta(days=g["days"]) if approve else None
    with store.transaction():
        stored.decide_request(
            store,
            grant_id,
            approve=approve,
            by=who.username or "cli",
            reason=reason,
            at=now,
            expires_at=expires,
        )
        store.audit(
            "data_approve" if approve else "data_refuse",
            f"grant:{grant_id}",
            f"product={g['product_id']} department={g['grantee']} reason={reason[:200]}",
            actor=who.actor,
        )
    _changed(store)
    return grant(store, grant_id)


def revoke(store: Store, who: Principal, grant_id: str, *, reason: str) -> dict:
    """Revoke an approved grant at once (every read under it is refused from now on, cached answers
    included). Audited ``data_revoke``."""
    g = grant(store, grant_id)
    _steward_of(who, g["holder"], "revokes its grants")
    if g["status"] != "approved":
        raise InputError.at(
            "not an approved grant", column="grant_id", value=grant_id, expected="an approved grant"
        )
    reason = _text(reason, "reason", limit=1000)
    with store.transaction():
        stored.revoke_grant(store, grant_id, by=who.username or "cli", reason=reason, at=_now())
        store.audit(
            "data_revoke",
            f"grant:{grant_id}",
            f"product={g['product_id']} reason={reason[:200]}",
            actor=who.actor,
        )
    _changed(store)
    return grant(store, grant_id)


def usage_report(store: Store, who: Principal, *, holder: str | None = None) -> dict:
    """The holder's usage report: every use of its products (who, what, when, rows returned, ε) and a
    summary per grant (uses, rows, ε spent of ε granted). A steward sees its department's; admin any."""
    holder = holder or who.department
    if holder is None:
        raise InputError.at("which department's usage", column="holder", expected="a department id")
    _steward_of(who, holder, "reads its usage report")
    u = stored.uses(store, holder=holder)
    g = stored.grants(store, holder=holder)
    spent = stored.privacy_spend(store, g["grant_id"].tolist()) if len(g) else {}
    per_grant = []
    for r in g.to_dict("records"):
        mine = u[u["grant_id"] == r["grant_id"]]
        per_grant.append(
            _grant_public(r)
            | {
                "uses": int(len(mine)),
                "rows_returned": int(mine["rows_returned"].sum()),
                "epsilon_spent": spent.get(r["grant_id"], 0.0),
            }
        )
    uses = [
        {
            "at": _ts(r["at"]),
            "grant_id": None if pd.isna(r["grant_id"]) else r["grant_id"],
            "product_id": r["product_id"],
            "actor": r["actor"],
            "department": None if pd.isna(r["department"]) else r["department"],
            "form": r["form"],
            "what": r["what"],
            "rows_returned": int(r["rows_returned"]),
            "epsilon": float(r["epsilon"]),
        }
        for r in u.to_dict("records")
    ]
    return {"holder": holder, "grants": per_grant, "uses": uses, "count": len(uses)}


# ---- reading a product ---------------------------------------------------------------------------


def _frame(store: Store, p: dict) -> pd.DataFrame:
    """The rows behind a product, with ``region_code`` and ``year`` columns where they exist."""
    kind, obj = p["kind"], p["object_id"]
    data_kind = p["lineage"].get("data_kind")
    if kind == "run":
        return run_values(store, obj).drop(columns="label")
    if kind == "release":
        rel = releases(store)
        hit = rel[rel["release_id"] == obj]
        tables = [t for t in ("sector", "region", "size_class") if True]
        frames = [release_table(store, obj, t) for t in tables] if not hit.empty else []
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if data_kind in ("enterprise", "assessment"):
        f = assessment_results(store, dataset_id=obj, dimensions=False)
        f = f.rename(columns={"region": "region_code"})
        f["year"] = pd.to_datetime(f["taken_on"]).dt.year.astype("int64")
        f["taken_on"] = f["taken_on"].astype(str)
        return f.drop(columns=["model_fingerprint", "dataset_id", "synthetic"], errors="ignore")
    obs = observations(store, obj)
    if obs.empty:
        return pd.DataFrame(columns=["region_code", "year"])
    wide = obs.pivot_table(
        index=["region_code", "year"], columns="indicator_code", values="value", aggfunc="first"
    )
    wide.columns.name = None
    return wide.reset_index()


def _in_regions(codes: pd.Series, wanted: list[str]) -> pd.Series:
    keep = pd.Series(False, index=codes.index)
    c = codes.astype(str)
    for r in wanted:
        if r.endswith("0000"):
            keep |= c.str[:2] == r[:2]
        elif r.endswith("00"):
            keep |= c.str[:4] == r[:4]
        else:
            keep |= c == r
    return keep


def _apply_scope(f: pd.DataFrame, scope: dict) -> pd.DataFrame:
    if scope.get("regions") and "region_code" in f.columns:
        f = f[_in_regions(f["region_code"], scope["regions"])]
    if scope.get("years") and "year" in f.columns:
        lo, hi = scope["years"]
        f = f[(f["year"] >= lo) & (f["year"] <= hi)]
    if scope.get("columns"):
        f = f[[c for c in f.columns if c in scope["columns"]]]
    return f


def _use(
    store: Store, who: Principal, a: access.ProductAccess, form: str, what: str, rows: int, eps: float = 0.0
) -> None:
    with store.transaction():
        stored.insert_use(
            store,
            {
                "at": _now(),
                "grant_id": a.grant.grant_id if a.grant else None,
                "product_id": a.product_id,
                "actor": who.actor,
                "department": who.department,
                "form": form,
                "what": what,
                "rows_returned": rows,
                "epsilon": eps,
            },
        )
        store.audit(
            "data_use",
            f"product:{a.product_id}",
            f"via={a.via} grant={a.grant.grant_id if a.grant else '-'} form={form} rows={rows} "
            f"epsilon={eps:g} {what}"[:2000],
            actor=who.actor,
        )


def _offered(p: dict, form: str, refusal: str) -> None:
    """Refuse (``refusal``, one line) a form the product ``p`` does not offer."""
    if form not in p["forms"]:
        raise InputError.at(refusal, column="form", value=form, expected=" | ".join(p["forms"]))


def _checked(store: Store, who: Principal, p: dict, form: str):
    """The access policy's answer for ``who`` reading product ``p`` in ``form`` (refused: raises)."""
    return access.check_product(
        store, who, p["product_id"], form, grade=p["grade"], public_epsilon=p["public_epsilon"]
    )


def read_rows(
    store: Store, who: Principal, product_id: str, *, limit: int = 500, offset: int = 0
) -> tuple[pd.DataFrame, int]:
    """Row-level data of a product (within the grant's scope) and the number of rows before paging;
    only under a ``rows`` grant, for the holder or admin. Every read is a recorded use."""
    p = product(store, product_id)
    _offered(p, "rows", "this product offers no rows")
    a = _checked(store, who, p, "rows")
    f = _frame(store, p)
    if a.grant is not None:
        f = _apply_scope(f, a.grant.scope)
    part = f.iloc[offset : offset + limit].reset_index(drop=True)
    _use(store, who, a, "rows", f"rows limit={limit} offset={offset}", len(part))
    return part, len(f)


def _keys(store: Store, p: dict, f: pd.DataFrame, by: str) -> list[str] | None:
    """Public cell keys of a grouping (never taken from the protected rows where a public list exists)."""
    if by == "size_class":
        return list(SIZE_CLASSES)
    if by == "region_code":
        return regions(store, "province")["code"].astype(str).tolist()
    if by == "year" and p.get("temporal_start") and p.get("temporal_end"):
        return [str(y) for y in range(p["temporal_start"], p["temporal_end"] + 1)]
    return None  # sectors: the codes in the product (their presence is not protected; docs say so)


@dataclass(frozen=True)
class _Query:
    by: str
    statistic: str
    measure: str | None
    epsilon: float


def read_aggregates(
    store: Store,
    who: Principal,
    product_id: str,
    *,
    by: str,
    statistic: str = "count",
    measure: str | None = None,
    epsilon: float = DEFAULT_QUERY_EPSILON,
) -> dict:
    """Counts, sums or means of a product per value of ``by``.

    Enterprise-level data read under an ``aggregates`` grant or as a public release is answered
    differentially private (Laplace, OpenDP; module notes), with the noise scale of every figure,
    charging ``epsilon`` to the grant's budget, the product's budget (and the public's for a public
    release); when a budget would be exceeded the read is refused (one line). A repeat of the same
    query by the same grantee is answered from the stored release at no cost. The holder, admin and
    ``rows`` grantees get exact figures (``mechanism: none``); so does everyone for regional data
    (not enterprise-level). A release product answers its published (disclosure-controlled) cells.
    """
    p = product(store, product_id)
    _offered(p, "aggregates", "this product offers no aggregates")
    if statistic not in STATISTICS:
        raise InputError.at(
            "unknown statistic", column="statistic", value=statistic, expected=" | ".join(STATISTICS)
        )
    a = _checked(store, who, p, "aggregates")
    f = _frame(store, p)
    if p["kind"] == "release":
        cells = f[f["table_name"] == by] if by in set(f.get("table_name", [])) else f.iloc[0:0]
        if cells.empty:
            raise InputError.at(
                "unknown grouping of this release",
                column="by",
                value=by,
                expected="sector | region | size_class",
            )
        out = {
            "by": by,
            "statistic": "release",
            "mechanism": "disclosure control (k, p, differencing audit)",
            "cells": json.loads(cells.drop(columns=["shares"]).to_json(orient="records", force_ascii=False)),
        }
        _use(store, who, a, "aggregates", f"release by={by}", 0)
        return out
    if a.grant is not None:
        f = _apply_scope(f, {k: v for k, v in a.grant.scope.items() if k != "columns"})
    if (
        by not in f.columns
        or by in ("uscc", "name", "assessment_id", "value")
        or (measure and measure not in f.columns)
    ):
        raise InputError.at(
            "unknown grouping or measure",
            column="by" if by not in f.columns else "measure",
            value=by if by not in f.columns else measure,
            expected=" | ".join(c for c in f.columns if c not in ("uscc", "name", "assessment_id")),
        )
    if (
        a.grant is not None
        and a.grant.scope.get("columns")
        and measure
        and measure not in a.grant.scope["columns"]
    ):
        raise deny(who, f"measure '{measure}' is outside the grant's columns")
    if statistic != "count" and measure is None:
        raise InputError.at("a sum or mean needs its measure", column="measure", expected="a numeric column")
    enterprise_level = "uscc" in f.columns
    private = (
        enterprise_level
        and a.via in ("public",)
        or (enterprise_level and a.via == "grant" and a.grant.form == "aggregates")
    )
    if not private:
        g = f.groupby(f[by].astype(str))
        vals = (
            g.size()
            if statistic == "count"
            else getattr(pd.to_numeric(f[measure], errors="coerce").groupby(f[by].astype(str)), statistic)()
        )
        out = {
            "by": by,
            "statistic": statistic,
            "measure": measure,
            "mechanism": "none",
            "epsilon": 0.0,
            "noise_scale": {},
            "cells": [{"key": str(k), "value": float(v)} for k, v in vals.items()],
        }
        _use(store, who, a, "aggregates", f"{statistic} {measure or ''} by={by} exact", 0)
        return out
    if not 0 < epsilon <= 10:
        raise InputError.at(
            "privacy loss per answer out of range", column="epsilon", value=epsilon, expected="0 < ε ≤ 10"
        )
    bounds = p["measures"].get(measure) if measure else None
    if statistic != "count" and bounds is None:
        raise InputError.at(
            "no clamping bounds for this measure",
            column="measure",
            value=measure,
            expected=" | ".join(p["measures"]) or "a measure with published bounds",
        )
    grantee = "public" if a.via == "public" else a.grant.grantee
    gid = a.grant.grantee and a.grant.grant_id if a.grant else None
    q = _Query(by, statistic, measure, float(epsilon))
    key = hashlib.sha256(
        json.dumps([product_id, grantee, gid, q.__dict__], sort_keys=True).encode()
    ).hexdigest()[:32]
    again = stored.released_answer(store, key)
    if again is not None:
        out = json.loads(again[0]) | {"repeat": True}
        _use(store, who, a, "aggregates", f"{statistic} {measure or ''} by={by} repeat", 0, 0.0)
        return out
    spent_product = stored.epsilon_spent(store, product_id)
    if spent_product + epsilon > p["epsilon_budget"] + 1e-12:
        raise AccessError(
            f"privacy budget spent: product {product_id} has ε "
            f"{max(p['epsilon_budget'] - spent_product, 0):g} left "
            f"of {p['epsilon_budget']:g}; this answer needs {epsilon:g}"
        )
    if a.via == "public":
        left = p["public_epsilon"] - stored.epsilon_spent(store, product_id, grantee="public")
        if epsilon > left + 1e-12:
            raise AccessError(
                f"privacy budget spent: the public release of {product_id} has ε {max(left, 0):g} left "
                f"of {p['public_epsilon']:g}; this answer needs {epsilon:g}"
            )
    else:
        left = a.grant.epsilon - stored.epsilon_spent(store, product_id, grant_id=gid)
        if epsilon > left + 1e-12:
            raise AccessError(
                f"privacy budget spent: grant {gid} has ε {max(left, 0):g} left "
                f"of {a.grant.epsilon:g}; this answer needs {epsilon:g}"
            )
    rel = noisy_aggregate(
        f, by, statistic, epsilon, measure=measure, bounds=bounds, keys=_keys(store, p, f, by)
    )
    out = rel.to_public() | {"product_id": product_id, "grantee": grantee, "repeat": False}
    with store.transaction():
        stored.insert_release(
            store,
            {
                "release_key": key,
                "product_id": product_id,
                "grantee": grantee,
                "grant_id": gid,
                "at": _now(),
                "epsilon": epsilon,
                "query": json.dumps(q.__dict__),
                "answer": out,
            },
        )
    _use(store, who, a, "aggregates", f"{statistic} {measure or ''} by={by} dp", 0, epsilon)
    return out


def verify(
    store: Store,
    who: Principal,
    product_id: str,
    *,
    key: str,
    measure: str,
    at_least: float,
    year: int | None = None,
) -> dict:
    """A query-only answer ("usable but not visible"): whether the record ``key`` (a USCC for
    enterprise data, a region code otherwise; of ``year`` when given, else its latest) has
    ``measure ≥ at_least`` — ``true``, ``false`` or ``null`` (no such record in scope). No value is
    returned. Under a ``query`` (or ``rows``) grant, for the holder or admin; a recorded use."""
    p = product(store, product_id)
    _offered(p, "query", "this product answers no queries")
    a = _checked(store, who, p, "query")
    f = _frame(store, p)
    if a.grant is not None:
        scope = a.grant.scope
        if scope.get("columns") and measure not in scope["columns"]:
            raise deny(who, f"measure '{measure}' is outside the grant's columns")
        f = _apply_scope(f, {k: v for k, v in scope.items() if k != "columns"})
    if measure not in f.columns or measure in ("uscc", "name"):
        raise InputError.at(
            "unknown measure",
            column="measure",
            value=measure,
            expected=" | ".join(c for c in f.columns if c not in ("uscc", "name")),
        )
    col = "uscc" if "uscc" in f.columns else "region_code"
    hit = f[f[col].astype(str) == key]
    if year is not None and "year" in hit.columns:
        hit = hit[hit["year"] == year]
    value = (
        pd.to_numeric(hit.sort_values("year")[measure], errors="coerce").dropna()
        if len(hit)
        else pd.Series(dtype=float)
    )
    answer = None if value.empty else bool(value.iloc[-1] >= at_least)
    _use(store, who, a, "query", f"verify {col}={key} {measure}>={at_least:g}", 0)
    return {
        "product_id": product_id,
        "key": key,
        "measure": measure,
        "at_least": at_least,
        "year": year,
        "answer": answer,
    }
