"""The grading service on the embedded datasets and the enterprise tables: stored justifications,
re-grading on change, stewards' overrides (audited) feeding the access policy, and the CLI."""

import json
import shutil

import pytest

from industrial_brain.cli.main import main
from industrial_brain.errors import AccessError, InputError, NotAuthenticated
from industrial_brain.services import data_grading as service
from industrial_brain.services.access import Principal, check_datasets
from industrial_brain.services.assess import DEMO_DATASET_ID, ensure_demo_population
from industrial_brain.store import Store

ANALYST = Principal("ana", "analyst")


@pytest.fixture
def graded(default_store):
    ensure_demo_population(default_store, n=120, seed=1)
    report = service.grade_store(default_store, actor="test:steward")
    return default_store, report


def test_embedded_datasets_and_enterprise_tables_graded_with_justifications(graded):
    store, report = graded
    frame = report.to_frame().set_index("dataset_id")
    assert (frame["status"] == "new").all() and len(frame) == 17
    # published statistics and NBS tables: general, sub-level 1 (no further harm), by rule I01
    for d in ("econ_energy_1990_2025", "cn_nbs_io_2020_153", "gdp_three_sectors_2010_2022"):
        assert frame.loc[d, ["computed", "general_sublevel", "rules"]].tolist() == [
            "general",
            1,
            "I01-published",
        ]
    # a provincial panel whose publisher names no published source: an internal aggregate, 一般2级
    assert frame.loc["carbon_emissions_2010_2022", ["computed", "general_sublevel"]].tolist() == [
        "general",
        2,
    ]
    # the enterprise tables of 120 firms: enterprise rows over ≥ 30 firms → economic_operation × serious
    ent = frame.loc[DEMO_DATASET_ID]
    assert (ent["computed"], ent["miit_level"], ent["effective_grade"]) == ("important", "二级", "important")
    assert set(ent["rules"].split(";")) == {"I03-firm-rows", "I04-firm-population"}
    just = service.grade_justification(store, DEMO_DATASET_ID)
    cols = {c["column"]: c for c in just["columns"]}
    assert cols["enterprise.uscc"]["content"] == "identity" and cols["enterprise.uscc"]["scale"] == 120
    assert cols["assessment.answers"]["source"] == "enterprise_reported"
    assert "economic_operation×serious→important" in cols["enterprise.uscc"]["impacts"]
    assert just["rules"]["level"] == "GB/T 43697-2024 6.5 Table 2"
    assert len(just["columns"]) == 12  # enterprise (5) + assessment (4) + assessment_result (3)
    audit = store.query("SELECT actor, action, object FROM audit WHERE action = 'grade dataset'")
    assert len(audit) == 17 and set(audit["actor"]) == {"test:steward"}


def test_regrading_only_on_change(graded):
    store, _ = graded
    again = service.grade_store(store).to_frame()
    assert set(again["status"]) == {"unchanged"}
    # derived data from the stored grades in force (Annex I): a suppressed aggregate of the firms
    agg = service.derived_grade(store, [DEMO_DATASET_ID, "gdp_three_sectors_2010_2022"], "aggregate")
    assert (agg.level, agg.sources[DEMO_DATASET_ID]) == ("general", "important")
    assert service.derived_grade(store, [DEMO_DATASET_ID], "copy").level == "important"
    with pytest.raises(InputError, match="unknown dataset.*'nope'"):
        service.derived_grade(store, ["nope"], "copy")
    # the dataset changes: most firms removed → scale 10, the fingerprint changes, it is graded again
    keep = store.query(
        f"SELECT uscc FROM enterprise WHERE dataset_id = '{DEMO_DATASET_ID}' ORDER BY uscc LIMIT 10"
    )
    keep_list = ",".join(f"'{u}'" for u in keep["uscc"])
    for t in ("enterprise", "assessment"):
        store.con.execute(
            f"DELETE FROM {t} WHERE dataset_id = '{DEMO_DATASET_ID}' AND uscc NOT IN ({keep_list})"
        )
    third = service.grade_store(store).to_frame().set_index("dataset_id")
    assert third.loc[DEMO_DATASET_ID, "status"] == "changed"
    assert (third["status"] == "changed").sum() == 1
    # 10 firms: organisation × serious only (一般3级) — but a computed grade never lowers a dataset
    assert third.loc[DEMO_DATASET_ID, ["computed", "general_sublevel", "effective_grade"]].tolist() == [
        "general",
        3,
        "important",
    ]
    assert "never lowers" in service.grade_justification(store, DEMO_DATASET_ID)["in_force"]["why"]
    assert len(store.query(f"SELECT * FROM data_grade WHERE dataset_id = '{DEMO_DATASET_ID}'")) == 2


