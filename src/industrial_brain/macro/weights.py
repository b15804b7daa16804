"""Indicator weights: equal, entropy, CRITIC, coefficient of variation, PCA, AHP and combined.

Every function returns a frozen result whose ``.weights`` is a Series (indexed by indicator code)
of non-negative weights summing to 1, plus the method's own quantities under the literature's
symbols (entropy ``e``, ``d``; CRITIC ``sigma``, ``R``, ``conflict``, ``C``; AHP ``lambda_max``,
``CI``, ``RI``, ``CR`` …).

Objective methods take an observations × indicators matrix that is already normalised and
oriented (see :func:`industrial_brain.macro.normalisation.normalize`), except the coefficient of
variation, which is meant for raw, positive data. Written by hand rather than called from
``pymcdm`` because pymcdm re-normalises internally, refuses zero shares in entropy weights (we use
the usual convention 0·ln 0 = 0, so min–max scores with an exact 0 work), has no PCA or AHP consistency
check, and returns bare arrays; the tests cross-check against pymcdm where definitions agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import as_number, check_complete, check_panel, require_non_negative

__all__ = [
    "WeightsResult",
    "EntropyWeights",
    "CriticWeights",
    "CVWeights",
    "PCAWeights",
    "AHPResult",
    "CombinedWeights",
    "equal_weights",
    "entropy_weights",
    "critic_weights",
    "cv_weights",
    "pca_weights",
    "ahp_weights",
    "combined_weights",
    "SAATY_RI",
    "WEIGHTINGS",
]

#: Objective weighting methods that need only the data.
WEIGHTINGS = ("equal", "entropy", "critic", "cv", "pca")

#: Saaty's random consistency index RI by matrix order n (Saaty 1980, Table 1.7; n = 1…15).
SAATY_RI: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class WeightsResult(ResultMixin):
    """Weights of indicators.

    Attributes
    ----------
    weights : Series
        Non-negative, summing to 1, indexed by indicator code.
    method : str
    lineage : Lineage
    """

    weights: pd.Series
    method: str
    lineage: Lineage

    title_en = "Indicator weights"
    title_zh = "指标权重"

    def _extra(self) -> dict[str, Any]:
        return {}

    def _summary_items(self, lang: str = "en"):
        yield ("方法" if lang == "zh" else "method", self.method)
        yield ("指标数" if lang == "zh" else "indicators", len(self.weights))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per indicator: ``weight`` and the method's per-indicator quantities."""
        cols = {"weight": self.weights}
        cols.update(self._extra())
        df = pd.DataFrame(cols)
        df.index.name = "indicator" if lang == "en" else "指标"
        return df


@dataclass(frozen=True)
class EntropyWeights(WeightsResult):
    """Entropy weights; ``e`` entropy e_j, ``d`` divergence d_j = 1 − e_j."""

    e: pd.Series
    d: pd.Series

    def _extra(self):
        return {"e": self.e, "d": self.d}


@dataclass(frozen=True)
class CriticWeights(WeightsResult):
    """CRITIC weights; ``sigma`` σ_j, ``R`` correlation matrix, ``conflict`` Σ_k(1 − r_jk), ``C`` C_j."""

    sigma: pd.Series
    R: pd.DataFrame
    conflict: pd.Series
    C: pd.Series

    def _extra(self):
        return {"sigma": self.sigma, "conflict": self.conflict, "C": self.C}


@dataclass(frozen=True)
class CVWeights(WeightsResult):
    """Coefficient-of-variation weights; ``mean``, ``sd`` (ddof = 1), ``cv`` = sd/mean."""

    mean: pd.Series
    sd: pd.Series
    cv: pd.Series

    def _extra(self):
        return {"mean": self.mean, "sd": self.sd, "cv": self.cv}


@dataclass(frozen=True)
class PCAWeights(WeightsResult):
    """PCA weights (OECD/JRC handbook procedure).

    ``eigenvalues`` of the correlation matrix, ``explained`` variance shares, ``n_factors`` retained,
    ``loadings`` (rotated when ``rotated``), ``factor`` each indicator is assigned to.
    """

    eigenvalues: np.ndarray
    explained: np.ndarray
    n_factors: int
    loadings: pd.DataFrame
    factor: pd.Series
    rotated: bool

    def _extra(self):
        return {"factor": self.factor}

    def _summary_items(self, lang: str = "en"):
        yield from super()._summary_items(lang)
        yield ("retained factors", self.n_factors)
        yield ("explained variance", float(self.explained[: self.n_factors].sum()))


