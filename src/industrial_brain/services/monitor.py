"""Monitoring on the store: evaluate the alarm rules, keep the alerts and their audit, deliver them.

The services behind ``ibrain monitor`` and ``/api/v1/monitor``, built on the pure engine
(:mod:`industrial_brain.monitor`):

* :func:`run` evaluates a rule set (the shipped ``default`` or a user file) on every stored panel
  dataset (each on its own: peers and ranks within one source) and on the coordination degree ``D``
  of the newest macro run, reconciles the result with the stored alerts
  (:func:`industrial_brain.monitor.reconcile`: one open alert per rule × subject, no storm), stores
  the alerts with their evidence, grade and lineage and every state change, and queues the new
  alerts for their subscribers. :func:`industrial_brain.services.catalog.ingest_file` calls it for
  the dataset a panel ingest stored (that dataset only: cheap).
* :func:`acknowledge` and :func:`close`: a person's transitions, with who and why, audited.
* :func:`subscribe`, :func:`subscriptions`, :func:`unsubscribe`: an account asks for the alerts of
  some rules, regions or tags on a webhook or an e-mail address.
* :func:`deliver` sends what is due in the outbox: a webhook gets an HTTP POST of the alert as JSON
  (``urllib``), an address an e-mail through SMTP (``smtplib``). Each delivery carries its
  idempotency key (``Idempotency-Key`` header, ``Message-ID``); a failure is kept with its error and
  retried after a back-off doubling from ``backoff`` seconds (capped at 6 h), never dropped; a
  delivery is marked delivered once its receiver accepted it, so each subscriber gets an alert once.

An alert's grade is the highest grade of the datasets it rests on; lists withhold the alerts the
caller may not read, a single read refuses (:mod:`industrial_brain.services.access`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import ipaddress
import json
import os
import smtplib
import socket
import threading
import urllib.parse
import uuid
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Iterable

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.monitor import ALERT_COLUMNS, RuleSet, acknowledge as _ack, close as _close
from industrial_brain.monitor import evaluate, load_rules, reconcile
from industrial_brain.services.access import PUBLIC, Principal, deny, highest_grade, run_datasets
from industrial_brain.services.results import dataset_lineage, stored_lineage
from industrial_brain.store import alerts as store_alerts
from industrial_brain.store import deliveries as store_deliveries
from industrial_brain.store import runs as store_runs
from industrial_brain.store.accounts import credentials
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades
from industrial_brain.store.observations import indicator_coverage
from industrial_brain.store.readers import read_panel

__all__ = [
    "LIST_COLUMNS",
    "CHANNELS",
    "MonitorRun",
    "DeliveryReport",
    "rules_frame",
    "run",
    "alerts",
    "alert",
    "acknowledge",
    "close",
    "subscribe",
    "subscriptions",
    "unsubscribe",
    "deliver",
]

#: Columns of an alerts list (the first seven are the CLI's CSV contract).
LIST_COLUMNS = (
    "alert_id",
    "rule",
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
    "message",
    "grade",
    "opened_at",
    "updated_at",
)
CHANNELS = ("webhook", "email")
MACRO_KIND = "macro"
_MAX_BACKOFF = 6 * 3600.0


def utc_now() -> str:
    """Now, UTC, as the store's timestamp text (``YYYY-MM-DD HH:MM:SS``)."""
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def _stamp(at: str | None) -> str:
    return utc_now() if at is None else pd.Timestamp(at).isoformat(sep=" ", timespec="seconds")


def _rule_set(rules: RuleSet | str | os.PathLike | None) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    return load_rules() if rules is None else load_rules(rules)


