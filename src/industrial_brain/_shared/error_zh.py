"""Chinese wording of the project's one-line error messages (for the dashboard and ``?lang=zh``).

Every user error is built by :meth:`industrial_brain.errors.InputError.at` in one frame —
``file: row R, column 'C': <what> (found 'v'; expected …)`` — or is one of a few fixed sentences
(login, access). :func:`error_zh` parses that frame, writes it the Chinese way
(``文件：第 R 行，“C”列：<问题>（实际为 'v'；应为 …）``) and translates the problem and the
expectation from :data:`PHRASES` (whole phrases) and :data:`PATTERNS` (phrases with values in
them). Codes, file names, values and anything not in the catalogue are kept as they are, so a
message is never lost in translation: at worst part of it stays English inside the Chinese frame.

Hand-written: gettext catalogues translate fixed strings, not messages assembled from parts; the
frame here is the project's own.
"""

from __future__ import annotations

import re

__all__ = ["error_zh", "PHRASES", "PATTERNS"]

#: Whole problem / expectation phrases → Chinese.
PHRASES: dict[str, str] = {
    # where: the pseudo-file of answers sent from the dashboard
    "api submission": "在线提交",
    # answer sheets and questionnaires
    "required answer is missing": "必答题未作答",
    "required question column is missing from the answer sheet": "答卷缺少必答题所在的列",
    "not a number": "不是数字",
    "number out of range": "数值超出范围",
    "unknown option": "选项代码不存在",
    "duplicate enterprise": "企业重复",
    "each enterprise once per sheet": "每家企业在一张答卷中只出现一次",
    "the answer sheet has no rows": "答卷没有数据行",
    "the enterprise id column is missing": "缺少企业代码列",
    "date of the assessment is in the future": "评估日期晚于今天",
    "enterprise not registered": "企业未登记",
    "the USCC of a registered enterprise": "已登记企业的统一社会信用代码",
    "an ISO date YYYY-MM-DD": "ISO 日期（YYYY-MM-DD）",
    "which enterprise?": "未指明企业",
    # login and access
    "wrong user name or password": "用户名或密码错误",
    "invalid or expired token: log in again": "登录已失效，请重新登录",
    "no such user": "用户不存在",
    "user exists": "用户已存在",
    "bad user name": "用户名不合规",
    "too long": "过长",
    # parameters
    "unknown language": "未知语言",
    "'en' or 'zh'": "'en' 或 'zh'",
    "unknown format": "未知格式",
    "unknown indicator": "未知指标",
    "unknown year": "该年份无数据",
    "unknown run": "未知的分析运行",
    "an id listed by /api/v1/runs": "/api/v1/runs 列出的编号",
    "unknown scenario": "未知情景",
    "unknown role": "未知角色",
    "unknown grouping": "未知分组",
    "unknown basis": "未知口径",
    "unknown kind": "未知类型",
    "unknown dataset": "未知数据集",
    "file not found": "文件不存在",
    "sheet is empty": "工作表为空",
    "not valid YAML": "不是有效的 YAML",
    "no release of enterprise aggregates yet for this model": "该模型的企业汇总尚未发布",
    "days must be ≥ 1": "天数须 ≥ 1",
    "k must be at least 1": "k 至少为 1",
    # firm annual accounts and the per-mu board
    "firm not in the firm register": "企业不在企业名录中",
    "a firm registered first with 'ibrain network ingest FIRMS --kind firms'": (
        "先用 'ibrain network ingest FIRMS --kind firms' 登记的企业"
    ),
    "negative value": "数值为负",
    "bad year": "年份不合规",
    "a calendar year such as 2023": "公历年份，如 2023",
    "no accounts stored for this firm": "该企业尚无年度数据",
    "a firm with stored accounts": "已入库年度数据的企业",
    "no accounts of the firm for this year": "该企业无此年份的年度数据",
    "no firm accounts stored": "尚无企业年度数据",
    "the firm appears twice for one year": "同一企业同一年份出现两次",
    "one row per firm and year": "每家企业每年一行",
    # the firm network (services.network)
    "firm-level network results are for admin and analyst accounts": "企业级网络结果仅供管理员和分析员",
    "an enterprise account reads only its own enterprise": "企业账户只能查看本企业",
    "enterprise rows are at least important": "企业数据至少为重要数据",
    "no firms stored": "尚未登记企业",
    "no transactions stored": "尚未导入交易记录",
    "no transactions in that year": "该年份没有交易记录",
    "no firm in this region": "该地区没有企业",
    "unknown firm": "未登记的企业",
    "unknown shocked firm": "未登记的受冲击企业",
    "unknown chain": "未知产业链",
    "unknown engine": "未知计算引擎",
    "no firm to stop": "未指定停产企业",
    "no edge in this year": "该年份没有交易",
    "a registered firm's USCC": "已登记企业的统一社会信用代码",
}

