"""One access policy: who may read which stored data — role × dataset grade × ownership.

Every interface asks here (the REST API's routes and answer cache, the job runner, and any report
or command that serves a named account); none repeats a rule. The subject of a decision is a
:class:`Principal` (an account, or the public role without a login).

The rule
--------
Dataset grades are ordered ``general < important < core`` (the practice of China's Data Security
Law, GB/T 43697-2024). Enterprise-level rows are at least ``important`` whatever their dataset
says. A subject may read

================  ==========  ===========  ==========================  =======================
role              general     important    core                        owner-scoped (job runs)
================  ==========  ===========  ==========================  =======================
admin             yes         yes          yes                         every account's
analyst           yes         yes          no                          its own only
enterprise        yes         own firm     own firm only               its own only
public (no login) yes         no           no                          none
================  ==========  ===========  ==========================  =======================

* **Own firm** (the data-subject rule): an enterprise account reads the rows of its own enterprise
  (its ``uscc``) whatever their grade, core included — the firm is the subject of that data and the
  source of its answers — and never another firm's rows, whatever their grade.
* **Ownership restricts, it never widens**: a run made by a background job belongs to the account
  that submitted it; only that account and admin see it, and the owner still needs the grade of
  every dataset the run was computed from. Runs made by the command line or the default load have
  no owner and are readable by grade alone.
* **Lists withhold, single reads refuse**: a list leaves out the rows the subject may not read and
  says how many (``withheld``); a read of one named thing the subject may not read is refused.
* **Refusals**: without a login the refusal is :class:`~industrial_brain.errors.NotAuthenticated`
  (401: log in); with a login it is :class:`~industrial_brain.errors.AccessError` (403). Each
  message is one line naming the thing and the rule.

Departments and grants
----------------------
An account may belong to one **department** (:attr:`Principal.department`). A department publishes
**data products** (:mod:`industrial_brain.services.sharing`); the dataset, run or release behind a
product is then *held* by it. Held data is read at row level only by the holder department's
accounts and admin (and, for enterprise rows, by the firm itself: the data-subject rule) — every
other subject, whatever its grade clearance, is refused on every read path (lists leave it out), and
reads it only through the product under a **grant** (:func:`check_product`): an approved request of
its department, unexpired and unrevoked, whose output form covers the read (``rows`` ⊇
``aggregates``, ``query``; ``aggregates`` only aggregates; ``query`` only verification answers).
Grant expiry is compared with the clock on every check, and a revocation or a new product reaches
this policy at once (:func:`forget_sharing`, called by every sharing write and by the server when the
store comes back from a command-line lease). Data no product holds is read by grade alone, as before.

==========  ================================================================================
role        beside the table above
==========  ================================================================================
steward     reads like ``analyst`` (up to important); decides its department's requests
==========  ================================================================================
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from industrial_brain.errors import AccessError, InputError, NotAuthenticated
from industrial_brain.store import runs as store_runs
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades, datasets_with_grade
from industrial_brain.store.enterprises import enterprise_datasets, enterprise_grades
from industrial_brain.store.sharing import sharing_snapshot

__all__ = [
    "GRADES",
    "ROLES",
    "ROLE_MAX_GRADE",
    "Principal",
    "PUBLIC",
    "deny",
    "grades_up_to",
    "highest_grade",
    "grades_of",
    "readable_datasets",
    "check_datasets",
    "check_enterprise",
    "readable_enterprises",
    "run_access",
    "may_read_run",
    "check_run",
    "readable_runs",
    "check_job",
    "RunAccess",
    "run_datasets",
    "FORMS",
    "Grant",
    "ProductAccess",
    "SharingState",
    "sharing_state",
    "forget_sharing",
    "check_product",
    "audience_of",
]

#: Dataset grades, lowest first (the ``dataset.grade`` values).
GRADES = ("general", "important", "core")
ROLES = ("admin", "analyst", "enterprise", "public", "steward")
#: Highest dataset grade a role may read (enterprise accounts: beside their own firm's rows).
ROLE_MAX_GRADE = {
    "public": "general",
    "enterprise": "general",
    "analyst": "important",
    "admin": "core",
    "steward": "important",
}
#: Output forms of a grant, and the reads each one covers.
FORMS = ("rows", "aggregates", "query")
_COVERS = {"rows": ("rows", "aggregates", "query"), "aggregates": ("aggregates",), "query": ("query",)}


@dataclass(frozen=True)
class Principal:
    """The subject of an access decision: ``role``, for an enterprise account its ``uscc``, and the
    ``department`` the account belongs to (None: none; grants are given to departments)."""

    username: str | None
    role: str
    uscc: str | None = None
    department: str | None = None

    @classmethod
    def of(cls, account: Any) -> "Principal":
        """The subject behind a stored account (anything with ``username``, ``role``, ``uscc`` and
        optionally ``department``)."""
        return cls(account.username, account.role, account.uscc, getattr(account, "department", None))

    @property
    def max_grade(self) -> str:
        """The highest dataset grade this subject may read (:data:`ROLE_MAX_GRADE`)."""
        return ROLE_MAX_GRADE[self.role]

    def may_read_grade(self, grade: str) -> bool:
        """True when data of ``grade`` is at or below :attr:`max_grade`.

        >>> Principal("ana", "analyst").may_read_grade("important"), PUBLIC.may_read_grade("important")
        (True, False)
        """
        return GRADES.index(grade) <= GRADES.index(self.max_grade)

    @property
    def actor(self) -> str:
        """The audit table's actor of this subject (``api:<user>`` or ``api:public``)."""
        return f"api:{self.username}" if self.username else "api:public"


