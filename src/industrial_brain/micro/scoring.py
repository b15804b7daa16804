"""Vectorised scoring of questionnaire answers against a maturity model: question, dimension and total
scores (0–100) and the maturity level with gating, for one firm or a whole population.

Answers come as a DataFrame with one row per enterprise and one column per question code, plus the
meta columns ``uscc`` (unified social credit code, the enterprise id), and optionally ``name``,
``sector``, ``region``, ``size_class``. Single-choice cells hold an option code, multiple-choice
cells option codes separated by ``;`` and numeric cells a number. Every cell is validated; a bad
cell raises :class:`~industrial_brain.errors.InputError` naming the file row, the enterprise's USCC,
the column (question code), the value found and the values expected.

Speed: each column is factorised once (``pandas.factorize``) and only its *distinct* values are
parsed in Python; everything per row is numpy (gathers, one matrix product per sector variant), so
a million firms × 60 questions scores in seconds. Written by hand: no maintained library scores
maturity questionnaires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.micro.model import CompiledModel, MaturityModel, Question
from industrial_brain.reference.uscc import CHARSET, WEIGHTS, uscc_problem

__all__ = [
    "META_COLUMNS",
    "CellProblem",
    "AssessmentScores",
    "score_answers",
    "validate_answers",
    "uscc_bad_mask",
]

#: Columns of an answer sheet that are not questions.
META_COLUMNS = ("uscc", "name", "sector", "region", "size_class", "taken_on")


@dataclass(frozen=True, slots=True)
class CellProblem:
    """One invalid cell of an answer sheet. ``row`` is the file line (header = line 1)."""

    row: int
    uscc: str
    column: str
    value: Any
    problem: str
    expected: str

    def message(self, file: str | None = None) -> str:
        return str(
            InputError.at(
                f"enterprise {self.uscc}: {self.problem}",
                file=file,
                row=self.row,
                column=self.column,
                value=self.value,
                expected=self.expected,
            )
        )


# ---- USCC --------------------------------------------------------------------------------------


def uscc_bad_mask(codes: Iterable[Any]) -> np.ndarray:
    """Vectorised GB 32100 check: ``True`` where a code is *not* a valid unified social credit code.

    Same rule as :func:`industrial_brain.reference.uscc.uscc_problem` (length 18, character set
    ``0-9A-Y`` without I O S V Z, digits 3–8, check character), done on a byte matrix.

    Notes
    -----
    ``C18 = (31 − Σ_{i=1}^{17} v(c_i)·3^{i−1} mod 31) mod 31``.

    Examples
    --------
    >>> uscc_bad_mask(["91350100M000100Y43", "91350100M000100Y44", "short"]).tolist()
    [False, True, True]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = (
        codes.to_numpy()
        if isinstance(codes, (pd.Series, pd.Index))
        else np.asarray(list(codes), dtype=object)
    )
    try:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        # integer ids (a CSV column of all-digit codes read as numbers) are taken as their digits;
        # a USCC never starts with 0, so no leading zero can have been lost
        arr = pa.array(
            [
                x
                if isinstance(x, str)
                else str(x)
                if isinstance(x, (int, np.integer)) and not isinstance(x, bool)
                else None
                for x in values
            ],
            type=pa.string(),
        )
    txt = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    ok_len = pc.fill_null(pc.equal(pc.binary_length(txt), 18), False).to_numpy(zero_copy_only=False)
    bad = ~ok_len
    idx = np.flatnonzero(ok_len)
    if idx.size:
        sel = txt.filter(pa.array(ok_len))
        if isinstance(sel, pa.ChunkedArray):
            sel = sel.combine_chunks()
        off = np.frombuffer(sel.buffers()[1], dtype=np.int32)[sel.offset : sel.offset + len(sel) + 1]
        b = np.frombuffer(sel.buffers()[2], dtype=np.uint8)[off[0] : off[-1]].reshape(-1, 18)
        lut = np.full(256, -1, dtype=np.int64)
        for i, ch in enumerate(CHARSET):
            lut[ord(ch)] = i
        v = lut[b]
        good = (v >= 0).all(axis=1)
        good &= ((b[:, 2:8] >= ord("0")) & (b[:, 2:8] <= ord("9"))).all(axis=1)
        chk = (31 - (np.where(v[:, :17] < 0, 0, v[:, :17]) @ np.asarray(WEIGHTS, dtype=np.int64)) % 31) % 31
        good &= v[:, 17] == chk
        bad[idx] = ~good
    return bad


