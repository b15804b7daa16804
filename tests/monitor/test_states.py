"""The alert state machine: open → acknowledged → closed, one open alert per subject, audit rows."""

from __future__ import annotations

import pytest
from _monitor_data import one_rule, series

from industrial_brain.errors import InputError
from industrial_brain.monitor import ALERT_COLUMNS, acknowledge, close, evaluate, reconcile

RULE = one_rule(kind="threshold", fire=10, clear=8)


def _run(values, alerts=None, at="t"):
    return reconcile(alerts, evaluate(series(values), RULE), at=at)


def test_open_then_no_storm_then_clear():
    u1 = _run([5, 11])
    assert list(u1.alerts.columns) == list(ALERT_COLUMNS)
    assert u1.alerts[
        ["rule", "region_code", "indicator_code", "year", "severity", "state", "condition"]
    ].values.tolist() == [["r", "A", "x", 2011, "warning", "open", "firing"]]
    assert u1.changes[["actor", "from_state", "to_state"]].values.tolist() == [["system", None, "open"]]
    # the same data again, and a year still firing: nothing new
    assert _run([5, 11], u1.alerts).changes.empty
    u2 = _run([5, 11, 12], u1.alerts, at="t2")
    assert len(u2.alerts) == 1 and u2.changes.empty
    assert int(u2.alerts.loc[0, "last_year"]) == 2012 and u2.alerts.loc[0, "updated_at"] == "t2"
    u3 = _run([5, 11, 12, 7], u2.alerts)
    assert u3.alerts[["state", "condition", "cleared_year"]].values.tolist() == [["closed", "cleared", 2013]]
    assert u3.changes["reason"].iloc[0] == "condition cleared in 2013 (measure 7)"


def test_acknowledge_and_close_need_who_and_why():
    u = _run([5, 11])
    aid = u.alerts.loc[0, "alert_id"]
    with pytest.raises(InputError, match="needs who"):
        acknowledge(u.alerts, aid, actor=" ", reason="seen", at="t")
    with pytest.raises(InputError, match="needs why"):
        acknowledge(u.alerts, aid, actor="li", reason="", at="t")
    a = acknowledge(u.alerts, aid, actor="li", reason="seen; asking the statistics bureau", at="t1")
    assert a.alerts.loc[0, "state"] == "acknowledged"
    assert a.changes.values.tolist() == [
        ["t1", "li", aid, "open", "acknowledged", "seen; asking the statistics bureau"]
    ]
    with pytest.raises(InputError, match="cannot be acknowledged"):
        acknowledge(a.alerts, aid, actor="li", reason="again", at="t2")
    c = close(a.alerts, aid, actor="wang", reason="revised figure confirmed", at="t2")
    assert c.alerts.loc[0, "state"] == "closed"
    with pytest.raises(InputError, match="closed is final"):
        close(c.alerts, aid, actor="wang", reason="again", at="t3")
    with pytest.raises(InputError, match="unknown alert"):
        close(c.alerts, "nope", actor="wang", reason="x", at="t3")


def test_closed_by_hand_while_firing_stays_quiet_until_it_clears():
    u = _run([5, 11])
    c = close(u.alerts, u.alerts.loc[0, "alert_id"], actor="li", reason="known: census revision", at="t1")
    still = _run([5, 11, 12], c.alerts)
    assert still.changes.empty and len(still.alerts) == 1  # no new alert while the condition fires
    cleared = _run([5, 11, 12, 7], still.alerts)
    assert cleared.changes.empty  # already closed: the condition turns cleared, no state change
    assert cleared.alerts.loc[0, "condition"] == "cleared"
    again = _run([5, 11, 12, 7, 13], cleared.alerts)
    assert again.opened["year"].tolist() == [2014] and len(again.alerts) == 2


def test_an_unjudged_subject_is_left_alone():
    u = _run([5, 11])
    other = reconcile(u.alerts, evaluate(series([1, 2], region="B"), RULE), at="t")
    assert other.changes.empty and other.alerts.loc[0, "state"] == "open"


def test_alert_ids_are_stable_and_distinct():
    a = _run([5, 11]).alerts.loc[0, "alert_id"]
    b = _run([5, 11]).alerts.loc[0, "alert_id"]
    assert a == b and len(a) == 12


def test_previous_alerts_are_checked():
    u = _run([5, 11])
    bad = u.alerts.assign(state="snoozed")
    with pytest.raises(InputError, match="unknown alert state"):
        reconcile(bad, evaluate(series([5, 11]), RULE), at="t")
    with pytest.raises(InputError, match="missing column"):
        reconcile(u.alerts.drop(columns="condition"), evaluate(series([5, 11]), RULE), at="t")


def test_an_episode_that_ended_between_two_evaluations():
    # seen in 2011 (fires); next evaluated in 2015: it cleared in 2013 and fired again in 2015
    u = _run([5, 11])
    later = _run([5, 11, 12, 7, 6, 13], u.alerts, at="t2")
    got = later.alerts[["year", "state", "condition", "cleared_year"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        [2011, "closed", "cleared", 2013],
        [2015, "open", "firing", None],
    ]
    assert later.changes[["from_state", "to_state"]].values.tolist() == [["open", "closed"], [None, "open"]]


def test_frames_switch_labels_not_codes():
    u = _run([5, 11])
    zh = u.to_frame("zh")
    assert {"预警编号", "规则", "状态", "地区代码", "预警信息"} <= set(zh.columns)
    assert zh["状态"].tolist() == ["open"] and zh["预警信息"].iloc[0].startswith("规则：A x 2011 年数值 11")
    ev = evaluate(series([5, 11]), RULE)
    assert "message" in ev.to_frame("en").columns and "触发阈值" in ev.to_frame("zh").columns
    with pytest.raises(InputError, match="unknown language"):
        u.to_frame("fr")