def rules_frame(rules: RuleSet | str | os.PathLike | None = None, lang: str = "en") -> pd.DataFrame:
    """The rules of a set (default: the shipped one): code, kind, severity, name, thresholds, scope, why."""
    check_lang(lang)
    rs = _rule_set(rules)
    rows = [
        {
            "code": r.code,
            "kind": r.kind,
            "severity": r.severity,
            "name": r.name_zh if lang == "zh" else r.name_en,
            "direction": r.direction,
            "fire": r.fire,
            "clear": r.clear,
            "indicators": ",".join(r.scope.indicators),
            "tags": ",".join(r.scope.tags),
            "enabled": r.enabled,
            "why": r.why,
        }
        for r in rs.rules
    ]
    return pd.DataFrame(rows)


# -- what is evaluated -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Source:
    """One evaluated unit: a panel dataset, or the coordination degree of a macro run."""

    datasets: str  # comma-separated ids
    panel: pd.DataFrame  # long: region_code, indicator_code, year, value
    grade: str
    lineage: Lineage
    tags: dict[str, set[str]]


def _sources(store: Store, datasets: Iterable[str] | None, through: int | None) -> list[_Source]:
    grades = dataset_grades(store)
    cov = indicator_coverage(store)
    out = []
    for ds in sorted(cov["dataset_id"].unique()) if datasets is None else list(datasets):
        wide = read_panel(store, datasets=[ds])
        if wide.empty:
            continue
        wide.attrs = {}
        long = wide.reset_index().melt(["region_code", "year"], var_name="indicator_code").dropna()
        long = long if through is None else long[long["year"] <= through]
        mine = cov[cov["dataset_id"] == ds]
        tags = {c: {d} for c, d in zip(mine["code"], mine["dimension"]) if isinstance(d, str) and d}
        lin = Lineage.make("store.observations", {"dataset": ds}, datasets=dataset_lineage(store, [ds]))
        out.append(_Source(ds, long, grades.get(ds, "general"), lin, tags))
    if datasets is None:
        macro = store_runs.runs(store, MACRO_KIND)
        macro = macro[macro["owner"].isna()]
        if len(macro):
            row = macro.iloc[0]
            d = store_runs.run_values(store, row["run_id"], measure="D").dropna(subset=["value", "year"])
            if len(d):
                ids = run_datasets(row["datasets"])
                long = d.assign(indicator_code="D")[["region_code", "indicator_code", "year", "value"]]
                long = long if through is None else long[long["year"] <= through]
                out.append(
                    _Source(
                        row["datasets"] or "",
                        long,
                        highest_grade(grades.get(i, "core") for i in ids),
                        stored_lineage(row),
                        {"D": {"coordination"}},
                    )
                )
    return out


# -- running the rules -----------------------------------------------------------------------------
@dataclass(frozen=True)
class MonitorRun(ResultMixin):
    """What one evaluation on the store changed.

    Attributes
    ----------
    opened, closed : DataFrame
        The alerts it opened and closed (stored columns).
    changes : DataFrame
        The state changes it stored (``at, actor, alert_id, from_state, to_state, reason``).
    queued : int
        Deliveries queued for the subscribers of the opened alerts.
    sources : tuple of str
        What was evaluated (dataset ids; a macro run's datasets).
    rule_set : str
    """

    opened: pd.DataFrame
    closed: pd.DataFrame
    changes: pd.DataFrame
    queued: int
    sources: tuple[str, ...]
    rule_set: str

    title_en = "Monitoring run"
    title_zh = "监测预警运行"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The opened alerts in the list's columns."""
        return _list_frame(self.opened, lang)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("规则集" if zh else "rule set", self.rule_set)
        yield ("评估数据" if zh else "sources", len(self.sources))
        yield ("新开预警" if zh else "alerts opened", len(self.opened))
        yield ("解除关闭" if zh else "alerts closed", len(self.closed))
        yield ("待发送" if zh else "deliveries queued", self.queued)