@dataclass(frozen=True)
class AHPResult(WeightsResult):
    """AHP priorities with Saaty's consistency check.

    ``pairwise`` matrix A, ``lambda_max`` principal eigenvalue, ``CI`` = (λmax − n)/(n − 1),
    ``RI`` random index, ``CR`` = CI/RI, ``consistent`` = CR ≤ 0.1, ``forced`` if accepted anyway.
    """

    pairwise: pd.DataFrame
    lambda_max: float
    CI: float
    RI: float
    CR: float
    consistent: bool
    forced: bool

    title_en = "AHP weights"
    title_zh = "层次分析法权重"

    def _summary_items(self, lang: str = "en"):
        yield from super()._summary_items(lang)
        yield ("lambda_max", self.lambda_max)
        yield ("CI", self.CI)
        yield ("RI", self.RI)
        yield ("CR", self.CR)
        yield ("一致性" if lang == "zh" else "consistent (CR <= 0.1)", self.consistent)


@dataclass(frozen=True)
class CombinedWeights(WeightsResult):
    """Combined subjective/objective weights; ``subjective``, ``objective``, ``alpha``, ``rule``."""

    subjective: pd.Series
    objective: pd.Series
    alpha: float
    rule: str

    def _extra(self):
        return {"subjective": self.subjective, "objective": self.objective}


# ----------------------------------------------------------------------------- helpers
def _matrix(X: Any, what: str = "indicator matrix") -> pd.DataFrame:
    if isinstance(X, np.ndarray):
        if X.ndim != 2:
            raise InputError.at(f"{what} must be 2-D", value=X.shape, expected="observations x indicators")
        X = pd.DataFrame(X)
    X = check_panel(X, what)
    check_complete(X, what)
    if X.shape[0] < 2:
        raise MethodError(f"{what}: at least 2 observations are needed to derive weights from data")
    return X


def _series(w: np.ndarray, index: pd.Index) -> pd.Series:
    s = pd.Series(np.asarray(w, dtype="float64"), index=index, name="weight")
    s.index.name = "indicator"
    return readonly(s)


def _constant_columns(A: np.ndarray, columns: pd.Index) -> None:
    spread = A.max(axis=0) - A.min(axis=0)
    bad = np.flatnonzero(~(spread > 0))
    if len(bad):
        raise MethodError(
            f"indicator '{columns[bad[0]]}' is constant: its data-driven weight is undefined; "
            "drop it or give weights explicitly"
        )


def _check_corr(R: np.ndarray, sigma: np.ndarray, columns: pd.Index) -> None:
    bad = np.flatnonzero(~(sigma > 0) | ~np.isfinite(R).all(axis=0))
    if len(bad):
        raise MethodError(
            f"indicator '{columns[bad[0]]}' is numerically constant: its correlations are "
            "undefined; drop it or give weights explicitly"
        )


