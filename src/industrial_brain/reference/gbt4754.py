"""GB/T 4754-2017 industries (《国民经济行业分类》) → the sectors of the NBS 42-sector input–output
tables (scheme ``nbs2017_42``, the sectors of the embedded 2017/2018/2020 tables), at division level.

A firm register usually carries the firm's industry in GB/T 4754 (``C39``, ``3911``); the network
engines and the IO tables need the IO sector. The file ``data/reference/gbt4754_2017_to_nbs2017_42.csv``
gives for each of the 97 divisions (大类 01–97, with its section letter 门类 A–T) the one 42-sector
IO product sector it belongs to. A class code (中类 ``391``, 小类 ``3911``) is mapped by its division.

Provenance and what is verified: NBS publishes the correspondence of every IO product sector with
GB/T 4754-2017 codes in 《中国2017年投入产出表编制方法》 (中国统计出版社, 2019), 附件1 《2017年投入产出
产品部门分类名称及代码》 and 附件2 《2017年投入产出部门分类解释》; that text was not retrievable here. The
file was compiled from the GB/T 4754-2017 division list and the names of the NBS 42 sectors (and of the
149 sectors of the embedded 2017 table, which split them): every division's activities fall in one
42-sector product sector by name (e.g. C38 电气机械和器材制造业 → 19 电气机械和器材, C39 → 20 通信设备、
计算机和其他电子设备, B11 开采专业及辅助性活动 → 05 with the 149-sector "开采辅助活动和其他采矿产品", C43
修理 → 23, O81 修理 → 38). Only division level is claimed: IO tables classify *products*, and a firm's
secondary products are not split. T97 国际组织 has no resident producers in the Chinese tables; it is
mapped to 42 (public administration and social organisations) as the nearest sector.

References
----------
GB/T 4754-2017 《国民经济行业分类》 (国家质量监督检验检疫总局、国家标准化管理委员会, 2017; amendment 1, 2019).
国家统计局国民经济核算司 (2019). 《中国2017年投入产出表编制方法》. 中国统计出版社, 附件1–2.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError

__all__ = ["GBT4754_SCHEMES", "gbt4754_divisions", "gbt4754_to_io"]

#: ``sector_scheme`` values that mean GB/T 4754-2017 in a firm register.
GBT4754_SCHEMES = ("gbt4754", "gbt4754_2017", "gb/t 4754", "gb/t 4754-2017", "gb/t4754-2017")
_CODE = re.compile(r"^([A-Ta-t])?\s*([0-9]{2})([0-9]{0,2})$")


@lru_cache(maxsize=1)
def gbt4754_divisions() -> pd.DataFrame:
    """The 97 divisions: index ``division`` (``'01'`` … ``'97'``), ``section`` (A–T), ``name_zh``,
    ``io_sector`` (NBS 42-sector code)."""
    path = files("industrial_brain.data").joinpath("reference/gbt4754_2017_to_nbs2017_42.csv")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str)
    return df.set_index("division")


def gbt4754_to_io(codes, *, file: str | None = None, rows=None) -> np.ndarray:
    """The NBS 42-sector IO code of each GB/T 4754-2017 code (``C39``, ``39``, ``C3911``, ``391``).

    Raises :class:`InputError` at the first code that is not a division, group or class code of a
    known division, or whose section letter is not its division's; ``rows`` are the codes' file rows
    (default 2, 3, … after a header).

    >>> gbt4754_to_io(["C39", "3911", "c38", "A05", "O81"]).tolist()
    ['20', '20', '19', '01', '38']
    """
    table = gbt4754_divisions()
    text = pd.Series(list(codes), dtype="string").str.strip()
    parts = text.str.extract(_CODE)
    division = parts[1]
    known = division.isin(table.index).fillna(False).to_numpy(dtype=bool)
    section = parts[0].str.upper()
    expected_section = division.map(table["section"])
    wrong_section = (section.notna() & (section != expected_section)).fillna(False).to_numpy(dtype=bool)
    bad = ~known | wrong_section
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError.at(
            "unknown GB/T 4754 industry",
            file=file,
            row=int(rows[i]) if rows is not None else 2 + i,
            column="sector_code",
            value=str(text.iat[i]),
            expected="a GB/T 4754-2017 division, group or class code (e.g. C39, 3911)",
        )
    return division.map(table["io_sector"]).to_numpy(dtype=object)