# ---- per-column parsing ------------------------------------------------------------------------


def _is_missing_text(u: Any) -> bool:
    return u is None or (isinstance(u, float) and np.isnan(u)) or (isinstance(u, str) and not u.strip())


def _as_code(u: Any) -> str:
    if isinstance(u, (float, np.floating)) and float(u).is_integer():
        return str(int(u))
    return str(u).strip()


def _choice_column(
    model: MaturityModel, q: Question, col: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """(score, missing, bad) per row plus the list of bad distinct values (value, problem, expected)."""
    opts = model.options_of(q)
    score_of = {o.code: o.score for o in opts}
    expected = (
        "one option code of " + ", ".join(score_of)
        if q.type == "single_choice"
        else "option codes from " + ", ".join(score_of) + ", separated by ';'"
    )
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    m = len(uniques)
    u_score = np.zeros(m + 1)  # last slot serves code -1 (missing)
    u_missing = np.zeros(m + 1, dtype=bool)
    u_missing[m] = True
    u_bad = np.zeros(m + 1, dtype=bool)
    bad_values = []
    for k, u in enumerate(uniques):
        if _is_missing_text(u):
            u_missing[k] = True
            continue
        if q.type == "single_choice":
            c = _as_code(u)
            if c in score_of:
                u_score[k] = score_of[c]
            else:
                u_bad[k] = True
                bad_values.append((k, u, "unknown option", expected))
        else:
            parts = [p.strip() for p in _as_code(u).split(";") if p.strip()]
            unknown = [p for p in parts if p not in score_of]
            if not parts:
                u_missing[k] = True
            elif unknown:
                u_bad[k] = True
                bad_values.append(
                    (k, u, f"unknown option(s) {', '.join(repr(x) for x in unknown)}", expected)
                )
            else:
                u_score[k] = min(q.max_score, sum(score_of[p] for p in dict.fromkeys(parts)))
    return u_score[codes], u_missing[codes], u_bad[codes], bad_values


def _numeric_column(
    q: Question, col: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(score, missing, not_a_number, out_of_range, values)."""
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        x = col.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(x)
        nan_bad = np.zeros(len(x), dtype=bool)
    else:
        raw = col.astype(object)
        text = raw.where(raw.notna(), "").astype(str).str.strip()
        missing = (text == "").to_numpy(dtype=bool)
        x = pd.to_numeric(text.where(~missing, None), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        nan_bad = np.isnan(x) & ~missing
    lo, hi = q.answer_min, q.answer_max
    finite = ~np.isnan(x)
    out = finite & ((x < lo) | (x > hi))
    out |= ~missing & ~nan_bad & ~finite  # inf after coercion
    lows = np.array([b.min for b in q.bands])
    scores = np.array([b.score for b in q.bands])
    k = np.clip(np.searchsorted(lows, np.where(finite, x, lo), side="right") - 1, 0, len(lows) - 1)
    s = np.where(finite & ~out, scores[k], 0.0)
    return s, missing, nan_bad, out, x


def _fmt_num(v: float) -> str:
    return f"{v:g}"


# ---- main entry points -------------------------------------------------------------------------


def _encode(
    model: MaturityModel,
    answers: pd.DataFrame,
    *,
    id_column: str,
    sector_column: str | None,
    file: str | None,
    first_row: int,
    check_uscc: bool,
    max_problems: int,
) -> tuple[np.ndarray, np.ndarray, pd.Index, list[CellProblem], list[str]]:
    if not isinstance(answers, pd.DataFrame):
        raise InputError.at(
            "answers must be a table (pandas DataFrame)",
            file=file,
            value=type(answers).__name__,
            expected="one row per enterprise",
        )
    C = model.compiled()
    n = len(answers)
    problems: list[CellProblem] = []
    notes: list[str] = []
    if id_column not in answers.columns:
        raise InputError.at(
            "the enterprise id column is missing",
            file=file,
            column=id_column,
            expected=f"a column '{id_column}' with unified social credit codes",
        )
    ids_raw = answers[id_column]
    ids_txt = ids_raw if isinstance(ids_raw.dtype, pd.StringDtype) else ids_raw.astype("str")
    ids = pd.Index(ids_txt.str.strip().str.upper().fillna(""), name=id_column)
    ids_arr = ids.to_numpy(dtype=object)

    def add(
        rows: np.ndarray, column: str, values: Any, problem: str | Callable[[int], str], expected: str
    ) -> None:
        """Record one problem per row (up to ``max_problems`` in all); ``problem`` may depend on the row."""
        room = max_problems - len(problems)
        if room <= 0 or rows.size == 0:
            return
        rows = rows[:room]
        vals = values[rows] if isinstance(values, np.ndarray) else [values] * len(rows)
        for r, v in zip(rows.tolist(), vals):
            v = v.item() if isinstance(v, np.generic) else v
            text = problem(r) if callable(problem) else problem
            problems.append(CellProblem(first_row + r, str(ids_arr[r]), column, v, text, expected))

    raw_ids = ids_raw.to_numpy(dtype=object, na_value=None)
    empty_id = ids_arr == ""
    add(
        np.flatnonzero(empty_id),
        id_column,
        raw_ids,
        "enterprise id is empty",
        "an 18-character unified social credit code",
    )
    if check_uscc:
        bad = uscc_bad_mask(raw_ids) & ~empty_id
        add(
            np.flatnonzero(bad),
            id_column,
            raw_ids,
            lambda r: (
                "invalid unified social credit code: "
                + str(uscc_problem(raw_ids[r] if isinstance(raw_ids[r], str) else str(raw_ids[r])))
            ),
            "an 18-character GB 32100 code with a valid check character",
        )
    dup = ids.duplicated(keep="first") & ~empty_id
    if dup.any():
        first_pos = (
            pd.Series(np.arange(n), index=ids).groupby(level=0, sort=False).transform("min").to_numpy()
        )
        add(
            np.flatnonzero(dup),
            id_column,
            raw_ids,
            lambda r: f"duplicate enterprise: this USCC is already on row {first_row + int(first_pos[r])}",
            "each enterprise once per sheet",
        )

    # sector variant of each row
    vidx = np.zeros(n, dtype=np.int64)
    if sector_column is not None and sector_column in answers.columns and C.sector_variant:
        sec = answers[sector_column]
        codes, uniques = pd.factorize(sec, use_na_sentinel=True)
        u_var = np.array([C.sector_variant.get(str(u).strip(), 0) for u in uniques] + [0], dtype=np.int64)
        vidx = u_var[codes]

    Q = len(C.questions)
    S = np.zeros((n, Q), order="F")  # column-major: each question's column is written contiguously
    known = set(C.qindex) | set(META_COLUMNS) | {id_column} | ({sector_column} if sector_column else set())
    extra = [str(c) for c in answers.columns if str(c) not in known]
    if extra:
        notes.append(
            "columns ignored (not questions of model '"
            + model.code
            + "'): "
            + ", ".join(extra[:10])
            + (" …" if len(extra) > 10 else "")
        )
    for qi, q in enumerate(C.questions):
        app_v = C.qweight[:, qi] > 0
        applies = app_v[vidx] if not app_v.all() else np.ones(n, dtype=bool)
        need = q.required and applies.any()
        if q.code not in answers.columns:
            if need:
                r = np.flatnonzero(applies)[:1]
                add(
                    r,
                    q.code,
                    None,
                    "required question column is missing from the answer sheet",
                    f"a column '{q.code}' ({q.name_en})",
                )
            elif applies.any():
                notes.append(f"optional question {q.code} absent: scored 0")
            continue
        col = answers[q.code]
        if q.type == "numeric":
            s, missing, nan_bad, out, x = _numeric_column(q, col)
            if nan_bad.any() or out.any():
                vals = col.to_numpy(dtype=object)
                unit = f" {q.unit}" if q.unit else ""
                add(
                    np.flatnonzero(nan_bad & applies),
                    q.code,
                    vals,
                    "not a number",
                    f"a number from {_fmt_num(q.answer_min)} to {_fmt_num(q.answer_max)}{unit}",
                )
                add(
                    np.flatnonzero(out & applies),
                    q.code,
                    vals,
                    "number out of range",
                    f"a number from {_fmt_num(q.answer_min)} to {_fmt_num(q.answer_max)}{unit}",
                )
        else:
            s, missing, badm, bad_values = _choice_column(model, q, col)
            if bad_values:
                vals = col.to_numpy(dtype=object)
                rows = np.flatnonzero(badm & applies)
                # one message per row, the problem text of that row's distinct value
                problem_of = {str(u): (p, e) for _, u, p, e in bad_values}
                for r in rows[: max(0, max_problems - len(problems))].tolist():
                    p, e = problem_of[str(vals[r])]
                    problems.append(CellProblem(first_row + r, str(ids_arr[r]), q.code, vals[r], p, e))
        if q.required:
            expected = (
                f"an answer (question '{q.name_en}'"
                + (
                    ", option codes " + ", ".join(o.code for o in model.options_of(q))
                    if q.type != "numeric"
                    else f", a number from {_fmt_num(q.answer_min)} to {_fmt_num(q.answer_max)}"
                )
                + ")"
            )
            add(np.flatnonzero(missing & applies), q.code, None, "required answer is missing", expected)
        S[:, qi] = s
        if not app_v.all():
            S[~applies, qi] = 0.0
    problems.sort(key=lambda p: (p.row, p.column != id_column))
    return S, vidx, ids, problems, notes


def validate_answers(
    model: MaturityModel,
    answers: pd.DataFrame,
    *,
    id_column: str = "uscc",
    sector_column: str | None = "sector",
    first_row: int = 2,
    check_uscc: bool = True,
    max_problems: int = 1000,
) -> list[CellProblem]:
    """Every invalid cell of an answer sheet (up to ``max_problems``), in file order.

    Kinds of problem: unknown option, not a number, number out of range, required answer missing,
    required column missing, empty or invalid USCC, duplicate enterprise.

    Examples
    --------
    >>> from industrial_brain.micro.model import load_model
    >>> m = load_model("sme_digital_level")
    >>> df = pd.DataFrame({"uscc": ["91350100M000100Y43"], "F04": ["Z"]})
    >>> p = [x for x in validate_answers(m, df) if x.column == "F04"][0]
    >>> (p.row, p.problem)
    (2, 'unknown option')
    """
    return _encode(
        model,
        answers,
        id_column=id_column,
        sector_column=sector_column,
        file=None,
        first_row=first_row,
        check_uscc=check_uscc,
        max_problems=max_problems,
    )[3]


@dataclass(frozen=True)
class AssessmentScores(ResultMixin):
    """Scores of a population of enterprises under one maturity model.

    Attributes
    ----------
    dimension_scores : DataFrame (n × D), 0–100, index = USCC, columns = dimension codes.
    total : Series (n,), 0–100, the weighted total score.
    level : Series (n,) of level codes (``L1`` … or the model's unrated code).
    level_index : ndarray (n,) int — 0 = lowest level, −1 = unrated.
    question_scores : DataFrame (n × Q) of question scores 0–100 (``None`` if not kept).
    variant : ndarray (n,) int — sector variant used (0 = base model).
    groups : DataFrame of the meta columns found (sector, region, size_class, name), index = USCC.
    model_code, model_version, model_fingerprint : which model scored them.
    notes : things said about the input (ignored columns, absent optional questions).
    """

    dimension_scores: pd.DataFrame
    total: pd.Series
    level: pd.Series
    level_index: np.ndarray
    question_scores: pd.DataFrame | None
    variant: np.ndarray
    groups: pd.DataFrame
    model_code: str
    model_version: str
    model_fingerprint: str
    notes: tuple[str, ...]
    lineage: Lineage = field(repr=False)

    title_en = "Digital-transformation assessment scores"
    title_zh = "数字化转型评估得分"

    @property
    def n(self) -> int:
        return int(self.total.shape[0])

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield (
            "模型" if zh else "model",
            f"{self.model_code} {self.model_version} ({self.model_fingerprint[:12]})",
        )
        yield ("企业数" if zh else "enterprises", self.n)
        yield ("平均总分" if zh else "mean total score", float(self.total.mean()) if self.n else float("nan"))
        counts = self.level.value_counts(sort=False)
        for code, c in counts.items():
            yield (f"{label('level', lang)} {code}", f"{int(c):,} ({100.0 * c / max(self.n, 1):.1f}%)")
        for note in self.notes:
            yield ("说明" if zh else "note", note)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per enterprise: meta columns, ``total_score``, ``level``, then one column per dimension."""
        check_lang(lang)
        out = self.groups.copy()
        out["total_score"] = self.total.to_numpy()
        out["level"] = self.level.to_numpy()
        for c in self.dimension_scores.columns:
            out[c] = self.dimension_scores[c].to_numpy()
        if lang == "zh":
            out = out.rename(
                columns={
                    "total_score": "总分",
                    "level": label("level", "zh"),
                    "sector": label("sector", "zh"),
                    "region": label("region", "zh"),
                    "size_class": "规模",
                    "name": label("name", "zh"),
                }
            )
        return out


def score_answers(
    model: MaturityModel,
    answers: pd.DataFrame,
    *,
    id_column: str = "uscc",
    sector_column: str | None = "sector",
    file: str | None = None,
    first_row: int = 2,
    check_uscc: bool = True,
    keep_question_scores: bool = True,
    max_errors: int = 20,
) -> AssessmentScores:
    """Score every enterprise of an answer sheet.

    Parameters
    ----------
    model : MaturityModel
    answers : DataFrame
        One row per enterprise: ``uscc`` (or ``id_column``), optional meta columns, one column per
        question code.
    sector_column : str or None
        Column whose values select sector variants of the model (``None``: base model for all).
    file, first_row : where the sheet came from, for error messages (file line of the first data row).
    check_uscc : bool
        Check every id against GB 32100 (length, character set, check character).
    keep_question_scores : bool
        Keep the (n × Q) question-score matrix (needed by :mod:`~industrial_brain.micro.diagnosis`).

    Returns
    -------
    AssessmentScores

    Raises
    ------
    InputError
        If any cell is invalid; the message names the first bad cell (file row, USCC, column, value,
        expected values) and how many more there are; ``err.problems`` lists them (up to ``max_errors``).

    Notes
    -----
    With question scores :math:`s_{iq}\\in[0,100]`, question weights :math:`w_q` and dimension
    weights :math:`W_d` (of the firm's sector variant), the dimension and total scores are

    .. math:: D_{id} = \\frac{\\sum_{q\\in d} w_q s_{iq}}{\\sum_{q\\in d} w_q}, \\qquad
              T_i = \\frac{\\sum_d W_d D_{id}}{\\sum_d W_d}.

    A missing optional answer scores 0. The level is the highest :math:`k` such that the rules of
    levels :math:`1..k` all hold (total threshold, floor on every dimension, floors on named
    dimensions and questions); if even level 1 fails the firm is *unrated*.

    References
    ----------
    GB/T 39116-2020 *Maturity model of intelligent manufacturing capability*, §6 (levels are
    cumulative: a level requires the requirements of all lower levels). acatech (2020),
    *Industrie 4.0 Maturity Index — Update 2020*, §3 (weighted aggregation of capability scores).

    Examples
    --------
    Two questions in one dimension, weights 1 and 3; answers worth 100 and 0 give
    ``(1·100 + 3·0)/4 = 25``:

    >>> from industrial_brain.micro.model import model_from_dict
    >>> opts = [{"code": "N", "name_zh": "否", "name_en": "no", "score": 0},
    ...         {"code": "Y", "name_zh": "是", "name_en": "yes", "score": 100}]
    >>> m = model_from_dict({"code": "t", "version": "1", "name_zh": "t", "name_en": "t",
    ...     "dimensions": [{"code": "D", "name_zh": "d", "name_en": "d", "weight": 1}],
    ...     "questions": [
    ...        {"code": "Q1", "dimension": "D", "name_zh": "1", "name_en": "1", "type": "single_choice",
    ...         "weight": 1, "options": opts},
    ...        {"code": "Q2", "dimension": "D", "name_zh": "2", "name_en": "2", "type": "single_choice",
    ...         "weight": 3, "options": opts}],
    ...     "levels": [{"code": "L1", "name_zh": "1", "name_en": "1", "min_total": 0},
    ...                {"code": "L2", "name_zh": "2", "name_en": "2", "min_total": 50}]})
    >>> r = score_answers(m, pd.DataFrame({"uscc": ["91350100M000100Y43"], "Q1": ["Y"], "Q2": ["N"]}))
    >>> float(r.total.iloc[0]), r.level.iloc[0]
    (25.0, 'L1')
    """
    S, vidx, ids, problems, notes = _encode(
        model,
        answers,
        id_column=id_column,
        sector_column=sector_column,
        file=file,
        first_row=first_row,
        check_uscc=check_uscc,
        max_problems=max(1, max_errors),
    )
    if problems:
        first = problems[0].message(file)
        more = len(problems) - 1
        tail = f" — and {more}{'+' if len(problems) >= max_errors else ''} more problem(s)" if more else ""
        err = InputError(first + tail)
        err.problems = problems  # type: ignore[attr-defined]
        raise err
    C: CompiledModel = model.compiled()
    n, D = S.shape[0], len(model.dimensions)
    V = C.W.shape[0]
    present = np.flatnonzero(np.bincount(vidx, minlength=V)) if n else np.zeros(1, dtype=np.int64)
    # one BLAS call for all variants present: columns [M_v for v] + [M_v W_v for v] (totals)
    Mcat = np.concatenate([C.M[v] for v in present] + [(C.M[v] @ C.W[v])[:, None] for v in present], axis=1)
    big = S @ Mcat
    P = len(present)
    if P == 1:
        dims, total = big[:, :D], big[:, D]
    else:
        slot = np.searchsorted(present, vidx)
        rows = np.arange(n)
        dims = big[:, : P * D].reshape(n, P, D)[rows, slot]
        total = big[rows, P * D + slot]
    dims = np.ascontiguousarray(dims)
    total = np.ascontiguousarray(total)
    lvl = C.level_index(total, dims, S)
    level_codes = list(model.level_codes)
    unrated = model.unrated.code if model.unrated else "unrated"
    if (lvl < 0).any() or model.unrated is not None:
        cats = [unrated] + level_codes
        level = pd.Categorical.from_codes(lvl + 1, categories=cats)
    else:
        level = pd.Categorical.from_codes(lvl, categories=level_codes)
    meta = [c for c in ("name", "sector", "region", "size_class", "taken_on") if c in answers.columns]
    groups = pd.DataFrame({c: answers[c].to_numpy() for c in meta}, index=ids)
    qs = (
        pd.DataFrame(readonly(S), index=ids, columns=list(C.qindex), copy=False)
        if keep_question_scores
        else None
    )
    lineage = Lineage.make(
        "micro.score_answers",
        {
            "model": model.code,
            "model_version": model.version,
            "model_fingerprint": model.fingerprint,
            "n": n,
            "sector_column": sector_column,
            "check_uscc": check_uscc,
        },
    )
    return AssessmentScores(
        dimension_scores=pd.DataFrame(
            readonly(dims), index=ids, columns=list(model.dimension_codes), copy=False
        ),
        total=pd.Series(readonly(total), index=ids, name="total_score", copy=False),
        level=pd.Series(level, index=ids, name="level"),
        level_index=readonly(lvl),
        question_scores=qs,
        variant=readonly(vidx),
        groups=groups,
        model_code=model.code,
        model_version=model.version,
        model_fingerprint=model.fingerprint,
        notes=tuple(notes),
        lineage=lineage,
    )