# ----------------------------------------------------------------------------- methods
def equal_weights(indicators: Any) -> WeightsResult:
    """Equal weights 1/m.

    Parameters
    ----------
    indicators : DataFrame, ndarray or sequence of codes

    Returns
    -------
    WeightsResult

    Notes
    -----
    :math:`w_j = 1/m`.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.1.

    Examples
    --------
    >>> equal_weights(["a", "b", "c", "d"]).weights.tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    if isinstance(indicators, pd.DataFrame):
        idx = indicators.columns
    elif isinstance(indicators, np.ndarray) and indicators.ndim == 2:
        idx = pd.RangeIndex(indicators.shape[1])
    else:
        idx = pd.Index(list(indicators))
    if len(idx) == 0:
        raise InputError.at("no indicators given", expected="at least one indicator")
    m = len(idx)
    return WeightsResult(
        weights=_series(np.full(m, 1.0 / m), idx),
        method="equal",
        lineage=Lineage.make("macro.equal_weights", {"m": m}),
    )


def entropy_weights(X: Any) -> EntropyWeights:
    r"""Entropy weights (entropy-value method, 熵值法).

    Parameters
    ----------
    X : DataFrame or ndarray
        Normalised, oriented, non-negative matrix (observations × indicators). With a panel, all
        region-years form one sample (the panel entropy method), so the weights are fixed across years.

    Returns
    -------
    EntropyWeights
        ``weights``, ``e`` (entropy e_j) and ``d`` (divergence d_j).

    Raises
    ------
    InputError
        Negative values or missing cells.
    MethodError
        A column summing to 0, or every indicator with e_j = 1 (no dispersion at all).

    Notes
    -----
    With n observations, :math:`p_{ij} = x_{ij} / \sum_i x_{ij}`,
    :math:`e_j = -\frac{1}{\ln n} \sum_i p_{ij} \ln p_{ij}` (with :math:`0 \ln 0 = 0`),
    :math:`d_j = 1 - e_j`, :math:`w_j = d_j / \sum_k d_k`.
    Same as ``pymcdm.weights.entropy_weights`` (which applies sum normalisation to the raw matrix)
    when all values are positive; pymcdm 1.4 refuses non-positive values (its sum normalisation) and
    its code would set :math:`e_j = 0` for a whole column with a zero share, where we use
    :math:`0 \ln 0 = 0`.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical Journal*
    27(3), 379–423. Zeleny, M. (1982). *Multiple Criteria Decision Making*. McGraw-Hill, pp. 189–198.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 0.0]})
    >>> entropy_weights(X).weights.tolist()
    [0.0, 1.0]

    ``a`` has :math:`p = (½, ½)`, e = ln 2 / ln 2 = 1, d = 0; ``b`` has p = (1, 0), e = 0, d = 1.
    """
    X = _matrix(X)
    A = X.to_numpy()
    require_non_negative(
        X,
        A,
        "entropy weights need non-negative values; row {row}",
        "min-max normalised data (x >= 0), not z-scores",
    )
    colsum = A.sum(axis=0)
    if (colsum <= 0).any():
        j = int(np.flatnonzero(colsum <= 0)[0])
        raise MethodError(f"indicator '{X.columns[j]}' sums to 0: its entropy is undefined")
    n = A.shape[0]
    P = A / colsum
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    e = np.clip(e, 0.0, 1.0)
    d = 1.0 - e
    if d.sum() <= 0:
        raise MethodError("every indicator has entropy 1 (all shares equal): entropy weights are undefined")
    w = d / d.sum()
    return EntropyWeights(
        weights=_series(w, X.columns),
        method="entropy",
        lineage=Lineage.make("macro.entropy_weights", {"n": n, "m": A.shape[1]}),
        e=_series(e, X.columns).rename("e"),
        d=_series(d, X.columns).rename("d"),
    )


def critic_weights(X: Any) -> CriticWeights:
    r"""CRITIC weights (Criteria Importance Through Intercriteria Correlation).

    Parameters
    ----------
    X : DataFrame or ndarray
        Normalised, oriented matrix (observations × indicators), normally min–max scaled.

    Returns
    -------
    CriticWeights
        ``weights``, ``sigma``, ``R``, ``conflict``, ``C``.

    Raises
    ------
    MethodError
        A constant indicator (σ = 0, correlation undefined), or fewer than 2 indicators.

    Notes
    -----
    :math:`\sigma_j` is the standard deviation (ddof = 1; the ddof cancels in the weights),
    :math:`r_{jk}` Pearson's correlation, :math:`C_j = \sigma_j \sum_k (1 - r_{jk})`,
    :math:`w_j = C_j / \sum_k C_k`. Equals ``pymcdm.weights.critic_weights`` applied to the raw
    matrix when ``X`` is its min–max normalisation.

    References
    ----------
    Diakoulaki, D., Mavrotas, G., Papayannakis, L. (1995). Determining objective weights in
    multiple criteria problems: the CRITIC method. *Computers & Operations Research* 22(7), 763–770.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 0.0, 1.0], "b": [0.0, 0.0, 1.0, 1.0]})
    >>> critic_weights(X).weights.tolist()
    [0.5, 0.5]

    Both columns have the same σ and r_ab = 0, so C_a = C_b = σ·(0 + 1).
    """
    X = _matrix(X)
    A = X.to_numpy()
    if A.shape[1] < 2:
        raise MethodError("CRITIC needs at least 2 indicators (it weighs their mutual conflict)")
    _constant_columns(A, X.columns)
    sigma = A.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.corrcoef(A, rowvar=False)
    _check_corr(R, sigma, X.columns)
    conflict = (1.0 - R).sum(axis=0)
    C = sigma * conflict
    if C.sum() <= 0:
        raise MethodError("CRITIC information is 0 for every indicator (perfectly correlated indicators)")
    w = C / C.sum()
    Rdf = pd.DataFrame(R, index=X.columns, columns=X.columns)
    readonly(Rdf)
    return CriticWeights(
        weights=_series(w, X.columns),
        method="critic",
        lineage=Lineage.make("macro.critic_weights", {"n": A.shape[0], "m": A.shape[1]}),
        sigma=_series(sigma, X.columns).rename("sigma"),
        R=Rdf,
        conflict=_series(conflict, X.columns).rename("conflict"),
        C=_series(C, X.columns).rename("C"),
    )


def cv_weights(X: Any) -> CVWeights:
    r"""Coefficient-of-variation weights (变异系数法).

    Parameters
    ----------
    X : DataFrame or ndarray
        Raw indicator values (observations × indicators); every column mean must be positive.

    Returns
    -------
    CVWeights

    Raises
    ------
    MethodError
        A column mean ≤ 0 (CV undefined) or a constant column.

    Notes
    -----
    :math:`V_j = s_j / \bar x_j` (sample sd, ddof = 1), :math:`w_j = V_j / \sum_k V_k`.
    The CV is scale-free, so raw data of different units can be compared; it is *not* meaningful on
    min–max scores (their mean depends on the arbitrary minimum).

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6; the Chinese
    literature's 变异系数法, e.g. 郭亚军 (2007), *综合评价理论、方法及应用*, 科学出版社, ch. 2.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 3.0], "b": [10.0, 14.0]})
    >>> [round(v, 4) for v in cv_weights(X).weights]
    [0.75, 0.25]

    a: mean 2, sd √2, V = √2/2 = 0.7071; b: mean 12, sd 2√2, V = √2/6 = 0.2357;
    w_a = (1/2)/(1/2 + 1/6) = 0.75.
    """
    X = _matrix(X)
    A = X.to_numpy()
    _constant_columns(A, X.columns)
    mean = A.mean(axis=0)
    if (mean <= 0).any():
        j = int(np.flatnonzero(mean <= 0)[0])
        raise MethodError(
            f"indicator '{X.columns[j]}' has mean {mean[j]:.4g} <= 0: the coefficient of "
            "variation is only defined for positive-mean (ratio-scale) data"
        )
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        sd = A.std(axis=0, ddof=1)
        cv = sd / mean
        w = cv / cv.sum()
    if not (np.isfinite(w).all() and cv.sum() > 0):
        # values near the limits of float64 (e.g. 1e-300): the squares under- or overflow
        raise MethodError(
            "coefficient-of-variation weights are not finite at this scale of the data "
            f"(sd {sd.tolist()[:3]}, mean {mean.tolist()[:3]}); rescale the indicators"
        )
    return CVWeights(
        weights=_series(w, X.columns),
        method="cv",
        lineage=Lineage.make("macro.cv_weights", {"n": A.shape[0], "m": A.shape[1]}),
        mean=_series(mean, X.columns).rename("mean"),
        sd=_series(sd, X.columns).rename("sd"),
        cv=_series(cv, X.columns).rename("cv"),
    )


def _varimax(L: np.ndarray, tol: float = 1e-10, max_iter: int = 500) -> np.ndarray:
    """Kaiser's varimax rotation of a loading matrix (p × k), raw (unnormalised) criterion."""
    p, k = L.shape
    Rot = np.eye(k)
    d = 0.0
    for _ in range(max_iter):
        LR = L @ Rot
        u, s, vt = np.linalg.svd(L.T @ (LR**3 - LR @ np.diag((LR**2).sum(axis=0)) / p))
        Rot = u @ vt
        d_new = s.sum()
        if d_new < d * (1 + tol):
            break
        d = d_new
    return L @ Rot


