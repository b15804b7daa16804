"""``ibrain data``: data products and governed sharing between departments (issue 20, items 2–4).

* ``department add ID --zh 名称 --en NAME`` / ``department list`` — the tenants;
* ``publish KIND OBJECT --title-zh … --title-en … [--holder DEPT] [--terms …] [--form …]
  [--public-epsilon ε]`` — publish a dataset, run, release or query-only API as a data product;
* ``catalogue [--search WORDS]`` — the catalogue;
* ``request PRODUCT --user NAME --purpose … --form rows|aggregates|query --days N [--region …]
  [--years FROM:TO] [--column …] [--epsilon ε]`` — a department's request;
* ``inbox [--user STEWARD]`` — pending requests; ``approve GRANT --reason …`` (``--refuse`` to refuse);
* ``revoke GRANT --reason …`` — at once; ``usage DEPT`` — the holder's usage report.

A command acts as the stored account named by ``--user`` (role and department from the store; no
password: whoever has the store's file is its administrator), or as the administrator without it.
The rules are the services' (:mod:`industrial_brain.services.sharing`), shared with the REST API.

The ``data`` Typer app is defined here; the classification and grading commands join the same app.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import pandas as pd
import typer

from industrial_brain.cli.data import app
from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for
from industrial_brain.errors import InputError
from industrial_brain.services import sharing
from industrial_brain.services.access import Principal
from industrial_brain.services.accounts import account_principal

# the ``ibrain data`` app of cli/data.py (classification and grading), with the sharing commands added
department_app = typer.Typer(help="Departments (the tenants of data sharing). 部门。", no_args_is_help=True)
app.add_typer(department_app, name="department")

UserOpt = Annotated[
    Optional[str], typer.Option("--user", help="Act as this stored account (default: the administrator).")
]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept with the decision and audited).")]


def _who(store, user: str | None) -> Principal:
    if user is None:
        return Principal(None, "admin")
    return Principal.of(account_principal(store, user))


def _years(spec: str | None) -> list[int] | None:
    if not spec:
        return None
    a, _, b = spec.partition(":")
    try:
        return [int(a), int(b or a)]
    except ValueError:
        raise InputError.at(
            "bad years", column="--years", value=spec, expected="FROM:TO, e.g. 2018:2022"
        ) from None


def _grant_line(g: dict) -> str:
    until = f" until {g['expires_at']}" if g.get("expires_at") else ""
    who = f"{g['grantee']} → {g['product_id']}"
    return f"{g['grant_id']} {g['state']}: {who} ({g['form']}, {g['days']} d){until}"


@department_app.command("add")
def department_add(
    department_id: Annotated[str, typer.Argument(help="Id (a–z 0–9 _ - .).")],
    zh: Annotated[str, typer.Option("--zh", help="Chinese name.")],
    en: Annotated[str, typer.Option("--en", help="English name.")],
    db: DbOpt = None,
) -> None:
    """Add a department. 新增部门。"""
    with store_for(db) as store:
        sharing.add_department(store, department_id, zh, en)
    console.print(f"department 部门 '{department_id}' added")


@department_app.command("list")
def department_list(db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List departments. 部门列表。"""
    with store_for(db) as store:
        emit(sharing.list_departments(store), fmt=fmt, lang=lang, title="Departments 部门")


