"""Delivery of alerts: a webhook receiver on loopback (``http.server`` in a thread), an SMTP sink
(``aiosmtpd``), retries with back-off when the receiver is down, each alert once per subscriber."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from _service_data import CONTRACTION, GRP
from aiosmtpd.controller import Controller

from industrial_brain.errors import InputError
from industrial_brain.services import monitor
from industrial_brain.services.accounts import add_user


PASSWORD = "synthetic-pass-123"
T0 = "2021-01-31 08:00:00"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A webhook receiver on ``port``: answers 503 to its first ``fail_first`` requests, then 204;
    keeps the (Idempotency-Key, body) of every request it accepted."""

    def __init__(self, port: int, fail_first: int = 0):
        self.got: list[tuple[str, dict]] = []
        self.refused = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if outer.refused < fail_first:
                    outer.refused += 1
                    self.send_response(503)
                else:
                    outer.got.append((self.headers["Idempotency-Key"], body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def alerting(default_store):
    """The default store with two accounts and the 2020 contractions of the GRP panel pending (no
    subscription yet: each test subscribes, then runs)."""
    add_user(default_store, "ana", PASSWORD, "analyst")
    add_user(default_store, "root", PASSWORD, "admin")
    return default_store


def _run(s):
    return monitor.run(s, rules=CONTRACTION, datasets=[GRP], through=2020, at=T0)


def test_webhook_receiver_down_for_the_first_tries_gets_every_alert_once(alerting):
    s = alerting
    port = _free_port()
    monitor.subscribe(s, "ana", "webhook", f"http://127.0.0.1:{port}/hook", rules=["gdp_contraction"])
    r = _run(s)
    n = len(r.opened)
    assert n >= 1 and r.queued == n and "420000" in set(r.opened["region_code"])
    # nobody listens: every try fails, nothing is lost, the next try waits 30 s
    first = monitor.deliver(s, now=T0)
    assert first.delivered == 0 and len(first.attempts) == n and first.pending == n
    assert "Connection refused" in first.attempts["error"].iloc[0]
    assert monitor.deliver(s, now="2021-01-31 08:00:20").attempts.empty  # not due yet
    receiver = Receiver(port, fail_first=1)  # up now, but its first answer is a 503
    try:
        second = monitor.deliver(s, now="2021-01-31 08:00:31")
        assert second.delivered == n - 1 and second.pending == 1
        box = monitor.outbox(s).set_index("delivery_id")
        failed = second.attempts.loc[~second.attempts["ok"], "delivery_id"].iloc[0]
        assert box.at[failed, "attempts"] == 2 and "503" in box.at[failed, "last_error"]
        assert box.at[failed, "next_try"] == "2021-01-31 08:01:31"  # 30 s × 2
        assert monitor.deliver(s, now="2021-01-31 08:01:00").attempts.empty
        third = monitor.deliver(s, now="2021-01-31 08:01:31")
        assert third.delivered == 1 and third.pending == 0
        # a new evaluation and another delivery pass send nothing again
        assert _run(s).queued == 0 and monitor.deliver(s, now="2021-02-28").attempts.empty
    finally:
        receiver.stop()
    keys = [k for k, _ in receiver.got]
    assert len(keys) == len(set(keys)) == n  # every alert exactly once
    assert {b["alert_id"] for _, b in receiver.got} == set(r.opened["alert_id"])
    hubei = next(b for _, b in receiver.got if b["region_code"] == "420000")
    assert (hubei["rule"], hubei["year"], round(hubei["measure"], 4)) == ("gdp_contraction", 2020, -0.052)
    assert hubei["evidence"]["fired"]["year"] == 2020 and hubei["delivery_id"] in keys


class Sink:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def test_email_through_smtp_to_a_local_sink(alerting):
    s = alerting
    monitor.subscribe(s, "root", "email", "planning@example.org", regions=["420000"])
    r = _run(s)
    assert r.queued == 1  # only Hubei's region was asked for
    sink = Sink()
    ctl = Controller(sink, hostname="127.0.0.1", port=_free_port())
    ctl.start()
    try:
        rep = monitor.deliver(s, now=T0, smtp=("127.0.0.1", ctl.port), sender="ibrain@example.org")
    finally:
        ctl.stop()
    assert rep.delivered == 1 and rep.pending == 0
    (env,) = sink.envelopes
    assert env.mail_from == "ibrain@example.org" and env.rcpt_tos == ["planning@example.org"]
    msg = message_from_bytes(env.content)
    subject = str(make_header(decode_header(msg["Subject"])))
    assert subject.startswith("[warning] GDP contracts: grp_100m_cny of 420000")
    assert msg["Message-ID"] == f"<{rep.attempts['delivery_id'].iloc[0]}@industrial-brain>"
    text = msg.get_payload(decode=True).decode("utf-8")
    assert "420000" in text and "生产总值下降" in text


def test_subscribers_get_only_the_grades_they_read(alerting):
    s = alerting
    s.con.execute("UPDATE dataset SET grade = 'core' WHERE dataset_id = ?", [GRP])
    port = _free_port()
    monitor.subscribe(s, "ana", "webhook", f"http://127.0.0.1:{port}/a")
    monitor.subscribe(s, "root", "webhook", f"http://127.0.0.1:{port}/r")
    r = _run(s)
    box = monitor.outbox(s)
    assert r.queued == len(r.opened) and set(box["target"]) == {f"http://127.0.0.1:{port}/r"}
    assert set(r.opened["grade"]) == {"core"}


def test_subscription_targets_are_checked(alerting):
    with pytest.raises(InputError, match="http"):
        monitor.subscribe(alerting, "ana", "webhook", "file:///etc/passwd")
    with pytest.raises(InputError, match="channel"):
        monitor.subscribe(alerting, "ana", "sms", "123")
    sub = monitor.subscribe(alerting, "ana", "email", "a@example.org", rules="gdp_contraction, x")
    assert sub["rules"] == "gdp_contraction,x"
    monitor.unsubscribe(alerting, sub["subscription_id"], "ana")
    assert isinstance(monitor.subscriptions(alerting, "ana"), pd.DataFrame)
    assert monitor.subscriptions(alerting, "ana").empty