def pca_weights(
    X: Any, *, min_eigenvalue: float = 1.0, min_cumulative: float = 0.6, rotate: bool = True
) -> PCAWeights:
    r"""PCA / factor-analysis weights following the OECD/JRC handbook.

    Parameters
    ----------
    X : DataFrame or ndarray
        Indicator matrix (observations × indicators), oriented so higher is better; the method works
        on the correlation matrix, so scaling does not matter.
    min_eigenvalue : float, default 1
        Kaiser criterion: retain factors with eigenvalue > ``min_eigenvalue``…
    min_cumulative : float, default 0.6
        …and at least as many as needed to explain this share of the variance.
    rotate : bool, default True
        Varimax-rotate the retained loadings (when two or more factors are retained).

    Returns
    -------
    PCAWeights

    Raises
    ------
    MethodError
        A constant indicator or fewer than 2 indicators.

    Notes
    -----
    With loadings :math:`a_{jk} = u_{jk}\sqrt{\lambda_k}` of the K retained factors (rotated),
    the squared loadings are scaled to unity within each factor,
    :math:`\tilde a^2_{jk} = a_{jk}^2 / \sum_j a_{jk}^2`; each indicator is assigned to the factor on
    which its squared loading is largest; factor k gets the share
    :math:`\phi_k = \sum_j a_{jk}^2 / \sum_{k'} \sum_j a_{jk'}^2` of the retained variance; and
    :math:`w_j \propto \phi_{k(j)} \tilde a^2_{j,k(j)}`, normalised to sum to 1.
    An indicator that loads on no retained factor gets a small weight, honestly reported.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.1 "Weights based on
    principal components analysis or factor analysis", Tables 16–17, pp. 89–91; Nicoletti, G.,
    Scarpetta, S., Boylaud, O. (2000), OECD Economics Department WP 226.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 3.0, 2.0, 4.0]})
    >>> pca_weights(X).weights.round(4).tolist()
    [0.5, 0.5]

    Two indicators with r = 0.8: eigenvalues 1.8 and 0.2, one factor with equal loadings √0.9.
    """
    X = _matrix(X)
    A = X.to_numpy()
    m = A.shape[1]
    if m < 2:
        raise MethodError("PCA weights need at least 2 indicators")
    _constant_columns(A, X.columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.corrcoef(A, rowvar=False)
    _check_corr(R, A.std(axis=0, ddof=1), X.columns)
    lam, U = np.linalg.eigh(R)
    order = np.argsort(lam)[::-1]
    lam, U = np.clip(lam[order], 0.0, None), U[:, order]
    # fix the eigenvectors' sign: largest absolute coefficient positive
    sgn = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(m)])
    U = U * np.where(sgn == 0, 1.0, sgn)
    explained = lam / lam.sum()
    k_kaiser = int((lam > min_eigenvalue).sum())
    k_cum = int(np.searchsorted(np.cumsum(explained), min_cumulative - 1e-12) + 1)
    K = max(1, min(m, max(k_kaiser, k_cum)))
    L = U[:, :K] * np.sqrt(lam[:K])
    rotated = bool(rotate and K >= 2)
    if rotated:
        L = _varimax(L)
    sq = L**2
    fac_var = sq.sum(axis=0)
    scaled = sq / fac_var
    phi = fac_var / fac_var.sum()
    k_of = np.argmax(scaled, axis=1)
    raw = phi[k_of] * scaled[np.arange(m), k_of]
    if raw.sum() <= 0:  # pragma: no cover - cannot happen with K >= 1
        raise MethodError("PCA weights are all zero")
    w = raw / raw.sum()
    load = pd.DataFrame(L, index=X.columns, columns=[f"F{k + 1}" for k in range(K)])
    readonly(load)
    fac = pd.Series([f"F{k + 1}" for k in k_of], index=X.columns, name="factor")
    return PCAWeights(
        weights=_series(w, X.columns),
        method="pca",
        lineage=Lineage.make(
            "macro.pca_weights",
            {
                "min_eigenvalue": min_eigenvalue,
                "min_cumulative": min_cumulative,
                "rotate": rotate,
                "n_factors": K,
            },
        ),
        eigenvalues=readonly(lam),
        explained=readonly(explained),
        n_factors=K,
        loadings=load,
        factor=fac,
        rotated=rotated,
    )


