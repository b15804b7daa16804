"""Store behaviour: SIGKILL mid-load, a second writer, migration of an old-version store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from industrial_brain.errors import InputError, StoreBusyError
from industrial_brain.quality import NOTE_COLUMNS
from industrial_brain.store import SCHEMA_VERSION, Store
from industrial_brain.store.quality_notes import note_columns
from industrial_brain.store.schema import MIGRATIONS

from .helpers import prepare_base, snapshot

LOADER = textwrap.dedent("""
    import sys, time
    from industrial_brain.store import Store
    from industrial_brain.ingest import ingest
    import industrial_brain.ingest.core as core
    store = Store(sys.argv[1])
    real_commit = core.commit_dataset
    def slow_write(s, info, **kw):
        write = kw["write"]
        def write_then_wait(st):
            write(st)                      # rows are inserted inside the open transaction ...
            print("INSERTED", flush=True)
            time.sleep(60)                 # ... and the process is killed before COMMIT
        kw["write"] = write_then_wait
        return real_commit(s, info, **kw)
    import industrial_brain.ingest.panel as panel
    panel.commit_dataset = slow_write
    ingest(store, sys.argv[2], "panel")
""")


def _big_panel(path, n_years=200):
    rows = ["region,year,indicator,value"]
    for y in range(1901, 1901 + n_years):
        for r in ("110000", "120000", "130000", "140000"):
            rows.append(f"{r},{y},syn_gdp,{y * 1.5}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_sigkill_mid_load_leaves_no_partial_rows(tmp_path):
    db = tmp_path / "k.duckdb"
    with Store(db) as s:
        prepare_base(s, tmp_path)
        before = snapshot(s)
    csv = tmp_path / "big.csv"
    _big_panel(csv)
    proc = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(db), str(csv)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "INSERTED"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    with Store(db) as s:  # opens (WAL replay discards the uncommitted transaction)
        assert snapshot(s) == before
        assert s.query("SELECT count(*) n FROM observation")["n"].iat[0] == 0


def test_second_writer_gets_store_is_busy(tmp_path):
    db = tmp_path / "b.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from industrial_brain.store import Store
        s = Store({str(db)!r})
        print("OPEN", flush=True)
        time.sleep(30)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "OPEN"
        t0 = time.monotonic()
        with pytest.raises(StoreBusyError) as err:
            Store(db, lock_timeout=0.5)
        assert time.monotonic() - t0 >= 0.5
        assert str(err.value).startswith("store is busy:") and "\n" not in str(err.value)
        r = subprocess.run(
            [sys.executable, "-m", "industrial_brain.cli.main", "catalog", "--db", str(db)],
            capture_output=True,
            text=True,
            env={**os.environ, "IBRAIN_LOCK_TIMEOUT": "0.2"},
        )
        assert r.returncode == StoreBusyError.exit_code
        assert "store is busy" in r.stderr and "Traceback" not in r.stderr
    finally:
        holder.kill()
        holder.wait()


def test_migration_of_a_version_1_store(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    for sql in MIGRATIONS[0][2]:
        con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute(
        "INSERT INTO dataset VALUES ('old', 'panel', 't', 's', 'p', 'l', 'c', 'abc', 1, 'general', "
        "'f.csv', now())"
    )
    con.execute("INSERT INTO observation VALUES ('old', '110000', 'x', 2015, 1.5)")
    con.execute("INSERT INTO io_flow VALUES ('t1', '01', '01', 2.0)")
    con.close()
    with pytest.raises(InputError, match="schema version 1"):
        Store(db, read_only=True)
    with Store(db) as s:
        assert s.schema_version() == SCHEMA_VERSION == 15
        assert s.query("SELECT value FROM observation")["value"].tolist() == [1.5]
        assert s.query("SELECT origin FROM io_flow")["origin"].tolist() == ["all"]  # new column, filled
        assert s.query("SELECT count(*) n FROM quality_note")["n"].iat[0] == 0  # new table exists
        details = s.query("SELECT detail FROM audit WHERE action = 'migrate' ORDER BY detail")["detail"]
        details = sorted(details.tolist(), key=lambda d: int(d.split(":")[0].split()[-1]))  # 2, …, 15
        assert [d.split(":")[0] for d in details] == [
            "to version 2",
            "to version 3",
            "to version 4",
            "to version 5",
            "to version 6",
            "to version 7",
            "to version 8",
            "to version 9",
            "to version 10",
            "to version 11",
            "to version 12",
            "to version 14",
            "to version 15",
        ]
    with Store(db) as s:  # migrating again is a no-op
        assert s.migrate() == []


def test_newer_store_is_refused(tmp_path):
    db = tmp_path / "new.duckdb"
    with Store(db) as s:
        s.con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(InputError, match="newer than this release"):
        Store(db)


def test_not_a_store(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="cannot open store"):
        Store(bad)


def test_note_columns_are_the_quality_note_table(tmp_path):
    """The screening frames (quality.NOTE_COLUMNS) and the stored table name a note's fields alike."""
    store = Store(tmp_path / "s.duckdb")
    try:
        assert note_columns(store) == list(NOTE_COLUMNS)
    finally:
        store.close()
