"""Synthetic test inputs (clearly synthetic: made-up values on real province codes) and the command
line run in the test's own process (:func:`run_cli`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from industrial_brain.cli.main import main
from industrial_brain.ingest import ingest
from industrial_brain.reference.uscc import uscc_check_char
from industrial_brain.store import Store

SYNTHETIC_INDICATORS = """code,name_zh,name_en,unit,direction,dimension,min_value,max_value
syn_gdp,合成地区生产总值,Synthetic GDP,10^8 CNY,+,economy,0,
syn_share,合成比重,Synthetic share,share,+,economy,0,1
syn_emis,合成排放,Synthetic emissions,10^4 t,-,environment,0,
"""
SYNTHETIC_SECTORS = "code,name_zh,name_en\nA,农业,Agriculture\nM,制造业,Manufacturing\nS,服务业,Services\n"


def make_uscc(body: str) -> str:
    """A valid unified social credit code from 17 characters."""
    return body + uscc_check_char(body)


def prepare_base(store: Store, tmp: Path) -> None:
    """Regions, three synthetic indicators and a synthetic sector scheme 'syn3'."""
    from industrial_brain.services.defaults import _load_regions

    _load_regions(store)
    (tmp / "syn_indicators.csv").write_text(SYNTHETIC_INDICATORS, encoding="utf-8")
    ingest(store, tmp / "syn_indicators.csv", "indicators")
    (tmp / "syn_sectors.csv").write_text(SYNTHETIC_SECTORS, encoding="utf-8")
    ingest(store, tmp / "syn_sectors.csv", "sectors", scheme="syn3")


def io_matrix_csv() -> str:
    """A balanced synthetic 3-sector competitive table in the published matrix layout.

    Z = [[10, 20, 5], [15, 30, 10], [5, 10, 20]], final demand FU101/EX, imports IM, output GO:
    row i: ΣZ + FU101 + EX − IM = GO;  column j: ΣZ + VA001 + VA004 = TI = GO.
    """
    Z = [[10, 20, 5], [15, 30, 10], [5, 10, 20]]
    fu = [40, 50, 60]
    ex = [10, 5, 0]
    im = [5, 5, 0]
    go = [sum(Z[i]) + fu[i] + ex[i] - im[i] for i in range(3)]  # 80, 105, 95
    colsum = [sum(Z[i][j] for i in range(3)) for j in range(3)]  # 30, 60, 35
    va1 = [20, 25, 30]
    va4 = [go[j] - colsum[j] - va1[j] for j in range(3)]  # 30, 20, 30
    lines = ["Code,name_en,A,M,S,FU101,EX,IM,GO"]
    for i, c in enumerate("AMS"):
        name = ["Agri", "Manu", "Serv"][i]
        lines.append(f"{c},{name},{Z[i][0]},{Z[i][1]},{Z[i][2]},{fu[i]},{ex[i]},{im[i]},{go[i]}")
    lines.append(f"VA001,Compensation,{va1[0]},{va1[1]},{va1[2]},,,,")
    lines.append(f"VA004,Surplus,{va4[0]},{va4[1]},{va4[2]},,,,")
    lines.append(f"TI,Total input,{go[0]},{go[1]},{go[2]},,,,")
    return "\n".join(lines) + "\n"


def long_panel_frame() -> pd.DataFrame:
    rows = []
    for reg, base in (("110000", 100.0), ("120000", 50.0), ("130000", 70.0)):
        for k, year in enumerate(range(2015, 2020)):
            rows.append((reg, year, "syn_gdp", base * 1.05**k))
            rows.append((reg, year, "syn_share", 0.2 + 0.01 * k))
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])


def snapshot(store: Store) -> dict[str, list]:
    """Full content of every data table, order-independent, for before/after comparisons."""
    from industrial_brain.store.schema import DATA_TABLES

    out = {}
    for t in DATA_TABLES:
        rows = store.con.execute(f"SELECT * FROM {t}").fetchall()
        out[t] = sorted(map(repr, rows))
    return out


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``ibrain ARGS`` in this process: (exit code, stdout, stderr) as captured by ``capsys``."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err
