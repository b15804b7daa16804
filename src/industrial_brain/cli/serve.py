"""``ibrain serve`` (REST API + dashboard) and ``ibrain user add/remove/list`` (accounts).

The first admin is created here, never shipped: ``ibrain user add alice --role admin``
asks for the password twice (or reads one line from stdin with ``--password-stdin``).
Both are wired into the ``ibrain`` app by :mod:`industrial_brain.cli.main`.
"""

from __future__ import annotations

import ipaddress
import signal
import sys
from typing import Annotated

import typer
import uvicorn

from industrial_brain.api.main import close_app, create_app
from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, run_init, store_for
from industrial_brain.errors import InputError
from industrial_brain.services.accounts import ACCOUNT_ROLES, add_user, list_users, remove_user

user_app = typer.Typer(
    help="Accounts of the REST API (roles admin, analyst, enterprise). 账户管理。", no_args_is_help=True
)


def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    init: Annotated[
        bool, typer.Option("--init/--no-init", help="Load the embedded default data first.")
    ] = False,
    proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--proxy",
            help="Address (or network, e.g. 10.0.0.0/8) of a trusted reverse proxy whose X-Forwarded-For "
            "names the client; repeatable. Default: none (the socket peer is the client, even on loopback).",
        ),
    ] = None,
    cache_mb: Annotated[
        float, typer.Option("--cache-mb", help="Memory bound of the answer cache (MB; 256 answers at most).")
    ] = 64.0,
) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the dashboard (/). 启动服务与看板。"""

    if not 0 < port < 65536:
        raise InputError.at("bad port", column="--port", value=port, expected="1–65535")
    if not 1 <= cache_mb <= 65536:
        raise InputError.at("bad cache size", column="--cache-mb", value=cache_mb, expected="1–65536 MB")
    proxies = _proxies(proxy or [])
    if init:
        run_init(db)
    app_ = create_app(db, proxies=proxies, cache_mb=cache_mb)
    console.print(
        f"Industrial Brain 产业大脑: dashboard 看板 http://{host}:{port}/  ·  API docs http://{host}:{port}/docs"
    )
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        signal.signal(sig, _stop_requested)
    try:
        # forwarded headers are read by the app, from --proxy addresses only (uvicorn's own default
        # trusts 127.0.0.1, which would let any local process or tunnel name a client of its choice)
        uvicorn.run(
            app_, host=host, port=port, log_level="warning", proxy_headers=False, forwarded_allow_ips=""
        )
    except _Stop:
        pass
    finally:
        for sig in STOP_SIGNALS:  # a second signal during the checkpoint must not cut it short
            signal.signal(sig, signal.SIG_IGN)
        try:
            close_app(app_)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    console.print("stopped 已停止: store closed with a checkpoint 数据库已检查点并关闭")


#: Signals that stop ``ibrain serve`` cleanly: SIGTERM (systemd, docker, kill) and SIGINT (Ctrl-C).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _Stop(BaseException):
    """A stop signal arrived outside uvicorn's own handling (before it started, or re-raised by it)."""


def _stop_requested(signum, frame) -> None:
    """Uvicorn answers SIGTERM/SIGINT with a graceful shutdown and then raises the signal again for the
    handler that was there before; without this one SIGTERM's default action would kill the process
    before the store is checkpointed and closed."""
    raise _Stop


def _proxies(values: list[str]) -> list[str]:
    """The ``--proxy`` values, each an IP address or network (refused in one line otherwise)."""
    for v in values:
        try:
            ipaddress.ip_network(v, strict=False)
        except ValueError:
            raise InputError.at(
                "not an IP address or network",
                column="--proxy",
                value=v,
                expected="e.g. 10.0.0.5 or 10.0.0.0/8",
            ) from None
    return values


def _read_password(stdin: bool) -> str:
    if stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError.at(
                "no password on stdin", column="--password-stdin", expected="one line with the password"
            )
        return line
    return typer.prompt("password 密码", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="admin | analyst | enterprise | steward")],
    enterprise: Annotated[
        str | None, typer.Option("--enterprise", help="USCC (enterprise accounts).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    department: Annotated[
        str | None,
        typer.Option("--department", help="The department the account belongs to (stewards: required)."),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Create an account (the password is stored as an argon2id hash; 12+ characters, not the user name,
    not a common or patterned password). 新建账户。"""
    if role not in ACCOUNT_ROLES:  # before asking for a password
        raise InputError.at("unknown role", column="--role", value=role, expected=" | ".join(ACCOUNT_ROLES))
    password = _read_password(password_stdin)
    with store_for(db) as store:
        add_user(store, username, password, role, enterprise, department)
    console.print(f"user 账户 '{username}' added ({role}{', ' + enterprise if enterprise else ''})")


@user_app.command("remove")
def user_remove(username: Annotated[str, typer.Argument(help="Login name.")], db: DbOpt = None) -> None:
    """Delete an account and revoke its tokens. 删除账户。"""
    with store_for(db) as store:
        remove_user(store, username)
    console.print(f"user 账户 '{username}' removed")


@user_app.command("list")
def user_list(db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List accounts (never passwords). 账户列表。"""
    with store_for(db) as store:
        users = list_users(store)
    emit(users, fmt=fmt, lang=lang, title="Users 账户")
