"""Gap diagnosis and a ranked roadmap for one assessed enterprise.

Diagnosis (诊断): for every dimension, its score, the floor the next level puts on it (gating), the
gap to that floor, the sector benchmark (peer median) and the weighted gap to it; plus the list of
conditions that block the next level (total below threshold, a dimension or question under its
floor).

Roadmap (路线图): an ordered list of actions — from the model's actions catalogue, each tied to
questions, plus one generic "move this answer one rung up" action per question — chosen greedily by
how much each reduces the *shortfall* to the next level per unit of effort, until the next level
is reached. Shortfall is measured in score points:

    shortfall = max(0, t − T) + Σ_d max(0, f_d − D_d) + Σ_q max(0, g_q − s_q)

with t the total threshold, f_d the dimension floors and g_q the question floors of the next level
and all levels below it. Ties (and steps that cannot reduce the shortfall) go to the larger gain in
total score per unit of effort. Written by hand (no library does questionnaire roadmaps); the
greedy gain-per-cost rule is the classic heuristic for the knapsack-like choice of improvement
projects (Dantzig 1957).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.micro.model import CompiledModel, MaturityModel, Question
from industrial_brain.micro.scoring import AssessmentScores

__all__ = ["Diagnosis", "diagnose", "score_ladder"]


def score_ladder(model: MaturityModel, q: Question) -> np.ndarray:
    """Sorted distinct question scores an answer can reach (options, bands or capped option sums).

    Examples
    --------
    >>> from industrial_brain.micro.model import load_model
    >>> m = load_model("digital_transformation_maturity")
    >>> score_ladder(m, m.question("PO01")).tolist()
    [0.0, 25.0, 50.0, 75.0, 100.0]
    """
    if q.type == "numeric":
        vals = [b.score for b in q.bands]
    elif q.type == "single_choice":
        vals = [o.score for o in model.options_of(q)]
    else:
        sc = [o.score for o in model.options_of(q)]
        vals = {0.0}
        for r in range(1, len(sc) + 1):
            for c in combinations(sc, r):
                vals.add(min(q.max_score, float(sum(c))))
    return np.unique(np.asarray(list(vals), dtype=np.float64))


def _target_score(model: MaturityModel, q: Question, to: Any) -> float:
    if q.type == "numeric":
        x = float(to)
        lows = np.array([b.min for b in q.bands])
        k = int(np.clip(np.searchsorted(lows, x, side="right") - 1, 0, len(lows) - 1))
        return float(q.bands[k].score)
    score_of = {o.code: o.score for o in model.options_of(q)}
    parts = str(to).split(";")
    if q.type == "single_choice":
        return float(score_of[parts[0]])
    return float(min(q.max_score, sum(score_of[p] for p in dict.fromkeys(parts))))


@dataclass(frozen=True)
class Diagnosis(ResultMixin):
    """Diagnosis and roadmap of one enterprise.

    Attributes
    ----------
    uscc, level, next_level, total : where the firm stands (``next_level`` None at the top level).
    dimensions : DataFrame, one row per dimension: ``score``, ``weight``, ``next_level_floor``,
        ``gap_to_next_level``, ``benchmark``, ``gap_to_benchmark``, ``weighted_gap``, ``blocking``.
    blocking : conditions that hold the firm below ``next_level``.
    roadmap : DataFrame, one row per step: ``action``, ``name_en``, ``name_zh``, ``questions``,
        ``effort``, ``total_before``, ``total_after``, ``gain``, ``shortfall_after``, ``level_after``,
        ``cumulative_effort``.
    reaches_next_level : whether the roadmap reaches ``next_level``.
    """

    uscc: str
    model_code: str
    model_version: str
    model_fingerprint: str
    level: str
    next_level: str | None
    total: float
    dimensions: pd.DataFrame
    blocking: tuple[str, ...]
    roadmap: pd.DataFrame
    reaches_next_level: bool
    lineage: Lineage = field(repr=False)

    title_en = "Enterprise diagnosis and roadmap"
    title_zh = "企业诊断与转型路线图"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("企业" if zh else "enterprise", self.uscc)
        yield ("模型" if zh else "model", f"{self.model_code} {self.model_version}")
        yield ("总分" if zh else "total score", self.total)
        yield ("当前等级" if zh else "level", self.level)
        yield ("目标等级" if zh else "next level", self.next_level or "—")
        for b in self.blocking:
            yield ("制约因素" if zh else "blocked by", b)
        yield ("路线图步数" if zh else "roadmap steps", len(self.roadmap))
        yield ("可达目标等级" if zh else "reaches next level", "yes" if self.reaches_next_level else "no")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The dimension table (the roadmap is in :attr:`roadmap`)."""
        check_lang(lang)
        return self.dimensions.copy()


def _floors(C: CompiledModel, k: int) -> tuple[float, np.ndarray, np.ndarray]:
    """Total threshold, dimension floors (D,) and question floors (Q,) for reaching level ``k``."""
    D = C.W.shape[1]
    each = np.nan_to_num(C.each[: k + 1], nan=0.0).max() if k >= 0 else 0.0
    fd = np.maximum(np.nan_to_num(C.dim_floor[: k + 1], nan=0.0).max(axis=0), each)
    fq = np.nan_to_num(C.q_floor[: k + 1], nan=0.0).max(axis=0)
    return float(C.t[k]), fd if fd.shape == (D,) else np.full(D, each), fq


