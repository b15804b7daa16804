"""SYNTHETIC demo population of enterprises and questionnaire answers, calibrated to published figures.

Everything this module makes is **synthetic**: invented enterprises with valid-looking but made-up
unified social credit codes, names ``合成企业 … (synthetic)``, and answers drawn from a latent-trait
model. It exists for demos, tests and benchmarks, never as data about real firms. Frames carry
``attrs["synthetic"] = True``.

Model. Firm *i* in sector *s* and size class *z* has a latent digital level
``a_i = c_s + e_z + σ_a·u_i`` (u standard normal). Its propensity on question *q* of dimension *d* is
``t_iq = a_i + δ_q + σ_d·v_id + σ_q·w_iq`` (question difficulty δ, a firm-specific dimension profile
v, answer noise w). A single-choice answer is the option whose score is nearest ``t_iq``; a numeric
answer is drawn uniformly inside the band whose score is nearest; a multiple-choice answer includes
each option with probability ``clip(t_iq/100, 0, 1)``. The sector offsets ``c_s`` and the spread
``σ_a`` are calibrated (fixed random numbers, fixed-point iteration inside a bisection) so that,
scored with the model, the sector means equal the published 2022 sector means and the share of
firms at or below L1 equals the published 42 %. Sector shares are tilted (``∝ exp(λ·mean_s)``) so
that the national mean is the published 51.8 — a modelling choice, since the published national
figure also covers sectors outside the twelve listed.

Rows are generated in chunks of 50,000 with their own seeds, so the first rows of a population do
not depend on its size; calibration uses the first chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.micro.benchmarking import PublishedReference, published_reference_2022
from industrial_brain.micro.model import CompiledModel, MaturityModel, load_model
from industrial_brain.micro.scoring import score_answers
from industrial_brain.reference.uscc import CHARSET, WEIGHTS

__all__ = ["SIZE_CLASSES", "SyntheticPopulation", "simulate_population", "synthetic_uscc"]

#: Size classes (大型 / 中型 / 小型 / 微型), their synthetic shares and latent-level effects.
SIZE_CLASSES = ("large", "medium", "small", "micro")
_SIZE_P = np.array([0.04, 0.16, 0.45, 0.35])
_SIZE_EFFECT = np.array([8.0, 3.0, 0.0, -4.0])
_CHUNK = 50_000
_SIGMA_D, _SIGMA_Q, _SIGMA_DELTA = 7.0, 14.0, 6.0


def synthetic_uscc(index: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Valid-format synthetic unified social credit codes ``91`` + division + organisation code + check.

    The organisation code is the 8-digit row index plus its GB 11714 check digit; the last character
    is the GB 32100 check character, so every code passes :func:`uscc_bad_mask`. Codes are unique
    for unique indexes (< 10^8). They are made up and may coincide with a real firm's code by chance.

    Examples
    --------
    >>> from industrial_brain.reference.uscc import is_valid_uscc
    >>> c = synthetic_uscc(np.array([0, 1]), np.array(["330000", "110000"]))
    >>> [is_valid_uscc(x) for x in c], c[0][:8]
    ([True, True], '91330000')
    """

    index = np.asarray(index, dtype=np.int64)
    if (index < 0).any() or (index >= 10**8).any():
        raise InputError.at(
            "synthetic index out of range", value=int(index.max()), expected="0 ≤ index < 10^8"
        )
    n = index.size
    b = np.empty((n, 18), dtype=np.uint8)
    b[:, 0] = ord("9")
    b[:, 1] = ord("1")
    b[:, 2:8] = np.array([list(str(r).encode()) for r in region], dtype=np.uint8).reshape(n, 6) if n else 0
    digits = (index[:, None] // (10 ** np.arange(7, -1, -1))) % 10
    b[:, 8:16] = digits + ord("0")
    r = 11 - (digits @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
    b[:, 16] = np.where(r == 10, ord("X"), np.where(r == 11, ord("0"), r + ord("0")))
    lut = np.full(256, -1, dtype=np.int64)
    for i, ch in enumerate(CHARSET):
        lut[ord(ch)] = i
    s = lut[b[:, :17]] @ np.asarray(WEIGHTS, dtype=np.int64)
    b[:, 17] = np.frombuffer(CHARSET.encode(), dtype=np.uint8)[(31 - s % 31) % 31]
    return b.view("S18").ravel().astype(str).astype(object)


@dataclass(frozen=True)
class SyntheticPopulation(ResultMixin):
    """A SYNTHETIC population: ``answers`` (meta columns + one column per question) and its calibration.

    ``calibration`` has one row per published sector plus ``ALL``: ``n``, ``target`` (published),
    ``achieved`` (scored on the whole population) and, for ``ALL``, the share at or below L1.
    """

    answers: pd.DataFrame
    calibration: pd.DataFrame
    sigma_a: float
    offsets: pd.Series
    model_code: str
    model_fingerprint: str
    seed: int
    synthetic: bool = True
    lineage: Lineage = field(default=None, repr=False)  # type: ignore[assignment]

    title_en = "SYNTHETIC enterprise population (calibrated to published 2022 sector scores)"
    title_zh = "合成企业样本（按 2022 年公开行业得分校准）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield (
            "数据性质" if zh else "data",
            "合成数据，非真实企业" if zh else "SYNTHETIC — not real enterprises",
        )
        yield ("企业数" if zh else "enterprises", len(self.answers))
        yield ("种子" if zh else "seed", self.seed)
        yield ("模型" if zh else "model", self.model_code)
        yield ("σ_a", self.sigma_a)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.calibration.copy()


def _tilted_shares(means: np.ndarray, target: float) -> np.ndarray:
    """Shares ∝ exp(λ·mean) whose weighted mean equals ``target`` (bisection on λ)."""
    lo, hi = -5.0, 5.0
    for _ in range(200):
        lam = 0.5 * (lo + hi)
        w = np.exp(lam * (means - means.mean()))
        w /= w.sum()
        if w @ means < target:
            lo = lam
        else:
            hi = lam
    return w


def _counts(n: int, p: np.ndarray) -> np.ndarray:
    """Largest-remainder allocation of ``n`` to shares ``p``."""
    raw = n * p
    c = np.floor(raw).astype(np.int64)
    rest = n - c.sum()
    c[np.argsort(-(raw - c), kind="stable")[:rest]] += 1
    return c


class _Chunk:
    """Fixed random numbers of one chunk of rows."""

    def __init__(
        self,
        C: CompiledModel,
        model: MaturityModel,
        start: int,
        size: int,
        seed: int,
        sector_p: np.ndarray,
        regions: np.ndarray,
        region_p: np.ndarray,
        delta: np.ndarray,
        missing_optional: float,
    ) -> None:
        rng = np.random.default_rng([seed, start // _CHUNK])
        S = len(sector_p)
        self.sector = rng.permutation(np.repeat(np.arange(S), _counts(size, sector_p)))
        self.size_class = rng.choice(len(SIZE_CLASSES), size=size, p=_SIZE_P)
        self.region = regions[rng.choice(len(regions), size=size, p=region_p)]
        self.u = rng.standard_normal(size)
        D = len(model.dimensions)
        v = rng.standard_normal((size, D))
        Q = len(C.questions)
        self.noise = delta[None, :] + _SIGMA_D * v[:, C.qdim] + _SIGMA_Q * rng.standard_normal((size, Q))
        self.unif = rng.random((size, Q))
        self.mc = {
            qi: rng.random((size, len(model.options_of(q))))
            for qi, q in enumerate(C.questions)
            if q.type == "multiple_choice"
        }
        self.drop = {
            qi: rng.random(size) < missing_optional for qi, q in enumerate(C.questions) if not q.required
        }
        self.index = np.arange(start, start + size)


def _answers(
    C: CompiledModel, model: MaturityModel, ch: _Chunk, a: np.ndarray, vidx: np.ndarray, want_values: bool
) -> tuple[np.ndarray, dict[str, Any]]:
    """Question scores (n × Q) and, if wanted, the answer columns."""
    n, Q = ch.noise.shape
    S = np.zeros((n, Q), order="F")
    cols: dict[str, Any] = {}
    for qi, q in enumerate(C.questions):
        t = a + ch.noise[:, qi]
        app_v = C.qweight[:, qi] > 0
        applies = app_v[vidx]
        drop = ch.drop.get(qi)
        keep = applies if drop is None else applies & ~drop
        if q.type == "single_choice":
            opts = sorted(model.options_of(q), key=lambda o: o.score)
            sc = np.array([o.score for o in opts])
            k = np.searchsorted((sc[1:] + sc[:-1]) / 2, t)
            S[:, qi] = np.where(keep, sc[k], 0.0)
            if want_values:
                codes = np.where(keep, k, -1)
                cols[q.code] = pd.Categorical.from_codes(codes, categories=[o.code for o in opts])
        elif q.type == "numeric":
            sc = np.array([b.score for b in q.bands])
            lo = np.array([b.min for b in q.bands])
            hi = np.array([b.max for b in q.bands])
            hi = np.minimum(hi, lo + 50.0)
            k = np.searchsorted((sc[1:] + sc[:-1]) / 2, t)
            S[:, qi] = np.where(keep, sc[k], 0.0)
            if want_values:
                x = np.floor((lo[k] + ch.unif[:, qi] * (hi[k] - lo[k])) * 10.0) / 10.0
                cols[q.code] = np.where(keep, np.maximum(x, lo[k]), np.nan)
        else:
            opts = model.options_of(q)
            sc = np.array([o.score for o in opts])
            p = np.clip(t / 100.0, 0.0, 1.0)
            inc = ch.mc[qi] < p[:, None]
            none = ~inc.any(axis=1)
            inc[none, int(np.argmin(sc))] = True
            S[:, qi] = np.where(keep, np.minimum(inc @ sc, q.max_score), 0.0)
            if want_values:
                bits = inc @ (1 << np.arange(len(opts)))
                combos = [
                    ";".join(o.code for j, o in enumerate(opts) if m >> j & 1)
                    for m in range(1, 1 << len(opts))
                ]
                cols[q.code] = pd.Categorical.from_codes(np.where(keep, bits - 1, -1), categories=combos)
    return S, cols


def _score(C: CompiledModel, S: np.ndarray, vidx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = S.shape[0]
    dims = np.empty((n, C.W.shape[1]))
    total = np.empty(n)
    for v in np.unique(vidx):
        m = vidx == v
        dims[m] = S[m] @ C.M[v]
        total[m] = dims[m] @ C.W[v]
    return total, C.level_index(total, dims, S)


def simulate_population(
    n: int = 10_000,
    seed: int = 0,
    *,
    model: MaturityModel | str | None = None,
    reference: PublishedReference | None = None,
    missing_optional: float = 0.1,
    calibrate: bool = True,
) -> SyntheticPopulation:
    """Generate a SYNTHETIC population calibrated to the published 2022 sector scores.

    Parameters
    ----------
    n : number of enterprises.
    seed : random seed (``np.random.default_rng([seed, chunk])`` per 50,000-row chunk).
    model : maturity model (default ``digital_transformation_maturity``).
    reference : published reference (default :func:`published_reference_2022`).
    missing_optional : share of optional answers left blank.

    Returns
    -------
    SyntheticPopulation
        ``answers`` has columns ``uscc, name, sector, region, size_class`` then one per question code.

    Notes
    -----
    Calibration solves, on the first chunk, for sector offsets :math:`c_s` with
    :math:`\\bar T_s(c, σ_a) = μ_s` (fixed-point steps :math:`c_s ← c_s + 1.1(μ_s − \\bar T_s)`) inside a
    bisection on :math:`σ_a` for :math:`\\Pr(\\text{level} ≤ L1) = 0.42`.

    Examples
    --------
    >>> pop = simulate_population(2_000, seed=1)
    >>> pop.synthetic, list(pop.answers.columns[:5])
    (True, ['uscc', 'name', 'sector', 'region', 'size_class'])
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError.at(
            "population size must be a positive integer", column="n", value=n, expected="an integer >= 1"
        )
    if not 0.0 <= missing_optional < 1.0:
        raise InputError.at(
            "missing_optional must be in [0, 1)",
            column="missing_optional",
            value=missing_optional,
            expected="a share from 0 to 1",
        )
    m = (
        load_model(model or "digital_transformation_maturity")
        if not isinstance(model, MaturityModel)
        else model
    )
    ref = reference or published_reference_2022()
    C = m.compiled()
    sectors = list(ref.sectors.index)
    mu = ref.sectors["mean_score"].to_numpy(dtype=np.float64)
    sector_p = _tilted_shares(mu, ref.national_mean)
    regions, region_p = _regions(seed)
    delta = np.random.default_rng([seed, 10**9]).normal(0.0, _SIGMA_DELTA, len(C.questions))
    low_max = 0  # level index of L1: "at or below L1" means level_index <= 0
    sec_var = np.array([C.sector_variant.get(s, 0) for s in sectors], dtype=np.int64)

    def chunk(start: int) -> _Chunk:
        return _Chunk(
            C, m, start, min(_CHUNK, n - start), seed, sector_p, regions, region_p, delta, missing_optional
        )

    c0 = chunk(0)
    v0 = sec_var[c0.sector]
    offsets = mu.copy()
    sigma = 8.0

    def run(sig: float, off: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
        a = off[c0.sector] + _SIZE_EFFECT[c0.size_class] + sig * c0.u
        S, _ = _answers(C, m, c0, a, v0, want_values=False)
        tot, lvl = _score(C, S, v0)
        means = np.bincount(c0.sector, weights=tot, minlength=len(mu)) / np.maximum(
            np.bincount(c0.sector, minlength=len(mu)), 1
        )
        return means, float((lvl <= low_max).mean()), tot

    def fit_offsets(sig: float, off: np.ndarray) -> tuple[np.ndarray, float]:
        for _ in range(40):
            means, share, _ = run(sig, off)
            diff = mu - means
            if np.abs(diff).max() < 0.02:
                break
            off = off + 1.1 * diff
        return off, share

    if calibrate:
        lo, hi = 0.0, 30.0
        for _ in range(16):
            sigma = 0.5 * (lo + hi)
            offsets, share = fit_offsets(sigma, offsets)
            if share < ref.national_share_at_or_below_L1:
                lo = sigma
            else:
                hi = sigma
            if abs(share - ref.national_share_at_or_below_L1) < 0.002:
                break
        offsets, _ = fit_offsets(sigma, offsets)

    parts = []
    starts = range(0, n, _CHUNK)
    for st in starts:
        ch = c0 if st == 0 else chunk(st)
        vidx = sec_var[ch.sector]
        a = offsets[ch.sector] + _SIZE_EFFECT[ch.size_class] + sigma * ch.u
        _, cols = _answers(C, m, ch, a, vidx, want_values=True)
        meta = {
            "uscc": synthetic_uscc(ch.index, ch.region),
            "name": np.char.add(
                np.char.add("合成企业 ", np.char.zfill(ch.index.astype(str), 7)), " (synthetic)"
            ),
            "sector": pd.Categorical.from_codes(ch.sector, categories=sectors),
            "region": pd.Categorical(ch.region, categories=list(regions)),
            "size_class": pd.Categorical.from_codes(ch.size_class, categories=list(SIZE_CLASSES)),
        }
        parts.append(pd.DataFrame({**meta, **cols}))
        if st != 0:
            del ch
    answers = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    answers["name"] = answers["name"].astype(object)
    answers.attrs["synthetic"] = True
    answers.attrs["note"] = (
        "SYNTHETIC demo data generated by industrial_brain.micro.population; not real enterprises"
    )

    # calibration report on the whole population, scored by the real scoring engine

    sc = score_answers(m, answers, check_uscc=False, keep_question_scores=False)
    sec = answers["sector"].astype(str).to_numpy()
    g = pd.Series(sc.total.to_numpy()).groupby(sec)
    rows = [
        {
            "sector": s,
            "n": int(g.size().get(s, 0)),
            "target": float(t),
            "achieved": float(g.mean().get(s, np.nan)),
        }
        for s, t in zip(sectors, mu)
    ]
    share = float((sc.level_index <= low_max).mean())
    rows.append(
        {
            "sector": "ALL",
            "n": n,
            "target": ref.national_mean,
            "achieved": float(sc.total.mean()),
            "share_at_or_below_L1_target": ref.national_share_at_or_below_L1,
            "share_at_or_below_L1": share,
        }
    )
    calib = pd.DataFrame(rows).set_index("sector")
    calib["difference"] = calib["achieved"] - calib["target"]
    lineage = Lineage.make(
        "micro.simulate_population",
        {
            "n": int(n),
            "model": m.code,
            "model_fingerprint": m.fingerprint,
            "reference": ref.code,
            "missing_optional": missing_optional,
            "synthetic": True,
        },
        seed=seed,
    )
    return SyntheticPopulation(
        answers=answers,
        calibration=calib,
        sigma_a=float(sigma),
        offsets=pd.Series(offsets, index=sectors, name="c_s"),
        model_code=m.code,
        model_fingerprint=m.fingerprint,
        seed=int(seed),
        lineage=lineage,
    )


def _regions(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The 31 mainland provinces (GB/T 2260) with seeded synthetic shares."""
    path = resources.files("industrial_brain") / "data" / "reference" / "provinces_gbt2260.csv"
    with resources.as_file(path) as p:
        prov = pd.read_csv(p, dtype={"adcode": str})
    codes = prov.loc[prov["mainland_31"] == 1, "adcode"].to_numpy(dtype=object)
    p = np.random.default_rng([seed, 10**9 + 1]).dirichlet(np.full(len(codes), 4.0))
    return codes, p