def run(
    store: Store,
    *,
    rules: RuleSet | str | os.PathLike | None = None,
    datasets: Iterable[str] | None = None,
    through: int | None = None,
    at: str | None = None,
) -> MonitorRun:
    """Evaluate ``rules`` on the stored panels (``datasets``: only these; None: every panel dataset
    and the newest macro run's ``D``), store the alerts and state changes, queue the new alerts.

    ``through``: only the years up to this one (a replay: run it year after year to see the alerts
    open and close as they would have); ``at``: the time stamp of the changes (default now, UTC).

    Each source is reconciled with the stored alerts resting on the same datasets; a new alert of a
    subject that already has a firing one is not opened (:func:`industrial_brain.monitor.reconcile`).
    """
    rs = _rule_set(rules)
    at = _stamp(at)
    stored = store_alerts.alerts(store)
    opened, closed, changes, sources = [], [], [], []
    for src in _sources(store, datasets, through):
        mine = stored["datasets"].fillna("") == src.datasets  # a macro run of a panel's datasets: its own D
        prev = stored[mine & stored["indicator_code"].isin(src.panel["indicator_code"].unique())]
        ev = evaluate(src.panel, rs, lineage=src.lineage, tags=src.tags)
        upd = reconcile(prev[list(ALERT_COLUMNS)], ev, at=at)
        # the engine's ids are unique among this source's alerts; one another source holds gets a suffix
        suffix = hashlib.sha256(src.datasets.encode()).hexdigest()[:6]
        rename = {a: f"{a}-{suffix}" for a in upd.opened["alert_id"] if a in set(stored["alert_id"])}
        rows = upd.alerts[upd.alerts["updated_at"] == at].replace({"alert_id": rename})
        change_rows = upd.changes.replace({"alert_id": rename})
        rows["datasets"], rows["grade"] = src.datasets, src.grade
        lin = json.dumps(ev.lineage.to_dict(), ensure_ascii=False, default=str)
        kept = rows["alert_id"].map(prev.set_index("alert_id")["lineage"]).astype(object)
        rows["lineage"] = kept.where(kept.notna(), lin)
        with store.transaction():
            store_alerts.write_alerts(store, rows)
            store_alerts.insert_changes(store, change_rows)
        sources.append(src.datasets)
        new = upd.opened.replace({"alert_id": rename})
        tags = {a: src.tags.get(i, set()) for a, i in zip(new["alert_id"], new["indicator_code"])}
        opened.append(
            rows[rows["alert_id"].isin(new["alert_id"])].assign(tags=lambda f: f["alert_id"].map(tags))
        )
        closed.append(rows[rows["alert_id"].isin(upd.closed["alert_id"])])
        changes.append(change_rows)
    opened_f = pd.concat(opened, ignore_index=True) if opened else store_alerts.alerts(store).iloc[:0]
    queued = _queue(store, opened_f, rs, at)
    result = MonitorRun(
        opened=opened_f.drop(columns="tags", errors="ignore"),
        closed=pd.concat(closed, ignore_index=True) if closed else opened_f.iloc[:0],
        changes=pd.concat(changes, ignore_index=True) if changes else pd.DataFrame(),
        queued=queued,
        sources=tuple(sources),
        rule_set=rs.code,
    )
    with store.transaction():
        store.audit(
            "monitor_run",
            rs.code,
            f"sources={len(sources)} opened={len(result.opened)} closed={len(result.closed)} queued={queued}",
        )
    return result


