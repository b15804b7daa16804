"""Briefings (services.briefing, report.briefing, ``ibrain brief``, ``GET /api/v1/brief/{scope}``) on a
copy of the default store with one macro pipeline run: the numbers in the HTML, the PDF and the
DOCX are the stored run's, read back the way a reader reads them (HTML tables, PDF text and fonts
through poppler, DOCX through python-docx)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.cli.main import main
from industrial_brain.errors import InputError
from industrial_brain.report.briefing import briefing_docx, briefing_html, briefing_pdf
from industrial_brain.services import io as io_service
from industrial_brain.services.briefing import briefing
from industrial_brain.services.macro import load_macro_run, macro_run_id, run_macro
from industrial_brain.services.quality import macro_default_year, macro_quality
from industrial_brain.store import Store

ZJ = "330000"


@pytest.fixture(scope="module")
def db(default_db: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("brief") / "brief.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        run_macro(s, permutations=99, audit_draws=0)
    return path


@pytest.fixture(scope="module")
def store(db):
    with Store(db, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def run(store):
    return load_macro_run(store, macro_run_id(store)[0])


@pytest.fixture(scope="module")
def zj(store, run):
    return briefing(store, "region", ZJ, lang="zh", run=run)


def _rank(run, y: int, code: str = ZJ) -> int:
    """Rank 1 = largest D, counted by hand: 1 + the provinces with a larger D."""
    d = run.D[y]
    return int((d > d[code]).sum()) + 1


def test_region_html_numbers_equal_the_stored_run(store, run, zj):
    y = macro_default_year(store, run.run_id).default
    assert zj.year == y == run.years[-1]  # the clean default year (no year skipped on this store)
    D, rank, prev = float(run.D.loc[ZJ, y]), _rank(run, y), _rank(run, y - 1)
    html = briefing_html(zj)
    assert f"2022年浙江省数实融合耦合协调度{D:.3f}" in html
    assert f"居全国第{rank}位（共31个省份）" in html
    assert f"较上年上升{prev - rank}位（上年第{prev}位）" in html if prev > rank else "较上年" in html
    assert (zj.headline["D"], zj.headline["rank"], zj.headline["rank_prev"]) == (D, rank, prev)
    history = pd.read_html(io.StringIO(html))[0].set_index("年份")
    assert history.loc[y, "D"].rstrip(" †") == f"{D:.3f}"
    assert int(history.loc[y, "排名"]) == rank
    for yy in run.years:
        assert int(history.loc[yy, "排名"]) == _rank(run, yy)
    # the lineage names the run and every dataset with its sha256
    assert run.run_id in html
    for d, sha in run.lineage.datasets:
        assert f"{d}: sha256 {sha}" in html


def test_marks_follow_the_quality_notes(store, run, zj):
    q = macro_quality(store, run, "D")
    t = next(t for t in zj.tables if t.key == "history")
    marked = {int(y) for y, m in zip(t.frame["年份"], t.marks["D"]) if m}
    assert marked == {y for y in run.years if q.marked(ZJ, y)}
    assert marked, "the default data carry notes on some of Zhejiang's inputs"
    html = briefing_html(zj)
    assert f"{float(run.D.loc[ZJ, min(marked)]):.3f} †" in html
    assert "† 该数值所用的投入数据在该年有质量提示" in html


def test_english_region_and_obstacles(store, run):
    b = briefing(store, "region", ZJ, lang="en", run=run)
    y = b.year
    assert f"was {run.D.loc[ZJ, y]:.3f}" in b.paragraphs[0]
    assert f"ranking {_rank(run, y)} of 31 provinces" in b.paragraphs[0]
    obst = next(t for t in b.tables if t.key == "obstacles").frame
    lag = run.coupling.to_frame("en").loc[(ZJ, y), "lagging"] or "digital"
    expected = run.obstacles[lag].O.loc[(ZJ, y)].sort_values(ascending=False).head(3)
    assert obst["obstacle degree"].tolist() == pytest.approx(expected.tolist())


def test_nation_states_dagum_and_moran(store, run):
    b = briefing(store, "nation", lang="en", run=run)
    y = b.year
    assert b.headline["G"] == pytest.approx(run.dagum[y].gini)
    assert b.headline["I"] == pytest.approx(run.moran[y].I)
    assert (
        f"mean coupling coordination degree of the 31 provinces was {run.D[y].mean():.3f}" in b.paragraphs[0]
    )
    ranking = next(t for t in b.tables if t.key == "ranking").frame
    assert ranking["province"].iloc[0] == run.regions.loc[run.D[y].idxmax(), "name_en"]


def test_chain_reads_the_chokepoint_analysis(store):
    b = briefing(store, "chain", "20", lang="en")
    assert b.lineage.params["table_id"] == "cn_nbs_io_2020_42" and b.year == 2020
    cf = io_service.chokepoints_frame(io_service.import_chokepoints(store, "cn_nbs_io_2020_42"))
    row = cf[cf["sector"] == "20"].iloc[0]
    assert (b.headline["rank"], b.headline["score"]) == (int(row["rank"]), float(row["score"]))
    assert f"rank {int(row['rank'])} of 42 sectors" in b.paragraphs[0]
    assert (
        briefing(store, "chain", "20", year=2018, lang="en").lineage.params["table_id"] == "cn_nbs_io_2018_42"
    )


def test_alert_section_only_when_given(store, run):
    assert "预警" not in briefing_html(briefing(store, "region", ZJ, lang="zh", run=run))
    assert "本简报范围内无未关闭预警" in briefing_html(
        briefing(store, "region", ZJ, lang="zh", run=run, alerts=[])
    )
    rows = [
        {
            "alert_id": "a1",
            "rule": "gdp_yoy_drop",
            "region_code": ZJ,
            "indicator_code": "gdp_100m_cny",
            "year": 2022,
            "severity": "high",
            "state": "open",
        }
    ]
    html = briefing_html(briefing(store, "region", ZJ, lang="en", run=run, alerts=rows))
    alerts = [t for t in pd.read_html(io.StringIO(html)) if "rule" in t.columns][0]
    assert alerts.loc[0, "rule"] == "gdp_yoy_drop" and alerts.loc[0, "severity"] == "high"


@pytest.mark.parametrize(
    "args, message",
    [
        (("region", "999999"), "unknown province"),
        (("region", None), "parameter 'code' is needed"),
        (("nation", None, 1999), "not in the stored macro run"),
        (("chain", "99"), "unknown sector"),
        (("town", "x"), "unknown scope"),
    ],
)
def test_bad_requests_say_what_is_wrong(store, run, args, message):
    scope, code, *year = args
    with pytest.raises(InputError, match=message):
        briefing(store, scope, code, year=year[0] if year else None, run=run)


def test_pdf_has_cjk_fonts_and_the_numbers(zj, run, tmp_path):
    if not (shutil.which("pdftoppm") and shutil.which("pdffonts") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils not installed (make browsers installs it)")
    pdf = tmp_path / "zj.pdf"
    pdf.write_bytes(briefing_pdf(zj))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts.replace("-", "").replace(" ", ""), fonts
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 5_000 for p in pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "浙江省" in text and f"{float(run.D.loc[ZJ, zj.year]):.3f}" in text


def test_docx_reads_back_headings_and_tables(zj, run):
    doc = Document(io.BytesIO(briefing_docx(zj)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == zj.title == "浙江省2022年数实融合研判简报"
    assert [t.title for t in zj.tables] == headings[2 : 2 + len(zj.tables)]
    hist = doc.tables[0]
    header = [c.text for c in hist.rows[0].cells]
    assert header[:3] == ["年份", "D", "排名"]
    last = [c.text for c in hist.rows[-1].cells]
    assert last[0] == str(zj.year) and last[1].rstrip(" †") == f"{float(run.D.loc[ZJ, zj.year]):.3f}"
    assert int(last[2]) == _rank(run, zj.year)
    assert len(doc.inline_shapes) == len(zj.charts)
    east_asia = doc.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "Noto Sans CJK SC"


def _copy(db: Path, tmp_path: Path) -> Path:
    """A private copy (the module's store is open read-only; a writer needs a file of its own)."""
    return Path(shutil.copy(db, tmp_path / "own.duckdb"))


def test_cli_writes_each_format(db, tmp_path, capsys):
    db = _copy(db, tmp_path)
    for fmt in ("html", "docx"):
        out = tmp_path / f"zj.{fmt}"
        main(["brief", "region", ZJ, "--lang", "zh", "--format", fmt, "--out", str(out), "--db", str(db)])
        assert out.stat().st_size > 10_000
    assert "浙江省数实融合耦合协调度" in (tmp_path / "zj.html").read_text(encoding="utf-8")
    main(
        [
            "brief",
            "chain",
            "20",
            "--table",
            "cn_nbs_io_2017_42",
            "--out",
            str(tmp_path / "c.html"),
            "--db",
            str(db),
        ]
    )
    assert "cn_nbs_io_2017_42" in (tmp_path / "c.html").read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["brief", "nation", "--year", "1999", "--db", str(db), "--out", str(tmp_path / "n.html")])
    assert exc.value.code == 2 and "not in the stored macro run" in capsys.readouterr().err


def test_api_returns_the_file(db, run, tmp_path):
    app = create_app(_copy(db, tmp_path))
    try:
        with TestClient(app) as client:
            r = client.get("/api/v1/brief/region", params={"code": ZJ, "lang": "zh"})
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
            assert 'filename="brief-region-330000.html"' in r.headers["content-disposition"]
            assert f"居全国第{_rank(run, run.years[-1])}位" in r.text
            r = client.get("/api/v1/brief/nation", params={"format": "docx"})
            assert r.status_code == 200 and Document(io.BytesIO(r.content)).tables
            r = client.get("/api/v1/brief/region")
            assert r.status_code == 400 and "parameter 'code' is needed" in r.json()["detail"]
    finally:
        close_app(app)
