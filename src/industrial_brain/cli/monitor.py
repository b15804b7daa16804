"""``ibrain monitor``: alarm rules on the store, the alerts, their states and their delivery.

``ibrain monitor run [--rules FILE] [--dataset ID] [--through YEAR] --db DB`` evaluates the rules and
stores the alerts; ``alerts [--state S] [--severity S] [--region CODE] [--rule CODE] --format csv``
lists them (``alert_id, rule, region_code, indicator_code, year, severity, state`` first);
``show ALERT_ID`` prints one with its evidence and changes; ``ack|close ALERT_ID --reason TEXT``
change its state (audited, with ``--actor`` or the OS user); ``subscribe`` / ``subscriptions`` /
``unsubscribe`` manage an account's subscriptions; ``deliver`` sends what the outbox has due;
``rules [--rules FILE]`` lists a rule set. The work is :mod:`industrial_brain.services.monitor`'s.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for
from industrial_brain.services import monitor as monitor_service

app = typer.Typer(
    help="Monitoring and early warning 监测预警: alarm rules, alerts, subscriptions, delivery.",
    no_args_is_help=True,
)
RulesOpt = Annotated[
    Optional[Path], typer.Option("--rules", help="A rule set YAML file (default: the shipped rules).")
]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (stored with the change and audited).")]
ActorOpt = Annotated[
    Optional[str], typer.Option("--actor", help="Who (default: $IBRAIN_ACTOR or the OS user).")
]
ListOpt = Annotated[Optional[list[str]], typer.Option(help="Repeat or separate with commas; none: all.")]


@app.command("run")
def run_cmd(
    db: DbOpt = None,
    rules: RulesOpt = None,
    dataset: Annotated[
        Optional[list[str]], typer.Option("--dataset", help="Only these panel datasets (repeatable).")
    ] = None,
    through: Annotated[
        Optional[int], typer.Option("--through", help="Only the years up to this one (a replay).")
    ] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Evaluate the alarm rules on the stored panels and macro run; store and queue new alerts.

    运行预警规则。
    """
    with store_for(db) as store:
        result = monitor_service.run(store, rules=rules, datasets=dataset or None, through=through)
    if fmt == "table":
        console.print(
            f"rule set {result.rule_set}: {len(result.sources)} source(s), {len(result.opened)} opened 新开, "
            f"{len(result.closed)} closed 关闭, {result.queued} queued 待推送"
        )
    opened = result.to_frame(lang)[list(monitor_service.LIST_COLUMNS[:7])]
    emit(opened, fmt=fmt, lang=lang, title="Opened 新开预警")


@app.command("alerts")
def alerts_cmd(
    db: DbOpt = None,
    state: Annotated[Optional[str], typer.Option("--state", help="open | acknowledged | closed")] = None,
    severity: Annotated[Optional[str], typer.Option("--severity", help="critical | warning | info")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="GB/T 2260 region code.")] = None,
    rule: Annotated[Optional[str], typer.Option("--rule", help="Rule code.")] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """List the stored alerts (most recently changed first).

    预警列表。
    """
    with store_for(db, read_only=True) as store:
        frame, _ = monitor_service.alerts(
            store, state=state, severity=severity, region_code=region, rule=rule, lang=lang
        )
    shown = frame[list(monitor_service.LIST_COLUMNS[:7]) + ["message"]] if fmt == "table" else frame
    emit(shown, fmt=fmt, lang=lang, title="Alerts 预警")


@app.command("show")
def show_cmd(alert_id: Annotated[str, typer.Argument(help="The alert's id.")], db: DbOpt = None) -> None:
    """One alert with its evidence, lineage and state changes (JSON)."""
    with store_for(db, read_only=True) as store:
        a = monitor_service.alert(store, alert_id)
    typer.echo(json.dumps(a, ensure_ascii=False, indent=1, default=str))


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("IBRAIN_ACTOR") or os.environ.get("USER") or "cli"


@app.command("ack")
def ack_cmd(
    alert_id: Annotated[str, typer.Argument()], reason: ReasonOpt, actor: ActorOpt = None, db: DbOpt = None
):
    """Acknowledge an open alert (open → acknowledged).

    确认预警。
    """
    with store_for(db) as store:
        a = monitor_service.acknowledge(store, alert_id, actor=_actor(actor), reason=reason)
    console.print(f"{a['alert_id']}: {a['state']}")


@app.command("close")
def close_cmd(
    alert_id: Annotated[str, typer.Argument()], reason: ReasonOpt, actor: ActorOpt = None, db: DbOpt = None
):
    """Close an alert (open | acknowledged → closed).

    关闭预警。
    """
    with store_for(db) as store:
        a = monitor_service.close(store, alert_id, actor=_actor(actor), reason=reason)
    console.print(f"{a['alert_id']}: {a['state']}")


@app.command("rules")
def rules_cmd(rules: RulesOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List the rules of a rule set (default: the shipped one).

    预警规则。
    """
    f = monitor_service.rules_frame(rules, lang)
    emit(f.drop(columns="why") if fmt == "table" else f, fmt=fmt, lang=lang, title="Alarm rules 预警规则")


@app.command("subscribe")
def subscribe_cmd(
    user: Annotated[str, typer.Option("--user", help="The account.")],
    channel: Annotated[str, typer.Option("--channel", help="webhook | email")],
    target: Annotated[str, typer.Option("--target", help="The webhook's URL or the e-mail address.")],
    rule: ListOpt = None,
    region: ListOpt = None,
    tag: ListOpt = None,
    db: DbOpt = None,
) -> None:
    """Subscribe an account to alerts (of rules, regions, tags) on a webhook or e-mail address."""
    with store_for(db) as store:
        sub = monitor_service.subscribe(
            store, user, channel, target, rules=",".join(rule or []), regions=",".join(region or []),
            tags=",".join(tag or []),
        )  # fmt: skip
    console.print(f"subscription {sub['subscription_id']}")


@app.command("subscriptions")
def subscriptions_cmd(
    user: Annotated[Optional[str], typer.Option("--user")] = None, db: DbOpt = None, fmt: FormatOpt = "table"
) -> None:
    """List the active subscriptions (of one account)."""
    with store_for(db, read_only=True) as store:
        emit(monitor_service.subscriptions(store, user), fmt=fmt, title="Subscriptions 订阅")


@app.command("unsubscribe")
def unsubscribe_cmd(subscription_id: Annotated[str, typer.Argument()], db: DbOpt = None) -> None:
    """Stop a subscription."""
    with store_for(db) as store:
        monitor_service.unsubscribe(store, subscription_id)
    console.print(f"subscription {subscription_id} stopped")


@app.command("deliver")
def deliver_cmd(db: DbOpt = None, fmt: FormatOpt = "table") -> None:
    """Send the deliveries due in the outbox (webhook POST, SMTP e-mail: $IBRAIN_SMTP_HOST, _PORT,
    _FROM); failures stay queued and are retried later with back-off.

    推送预警。
    """
    with store_for(db) as store:
        rep = monitor_service.deliver(store)
    if fmt == "table":
        failed = len(rep.attempts) - rep.delivered
        console.print(f"{rep.delivered} delivered 已送达, {failed} failed 失败, {rep.pending} pending 待重试")
    else:
        emit(rep.attempts, fmt=fmt)
