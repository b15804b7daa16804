"""The demo report in both languages (``ibrain demo`` writes report.zh.html and report.en.html):
the Chinese report has no English prose, headers or labels (its visible text is checked against an
allow-list of codes and proper nouns), every table of both carries its unit, and no table shows
scientific notation or years as "2,016" / "2013.0000"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest


#: Words the Chinese report may show: proper nouns (methods named after people, institutions, products)
#: and the English abbreviations Chinese texts use as they are.
ALLOWED = {
    "Dagum", "Moran", "Leontief", "Ghosh", "Chenery", "Moses", "Rasmussen", "Hirschman", "Theil",
    "Spearman", "Kendall", "Cronbach", "Krugman", "Scott", "ECharts", "Gini", "Malmquist", "CRITIC",
    "TOPSIS", "MIT", "CC", "BY", "Apache", "ODbL", "PROVENANCE", "SHA",
}  # fmt: skip
#: An English word outside a code: letters not joined to digits, "_", "/", ".", "[" or "-" of a code.
WORD = re.compile(r"(?<![\w./:\[-])[A-Za-z][A-Za-z'’]*(?![\w/\[(-])")


class Visible(HTMLParser):
    """The visible text of a page (no style, script or <code>), and its tables as rows of cells with
    their caption."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.tables: list[dict] = []
        self._skip = 0
        self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "code"):
            self._skip += 1
        elif tag == "table":
            self.tables.append({"caption": "", "header": [], "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("style", "script", "code"):
            self._skip -= 1
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th"):
            self.tables[-1]["rows"][-1].append(self._cell.strip())
            if tag == "th":
                self.tables[-1]["header"].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._in_caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell += data


def english_words(text: str) -> list[str]:
    """Words of ``text`` that are English: not an allowed proper noun, not an abbreviation in capitals
    (GRP, HHI, MRIO, LISA …), not a one-letter symbol (D, I, S, r, k)."""
    return [
        w for w in WORD.findall(text) if w not in ALLOWED and not (w.isupper() and len(w) <= 6) and len(w) > 1
    ]


def test_english_words_finds_prose_not_codes():
    assert english_words("影响力系数 Rasmussen–Hirschman；D 0–1；grp_100m_cny；cn_nbs_io_2020_42；HHI") == []
    assert english_words("单位：亿元 the table below") == ["the", "table", "below"]
    assert english_words("G_jj[East] 东部 w:entropy") == []  # codes keep their English parts


@pytest.fixture(scope="module")
def reports(demo_run):
    out = demo_run[1]
    pages = {lg: (out / f"report.{lg}.html").read_text(encoding="utf-8") for lg in ("zh", "en")}
    return out / "report.html", pages


def _parse(page: str) -> Visible:
    p = Visible()
    p.feed(page)
    return p


@pytest.mark.slow
def test_demo_writes_both_languages(reports):
    main, pages = reports
    assert main.name == "report.html" and main.read_text(encoding="utf-8") == pages["en"]
    assert '<html lang="zh">' in pages["zh"] and '<html lang="en">' in pages["en"]
    assert "<h1>产业大脑演示报告</h1>" in pages["zh"]
    assert "本节未能运行" not in pages["zh"] and "could not run" not in pages["en"]
    assert pages["zh"].count("<section>") == pages["en"].count("<section>") == 23
    assert pages["zh"].count("<img ") == pages["en"].count("<img ") >= 19


@pytest.mark.slow
def test_chinese_report_has_no_english_text(reports):
    _, pages = reports
    p = _parse(pages["zh"])
    found = {}
    for chunk in p.text:
        for w in english_words(chunk):
            found.setdefault(w, chunk.strip()[:80])
    assert not found, found


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_has_its_unit_and_numbers_for_people(reports, lang):
    _, pages = reports
    tables = _parse(pages[lang]).tables
    assert len(tables) >= 40
    head = "单位：" if lang == "zh" else "Unit: "
    for t in tables:
        assert t["caption"].startswith(head) and len(t["caption"].strip()) > len(head.strip()), t["header"]
        for row in t["rows"]:
            for cell in row:
                number = re.fullmatch(r"[-−]?[\d,.]+(e[+-]\d+)?%?( †)?", cell)  # a number cell (not prose)
                assert not (number and number[1]), (t["header"], cell)  # 1.291e+05
                assert not re.fullmatch(r"(19|20)\d\d\.0+", cell), (t["header"], cell)  # 2013.0000
        for k, name in enumerate(t["header"]):
            if name in ("year", "年份"):
                years = [r[k] for r in t["rows"][1:] if len(r) > k and r[k]]
                assert all(re.fullmatch(r"(19|20)\d\d", y) for y in years), (name, years[:5])  # not 2,016