def ahp_weights(
    pairwise: Any, *, labels: Sequence[Any] | None = None, force: bool = False, tol: float = 1e-6
) -> AHPResult:
    r"""AHP priority weights with Saaty's consistency ratio.

    Parameters
    ----------
    pairwise : DataFrame or array-like (n × n)
        Positive reciprocal comparison matrix: :math:`a_{ij}` is the importance of i over j on
        Saaty's 1–9 scale, :math:`a_{ji} = 1/a_{ij}`, :math:`a_{ii} = 1`.
    labels : sequence, optional
        Indicator codes (default: the frame's index, or 0…n−1).
    force : bool, default False
        Accept a matrix with CR > 0.1 (the result records ``forced=True``).
    tol : float
        Relative tolerance of the reciprocity check.

    Returns
    -------
    AHPResult
        ``weights``, ``lambda_max``, ``CI``, ``RI``, ``CR``, ``consistent``.

    Raises
    ------
    InputError
        Not square, non-positive entries, diagonal ≠ 1, or not reciprocal.
    MethodError
        CR > 0.1 and ``force`` is False; order above 15 (no RI tabulated).

    Notes
    -----
    :math:`A w = \lambda_{max} w` (principal right eigenvector, normalised to sum 1);
    :math:`CI = (\lambda_{max} - n)/(n - 1)`; :math:`CR = CI / RI_n` with Saaty's RI
    (n = 3…15: 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59);
    for n ≤ 2 every reciprocal matrix is consistent and CR = 0.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York, ch. 1–2.
    Saaty, T. L. (1990). How to make a decision: the analytic hierarchy process. *European Journal
    of Operational Research* 48(1), 9–26.

    Examples
    --------
    >>> r = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]])
    >>> [round(v, 4) for v in r.weights], round(r.lambda_max, 6), round(r.CR, 6)
    ([0.5714, 0.2857, 0.1429], 3.0, 0.0)

    A consistent matrix: w = (4, 2, 1)/7 and λmax = n = 3.
    """
    if isinstance(pairwise, pd.DataFrame):
        idx = list(pairwise.index) if labels is None else list(labels)
        M = pairwise.to_numpy()
    else:
        try:
            M = np.asarray(pairwise, dtype="float64")
        except (TypeError, ValueError):
            raise InputError.at("pairwise matrix must be numeric", column="pairwise") from None
        idx = list(range(M.shape[0])) if labels is None else list(labels)
    M = np.asarray(M, dtype="float64")
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise InputError.at(
            "pairwise matrix must be square", column="pairwise", value=M.shape, expected="n x n"
        )
    n = M.shape[0]
    if len(idx) != n:
        raise InputError.at(
            "labels do not match the matrix order", column="labels", value=len(idx), expected=str(n)
        )
    if not np.isfinite(M).all() or (M <= 0).any():
        raise InputError.at(
            "pairwise entries must be positive numbers", column="pairwise", expected="Saaty scale 1/9 … 9"
        )
    if not np.allclose(np.diag(M), 1.0, rtol=0, atol=tol):
        raise InputError.at("pairwise diagonal must be 1", column="pairwise", value=np.diag(M).tolist())
    if not np.allclose(M * M.T, 1.0, rtol=0, atol=max(tol, 1e-3)):
        i, j = np.argwhere(~np.isclose(M * M.T, 1.0, rtol=0, atol=max(tol, 1e-3)))[0]
        raise InputError.at(
            f"pairwise matrix is not reciprocal at ({idx[i]}, {idx[j]})",
            column="pairwise",
            value=(float(M[i, j]), float(M[j, i])),
            expected="a_ji = 1 / a_ij",
        )
    if n > 15:
        raise MethodError(
            f"AHP with {n} elements: Saaty's random index is tabulated only up to n = 15; "
            "split the criteria into a hierarchy"
        )
    vals, vecs = np.linalg.eig(M)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    CI = (lam - n) / (n - 1) if n > 2 else 0.0
    CI = max(CI, 0.0) if abs(CI) < 1e-12 else CI
    RI = SAATY_RI[n]
    CR = CI / RI if RI > 0 else 0.0
    consistent = CR <= 0.1
    if not consistent and not force:
        raise MethodError(
            f"AHP pairwise matrix is inconsistent: CR = {CR:.4f} > 0.1 "
            f"(lambda_max = {lam:.4f}, CI = {CI:.4f}, RI = {RI}); "
            "revise the judgements or pass force=True"
        )
    P = pd.DataFrame(M, index=idx, columns=idx)
    readonly(P)
    return AHPResult(
        weights=_series(w, pd.Index(idx)),
        method="ahp",
        lineage=Lineage.make("macro.ahp_weights", {"n": n, "force": force, "CR": CR}),
        pairwise=P,
        lambda_max=lam,
        CI=float(CI),
        RI=float(RI),
        CR=float(CR),
        consistent=bool(consistent),
        forced=bool(force and not consistent),
    )


