"""The alert state machine, as pure functions over the previous alerts and a new evaluation.

States (and the only transitions)::

    open ──acknowledge──▶ acknowledged ──close──▶ closed
      └──────────────────close──────────────────▶ closed

Besides its ``state`` each alert keeps its ``condition``: ``firing`` while the rule's trigger is on
for its subject, ``cleared`` once an evaluation finds it off (below the clear threshold, for
``clear_after`` years). :func:`reconcile` applies an evaluation:

* a subject (rule × region × indicator, or rule × region) whose trigger is on and that has **no
  alert with condition firing** gets one new ``open`` alert (its id derived from the subject and the
  year it fired);
* a subject that already has a firing alert gets **none** (de-duplication: no alert storm), whatever
  the state of that alert: an alert a person closed while the condition still fires keeps the subject
  quiet until the condition clears; its ``last_year`` and latest evidence are brought up to date;
* a firing alert whose subject the evaluation judged and found off turns ``cleared``; if it was open
  or acknowledged it is closed by ``system`` with the year and measure of the clearing as reason.

:func:`acknowledge` and :func:`close` are the people's transitions; each needs who and why. Every
change is one row of :attr:`AlertUpdate.changes` (``at, actor, alert_id, from_state, to_state,
reason``) for the audit.

Why hand-written: a state machine library (transitions, python-statemachine) holds one object's
state; here the states of thousands of alerts move together, as frames.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.monitor.evaluation import Evaluation

__all__ = [
    "ALERT_COLUMNS",
    "CHANGE_COLUMNS",
    "STATES",
    "AlertUpdate",
    "acknowledge",
    "close",
    "empty_alerts",
    "reconcile",
]

#: Alert states, in their order.
STATES: tuple[str, ...] = ("open", "acknowledged", "closed")
_NEXT = {"open": {"acknowledged", "closed"}, "acknowledged": {"closed"}, "closed": set()}
#: Columns of an alerts frame.
ALERT_COLUMNS: tuple[str, ...] = (
    "alert_id",
    "subject",
    "rule",
    "kind",
    "region_code",
    "indicator_code",
    "year",
    "severity",
    "state",
    "condition",
    "last_year",
    "cleared_year",
    "value",
    "measure",
    "message_en",
    "message_zh",
    "evidence",
    "opened_at",
    "updated_at",
)
#: Columns of the audit rows of state changes.
CHANGE_COLUMNS: tuple[str, ...] = ("at", "actor", "alert_id", "from_state", "to_state", "reason")


def empty_alerts() -> pd.DataFrame:
    """An alerts frame with no alert.

    Examples
    --------
    >>> list(empty_alerts().columns)[:3]
    ['alert_id', 'subject', 'rule']
    """
    return _frame([])


def _frame(records: Iterable[dict]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(list(records), columns=list(ALERT_COLUMNS))
    for col in ("year", "last_year", "cleared_year"):
        df[col] = pd.array([None if pd.isna(v) else int(v) for v in df[col]], dtype="Int64")
    for col in ("value", "measure"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return df.reset_index(drop=True)


def _changes(rows: Iterable[tuple]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(CHANGE_COLUMNS), dtype=object)  # None stays None


@dataclass(frozen=True)
class AlertUpdate(ResultMixin):
    """Alerts after a change, and the audit rows of what changed.

    Attributes
    ----------
    alerts : DataFrame
        Every alert (:data:`ALERT_COLUMNS`), previous and new.
    changes : DataFrame
        One row per state change (:data:`CHANGE_COLUMNS`); ``from_state`` None for a new alert.
    """

    alerts: pd.DataFrame
    changes: pd.DataFrame

    title_en = "Alerts"
    title_zh = "预警"

    @property
    def opened(self) -> pd.DataFrame:
        """The alerts this update opened."""
        ids = self.changes.loc[self.changes["from_state"].isna(), "alert_id"]
        return self.alerts[self.alerts["alert_id"].isin(ids)].reset_index(drop=True)

    @property
    def closed(self) -> pd.DataFrame:
        """The alerts this update closed."""
        ids = self.changes.loc[self.changes["to_state"] == "closed", "alert_id"]
        return self.alerts[self.alerts["alert_id"].isin(ids)].reset_index(drop=True)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        drop = ["evidence", "message_zh" if lang == "en" else "message_en"]
        df = self.alerts.drop(columns=drop).rename(columns={"message_en": "message", "message_zh": "message"})
        return df.rename(columns=lambda c: label(c, lang))

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        counts = self.alerts["state"].value_counts()
        for s, s_zh in zip(STATES, ("未处理", "已确认", "已关闭")):
            yield (s_zh if zh else s, int(counts.get(s, 0)))
        yield ("本次变更" if zh else "changes", len(self.changes))


def _alert_id(subject: str, year: int, taken: set[str]) -> str:
    base = hashlib.sha256(f"{subject}|{year}".encode()).hexdigest()[:12]
    aid, n = base, 1
    while aid in taken:
        n += 1
        aid = f"{base}-{n}"
    return aid


def _check_previous(previous: pd.DataFrame | None) -> pd.DataFrame:
    if previous is None:
        return empty_alerts()
    missing = [c for c in ALERT_COLUMNS if c not in previous.columns]
    if missing:
        raise InputError.at("missing column", column=missing[0], expected="the columns of an alerts frame")
    bad = ~previous["state"].isin(STATES)
    if bad.any():
        raise InputError.at(
            "unknown alert state",
            column="state",
            value=previous.loc[bad, "state"].iloc[0],
            expected=" | ".join(STATES),
        )
    return previous[list(ALERT_COLUMNS)].copy()


def _evidence_json(ev: Any) -> str:
    return ev if isinstance(ev, str) else json.dumps(ev, ensure_ascii=False, sort_keys=True)


def reconcile(previous: pd.DataFrame | None, evaluation: Evaluation, *, at: str) -> AlertUpdate:
    """Apply an evaluation to the previous alerts: open, keep quiet, or clear and close.

    Parameters
    ----------
    previous : DataFrame or None
        The alerts so far (:data:`ALERT_COLUMNS`), e.g. the last :attr:`AlertUpdate.alerts`.
    evaluation : Evaluation
    at : str
        Time stamp of this change (ISO 8601), written to ``opened_at`` / ``updated_at`` and the
        change rows (passed in: the engine reads no clock).

    Returns
    -------
    AlertUpdate

    Examples
    --------
    >>> from industrial_brain.monitor.evaluation import evaluate
    >>> from industrial_brain.monitor.rules import parse_rules
    >>> rs = parse_rules({"code": "demo", "rules": [{"code": "high", "kind": "threshold",
    ...     "name_zh": "过高", "name_en": "too high", "why": "above ten needs a look",
    ...     "fire": 10, "clear": 8}]})
    >>> def panel(values):
    ...     return pd.DataFrame({"region_code": "A", "indicator_code": "x",
    ...                          "year": range(2020, 2020 + len(values)), "value": values})
    >>> u1 = reconcile(None, evaluate(panel([5.0, 11.0]), rs), at="2021-12-31")
    >>> u2 = reconcile(u1.alerts, evaluate(panel([5.0, 11.0, 9.0]), rs), at="2022-12-31")  # 9: holds
    >>> u3 = reconcile(u2.alerts, evaluate(panel([5.0, 11.0, 9.0, 7.0]), rs), at="2023-12-31")
    >>> len(u1.opened), len(u2.changes), u3.alerts[["state", "condition", "cleared_year"]].values.tolist()
    (1, 0, [['closed', 'cleared', 2023]])
    """
    prev = _check_previous(previous)
    taken = set(prev["alert_id"])
    firing = prev["condition"] == "firing"
    held = dict(zip(prev.loc[firing, "subject"], prev.index[firing]))
    episodes = evaluation.alerts
    ended = episodes[episodes["cleared_year"].notna()]
    changes: list[tuple] = []

    def clear(i: int, since: int | None = None) -> None:
        """The firing alert ``i`` is cleared (by the latest episode that ended after ``since``)."""
        past = ended[ended["subject"] == prev.at[i, "subject"]]
        if since is not None:
            past = past[past["cleared_year"] > since]
        last = past.iloc[-1] if len(past) else None
        year = None if last is None else int(last["cleared_year"])
        measure = None if last is None else (last["evidence"].get("cleared") or {}).get("measure")
        prev.at[i, "condition"] = "cleared"
        prev.at[i, "cleared_year"] = year
        prev.at[i, "updated_at"] = at
        if prev.at[i, "state"] != "closed":
            reason = (
                "condition cleared"
                + (f" in {year}" if year is not None else "")
                + (f" (measure {measure:.4g})" if isinstance(measure, float) else "")
            )
            changes.append((at, "system", prev.at[i, "alert_id"], prev.at[i, "state"], "closed", reason))
            prev.at[i, "state"] = "closed"

    act = evaluation.active
    new = []
    for row in act.itertuples(index=False):
        ev_json = _evidence_json(row.evidence)
        if row.subject in held:
            i = held.pop(row.subject)
            y_old = int(prev.at[i, "year"])
            between = ended[
                (ended["subject"] == row.subject)
                & (ended["cleared_year"] > y_old)
                & (ended["cleared_year"] <= int(row.year))
            ]
            if int(row.year) <= y_old or between.empty:  # the same episode goes on
                if int(prev.at[i, "last_year"]) != int(row.last_year) and prev.at[i, "state"] != "closed":
                    prev.at[i, "last_year"] = int(row.last_year)
                    prev.at[i, "evidence"] = ev_json
                    prev.at[i, "updated_at"] = at
                continue
            clear(i, since=y_old)  # it ended between two evaluations, and a new one began
        aid = _alert_id(row.subject, int(row.year), taken)
        taken.add(aid)
        new.append(
            {
                "alert_id": aid,
                "subject": row.subject,
                "rule": row.rule,
                "kind": row.kind,
                "region_code": row.region_code,
                "indicator_code": row.indicator_code,
                "year": int(row.year),
                "severity": row.severity,
                "state": "open",
                "condition": "firing",
                "last_year": int(row.last_year),
                "cleared_year": None,
                "value": row.value,
                "measure": row.measure,
                "message_en": row.message_en,
                "message_zh": row.message_zh,
                "evidence": ev_json,
                "opened_at": at,
                "updated_at": at,
            }
        )
        changes.append((at, "system", aid, None, "open", row.message_en))
    # firing alerts whose subject was judged and is off now
    for subj, i in held.items():
        rule, region, indicator = subj.split("|", 2)
        if evaluation.covers(rule, region, None if indicator == "*" else indicator):
            clear(i)
    alerts = _frame([*prev.to_dict("records"), *new])
    return AlertUpdate(alerts=alerts, changes=_changes(changes))


def _transition(
    alerts: pd.DataFrame, alert_id: str, to: str, actor: str, reason: str, at: str
) -> AlertUpdate:
    prev = _check_previous(alerts)
    for name, v in (("actor", actor), ("reason", reason)):
        if not isinstance(v, str) or not v.strip():
            raise InputError.at(
                f"a state change needs {'who' if name == 'actor' else 'why'}",
                column=name,
                value=v,
                expected="a non-empty text",
            )
    hit = prev.index[prev["alert_id"] == alert_id]
    if not len(hit):
        raise InputError.at("unknown alert", column="alert_id", value=alert_id)
    i = hit[0]
    state = prev.at[i, "state"]
    if to not in _NEXT[state]:
        allowed = ", ".join(sorted(_NEXT[state])) or "none (closed is final)"
        raise InputError.at(
            f"an alert in state '{state}' cannot be {to}",
            column="state",
            value=state,
            expected=f"a transition to {allowed}",
        )
    prev.at[i, "state"] = to
    prev.at[i, "updated_at"] = at
    return AlertUpdate(
        alerts=_frame(prev.to_dict("records")),
        changes=_changes([(at, actor.strip(), alert_id, state, to, reason.strip())]),
    )


def acknowledge(alerts: pd.DataFrame, alert_id: str, *, actor: str, reason: str, at: str) -> AlertUpdate:
    """``open → acknowledged``: a person has seen the alert and says why (and who)."""
    return _transition(alerts, alert_id, "acknowledged", actor, reason, at)


def close(alerts: pd.DataFrame, alert_id: str, *, actor: str, reason: str, at: str) -> AlertUpdate:
    """``open | acknowledged → closed`` by a person. While the condition still fires the subject
    stays quiet (no new alert) until an evaluation finds it cleared."""
    return _transition(alerts, alert_id, "closed", actor, reason, at)
