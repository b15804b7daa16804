"""Webhook targets (SSRF allow-list), refused redirects, and concurrent ``deliver`` runs sending
each delivery once (claims on the outbox)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from _service_data import CONTRACTION, GRP
from test_delivery import PASSWORD, T0, Receiver, _free_port

from industrial_brain.errors import InputError
from industrial_brain.services import monitor
from industrial_brain.services.accounts import add_user
from industrial_brain.store import deliveries as store_deliveries

NONE = ((), ())


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1:8000/hook", "address 127.0.0.1 is not public"),
        ("http://10.1.2.3/hook", "address 10.1.2.3 is not public"),
        ("http://192.168.0.10/hook", "not public"),
        ("http://169.254.169.254/latest/meta-data", "not public"),  # cloud metadata
        ("http://[::1]:9000/", "address ::1 is not public"),
        ("http://100.64.0.1/", "not public"),  # carrier-grade NAT (shared address space)
        ("http://localhost:8000/", "address 127.0.0.1 is not public"),
        ("http://printer.local/", "a local name"),
    ],
)
def test_private_loopback_and_link_local_targets_are_refused_by_default(url, why):
    with pytest.raises(InputError) as err:
        monitor.check_webhook_target(url, allow=NONE)
    msg = str(err.value)
    assert why in msg and "IBRAIN_WEBHOOK_ALLOW" in msg and "\n" not in msg


def test_public_addresses_pass_and_the_allow_list_opens_hosts_and_networks(monkeypatch):
    monitor.check_webhook_target("https://93.184.215.14/hook", allow=NONE)  # a public literal
    monkeypatch.setenv("IBRAIN_WEBHOOK_ALLOW", "10.1.0.0/16, hooks.office.lan")
    hosts, nets = monitor.webhook_allow()
    assert hosts == ("hooks.office.lan",) and [str(n) for n in nets] == ["10.1.0.0/16"]
    monitor.check_webhook_target("http://10.1.2.3/hook")
    monitor.check_webhook_target("http://hooks.office.lan/x", resolve=True)  # named: never resolved
    with pytest.raises(InputError, match="10.2.0.1 is not public"):
        monitor.check_webhook_target("http://10.2.0.1/hook")


def test_subscribing_a_private_target_is_refused_in_one_line(default_store, monkeypatch):
    monkeypatch.delenv("IBRAIN_WEBHOOK_ALLOW")
    add_user(default_store, "ana", PASSWORD, "analyst")
    with pytest.raises(InputError, match="webhook target refused: address 10.0.0.5 is not public"):
        monitor.subscribe(default_store, "ana", "webhook", "http://10.0.0.5/hook")


def test_a_redirect_is_a_failed_try_not_a_delivery(default_store):
    port = _free_port()

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", "http://169.254.169.254/")
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", port), Redirect)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        add_user(default_store, "ana", PASSWORD, "analyst")
        monitor.subscribe(default_store, "ana", "webhook", f"http://127.0.0.1:{port}/r")
        r = monitor.run(default_store, rules=CONTRACTION, datasets=[GRP], through=2020, at=T0)
        rep = monitor.deliver(default_store, now=T0)
        assert len(rep.attempts) == r.queued > 0 and rep.delivered == 0
        assert rep.attempts["error"].str.contains("redirect").all()
        assert rep.pending == r.queued  # kept, retried later
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_claimed_delivery_is_not_taken_again_until_its_claim_runs_out(default_store):
    add_user(default_store, "ana", PASSWORD, "analyst")
    monitor.subscribe(default_store, "ana", "webhook", "http://127.0.0.1:9/never")
    monitor.run(default_store, rules=CONTRACTION, datasets=[GRP], through=2020, at=T0)
    did = store_deliveries.outbox(default_store)["delivery_id"].iloc[0]
    s = default_store
    assert store_deliveries.claim(s, did, "a", "2021-01-31 08:00:00", "2021-01-31 08:01:00") is True
    assert store_deliveries.claim(s, did, "b", "2021-01-31 08:00:30", "2021-01-31 08:01:30") is False
    assert store_deliveries.claim(s, did, "b", "2021-01-31 08:01:01", "2021-01-31 08:02:00") is True


def test_concurrent_deliver_runs_send_each_delivery_once(default_store):
    """Two senders on two cursors of one store, a slow receiver: every alert arrives exactly once."""
    port = _free_port()
    rec = Receiver(port)
    slow = rec.server.RequestHandlerClass.do_POST

    def do_post(self):
        time.sleep(0.2)
        slow(self)

    rec.server.RequestHandlerClass.do_POST = do_post
    try:
        add_user(default_store, "ana", PASSWORD, "analyst")
        monitor.subscribe(default_store, "ana", "webhook", f"http://127.0.0.1:{port}/hook")
        r = monitor.run(default_store, rules=CONTRACTION, datasets=[GRP], through=2020, at=T0)
        assert r.queued >= 2
        reports = []

        def sender():
            c = default_store.cursor("test sender")
            try:
                reports.append(monitor.deliver(c, now=T0))
            finally:
                c.close()

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        keys = [k for k, _ in rec.got]
        assert sorted(keys) == sorted(set(keys)) and len(keys) == r.queued
        assert sum(rep.delivered for rep in reports) == r.queued
        assert store_deliveries.outbox(default_store, status="pending").empty
    finally:
        rec.stop()