PUBLIC = Principal(None, "public")


def deny(who: Principal, message: str) -> AccessError:
    """The refusal for ``who``: :class:`NotAuthenticated` (401, "log in") for the public role,
    :class:`AccessError` (403) for an account; ``message`` is the one-line reason."""
    if who.role == "public":
        return NotAuthenticated(f"login required: {message}")
    return AccessError(f"role '{who.role}' ({who.username}): {message}")


def grades_up_to(max_grade: str) -> tuple[str, ...]:
    """The grades at or below ``max_grade``.

    >>> grades_up_to("important")
    ('general', 'important')
    """
    return GRADES[: GRADES.index(max_grade) + 1]


def highest_grade(grades: Iterable[str]) -> str:
    """The highest of ``grades`` (``general`` for none).

    >>> highest_grade(["important", "general"]), highest_grade([])
    ('important', 'general')
    """
    return max(grades, key=GRADES.index, default="general")


# ---- departments, products and grants ------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """An approved grant as the policy sees it (``expires_at``: tz-aware UTC)."""

    grant_id: str
    product_id: str
    grantee: str
    form: str
    scope: dict
    expires_at: _dt.datetime
    epsilon: float

    def active(self, now: _dt.datetime) -> bool:
        """True until ``expires_at`` (rule ``now < expires_at``)."""
        return now < self.expires_at


@dataclass(frozen=True)
class SharingState:
    """Who holds what: ``held`` (dataset id → holder department), ``held_runs`` and ``held_releases``
    (id → holder), ``products`` (product id → ``(kind, object_id, holder)``) and the approved
    ``grants`` per grantee department."""

    held: dict[str, str] = field(default_factory=dict)
    held_runs: dict[str, str] = field(default_factory=dict)
    held_releases: dict[str, str] = field(default_factory=dict)
    products: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    grants: dict[str, tuple[Grant, ...]] = field(default_factory=dict)


_SHARING: dict[str, SharingState] = {}
_SHARING_LOCK = threading.Lock()


def forget_sharing(store: Store | None = None) -> None:
    """Drop the cached :class:`SharingState` of ``store`` (every store: None) so the next check reads the
    store again: called after every write of products or grants, and when the server gets its store
    back from a command-line lease (another process may have written)."""
    with _SHARING_LOCK:
        if store is None:
            _SHARING.clear()
        else:
            _SHARING.pop(str(store.path), None)


def _load_sharing(store: Store) -> SharingState:
    prods, approved = sharing_snapshot(store)
    held: dict[str, str] = {}
    runs: dict[str, str] = {}
    rels: dict[str, str] = {}
    for _pid, kind, obj, holder in prods:
        {"dataset": held, "api": held, "run": runs, "release": rels}[kind][obj] = holder
    by_dept: dict[str, list[Grant]] = {}
    for gid, pid, grantee, form, scope, expires, eps in approved:
        g = Grant(
            gid, pid, grantee, form, json.loads(scope or "{}"), expires.replace(tzinfo=_dt.UTC), float(eps)
        )
        by_dept.setdefault(grantee, []).append(g)
    return SharingState(
        held, runs, rels, {p: (k, o, h) for p, k, o, h in prods}, {d: tuple(g) for d, g in by_dept.items()}
    )


