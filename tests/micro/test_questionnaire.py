"""Questionnaire templates: XLSX dropdowns and CSV headers that the scorer reads back."""

from __future__ import annotations

import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.micro.questionnaire import question_frame, write_template
from industrial_brain.micro.scoring import score_answers

from .conftest import make_uscc


def test_xlsx_template_has_dropdowns(tiny, tmp_path):
    from openpyxl import load_workbook

    p = write_template(tiny, tmp_path / "t.xlsx")
    wb = load_workbook(p)
    ws = wb["answers"]
    header = [c.value for c in ws[1]]
    assert header == ["uscc", "name", "sector", "region", "size_class", "A1", "A2", "B1", "B2", "H1"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    a1 = dvs["F2:F1001"]
    assert a1.type == "list" and a1.formula1 == '"N,P,Y"'
    a2 = dvs["G2:G1001"]
    assert a2.type == "decimal" and (a2.formula1, a2.formula2) == ("0", "100")
    assert "questions" in wb.sheetnames and wb["model"]["B3"].value == tiny.fingerprint


def test_csv_template_round_trip(tiny, tmp_path):
    p = write_template(tiny, tmp_path / "t.csv")
    blank = pd.read_csv(p)
    assert list(blank.columns)[5:] == ["A1", "A2", "B1", "B2", "H1"]
    filled = pd.DataFrame(
        [{"uscc": make_uscc(0), "A1": "Y", "A2": 70, "B1": "X;Y", "B2": "Y"}], columns=blank.columns
    )
    filled.to_csv(p, index=False)
    r = score_answers(tiny, pd.read_csv(p), file=str(p))
    assert r.total.iloc[0] == pytest.approx((3 * 100 + 90) / 4)


def test_bad_suffix_and_question_frame(tiny, tmp_path):
    with pytest.raises(InputError, match="unsupported template format"):
        write_template(tiny, tmp_path / "t.pdf")
    q = question_frame(tiny, lang="zh")
    assert q.loc["H1", "sector_variant"] == "heavy" and q.loc["B1", "type"] == "multiple_choice"