# -- reading and changing alerts -------------------------------------------------------------------
def _list_frame(f: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    check_lang(lang)
    msg = f["message_zh" if lang == "zh" else "message_en"] if len(f) else pd.Series(dtype=object)
    return f.assign(message=msg).reindex(columns=list(LIST_COLUMNS)).reset_index(drop=True)


def alerts(
    store: Store,
    who: Principal | None = None,
    *,
    state: str | None = None,
    severity: str | None = None,
    region_code: str | None = None,
    rule: str | None = None,
    lang: str = "en",
) -> tuple[pd.DataFrame, int]:
    """Stored alerts (:data:`LIST_COLUMNS`) the subject may read (None: every alert), filtered, and
    how many matching alerts were withheld for their grade."""
    f = store_alerts.alerts(store, state=state, severity=severity, region_code=region_code, rule=rule)
    kept = f if who is None else f[[who.may_read_grade(g) for g in f["grade"]]]
    return _list_frame(kept, lang), len(f) - len(kept)


def alert(store: Store, alert_id: str, who: Principal | None = None) -> dict[str, Any]:
    """One alert with its evidence (parsed), lineage and state changes; InputError for an unknown id,
    a refusal when the subject may not read its grade."""
    row = store_alerts.alert_row(store, alert_id)
    if row is None:
        raise InputError.at(
            "unknown alert",
            column="alert_id",
            value=alert_id,
            expected="an id listed by 'ibrain monitor alerts'",
        )
    if who is not None and not who.may_read_grade(row["grade"]):
        raise deny(
            who, f"alert {alert_id} rests on {row['grade']} data; this role reads up to {who.max_grade}"
        )
    row = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}  # numpy → Python
    for k in ("evidence", "lineage"):
        row[k] = json.loads(row[k]) if row[k] else None
    ch = store_alerts.alert_changes(store, alert_id).astype(object)
    row["changes"] = ch.where(ch.notna(), None).to_dict("records")
    return row


def _transition(store: Store, alert_id: str, to: str, actor: str, reason: str, who: Principal | None) -> dict:
    alert(store, alert_id, who)  # unknown or unreadable: refused before any change
    at = utc_now()
    prev = store_alerts.alerts(store)
    fn = _ack if to == "acknowledged" else _close
    upd = fn(prev[list(ALERT_COLUMNS)], alert_id, actor=actor, reason=reason, at=at)
    row = upd.alerts[upd.alerts["alert_id"] == alert_id]
    stored = prev[prev["alert_id"] == alert_id][["alert_id", "datasets", "grade", "lineage"]]
    with store.transaction():
        store_alerts.write_alerts(store, row.merge(stored, on="alert_id"))
        store_alerts.insert_changes(store, upd.changes)
        store.audit(
            f"alert_{'ack' if to == 'acknowledged' else 'close'}", alert_id, reason[:500], actor=actor
        )
    return alert(store, alert_id)


def acknowledge(
    store: Store, alert_id: str, *, actor: str, reason: str, who: Principal | None = None
) -> dict:
    """``open → acknowledged`` by ``actor`` for ``reason`` (stored and audited); returns the alert."""
    return _transition(store, alert_id, "acknowledged", actor, reason, who)


def close(store: Store, alert_id: str, *, actor: str, reason: str, who: Principal | None = None) -> dict:
    """``open | acknowledged → closed`` by ``actor`` for ``reason``; returns the alert."""
    return _transition(store, alert_id, "closed", actor, reason, who)


# -- subscriptions ---------------------------------------------------------------------------------
def _codes(values: Iterable[str] | str | None) -> str:
    if values is None:
        return ""
    items = values.split(",") if isinstance(values, str) else list(values)
    return ",".join(sorted({v.strip() for v in items if v and v.strip()}))


def _check_target(channel: str, target: str) -> None:
    if channel not in CHANNELS:
        raise InputError.at("unknown channel", column="channel", value=channel, expected=" | ".join(CHANNELS))
    ok = (
        target.startswith(("http://", "https://"))
        if channel == "webhook"
        else ("@" in target and " " not in target)
    )
    if not ok or len(target) > 500:
        raise InputError.at(
            f"not a {channel} target",
            column="target",
            value=target[:80],
            expected="an http(s) URL" if channel == "webhook" else "an e-mail address",
        )
    if channel == "webhook":
        check_webhook_target(target, resolve=False)


# -- where a webhook may go (SSRF) -------------------------------------------------------------------
WEBHOOK_ALLOW_ENV = "IBRAIN_WEBHOOK_ALLOW"