#: (English pattern, Chinese template) for phrases with values; ``{n}`` are the pattern's groups,
#: ``{n!t}`` a group translated again (nested phrases).
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^enterprise (\S+): (.+)$"), "企业 {1}：{2!t}"),
    (
        re.compile(r"^duplicate enterprise: this USCC is already on row (\d+)$"),
        "企业重复：该统一社会信用代码已在第 {1} 行出现",
    ),
    (re.compile(r"^a number from (\S+) to (\S+)(?: (.+))?$"), "{1} 至 {2} 之间的数{3?}"),
    (re.compile(r"^an answer \(question '(.+?)', option codes (.+)\)$"), "作答（题目“{1}”，选项代码 {2}）"),
    (
        re.compile(r"^an answer \(question '(.+?)', a number from (\S+) to (\S+)\)$"),
        "作答（题目“{1}”，{2} 至 {3} 之间的数）",
    ),
    (re.compile(r"^a column '(.+?)' \((.+)\)$"), "名为“{1}”的列（{2}）"),
    (re.compile(r"^unknown option\(s\) (.+)$"), "选项代码不存在：{1}"),
    (re.compile(r"^option codes from (.+), separated by ';'$"), "选项代码 {1}（多选用 ; 分隔）"),
    (re.compile(r"^one option code of (.+)$"), "选项代码 {1} 之一"),
    (re.compile(r"^invalid unified social credit code: (.+)$"), "统一社会信用代码无效：{1!t}"),
    (re.compile(r"^has (\d+) characters, 18 expected$"), "长度为 {1} 位，应为 18 位"),
    (
        re.compile(r"^character '(.)' is not allowed .*$"),
        "含有不允许的字符“{1}”（不使用 I、O、S、V、Z 和小写字母）",
    ),
    (
        re.compile(r"^characters 3–8 must be a 6-digit GB/T 2260 division code$"),
        "第 3–8 位须为 6 位 GB/T 2260 行政区划代码",
    ),
    (re.compile(r"^check character is '(.)', '(.)' expected$"), "校验码为“{1}”，应为“{2}”"),
    (
        re.compile(r"^an 18-character GB 32100 code with a valid check character$"),
        "18 位、校验码正确的 GB 32100 代码",
    ),
    (re.compile(r"^login required: (.+)$"), "需要登录：{1!t}"),
    (re.compile(r"^role '(.+?)' \((.+?)\): (.+)$"), "角色“{1}”（{2}）：{3!t}"),
    (re.compile(r"^password refused: (.+)$"), "密码不符合要求：{1!t}"),
    (re.compile(r"^one of (.+)$"), "以下之一：{1}"),
    (
        re.compile(r"^a release: make one with '(.+?)' \(or (.+?) as admin\)$"),
        "先发布汇总：运行“{1}”（或由管理员调用 {2}）",
    ),
    (re.compile(r"^table '(.+?)' is not in the store$"), "数据库中没有表“{1}”"),
]

_LOC = r"(?P<loc>row \d+(?:, column '[^']*')?|column '[^']*')"
#: The place of an error, most specific first: file and place, place only, a file name alone.
_HEADS = [
    re.compile(r"^(?P<file>.+?): " + _LOC + r": (?P<rest>.+)$"),
    re.compile(r"^" + _LOC + r": (?P<rest>.+)$"),
    re.compile(r"^(?P<file>[^\s:]+\.[A-Za-z]{2,5}): (?P<rest>.+)$"),
]
_TAIL = re.compile(
    r"^(?P<what>.+?)(?: \((?:found (?P<found>.*?))?(?:; )?(?:expected (?P<expected>.*?))?\))?"
    r"(?P<more> — and (?P<n>\d+) more problem\(s\))?$"
)


def _phrase(text: str) -> str:
    """One phrase in Chinese: the catalogue, then the patterns; as given when unknown."""
    t = text.strip()
    if t in PHRASES:
        return PHRASES[t]
    for pat, tpl in PATTERNS:
        m = pat.match(t)
        if m:
            out = tpl
            for i, g in enumerate(m.groups(), start=1):
                out = out.replace(f"{{{i}!t}}", _phrase(g or "")).replace(
                    f"{{{i}?}}", f"（{g}）" if g else ""
                )
                out = out.replace(f"{{{i}}}", g or "")
            return out
    return t


def error_zh(message: str) -> str:
    """The Chinese wording of a one-line error ``message`` (see the module docstring).

    >>> error_zh("api submission: row 2, column 'DX01': enterprise 9133: required answer is missing")
    '在线提交：第 2 行，“DX01”列：企业 9133：必答题未作答'
    >>> error_zh("panel.csv: row 7, column 'value': not a number "
    ...          "(found 'x'; expected a number from 0 to 100 %)")
    "panel.csv：第 7 行，“value”列：不是数字（实际为 'x'；应为 0 至 100 之间的数（%））"
    >>> error_zh("wrong user name or password")
    '用户名或密码错误'
    """
    text = " ".join(message.split())
    file = loc = None
    for head in _HEADS:
        h = head.match(text)
        if h:
            file, loc, text = h.groupdict().get("file"), h.groupdict().get("loc"), h["rest"]
            break
    m = _TAIL.match(text)
    where = [PHRASES.get(file, file)] if file else []
    if loc:
        r = re.match(r"(?:row (\d+))?(?:, )?(?:column '([^']*)')?", loc)
        parts = ([f"第 {r[1]} 行"] if r[1] else []) + ([f"“{r[2]}”列"] if r[2] is not None else [])
        where.append("，".join(parts))
    out = "：".join([*where, _phrase(m["what"])])
    detail = []
    if m["found"] is not None:
        detail.append(f"实际为 {m['found']}")
    if m["expected"] is not None:
        detail.append(f"应为 {_phrase(m['expected'])}")
    if detail:
        out += "（" + "；".join(detail) + "）"
    if m["more"]:
        out += f"——另有 {m['n']} 处问题"
    return out