def diagnose(
    model: MaturityModel,
    scores: AssessmentScores,
    uscc: str,
    *,
    benchmark: pd.Series | None = None,
    peer_column: str = "sector",
    k: int = 3,
    max_steps: int = 25,
) -> Diagnosis:
    """Diagnose one enterprise and build its roadmap to the next level.

    Parameters
    ----------
    model : the model that produced ``scores`` (checked by fingerprint).
    scores : AssessmentScores with question scores kept.
    uscc : the enterprise.
    benchmark : dimension benchmark scores (index = dimension codes); default: the median of the
        firm's peers (same ``peer_column`` value) in ``scores``, if there are at least ``k`` of them.
    max_steps : longest roadmap.

    Returns
    -------
    Diagnosis

    Notes
    -----
    The next level's floors on dimension *d* are :math:`f_d = \\max_{k' \\le k}\\max(e_{k'}, f_{k'd})`
    (cumulative levels); the weighted gap to the benchmark is :math:`W_d\\,\\max(0, B_d - D_d)`.
    Each greedy step picks the action with the largest shortfall reduction per unit of effort (see
    the module docstring) and re-scores the firm exactly with the model.

    References
    ----------
    Dantzig, G. B. (1957). Discrete-variable extremum problems. *Operations Research* 5(2), 266–288
    (greedy value-per-weight ordering). GB/T 39116-2020 §6 (cumulative level requirements).

    Examples
    --------
    >>> from industrial_brain.micro.model import load_model
    >>> from industrial_brain.micro.scoring import score_answers
    >>> m = load_model("sme_digital_level")
    >>> ans = {q.code: "A" for q in m.questions if q.type == "single_choice"}
    >>> ans.update({q.code: 0 for q in m.questions if q.type == "numeric"})
    >>> ans.update(F03="FIN", F06="FW", uscc="91350100M000100Y43")
    >>> r = score_answers(m, pd.DataFrame([ans]))
    >>> d = diagnose(m, r, "91350100M000100Y43")
    >>> d.level, d.next_level, d.reaches_next_level
    ('L0', 'L1', True)
    """
    if scores.model_fingerprint != model.fingerprint:
        raise InputError.at(
            "these scores were made with another version of the model",
            column="model",
            value=f"{scores.model_code} {scores.model_version} ({scores.model_fingerprint[:12]})",
            expected=f"{model.code} {model.version} ({model.fingerprint[:12]})",
        )
    if scores.question_scores is None:
        raise MethodError("diagnosis needs question scores: score with keep_question_scores=True")
    if uscc not in scores.total.index:
        raise InputError.at(
            "enterprise not found in the scores",
            column="uscc",
            value=uscc,
            expected="the USCC of an assessed enterprise",
        )
    C = model.compiled()
    pos = int(scores.total.index.get_loc(uscc))
    s = scores.question_scores.iloc[pos].to_numpy(dtype=np.float64).copy()
    v = int(scores.variant[pos])
    d_now, tot_now, lvl_now = C.score_vector(s, v)
    K = len(model.levels)
    target = lvl_now + 1 if lvl_now + 1 < K else None
    unrated = model.unrated.code if model.unrated else "unrated"
    level_name = model.levels[lvl_now].code if lvl_now >= 0 else unrated

    # benchmark: peer median of dimension scores
    if benchmark is None:
        peers = None
        if peer_column in scores.groups.columns:
            key = scores.groups[peer_column].iloc[pos]
            peers = scores.groups[peer_column].to_numpy() == key
        bench = (
            scores.dimension_scores[peers].median()
            if peers is not None and peers.sum() >= k
            else pd.Series(np.nan, index=list(model.dimension_codes))
        )
    else:
        bench = benchmark.reindex(list(model.dimension_codes)).astype(np.float64)

    D = len(model.dimensions)
    if target is not None:
        t_tot, fd, fq = _floors(C, target)
    else:
        t_tot, fd, fq = 100.0, np.zeros(D), np.zeros(len(s))
    Wv = C.W[v]
    dims = pd.DataFrame(
        {
            "name_en": [d.name_en for d in model.dimensions],
            "name_zh": [d.name_zh for d in model.dimensions],
            "weight": Wv,
            "score": d_now,
            "next_level_floor": fd,
            "gap_to_next_level": np.maximum(0.0, fd - d_now),
            "benchmark": bench.to_numpy(dtype=np.float64),
        },
        index=pd.Index(list(model.dimension_codes), name="dimension"),
    )
    dims["gap_to_benchmark"] = dims["benchmark"] - dims["score"]
    dims["weighted_gap"] = Wv * np.maximum(0.0, dims["gap_to_benchmark"].fillna(0.0).to_numpy())
    dims["blocking"] = dims["gap_to_next_level"] > 1e-9

    blocking: list[str] = []
    if target is not None:
        nxt = model.levels[target].code
        if tot_now < t_tot - 1e-9:
            blocking.append(f"total score {tot_now:.1f} < {t_tot:g} needed for {nxt}")
        for j in np.flatnonzero(dims["blocking"].to_numpy()):
            blocking.append(
                f"dimension {model.dimension_codes[j]} {d_now[j]:.1f} < floor {fd[j]:g} for {nxt}"
            )
        for qi in np.flatnonzero(s < fq - 1e-9):
            blocking.append(f"question {C.questions[qi].code} {s[qi]:g} < floor {fq[qi]:g} for {nxt}")

    roadmap = _roadmap(model, C, s, v, target, max_steps) if target is not None else _empty_roadmap()
    codes = list(model.level_codes)
    reaches = bool(
        target is not None
        and len(roadmap)
        and roadmap["level_after"].iloc[-1] in codes
        and codes.index(roadmap["level_after"].iloc[-1]) >= target
    )
    lineage = Lineage.make(
        "micro.diagnose",
        {
            "model": model.code,
            "model_fingerprint": model.fingerprint,
            "uscc": uscc,
            "peer_column": peer_column,
            "k": k,
            "max_steps": max_steps,
        },
    )
    return Diagnosis(
        uscc=uscc,
        model_code=model.code,
        model_version=model.version,
        model_fingerprint=model.fingerprint,
        level=level_name,
        next_level=model.levels[target].code if target is not None else None,
        total=tot_now,
        dimensions=dims,
        blocking=tuple(blocking),
        roadmap=roadmap,
        reaches_next_level=reaches,
        lineage=lineage,
    )