@app.command("publish")
def publish(
    kind: Annotated[str, typer.Argument(help="dataset | run | release | api")],
    object_id: Annotated[str, typer.Argument(help="The dataset, run or release id.")],
    title_zh: Annotated[str, typer.Option("--title-zh", help="Title in Chinese.")],
    title_en: Annotated[str, typer.Option("--title-en", help="Title in English.")],
    holder: Annotated[
        Optional[str], typer.Option("--holder", help="Holder department (default: the user's).")
    ] = None,
    product_id: Annotated[
        Optional[str], typer.Option("--id", help="Product id (default: KIND-OBJECT).")
    ] = None,
    description: Annotated[Optional[str], typer.Option("--description")] = None,
    licence: Annotated[Optional[str], typer.Option("--licence")] = None,
    terms: Annotated[
        str, typer.Option("--terms", help="public_interest_free | conditional | paid")
    ] = "conditional",
    form: Annotated[
        Optional[list[str]],
        typer.Option("--form", help="Output forms offered (repeat): rows | aggregates | query"),
    ] = None,
    frequency: Annotated[str, typer.Option("--frequency", help="Update frequency.")] = "irregular",
    epsilon_budget: Annotated[
        float, typer.Option("--epsilon-budget", help="ε of the product over all.")
    ] = 10.0,
    public_epsilon: Annotated[
        float, typer.Option("--public-epsilon", help="ε of public DP releases (0: none).")
    ] = 0.0,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """Publish a data product (its object is then held by the department). 发布数据产品。"""
    with store_for(db) as store:
        p = sharing.publish(
            store, _who(store, user), kind=kind, object_id=object_id, product_id=product_id,
            holder=holder,
            title_zh=title_zh, title_en=title_en, description=description, licence=licence, terms=terms,
            forms=form, update_frequency=frequency, epsilon_budget=epsilon_budget,
            public_epsilon=public_epsilon,
        )  # fmt: skip
    forms = ", ".join(p["forms"])
    console.print(f"product 数据产品 {p['product_id']} published by {p['holder']} ({p['grade']}; {forms})")


@app.command("catalogue")
def catalogue(
    search: Annotated[Optional[str], typer.Option("--search", help="Words of the title.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """The data-product catalogue. 数据产品目录。"""
    with store_for(db) as store:
        data = sharing.catalogue(store, Principal(None, "admin"), search=search)
    cols = ["product_id", "kind", "holder", "title_zh", "title_en", "grade", "terms", "forms"]
    f = pd.DataFrame(data, columns=cols)
    f["forms"] = f["forms"].map(lambda v: ",".join(v) if isinstance(v, list) else v)
    emit(f, fmt=fmt, lang=lang, title="Data products 数据产品")


@app.command("request")
def request(
    product_id: Annotated[str, typer.Argument(help="The product.")],
    user: Annotated[str, typer.Option("--user", help="The requesting account (its department asks).")],
    purpose: Annotated[str, typer.Option("--purpose", help="What the data is for.")],
    form: Annotated[str, typer.Option("--form", help="rows | aggregates | query")],
    days: Annotated[int, typer.Option("--days", help="Validity once approved.")] = 30,
    region: Annotated[
        Optional[list[str]], typer.Option("--region", help="Scope: region codes (repeat).")
    ] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="Scope: FROM:TO.")] = None,
    column: Annotated[Optional[list[str]], typer.Option("--column", help="Scope: columns (repeat).")] = None,
    epsilon: Annotated[float, typer.Option("--epsilon", help="Privacy budget asked (aggregates).")] = 0.0,
    db: DbOpt = None,
) -> None:
    """Request a data product for a department. 申请数据产品。"""
    scope = {k: v for k, v in (("regions", region), ("columns", column), ("years", _years(years))) if v}
    with store_for(db) as store:
        g = sharing.request_access(
            store,
            _who(store, user),
            product_id,
            purpose=purpose,
            form=form,
            days=days,
            scope=scope,
            epsilon=epsilon,
        )
    console.print("request 申请 " + _grant_line(g))


@app.command("inbox")
def inbox(user: UserOpt = None, db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """Pending requests (a steward's: its department's products). 待审批申请。"""
    with store_for(db) as store:
        data = sharing.inbox(store, _who(store, user))
    cols = [
        "grant_id",
        "product_id",
        "grantee",
        "requested_by",
        "purpose",
        "form",
        "days",
        "epsilon",
        "requested_at",
    ]
    emit(pd.DataFrame(data, columns=cols), fmt=fmt, lang=lang, title="Inbox 待审批")


@app.command("approve")
def approve(
    grant_id: Annotated[str, typer.Argument(help="The request.")],
    reason: ReasonOpt,
    refuse: Annotated[bool, typer.Option("--refuse", help="Refuse instead of approving.")] = False,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """Approve (or ``--refuse``) a request with a reason. 审批申请。"""
    with store_for(db) as store:
        g = sharing.decide(store, _who(store, user), grant_id, approve=not refuse, reason=reason)
    console.print(("refused 拒绝 " if refuse else "approved 批准 ") + _grant_line(g))


@app.command("revoke")
def revoke(
    grant_id: Annotated[str, typer.Argument(help="The grant.")],
    reason: ReasonOpt,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """Revoke a grant at once. 撤销授权。"""
    with store_for(db) as store:
        g = sharing.revoke(store, _who(store, user), grant_id, reason=reason)
    console.print("revoked 撤销 " + _grant_line(g))


@app.command("usage")
def usage(
    holder: Annotated[Optional[str], typer.Argument(help="Holder department (default: the user's).")] = None,
    user: UserOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """The holder's usage report: uses per grant (who, what, when, rows, ε). 使用报告。"""
    with store_for(db) as store:
        rep = sharing.usage_report(store, _who(store, user), holder=holder)
    if fmt == "json":
        console.print_json(json.dumps(rep, ensure_ascii=False))
        return
    cols = [
        "grant_id",
        "product_id",
        "grantee",
        "form",
        "state",
        "uses",
        "rows_returned",
        "epsilon_spent",
        "epsilon",
    ]
    emit(
        pd.DataFrame(rep["grants"], columns=cols),
        fmt=fmt,
        lang=lang,
        title=f"Usage of {rep['holder']} 使用报告",
    )
