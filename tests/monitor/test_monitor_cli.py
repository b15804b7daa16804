"""``ibrain monitor`` end to end: run, alerts as CSV (the column contract), ack and close with a
reason, a state change that is not allowed, deliver, rules."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
import pytest

from industrial_brain.cli.main import main

GRP = "gdp_three_sectors_2010_2022"


@pytest.fixture
def db(default_db, tmp_path):
    path = tmp_path / "m.duckdb"
    shutil.copy(default_db, path)
    return str(path)


def _ok(capsys, *args) -> str:
    main(list(args))
    return capsys.readouterr().out


def test_run_list_ack_close_deliver(db, capsys):
    out = _ok(capsys, "monitor", "run", "--db", db, "--dataset", GRP, "--through", "2020")
    assert out.startswith("rule set default: 1 source(s)")
    text = _ok(capsys, "monitor", "alerts", "--db", db, "--format", "csv", "--rule", "gdp_contraction")
    f = pd.read_csv(io.StringIO(text), dtype={"region_code": str, "alert_id": str})
    assert list(f.columns[:7]) == [
        "alert_id",
        "rule",
        "region_code",
        "indicator_code",
        "year",
        "severity",
        "state",
    ]
    hubei = f[f["region_code"] == "420000"].iloc[0]
    assert (hubei["year"], hubei["severity"], hubei["state"]) == (2020, "critical", "open")
    aid = hubei["alert_id"]
    assert "acknowledged" in _ok(
        capsys, "monitor", "ack", aid, "--reason", "asked the bureau", "--db", db, "--actor", "li"
    )
    assert "closed" in _ok(
        capsys, "monitor", "close", aid, "--reason", "pandemic year", "--db", db, "--actor", "li"
    )
    with pytest.raises(SystemExit) as exc:
        main(["monitor", "ack", aid, "--reason", "again", "--db", db])
    assert exc.value.code == 2 and "cannot be acknowledged" in capsys.readouterr().err
    shown = json.loads(_ok(capsys, "monitor", "show", aid, "--db", db))
    assert [c["reason"] for c in shown["changes"]][1:] == ["asked the bureau", "pandemic year"]
    assert shown["evidence"]["fired"]["year"] == 2020
    assert "0 delivered" in _ok(capsys, "monitor", "deliver", "--db", db)
    assert "gdp_expected_contraction" in _ok(capsys, "monitor", "rules", "--format", "csv")