def sharing_state(store: Store) -> SharingState:
    """The products and approved grants of ``store``, read once and kept until :func:`forget_sharing`
    (an in-memory store is read every time)."""
    key = str(store.path)
    if key == ":memory:":
        return _load_sharing(store)
    with _SHARING_LOCK:
        hit = _SHARING.get(key)
    if hit is None:
        hit = _load_sharing(store)
        with _SHARING_LOCK:
            _SHARING[key] = hit
    return hit


def _held_elsewhere(who: Principal, holders: Iterable[str | None]) -> bool:
    """True when one of ``holders`` (None: not held) is a department other than the subject's (admin
    reads everything)."""
    if who.role == "admin":
        return False
    return any(h is not None and h != who.department for h in holders)


def _department_allows(store: Store, who: Principal, dataset_ids: Iterable[str]) -> bool:
    """Whether the subject may read these datasets at row level as far as departments go: none of them
    is held by another department (:class:`SharingState`)."""
    held = sharing_state(store).held
    if not held:
        return True
    return not _held_elsewhere(who, (held.get(d) for d in dataset_ids))


def audience_of(who: Principal) -> str:
    """The part of a cache key that tells which data the subject sees: its clearance and, for an
    account of a department, that department (held data differs between departments).

    >>> audience_of(PUBLIC), audience_of(Principal("s", "steward", department="stats"))
    ('general', 'important|dept=stats')
    """
    return who.max_grade + (f"|dept={who.department}" if who.department else "")


@dataclass(frozen=True)
class ProductAccess:
    """How the subject reads a product: ``via`` (``admin``, ``holder``, ``grant`` or ``public``), the
    ``grant`` used (for ``via='grant'``) and the product's ``(kind, object_id, holder)``."""

    product_id: str
    kind: str
    object_id: str
    holder: str
    via: str
    grant: Grant | None = None


def check_product(
    store: Store,
    who: Principal,
    product_id: str,
    form: str,
    *,
    grade: str = "general",
    public_epsilon: float = 0.0,
    now: _dt.datetime | None = None,
) -> ProductAccess:
    """May the subject read product ``product_id`` in output ``form`` (rows | aggregates | query)?

    Admin and the holder department always (rows need the grade clearance: ``grade`` is the
    product's); another department only under an active grant whose form covers ``form``; anyone
    (the public included) the aggregates of a product open to public DP releases
    (``public_epsilon > 0``). Raises :class:`InputError` for an unknown product or form, a refusal
    (401/403) naming the rule otherwise. ``now``: tz-aware UTC (default: the clock).
    """
    if form not in FORMS:
        raise InputError.at("unknown output form", column="form", value=form, expected=" | ".join(FORMS))
    state = sharing_state(store)
    if product_id not in state.products:
        raise InputError.at(
            "unknown data product",
            column="product_id",
            value=product_id,
            expected="an id of /api/v1/data/products",
        )
    kind, obj, holder = state.products[product_id]
    if form == "rows" and not who.may_read_grade(grade) and who.role != "admin":
        raise deny(who, f"product {product_id} is {grade}; this role reads up to {who.max_grade}")
    if who.role == "admin":
        return ProductAccess(product_id, kind, obj, holder, "admin")
    if who.department is not None and who.department == holder:
        return ProductAccess(product_id, kind, obj, holder, "holder")
    now = now or _dt.datetime.now(_dt.UTC)
    mine = [g for g in state.grants.get(who.department or "", ()) if g.product_id == product_id]
    usable = [g for g in mine if g.active(now) and form in _COVERS[g.form]]
    if usable:
        return ProductAccess(product_id, kind, obj, holder, "grant", max(usable, key=lambda g: g.expires_at))
    if form == "aggregates" and public_epsilon > 0:
        return ProductAccess(product_id, kind, obj, holder, "public")
    if who.role == "public":
        raise deny(who, f"product {product_id} is held by department {holder}")
    if any(not g.active(now) for g in mine) and not any(g.active(now) for g in mine):
        raise deny(who, f"product {product_id}: the grant of department {who.department} has expired")
    if mine:
        forms = ", ".join(sorted({g.form for g in mine if g.active(now)}))
        raise deny(who, f"product {product_id}: the grant of department {who.department} is for {forms} only")
    raise deny(
        who,
        f"product {product_id} is held by department {holder}; "
        f"department {who.department or '(none)'} has no grant for it",
    )