def webhook_allow() -> tuple[tuple[str, ...], tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
    """The allow-list of webhook targets from ``$IBRAIN_WEBHOOK_ALLOW``: comma-separated host names
    (matched exactly, any case) and addresses or networks (``10.1.0.0/16``, ``127.0.0.1``, ``::1``).
    Empty by default: only public (globally routable) addresses."""
    hosts, nets = [], []
    for item in filter(None, (x.strip() for x in os.environ.get(WEBHOOK_ALLOW_ENV, "").split(","))):
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            hosts.append(item.lower().rstrip("."))
    return tuple(hosts), tuple(nets)


def _addresses(host: str, port: int | None) -> list[str]:
    try:
        return sorted({a[4][0] for a in socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)})
    except OSError as exc:
        raise InputError.at("webhook host does not resolve", column="target", value=host) from exc


def check_webhook_target(url: str, *, resolve: bool = True, allow=None) -> None:
    """Refuse a webhook URL whose host is (or, ``resolve``: resolves to) a loopback, private,
    link-local, shared, reserved or multicast address, unless the allow-list
    (:func:`webhook_allow`, or ``allow``) names the host or a network holding the address; one line.

    The check guards against server-side request forgery: a subscriber must not make the server post
    to its own admin ports, the cloud metadata address (169.254.169.254) or the office network.
    Redirects are never followed (:func:`_post`), so a public host cannot bounce a delivery inward.
    """
    hosts, nets = webhook_allow() if allow is None else allow
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        raise InputError.at(
            "not a webhook target", column="target", value=url[:80], expected="an http(s) URL"
        )
    if host in hosts:
        return
    try:
        literal = [str(ipaddress.ip_address(host))]
    except ValueError:
        literal = None
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            literal = ["127.0.0.1"] if host.endswith("localhost") else None
            if literal is None:
                raise _refused(url, host, "a local name")
    addresses = literal if literal is not None else (_addresses(host, parts.port) if resolve else [])
    for a in addresses:
        ip = ipaddress.ip_address(a.split("%")[0])
        if any(ip in n for n in nets):
            continue
        if not ip.is_global or ip.is_multicast:
            raise _refused(url, host, f"address {ip} is not public")


def _refused(url: str, host: str, why: str) -> InputError:
    return InputError.at(
        f"webhook target refused: {why} (host {host})",
        column="target",
        value=url[:80],
        expected=f"a public address, or the host or its network listed in ${WEBHOOK_ALLOW_ENV}",
    )


