"""Province names and GB/T 2260 codes.

Chinese statistical files spell a province in many ways: full names ("内蒙古自治区"), short names
("内蒙古"), English ("Inner Mongolia"), pinyin and Wade–Giles-era forms ("Nei Mongol"), with or
without suffixes ("Province", "省", "市", "Autonomous Region"), and GB/T 2260 codes ("150000",
"15", 150000). :func:`region_codes` maps them all to the six-digit code, vectorised over unique values.

References
----------
GB/T 2260-2007, 中华人民共和国行政区划代码 (Codes for the administrative divisions of the People's
Republic of China); province list as compiled in ``data/reference/provinces_gbt2260.csv``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import pandas as pd

from industrial_brain.errors import InputError

_ZH_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_EN_SUFFIXES = (
    "uygur autonomous region",
    "uyghur autonomous region",
    "uighur autonomous region",
    "zhuang autonomous region",
    "hui autonomous region",
    "autonomous region",
    "special administrative region",
    "province",
    "municipality",
    "sar",
    "shi",
    "sheng",
)
#: Further spellings seen in statistical sources (lower-cased, spaces removed → code).
_EXTRA_EN = {
    "neimongol": "150000",
    "neimenggu": "150000",
    "innermongolia": "150000",
    "xizang": "540000",
    "tibet": "540000",
    "guangxizhuangzu": "450000",
    "ningxiahuizu": "640000",
    "xinjianguygur": "650000",
    "xinjianguyghur": "650000",
    "hongkong": "810000",
    "macau": "820000",
    "macao": "820000",
    "shensi": "610000",
    "shansi": "140000",
    "peking": "110000",
}


@lru_cache(maxsize=1)
def province_table() -> pd.DataFrame:
    """The 34 provincial-level divisions: code, names (zh, zh short, en), NBS four regions, capital."""
    path = files("industrial_brain.data").joinpath("reference/provinces_gbt2260.csv")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"adcode": str})
    return df.rename(columns={"adcode": "code"})


def _key(text: str) -> str:
    return re.sub(r"[\s_\-\.'’]+", "", text.strip().lower())


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for row in province_table().itertuples():
        code = row.code
        for form in (row.name_zh, row.name_zh_short, row.name_en, code, code[:2]):
            aliases[_key(str(form))] = code
    for k, v in _EXTRA_EN.items():
        aliases[k] = v
    return aliases


def _strip_suffixes(name: str) -> str:
    s = name.strip()
    for suf in _ZH_SUFFIXES:
        if s.endswith(suf) and len(s) > len(suf):
            return s[: -len(suf)]
    low = s.lower()
    for suf in _EN_SUFFIXES:
        if low.endswith(" " + suf) or low.endswith(suf) and len(low) > len(suf) + 2:
            return s[: len(s) - len(suf)].strip()
    return s


def region_code(name: object) -> str | None:
    """The GB/T 2260 code of one province spelling, or ``None`` when it is not recognised.

    Examples
    --------
    >>> region_code("内蒙古自治区"), region_code("Nei Mongol"), region_code(150000)
    ('150000', '150000', '150000')
    """
    if name is None or (isinstance(name, float) and name != name):
        return None
    if isinstance(name, float) and name.is_integer():
        name = int(name)
    text = str(name)
    aliases = _alias_map()
    k = _key(text)
    if k in aliases:
        return aliases[k]
    stripped = _key(_strip_suffixes(text))
    return aliases.get(stripped)


def region_codes(values, *, file: str | None = None, column: str = "region", first_row: int = 2) -> pd.Series:
    """Map a column of province spellings/codes to GB/T 2260 codes, raising at the first unknown one.

    ``first_row`` is the file line of the first value (header is line 1), used in the error message.
    """
    s = pd.Series(values)
    uniques = pd.unique(s)
    mapping = {u: region_code(u) for u in uniques}
    unknown = [u for u, c in mapping.items() if c is None]
    if unknown:
        bad = unknown[0]
        pos = (
            int((s == bad).to_numpy().argmax())
            if not (isinstance(bad, float) and bad != bad)
            else int(s.isna().to_numpy().argmax())
        )
        raise InputError.at(
            "unknown region",
            file=file,
            row=first_row + pos,
            column=column,
            value=bad,
            expected="a province name (e.g. '北京', '北京市', 'Beijing') or a GB/T 2260 code (e.g. '110000')",
        )
    return s.map(mapping).astype(object)


def alias_frame() -> pd.DataFrame:
    """All known spellings (normalised keys) with their codes; used for set-based mapping in the store."""
    m = _alias_map()
    return pd.DataFrame({"alias": list(m.keys()), "code": list(m.values())})