def test_override_is_audited_and_drives_access(graded):
    store, _ = graded
    assert check_datasets(store, ANALYST, [DEMO_DATASET_ID]) == "important"
    row = service.override_grade(
        store, DEMO_DATASET_ID, "core", reason="contains a chokepoint supplier list", actor="api:steve"
    )
    assert (row["effective_grade"], row["grade"], row["overridden_by"]) == ("core", "important", "api:steve")
    with pytest.raises(AccessError, match="is core"):
        check_datasets(store, ANALYST, [DEMO_DATASET_ID])  # the access policy reads the override at once
    audit = store.query("SELECT actor, detail FROM audit WHERE action = 'override grade'")
    assert audit["actor"].tolist() == ["api:steve"]
    assert (
        audit["detail"].iat[0]
        == "important -> core (computed important); reason: contains a chokepoint supplier list"
    )
    # the override survives a re-grading (unchanged: kept as is)
    assert (
        service.grade_store(store).to_frame().set_index("dataset_id").loc[DEMO_DATASET_ID, "effective_grade"]
        == "core"
    )
    with pytest.raises(InputError, match="needs a reason"):
        service.override_grade(store, DEMO_DATASET_ID, "important", reason=" ")
    with pytest.raises(InputError, match="enterprise data cannot be graded general"):
        service.override_grade(store, DEMO_DATASET_ID, "general", reason="x")
    # a steward raises a published panel: the public role loses it at once, its neighbour stays open
    public = Principal(None, "public")
    assert check_datasets(store, public, ["econ_energy_1990_2025"]) == "general"
    service.override_grade(store, "econ_energy_1990_2025", "important", reason="embargoed revision")
    with pytest.raises(NotAuthenticated):
        check_datasets(store, public, ["econ_energy_1990_2025"])
    assert check_datasets(store, public, ["gdp_three_sectors_2010_2022"]) == "general"


def test_cli_grade_override_explain(default_db, tmp_path, capsys):
    db = tmp_path / "g.duckdb"
    shutil.copy(default_db, db)
    main(["data", "grade", "--db", str(db), "--format", "csv", "--dataset", "cn_nbs_io_2017_42"])
    out = capsys.readouterr().out
    assert "cn_nbs_io_2017_42,new,general,general" in out
    main(
        [
            "data",
            "override",
            "cn_nbs_io_2017_42",
            "important",
            "--reason",
            "draft table",
            "--db",
            str(db),
            "--format",
            "csv",
        ]
    )
    assert "important" in capsys.readouterr().out
    main(["data", "explain", "cn_nbs_io_2017_42", "--db", str(db)])
    just = json.loads(capsys.readouterr().out)
    assert just["in_force"]["override_reason"] == "draft table" and just["deciding_columns"] == [
        "io_flow.row_code",
        "io_flow.col_code",
        "io_flow.value",
    ]
    with Store(db, read_only=True) as s:
        assert (
            s.query("SELECT grade FROM dataset WHERE dataset_id = 'cn_nbs_io_2017_42'")["grade"].iat[0]
            == "important"
        )
    with pytest.raises(SystemExit) as exc:
        main(["data", "override", "cn_nbs_io_2017_42", "secret", "--reason", "x", "--db", str(db)])
    assert exc.value.code != 0 and "unknown data grade" in capsys.readouterr().err


def test_cli_classify_and_grade_a_file(tmp_path, capsys):
    f = tmp_path / "cols.csv"
    f.write_text(
        "dataset_id,column,description,precision,scale,importance\n"
        "plant,line_speed,production line control setpoint of the rolling mill,record,5,key_sector\n"
        "plant,operator_phone,phone of the operator,person,200,\n",
        encoding="utf-8",
    )
    main(["data", "classify", str(f), "--format", "csv"])
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("plant,line_speed,industry,production") and ",personal," in out[2]
    main(["data", "grade", str(f), "--format", "csv"])
    out = capsys.readouterr().out
    assert "plant,important,0,二级" in out