# ---- datasets ------------------------------------------------------------------------------------


def grades_of(store: Store, dataset_ids) -> dict[str, str]:
    """``dataset_id → grade`` of the given datasets; :class:`InputError` for one that is not stored."""
    grades = dataset_grades(store)
    for d in dataset_ids:
        if d not in grades:
            raise InputError.at(
                "unknown dataset", column="dataset", value=d, expected="the id of a stored dataset"
            )
    return {d: grades[d] for d in dataset_ids}


def readable_datasets(store: Store, who: Principal) -> list[str]:
    """Ids of the stored datasets the subject may read (grade at or below its clearance)."""
    ids = datasets_with_grade(store, grades_up_to(who.max_grade))
    held = sharing_state(store).held
    if not held or who.role == "admin":
        return ids
    return [d for d in ids if held.get(d) in (None, who.department)]


def check_datasets(store: Store, who: Principal, ids) -> str:
    """The highest grade among the datasets ``ids``; raises when one is unknown (400) or above the
    subject's clearance (401 public / 403)."""
    grades = grades_of(store, list(ids))
    for d, grade in grades.items():
        if not who.may_read_grade(grade):
            raise deny(who, f"dataset '{d}' is {grade}; this role reads up to {who.max_grade}")
    if not _department_allows(store, who, grades):
        held = sharing_state(store).held
        d = next(d for d in grades if held.get(d) not in (None, who.department))
        raise deny(
            who,
            f"dataset '{d}' is held by department {held[d]}: read it through its data product under a grant "
            "(/api/v1/data/products)",
        )
    return highest_grade(grades.values())


# ---- enterprise rows -----------------------------------------------------------------------------


def _may_read_firm(who: Principal, uscc: str, grade: str) -> bool:
    if who.role == "public":
        return False
    if who.role == "enterprise":
        return uscc == who.uscc  # the data-subject rule: its own rows, whatever their grade
    return who.may_read_grade(grade)


def check_enterprise(store: Store, who: Principal, uscc: str) -> str:
    """The grade of one enterprise's rows (:func:`~industrial_brain.store.enterprises.enterprise_grades`)
    if the subject may read them; raises otherwise (an unregistered id is the caller's 400, answered
    by the service that reads the rows — an enterprise account asking for another id is refused
    before, so it learns nothing of which ids exist)."""
    if who.role == "enterprise" and uscc != who.uscc:
        raise deny(who, "an enterprise account reads only its own enterprise")
    if who.role == "public":
        raise deny(who, "enterprise rows are at least important")
    grade = enterprise_grades(store, [uscc]).get(uscc, "important")
    if not _may_read_firm(who, uscc, grade):
        raise deny(who, f"enterprise {uscc} has {grade} rows; this role reads up to {who.max_grade}")
    if who.role != "enterprise" and _firms_held_elsewhere(store, who, [uscc]):
        raise deny(who, f"enterprise {uscc} has rows held by another department (read them under a grant)")
    return grade


def _firms_held_elsewhere(store: Store, who: Principal, usccs: list[str]) -> set[str]:
    """The firms of ``usccs`` with a row in a dataset held by another department than the subject's."""
    held = sharing_state(store).held
    if not held or who.role == "admin":
        return set()
    return {
        u
        for u, ds in enterprise_datasets(store, usccs).items()
        if _held_elsewhere(who, (held.get(d) for d in ds))
    }


def readable_enterprises(store: Store, who: Principal, frame: pd.DataFrame) -> tuple[pd.DataFrame, int, str]:
    """The rows of ``frame`` (a ``uscc`` column) the subject may read, how many rows were withheld,
    and the highest grade among the rows kept. The public role reads none (refused: 401)."""
    if who.role == "public":
        raise deny(who, "enterprise rows are at least important")
    if frame.empty:
        return frame, 0, "important"
    grades = enterprise_grades(store, frame["uscc"].dropna().unique().tolist())
    row_grades = frame["uscc"].map(lambda u: grades.get(u, "important"))
    elsewhere = set() if who.role == "enterprise" else _firms_held_elsewhere(store, who, list(grades))
    ok = [_may_read_firm(who, u, g) and u not in elsewhere for u, g in zip(frame["uscc"], row_grades)]
    kept = frame[ok]
    return kept, int(len(frame) - len(kept)), highest_grade(row_grades[ok])