def _as_weights(w: Any, what: str) -> pd.Series:
    if isinstance(w, WeightsResult):
        w = w.weights
    if isinstance(w, Mapping):
        w = pd.Series(dict(w), dtype="float64")
    if not isinstance(w, pd.Series):
        w = pd.Series(np.asarray(w, dtype="float64"))
    w = w.astype("float64")
    if w.isna().any() or (w < 0).any() or not np.isfinite(w).all():
        raise InputError.at(f"{what} weights must be finite and non-negative", column=what, value=w.tolist())
    if w.sum() <= 0:
        raise InputError.at(f"{what} weights sum to 0", column=what)
    return w / w.sum()


def combined_weights(
    subjective: Any, objective: Any, *, alpha: float = 0.5, rule: str = "linear"
) -> CombinedWeights:
    r"""Combine a subjective (e.g. AHP) and an objective (e.g. entropy) weight set.

    Parameters
    ----------
    subjective, objective : Series, mapping, WeightsResult or array
        Weight sets over the same indicators (each is rescaled to sum 1 first).
    alpha : float in [0, 1], default 0.5
        Share of the subjective set under ``rule="linear"``.
    rule : {"linear", "multiplicative"}

    Returns
    -------
    CombinedWeights

    Raises
    ------
    InputError
        Different indicator sets, negative weights, alpha outside [0, 1], unknown rule.
    MethodError
        Multiplicative rule with no indicator weighted by both sets.

    Notes
    -----
    Linear: :math:`w_j = \alpha w^s_j + (1 - \alpha) w^o_j`.
    Multiplicative: :math:`w_j = w^s_j w^o_j / \sum_k w^s_k w^o_k`.

    References
    ----------
    Ma, J., Fan, Z.-P., Huang, L.-H. (1999). A subjective and objective integrated approach to
    determine attribute weights. *European Journal of Operational Research* 112(2), 397–404.

    Examples
    --------
    >>> [round(v, 4) for v in combined_weights([0.6, 0.4], [0.2, 0.8], alpha=0.5).weights]
    [0.4, 0.6]
    >>> [round(v, 4) for v in combined_weights([0.6, 0.4], [0.2, 0.8], rule="multiplicative").weights]
    [0.2727, 0.7273]

    0.6·0.2 = 0.12 and 0.4·0.8 = 0.32; 0.12/0.44 = 0.2727.
    """
    if rule not in ("linear", "multiplicative"):
        raise InputError.at(
            "unknown combination rule", column="rule", value=rule, expected="'linear' or 'multiplicative'"
        )
    alpha = as_number(alpha, "alpha")
    if not 0.0 <= alpha <= 1.0:
        raise InputError.at("alpha must lie in [0, 1]", column="alpha", value=alpha)
    ws, wo = _as_weights(subjective, "subjective"), _as_weights(objective, "objective")
    if set(ws.index) != set(wo.index) or len(ws) != len(wo):
        raise InputError.at(
            "subjective and objective weights cover different indicators",
            column="weights",
            value=sorted(map(str, set(ws.index) ^ set(wo.index))),
            expected="the same codes",
        )
    wo = wo.reindex(ws.index)
    if rule == "linear":
        w = alpha * ws + (1.0 - alpha) * wo
    else:
        prod = ws * wo
        if prod.sum() <= 0:
            raise MethodError("multiplicative combination: no indicator has positive weight in both sets")
        w = prod / prod.sum()
    w.index.name = "indicator"
    return CombinedWeights(
        weights=_series(w.to_numpy(), ws.index),
        method=f"combined-{rule}",
        lineage=Lineage.make("macro.combined_weights", {"alpha": alpha, "rule": rule}),
        subjective=readonly(ws.rename("subjective")),
        objective=readonly(wo.rename("objective")),
        alpha=alpha,
        rule=rule,
    )


def objective_weights(X: pd.DataFrame, method: str, *, raw: pd.DataFrame | None = None) -> WeightsResult:
    """Dispatch to an objective method by name (``raw`` data are used for ``cv``)."""
    if method == "equal":
        return equal_weights(X)
    if method == "entropy":
        return entropy_weights(X)
    if method == "critic":
        return critic_weights(X)
    if method == "cv":
        return cv_weights(X if raw is None else raw)
    if method == "pca":
        return pca_weights(X)
    raise InputError.at(
        "unknown weighting method",
        column="weighting",
        value=method,
        expected=" / ".join(WEIGHTINGS) + ", or explicit weights",
    )
