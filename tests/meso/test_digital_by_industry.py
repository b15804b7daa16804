"""Digital input intensity by industry group on a hand-made 3-sector table (SYNTHETIC)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.meso import digital_intensity_by_industry
from industrial_brain.reference.industry_groups import MANUFACTURING_NBS42, THREE_INDUSTRIES_NBS42

CODES = ["1", "2", "3"]
# sector 1 primary, 2 secondary, 3 (digital) secondary; Z by hand, x gross output
Z = pd.DataFrame([[10, 20, 5], [5, 40, 10], [5, 20, 10]], index=CODES, columns=CODES, dtype=float)
x = pd.Series([100.0, 200.0, 100.0], index=CODES)
GROUPS = {"1": "primary", "2": "secondary", "3": "secondary"}


def test_hand_solved_three_sectors():
    r = digital_intensity_by_industry(Z / x, x, groups=GROUPS, digital=["3"])
    t = r.table
    # primary: digital input z_31 = 5 of 20 intermediate (25 %), per output 5/100
    assert t.loc["primary", "digital_input"] == pytest.approx(5.0)
    assert t.loc["primary", "share_intermediate"] == pytest.approx(0.25)
    assert t.loc["primary", "per_output"] == pytest.approx(0.05)
    # secondary without the digital sector: z_32 = 20 of 80, per output 20/200
    assert t.loc["secondary", ["digital_input", "intermediate_input", "output"]].tolist() == [20, 80, 200]
    assert t.loc["secondary", "share_intermediate"] == pytest.approx(0.25)
    assert t.loc["secondary", "sectors"] == 1
    # total digital input: row "3" of L − I, output-weighted
    L = np.linalg.inv(np.eye(3) - (Z / x).to_numpy())
    tot = L[2] - np.eye(3)[2]
    assert t.loc["primary", "total_per_output"] == pytest.approx(tot[0])
    assert t.loc["secondary", "total_per_output"] == pytest.approx(tot[1])
    assert r.notes and "left out" in r.notes[0]


def test_include_digital_keeps_the_digital_sector():
    r = digital_intensity_by_industry(Z / x, x, groups=GROUPS, digital=["3"], include_digital=True)
    # secondary = sectors 2 and 3: digital input 20 + 10 of 80 + 25, output 300
    assert r.table.loc["secondary", "share_intermediate"] == pytest.approx(30 / 105)
    assert r.table.loc["secondary", "per_output"] == pytest.approx(30 / 300)
    assert r.to_frame("zh").columns[0] == "名称" and r.to_frame("zh").iloc[0, 0] == "第一产业"


def test_missing_group_is_an_input_error():
    with pytest.raises(InputError, match="without an industry group"):
        digital_intensity_by_industry(Z / x, x, groups={"1": "primary", "2": "secondary"}, digital=["3"])


def test_nbs42_groups():
    counts = pd.Series(THREE_INDUSTRIES_NBS42).value_counts()
    assert counts.to_dict() == {"secondary": 25, "tertiary": 16, "primary": 1}
    assert THREE_INDUSTRIES_NBS42["23"] == "tertiary" and THREE_INDUSTRIES_NBS42["27"] == "secondary"
    assert (
        MANUFACTURING_NBS42[0] == "06" and MANUFACTURING_NBS42[-1] == "23" and len(MANUFACTURING_NBS42) == 18
    )