# ---- analysis runs and jobs ------------------------------------------------------------------------


def run_datasets(datasets: str | None) -> list[str]:
    """The dataset ids of a run's ``datasets`` field (comma-separated).

    >>> run_datasets("a,b"), run_datasets(None)
    (['a', 'b'], [])
    """
    return [d for d in (datasets or "").split(",") if d]


def run_access(who: Principal, owner: str | None, grades: Iterable[str | None]) -> str | None:
    """Why the subject may not read a run with this ``owner`` (account name or None) computed from
    datasets of these ``grades`` (None: a dataset no longer stored), or None when it may.

    >>> run_access(PUBLIC, None, ["general"]) is None, run_access(PUBLIC, "ana", ["general"])
    (True, 'this run belongs to another account')
    """
    if owner is not None and who.role != "admin" and who.username != owner:
        return "this run belongs to another account"
    grades = list(grades)
    if any(g is None for g in grades):
        return "a dataset of this run is no longer stored"
    top = highest_grade(grades)  # type: ignore[arg-type]
    if not who.may_read_grade(top):
        return f"this run rests on {top} data; this role reads up to {who.max_grade}"
    return None


def may_read_run(who: Principal, row: dict, grades: dict[str, str]) -> bool:
    """True when the subject may read the run ``row`` (its ``owner`` and ``datasets`` fields), given
    ``grades`` (``dataset_id → grade`` of the stored datasets)."""
    owner = row.get("owner")
    owner = None if owner is None or (isinstance(owner, float) and pd.isna(owner)) else owner
    return run_access(who, owner, [grades.get(d) for d in run_datasets(row.get("datasets"))]) is None


@dataclass(frozen=True)
class RunAccess:
    """A run the subject may read: its stored row, the highest grade of its datasets, its owner."""

    row: dict
    grade: str
    owner: str | None


def check_run(store: Store, who: Principal, run_id: str, *, kind: str | None = None) -> RunAccess:
    """The run ``run_id`` (of ``kind`` when given) if the subject may read it; :class:`InputError` for
    an unknown id, a refusal (401/403) otherwise."""
    row = store_runs.run_row(store, run_id)
    if row is None or (kind is not None and row["kind"] != kind):
        raise InputError.at(
            "unknown run", column="run_id", value=run_id, expected="an id listed by /api/v1/runs"
        )
    rec = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    grades = dataset_grades(store)
    ids = run_datasets(rec["datasets"])
    why = run_access(who, rec.get("owner"), [grades.get(d) for d in ids])
    if why is not None:
        raise deny(who, f"run {run_id}: {why}")
    if not _department_allows(store, who, ids):
        raise deny(who, f"run {run_id}: a dataset of another department (read it through its data product)")
    if _held_elsewhere(who, [sharing_state(store).held_runs.get(run_id)]):
        raise deny(who, f"run {run_id} is a data product of another department (read it under a grant)")
    return RunAccess(rec, highest_grade(grades[d] for d in ids), rec.get("owner"))


def readable_runs(store: Store, who: Principal, kind: str | None = None) -> pd.DataFrame:
    """Runs (of ``kind``) the subject may read, newest first: ``run_id, kind, method, created_at,
    version, params, datasets, note, owner`` (no lineage)."""
    grades = dataset_grades(store)
    f = store_runs.runs(store, kind).drop(columns="lineage")
    if f.empty:
        return f
    state = sharing_state(store)
    ok = [
        may_read_run(who, r, grades)
        and not _held_elsewhere(
            who,
            [state.held_runs.get(r["run_id"]), *(state.held.get(d) for d in run_datasets(r.get("datasets")))],
        )
        for r in f.to_dict("records")
    ]
    return f[ok]


def check_job(who: Principal, owner: str | None, job_id: str) -> None:
    """A job's status and result are its owner's (``owner``: the submitter's audit actor) and admin's."""
    if who.role != "admin" and owner != who.actor:
        raise deny(who, f"job {job_id} belongs to another account")
