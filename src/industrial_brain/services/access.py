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

Departments (to come): :attr:`Principal.department` is ``None`` for every account today. Grants
between departments (DESIGN.md, ``governance/``) will be decided in :func:`_department_allows`, the
one place where a dataset outside the subject's department is accepted or refused; every check
below already passes through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from industrial_brain.errors import AccessError, InputError, NotAuthenticated
from industrial_brain.store import runs as store_runs
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades, datasets_with_grade
from industrial_brain.store.enterprises import enterprise_grades

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
]

#: Dataset grades, lowest first (the ``dataset.grade`` values).
GRADES = ("general", "important", "core")
ROLES = ("admin", "analyst", "enterprise", "public")
#: Highest dataset grade a role may read (enterprise accounts: beside their own firm's rows).
ROLE_MAX_GRADE = {"public": "general", "enterprise": "general", "analyst": "important", "admin": "core"}


@dataclass(frozen=True)
class Principal:
    """The subject of an access decision: ``role`` and, for an enterprise account, its ``uscc``.

    ``department`` is the extension point for grants between departments (None today).
    """

    username: str | None
    role: str
    uscc: str | None = None
    department: str | None = None

    @classmethod
    def of(cls, account: Any) -> "Principal":
        """The subject behind a stored account (anything with ``username``, ``role`` and ``uscc``)."""
        return cls(account.username, account.role, account.uscc)

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


def _department_allows(who: Principal, dataset_ids: Iterable[str]) -> bool:
    """Whether the subject's department may use these datasets: the one place where grants between
    departments will be checked. No dataset is bound to a department yet, so every one is allowed."""
    return True


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
    return ids if _department_allows(who, ids) else []


def check_datasets(store: Store, who: Principal, ids) -> str:
    """The highest grade among the datasets ``ids``; raises when one is unknown (400) or above the
    subject's clearance (401 public / 403)."""
    grades = grades_of(store, list(ids))
    for d, grade in grades.items():
        if not who.may_read_grade(grade):
            raise deny(who, f"dataset '{d}' is {grade}; this role reads up to {who.max_grade}")
    if not _department_allows(who, grades):
        raise deny(who, "a dataset of another department")
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
    return grade


def readable_enterprises(store: Store, who: Principal, frame: pd.DataFrame) -> tuple[pd.DataFrame, int, str]:
    """The rows of ``frame`` (a ``uscc`` column) the subject may read, how many rows were withheld,
    and the highest grade among the rows kept. The public role reads none (refused: 401)."""
    if who.role == "public":
        raise deny(who, "enterprise rows are at least important")
    if frame.empty:
        return frame, 0, "important"
    grades = enterprise_grades(store, frame["uscc"].dropna().unique().tolist())
    row_grades = frame["uscc"].map(lambda u: grades.get(u, "important"))
    ok = [_may_read_firm(who, u, g) for u, g in zip(frame["uscc"], row_grades)]
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
    if not _department_allows(who, ids):
        raise deny(who, f"run {run_id}: a dataset of another department")
    return RunAccess(rec, highest_grade(grades[d] for d in ids), rec.get("owner"))


def readable_runs(store: Store, who: Principal, kind: str | None = None) -> pd.DataFrame:
    """Runs (of ``kind``) the subject may read, newest first: ``run_id, kind, method, created_at,
    version, params, datasets, note, owner`` (no lineage)."""
    grades = dataset_grades(store)
    f = store_runs.runs(store, kind).drop(columns="lineage")
    if f.empty:
        return f
    ok = [may_read_run(who, r, grades) for r in f.to_dict("records")]
    return f[ok]


def check_job(who: Principal, owner: str | None, job_id: str) -> None:
    """A job's status and result are its owner's (``owner``: the submitter's audit actor) and admin's."""
    if who.role != "admin" and owner != who.actor:
        raise deny(who, f"job {job_id} belongs to another account")