def _empty_roadmap() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "step",
            "action",
            "name_en",
            "name_zh",
            "questions",
            "effort",
            "total_before",
            "total_after",
            "gain",
            "shortfall_after",
            "level_after",
            "cumulative_effort",
        ]
    ).set_index("step")


def _roadmap(
    model: MaturityModel, C: CompiledModel, s: np.ndarray, v: int, target: int, max_steps: int
) -> pd.DataFrame:
    t_tot, fd, fq = _floors(C, target)
    applies = C.qweight[v] > 0

    def shortfall(sv: np.ndarray) -> tuple[float, float, int]:
        d, tot, lvl = C.score_vector(sv, v)
        sf = max(0.0, t_tot - tot) + np.maximum(0.0, fd - d).sum() + np.maximum(0.0, fq - sv)[applies].sum()
        return float(sf), tot, lvl

    # catalogue actions: (code, name_en, name_zh, effort, [(qi, target score)])
    catalogue = []
    for a in model.actions:
        eff = [
            (C.qindex[e.question], _target_score(model, model.question(e.question), e.to))
            for e in a.effects
            if applies[C.qindex[e.question]]
        ]
        if eff:
            catalogue.append((a.code, a.name_en, a.name_zh, a.effort, eff))
    ladders = [score_ladder(model, q) for q in C.questions]
    used: set[str] = set()
    rows = []
    sf, tot, lvl = shortfall(s)
    cum = 0.0
    for step in range(1, max_steps + 1):
        if lvl >= target:
            break
        cands = []
        for code, en, zh, effort, eff in catalogue:
            if code in used:
                continue
            cands.append((code, en, zh, effort, eff))
        for qi, q in enumerate(C.questions):
            if not applies[qi]:
                continue
            up = ladders[qi][ladders[qi] > s[qi] + 1e-9]
            if up.size:
                cands.append(
                    (
                        f"UP:{q.code}",
                        f"Raise '{q.name_en}' one step",
                        f"提升“{q.name_zh}”一档",
                        q.effort,
                        [(qi, float(up[0]))],
                    )
                )
        best = None
        for code, en, zh, effort, eff in cands:
            s2 = s.copy()
            for qi, ts in eff:
                s2[qi] = max(s2[qi], ts)
            if np.array_equal(s2, s):
                continue
            sf2, tot2, lvl2 = shortfall(s2)
            key = ((sf - sf2) / effort, (tot2 - tot) / effort)
            if best is None or key > best[0]:
                best = (key, code, en, zh, effort, eff, s2, sf2, tot2, lvl2)
        if best is None or (best[0][0] <= 1e-12 and best[0][1] <= 1e-12):
            break
        _, code, en, zh, effort, eff, s2, sf2, tot2, lvl2 = best
        if not code.startswith("UP:"):
            used.add(code)
        cum += effort
        rows.append(
            {
                "step": step,
                "action": code,
                "name_en": en,
                "name_zh": zh,
                "questions": ";".join(C.questions[qi].code for qi, _ in eff),
                "effort": effort,
                "total_before": tot,
                "total_after": tot2,
                "gain": tot2 - tot,
                "shortfall_after": sf2,
                "level_after": model.levels[lvl2].code
                if lvl2 >= 0
                else (model.unrated.code if model.unrated else "unrated"),
                "cumulative_effort": cum,
            }
        )
        s, sf, tot, lvl = s2, sf2, tot2, lvl2
    if not rows:
        return _empty_roadmap()
    out = pd.DataFrame(rows).set_index("step")
    return out
