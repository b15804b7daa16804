"""The webhook receivers of these tests listen on loopback: allow it (refused by default)."""

import pytest


@pytest.fixture(autouse=True)
def _loopback_webhooks(monkeypatch):
    monkeypatch.setenv("IBRAIN_WEBHOOK_ALLOW", "127.0.0.0/8,::1")