def subscribe(
    store: Store,
    username: str,
    channel: str,
    target: str,
    *,
    rules: Iterable[str] | str | None = None,
    regions: Iterable[str] | str | None = None,
    tags: Iterable[str] | str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Subscribe an account to the alerts of ``rules``, ``regions`` and ``tags`` (each empty: all;
    an alert's tags are its indicator's dimension, its rule's scope tags and its rule kind) on a
    ``webhook`` URL or an ``email`` address. Returns the subscription."""
    if credentials(store, username) is None:
        raise InputError.at("unknown account", column="username", value=username)
    _check_target(channel, target)
    at = utc_now()
    fields = {"rules": _codes(rules), "regions": _codes(regions), "tags": _codes(tags)}
    sid = hashlib.sha256(f"{username}|{channel}|{target}|{fields}|{at}".encode()).hexdigest()[:16]
    with store.transaction():
        store_deliveries.insert_subscription(
            store, subscription_id=sid, username=username, channel=channel, target=target, at=at, **fields
        )
        store.audit("alert_subscribe", sid, f"{username} {channel} {fields}", actor=actor)
    return subscriptions(store, username).set_index("subscription_id").loc[sid].to_dict() | {
        "subscription_id": sid
    }


def subscriptions(store: Store, username: str | None = None) -> pd.DataFrame:
    """Active subscriptions (of one account)."""
    return store_deliveries.subscriptions(store, username=username)


def unsubscribe(
    store: Store, subscription_id: str, username: str | None = None, actor: str | None = None
) -> None:
    """Stop a subscription (``username``: only that account's); ``actor``: who, for the audit."""
    mine = subscriptions(store, username)
    if subscription_id not in set(mine["subscription_id"]):
        raise InputError.at("unknown subscription", column="subscription_id", value=subscription_id)
    with store.transaction():
        store_deliveries.deactivate_subscription(store, subscription_id)
        store.audit("alert_unsubscribe", subscription_id, "", actor=actor)


def _wants(sub: dict, alert: dict, tags: set[str]) -> bool:
    for field, have in (("rules", {alert["rule"]}), ("regions", {alert["region_code"]}), ("tags", tags)):
        want = set(filter(None, (sub[field] or "").split(",")))
        if want and not (want & have):
            return False
    return True


def _subscriber(store: Store, username: str) -> Principal:
    cred = credentials(store, username)
    if cred is None or cred[3]:
        return PUBLIC
    return Principal(username, cred[1], cred[2], cred[4])


def payload(alert: dict, delivery_id: str) -> dict[str, Any]:
    """What a receiver gets: the alert's fields, its evidence and the idempotency key."""
    keys = (
        "alert_id",
        "rule",
        "kind",
        "region_code",
        "indicator_code",
        "year",
        "severity",
        "state",
        "value",
        "measure",
        "message_en",
        "message_zh",
        "opened_at",
    )
    body = {k: (None if pd.isna(alert.get(k)) else alert.get(k)) for k in keys}
    body["year"] = None if body["year"] is None else int(body["year"])
    body["evidence"] = (
        json.loads(alert["evidence"]) if isinstance(alert.get("evidence"), str) else alert.get("evidence")
    )
    body["delivery_id"] = delivery_id
    return body


def _queue(store: Store, opened: pd.DataFrame, rs: RuleSet, at: str) -> int:
    subs = store_deliveries.subscriptions(store)
    if opened.empty or subs.empty:
        return 0
    who = {u: _subscriber(store, u) for u in subs["username"].unique()}
    rows = []
    for a in opened.to_dict("records"):
        tags = set(a.get("tags") or ()) | {a["kind"]}
        if a["rule"] in {r.code for r in rs.rules}:
            tags |= set(rs.rule(a["rule"]).scope.tags)
        for s in subs.to_dict("records"):
            if not who[s["username"]].may_read_grade(a["grade"]) or not _wants(s, a, tags):
                continue
            did = hashlib.sha256(f"{a['alert_id']}|{s['subscription_id']}".encode()).hexdigest()[:20]
            body = json.dumps(payload(a, did), ensure_ascii=False, default=str)
            rows.append((did, a["alert_id"], s["subscription_id"], s["channel"], s["target"], body, at, at))
    cols = [
        "delivery_id",
        "alert_id",
        "subscription_id",
        "channel",
        "target",
        "payload",
        "next_try",
        "created_at",
    ]
    with store.transaction():
        return store_deliveries.enqueue(store, pd.DataFrame(rows, columns=cols))


# -- delivery --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeliveryReport(ResultMixin):
    """One pass over the outbox: ``attempts`` (one row per try: delivery_id, channel, target, ok,
    error) and how many deliveries are still pending."""

    attempts: pd.DataFrame
    pending: int

    title_en = "Alert delivery"
    title_zh = "预警推送"

    @property
    def delivered(self) -> int:
        return int(self.attempts["ok"].sum()) if len(self.attempts) else 0

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.attempts

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("已送达" if zh else "delivered", self.delivered)
        yield ("失败" if zh else "failed", len(self.attempts) - self.delivered)
        yield ("待重试" if zh else "pending", self.pending)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: a receiver answering 3xx has not accepted the delivery (and a redirect must
    not carry it to an address the allow-list would refuse)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl[:80]} refused", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: str, key: str, timeout: float) -> None:
    check_webhook_target(url)  # resolved now, just before the connection
    req = urllib.request.Request(
        url,
        data=body.encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": key,
            "User-Agent": "industrial-brain-monitor",
        },
    )
    with _OPENER.open(req, timeout=timeout) as r:  # noqa: S310 - http(s) only, allow-listed
        if not 200 <= r.status < 300:
            raise OSError(f"HTTP {r.status}")


def _mail(address: str, body: dict, key: str, smtp: tuple[str, int], sender: str, timeout: float) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"[{body['severity']}] {body['message_en']}"[:200]
    msg["From"], msg["To"] = sender, address
    msg["Message-ID"] = f"<{key}@industrial-brain>"
    msg["X-Idempotency-Key"] = key
    msg.set_content(
        f"{body['message_zh']}\n\n{body['message_en']}\n\n" + json.dumps(body, ensure_ascii=False, indent=1)
    )
    with smtplib.SMTP(smtp[0], smtp[1], timeout=timeout) as s:
        s.send_message(msg)


def smtp_settings() -> tuple[tuple[str, int], str]:
    """``(host, port), sender`` from ``$IBRAIN_SMTP_HOST`` (localhost), ``$IBRAIN_SMTP_PORT`` (25),
    ``$IBRAIN_SMTP_FROM`` (ibrain@localhost)."""
    host = os.environ.get("IBRAIN_SMTP_HOST", "localhost")
    return (host, int(os.environ.get("IBRAIN_SMTP_PORT", "25"))), os.environ.get(
        "IBRAIN_SMTP_FROM", "ibrain@localhost"
    )


def deliver(
    store: Store,
    *,
    now: str | None = None,
    backoff: float = 30.0,
    timeout: float = 10.0,
    smtp: tuple[str, int] | None = None,
    sender: str | None = None,
) -> DeliveryReport:
    """Send every pending delivery whose next try is due at ``now`` (default: the clock, UTC).

    A delivery that fails (connection refused, time-out, a non-2xx answer, a redirect, an SMTP error,
    a webhook target the allow-list refuses: :func:`check_webhook_target`) stays pending with its
    error; its next try waits ``backoff × 2^(attempts−1)`` seconds, at most 6 h.

    Each delivery is first **claimed** (:func:`industrial_brain.store.deliveries.claim`: one
    conditional update) for ``3 × timeout + 60`` s: concurrent ``deliver`` runs (threads of a server,
    a cron job) never send one delivery twice; a claim left by a sender that died runs out.
    """
    now = _stamp(now)
    default_smtp, default_sender = smtp_settings()
    smtp, sender = smtp or default_smtp, sender or default_sender
    tries = []
    owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
    until = (pd.Timestamp(now) + pd.Timedelta(seconds=3 * timeout + 60)).isoformat(
        sep=" ", timespec="seconds"
    )
    for d in store_deliveries.outbox(store, status="pending", due=now).to_dict("records"):
        if not store_deliveries.claim(store, d["delivery_id"], owner, now, until):
            continue  # another sender has it (or delivered it meanwhile)
        error = None
        try:
            if d["channel"] == "webhook":
                _post(d["target"], d["payload"], d["delivery_id"], timeout)
            else:
                _mail(d["target"], json.loads(d["payload"]), d["delivery_id"], smtp, sender, timeout)
        except (OSError, smtplib.SMTPException, urllib.error.URLError, ValueError, InputError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        with store.transaction():
            if error is None:
                store_deliveries.mark_delivered(store, d["delivery_id"], now)
            else:
                wait = min(backoff * 2 ** int(d["attempts"]), _MAX_BACKOFF)
                nxt = (pd.Timestamp(now) + pd.Timedelta(seconds=wait)).isoformat(sep=" ", timespec="seconds")
                store_deliveries.mark_failed(store, d["delivery_id"], error, nxt)
        tries.append((d["delivery_id"], d["channel"], d["target"], error is None, error))
    pending = len(store_deliveries.outbox(store, status="pending"))
    cols = ["delivery_id", "channel", "target", "ok", "error"]
    return DeliveryReport(pd.DataFrame(tries, columns=cols), pending)


def outbox(store: Store, status: str | None = None) -> pd.DataFrame:
    """The queued deliveries (of ``status``)."""
    return store_deliveries.outbox(store, status=status)
