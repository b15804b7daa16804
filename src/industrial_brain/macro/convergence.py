"""σ-convergence and β-convergence of a regional panel.

σ-convergence: the dispersion of ``y`` across regions falls over time. Reported per year: the
coefficient of variation ``CV_t = σ_t / μ_t`` and the standard deviation of ``ln y``; the trend is
the OLS slope of each on the year.

Absolute β-convergence (Barro & Sala-i-Martin 1992)::

    g_i = (1/T) ln(y_{i,T} / y_{i,0}) = α + β ln y_{i,0} (+ γ' X_i) + ε_i

``β < 0`` means poorer regions grow faster. Implied speed ``λ = −ln(1 + β T) / T`` and
half-life ``ln 2 / λ``. Conditional β-convergence adds controls ``X_i``.

Panel β-convergence with fixed effects::

    ln(y_{i,t+1} / y_{i,t}) = β ln y_{i,t} + μ_i (+ η_t) + ε_{i,t}

estimated by the within transformation, with standard errors clustered by region
(Stata's ``xtreg, fe vce(cluster id)`` small-sample factor ``G/(G−1) · (N−1)/(N−K)``, K counting
the slope(s) only as Stata does for within estimates). Speed ``λ = −ln(1 + β)`` per period.

Cross-section OLS is solved with ``numpy.linalg.lstsq``. The panel regression runs through
linearmodels' ``PanelOLS`` (entity effects, ``cov_type="clustered"``, ``debiased=True,
group_debias=True``) by default, which also takes controls (conditional convergence); a
dependency-free within estimator (``backend="numpy"``, one regressor) gives the same one-way
estimate and clustered standard error (tested), and its two-way version equals the LSDV cluster
sandwich (linearmodels' two-way clustered errors differ slightly, definitional).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import numeric_array, require_finite

__all__ = [
    "SigmaConvergenceResult",
    "BetaConvergenceResult",
    "sigma_convergence",
    "beta_convergence",
    "beta_convergence_panel",
]


def _panel(panel: Any, positive: bool = True) -> pd.DataFrame:
    """Regions × years frame of positive, complete values."""
    message = "panel must be numeric (regions × years)"
    if not isinstance(panel, pd.DataFrame):
        panel = pd.DataFrame(numeric_array(panel, "panel", message))
    A = numeric_array(panel, "panel", message)
    if A.ndim != 2 or A.shape[0] < 2 or A.shape[1] < 2:
        raise InputError.at(
            "panel needs at least two regions and two years",
            column="panel",
            value=A.shape,
            expected="a regions × years table",
        )
    require_finite(
        panel,
        A,
        "missing value ({count} cell(s)); the panel must be balanced",
        "every region observed in every year (drop the region or impute first)",
    )
    if positive and (A <= 0).any():
        r, c = np.argwhere(A <= 0)[0]
        raise InputError.at(
            "non-positive value under a logarithm",
            column=str(panel.columns[c]),
            value=f"{panel.index[r]!s}: {A[r, c]}",
            expected="values > 0",
        )
    return pd.DataFrame(A, index=panel.index, columns=panel.columns)


def _ols(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Coefficients, classical covariance, residuals and R² of y on X (X includes any constant)."""
    n, k = X.shape
    if n <= k:
        raise MethodError(f"OLS needs more observations ({n}) than coefficients ({k})")
    beta, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    if rank < k:
        raise MethodError("regressors are collinear (rank-deficient design matrix)")
    e = y - X @ beta
    s2 = e @ e / (n - k)
    cov = s2 * np.linalg.inv(X.T @ X)
    tss = ((y - y.mean()) ** 2).sum()
    r2 = 1.0 - (e @ e) / tss if tss > 0 else 0.0
    return beta, cov, e, float(r2)


@dataclass(frozen=True)
class SigmaConvergenceResult(ResultMixin):
    """σ-convergence: dispersion per year and its trend.

    Attributes
    ----------
    by_year : pandas.DataFrame
        Per year: ``mean``, ``std``, ``CV``, ``sd_log``.
    slope_CV, slope_sd_log : float
        OLS slope of ``CV`` and ``sd_log`` on the year (negative: σ-convergence).
    p_CV, p_sd_log : float
        Two-sided p-values of those slopes.
    """

    by_year: pd.DataFrame
    slope_CV: float
    p_CV: float
    slope_sd_log: float
    p_sd_log: float
    ddof: int
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.sigma_convergence"))

    title_en = "σ-convergence"
    title_zh = "σ收敛"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The per-year dispersion table (:attr:`by_year`)."""
        check_lang(lang)
        return self.by_year

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        return [
            ("CV 年均变化" if zh else "slope of CV per year", self.slope_CV),
            ("p", self.p_CV),
            ("对数标准差年均变化" if zh else "slope of sd(ln y) per year", self.slope_sd_log),
            ("p (sd log)", self.p_sd_log),
            (
                "结论" if zh else "verdict",
                ("σ收敛" if zh else "σ-convergence")
                if self.slope_CV < 0
                else ("无σ收敛" if zh else "no σ-convergence"),
            ),
        ]


def sigma_convergence(panel: Any, ddof: int = 0) -> SigmaConvergenceResult:
    """σ-convergence: coefficient of variation and standard deviation of logs per year.

    Parameters
    ----------
    panel : DataFrame, shape (regions, years)
        Positive values; columns are years (numeric labels are used as the time axis).
    ddof : int, default 0
        Delta degrees of freedom of the standard deviations.

    Returns
    -------
    SigmaConvergenceResult

    Notes
    -----
    ``CV_t = σ_t / μ_t``, ``sd_log_t = sd(ln y_{·,t})``; slopes by OLS on the year.

    References
    ----------
    Barro, R. J. & Sala-i-Martin, X. (1992). Convergence. *Journal of Political Economy* 100(2),
    223–251 (σ- vs β-convergence).

    Examples
    --------
    Year 1: (1, 3), CV = 1/2; year 2: (2, 3), CV = 0.5/2.5 = 0.2 — dispersion falls:

    >>> r = sigma_convergence(pd.DataFrame({2000: [1.0, 3.0], 2001: [2.0, 3.0]}))
    >>> r.by_year["CV"].round(4).tolist(), r.slope_CV < 0
    ([0.5, 0.2], True)
    """
    df = _panel(panel)
    A = df.to_numpy()
    mean = A.mean(axis=0)
    std = A.std(axis=0, ddof=ddof)
    sdlog = np.log(A).std(axis=0, ddof=ddof)
    by = pd.DataFrame({"mean": mean, "std": std, "CV": std / mean, "sd_log": sdlog}, index=df.columns)
    by.index.name = "year"
    try:
        t = np.asarray(df.columns, dtype=float)
    except (TypeError, ValueError):
        t = np.arange(df.shape[1], dtype=float)
    out = []
    for col in ("CV", "sd_log"):
        if len(t) > 2:
            lr = stats.linregress(t, by[col].to_numpy())
            out += [float(lr.slope), float(lr.pvalue)]
        else:
            out += [float((by[col].iloc[-1] - by[col].iloc[0]) / (t[-1] - t[0])), 1.0]
    return SigmaConvergenceResult(
        by_year=by,
        slope_CV=out[0],
        p_CV=out[1],
        slope_sd_log=out[2],
        p_sd_log=out[3],
        ddof=ddof,
        lineage=Lineage.make("macro.sigma_convergence", {"ddof": ddof, "years": len(t)}),
    )


@dataclass(frozen=True)
class BetaConvergenceResult(ResultMixin):
    """β-convergence regression.

    Attributes
    ----------
    params, std_errors, tstats, pvalues : pandas.Series
        Coefficients (``const``, ``beta`` = coefficient of log initial level, controls).
    beta : float
    speed : float
        Implied convergence speed λ per period (negative when β > 0: divergence).
    half_life : float or None
        ``ln 2 / λ`` in periods; ``None`` when there is no convergence (β ≥ 0).
    r2 : float
    nobs : int
    kind : str
        ``"absolute"``, ``"conditional"`` or ``"panel-fe"``.
    cov_type : str
    """

    params: pd.Series
    std_errors: pd.Series
    tstats: pd.Series
    pvalues: pd.Series
    beta: float
    speed: float
    half_life: float | None
    r2: float
    nobs: int
    kind: str
    cov_type: str
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.beta_convergence"))

    title_en = "β-convergence"
    title_zh = "β收敛"

    @property
    def converging(self) -> bool:
        """``β < 0``: regions starting lower grow faster (β-convergence)."""
        return self.beta < 0

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Coefficient table: estimate, standard error, t and p per parameter."""
        check_lang(lang)
        df = pd.DataFrame(
            {"param": self.params, "std_error": self.std_errors, "t": self.tstats, "p": self.pvalues}
        )
        if lang == "zh":
            df.columns = ["系数", "标准误", "t值", "p值"]
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        return [
            ("类型" if zh else "kind", self.kind),
            ("β", self.beta),
            ("收敛速度 λ" if zh else "speed λ", self.speed),
            ("半衰期" if zh else "half-life", "—" if self.half_life is None else self.half_life),
            ("R²", self.r2),
            ("观测数" if zh else "observations", self.nobs),
            ("标准误" if zh else "standard errors", self.cov_type),
        ]


def _result(names, beta, cov, r2, nobs, dof, kind, cov_type, speed, params) -> BetaConvergenceResult:
    se = np.sqrt(np.diag(cov))
    t = beta / se
    p = 2 * stats.t.sf(np.abs(t), dof)
    b = float(beta[names.index("beta")])
    half = float(np.log(2) / speed) if speed > 0 else None
    return BetaConvergenceResult(
        params=pd.Series(beta, index=names),
        std_errors=pd.Series(se, index=names),
        tstats=pd.Series(t, index=names),
        pvalues=pd.Series(p, index=names),
        beta=b,
        speed=float(speed),
        half_life=half,
        r2=r2,
        nobs=int(nobs),
        kind=kind,
        cov_type=cov_type,
        lineage=Lineage.make("macro.beta_convergence", params),
    )


def beta_convergence(y0: Any, yT: Any, T: float, controls: Any = None) -> BetaConvergenceResult:
    """Absolute (or, with controls, conditional) cross-section β-convergence.

    Parameters
    ----------
    y0, yT : array_like or Series, shape (n,)
        Initial and final levels (positive).
    T : float
        Length of the period in years (> 0).
    controls : DataFrame or array_like, shape (n, k), optional
        Conditioning variables ``X_i`` (conditional β-convergence).

    Returns
    -------
    BetaConvergenceResult

    Notes
    -----
    OLS of ``g = ln(yT/y0)/T`` on a constant and ``ln y0`` (and controls), classical standard
    errors; ``λ = −ln(1 + βT)/T`` (``βT <= −1`` gives no finite λ: MethodError), half-life ``ln 2/λ``.

    References
    ----------
    Barro, R. J. & Sala-i-Martin, X. (1992). Convergence. *Journal of Political Economy* 100(2),
    223–251.

    Examples
    --------
    Three regions with y0 = (1, e, e²) and growth g = (0.2, 0.1, 0.0) over T = 1: the fit is exact,
    β = −0.1, λ = −ln(0.9) = 0.10536, half-life = ln 2 / λ = 6.579:

    >>> import math
    >>> y0 = [1, math.e, math.e ** 2]
    >>> yT = [math.exp(0.2), math.e * math.exp(0.1), math.e ** 2]
    >>> r = beta_convergence(y0, yT, T=1)
    >>> round(r.beta, 6), round(r.speed, 5), round(r.half_life, 3)
    (-0.1, 0.10536, 6.579)
    """
    a0 = _panel(
        pd.DataFrame({"y0": np.asarray(y0, dtype=float).ravel(), "yT": np.asarray(yT, dtype=float).ravel()})
    )
    if not (isinstance(T, (int, float)) and T > 0):
        raise InputError.at("period length T must be positive", column="T", value=T)
    g = np.log(a0["yT"].to_numpy() / a0["y0"].to_numpy()) / T
    X = [np.ones(len(g)), np.log(a0["y0"].to_numpy())]
    names = ["const", "beta"]
    if controls is not None:
        C = (
            controls
            if isinstance(controls, pd.DataFrame)
            else pd.DataFrame(np.asarray(controls, dtype=float))
        )
        if C.shape[0] != len(g) or not np.all(np.isfinite(C.to_numpy(dtype=float))):
            raise InputError.at(
                "controls must have one complete row per region", column="controls", value=C.shape
            )
        X += [C[c].to_numpy(dtype=float) for c in C.columns]
        names += [str(c) for c in C.columns]
    Xm = np.column_stack(X)
    b, cov, _, r2 = _ols(g, Xm)
    beta = b[1]
    if 1 + beta * T <= 0:
        raise MethodError(f"β·T = {beta * T:.3f} <= −1: the implied convergence speed is not finite")
    speed = -np.log(1 + beta * T) / T
    return _result(
        names,
        b,
        cov,
        r2,
        len(g),
        len(g) - Xm.shape[1],
        "conditional" if controls is not None else "absolute",
        "classical",
        speed,
        {"T": T, "controls": names[2:]},
    )


def beta_convergence_panel(
    panel: Any, time_effects: bool = False, controls: Any = None, backend: str = "linearmodels"
) -> BetaConvergenceResult:
    """Panel β-convergence with region fixed effects and region-clustered standard errors.

    Parameters
    ----------
    panel : DataFrame, shape (regions, years)
        Positive, balanced; consecutive columns are consecutive periods.
    time_effects : bool, default False
        Add year fixed effects (two-way within transformation on a balanced panel).
    controls : mapping of name → DataFrame (regions × years), optional
        Conditioning variables ``X_{i,t}`` (conditional β-convergence), each aligned with ``panel``;
        the value at ``t`` enters the growth equation from ``t`` to ``t + 1``. Needs
        ``backend="linearmodels"``.
    backend : {"linearmodels", "numpy"}, default "linearmodels"
        ``"linearmodels"``: ``linearmodels.panel.PanelOLS`` (entity effects, optional time effects,
        ``cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True``) — the
        maintained estimator; ``"numpy"``: the same one-regressor within estimator written out here
        (no dependency; kept as a cross-check, tested equal for one-way effects).

    Returns
    -------
    BetaConvergenceResult

    Raises
    ------
    InputError
        Unbalanced or non-positive panel, fewer than three years, misaligned controls, unknown backend.
    MethodError
        linearmodels not installed, no within variation, ``β <= −1``.

    Notes
    -----
    ``ln(y_{i,t+1}/y_{i,t}) = β ln y_{i,t} (+ γ' X_{i,t}) + μ_i (+ η_t) + ε_{i,t}`` by the within
    estimator; cluster-robust covariance ``c (X̃'X̃)⁻¹ (Σ_g X̃_g' e_g e_g' X̃_g) (X̃'X̃)⁻¹`` with
    ``c = G/(G−1) · (N−1)/(N−K)``; ``λ = −ln(1 + β)`` per period. With time effects linearmodels'
    small-sample factor differs slightly from the LSDV sandwich of the numpy backend (definitional).

    References
    ----------
    Islam, N. (1995). Growth empirics: a panel data approach. *Quarterly Journal of Economics*
    110(4), 1127–1170. Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to
    cluster-robust inference. *Journal of Human Resources* 50(2), 317–372, §II.C.

    Examples
    --------
    Two regions, each growing with ln y_{t+1} − ln y_t = −0.5 (ln y_t − a_i): β = −0.5 exactly.

    >>> import numpy as np
    >>> ly = np.array([[0.0, 0.5, 0.75, 0.875], [4.0, 3.0, 2.5, 2.25]])  # a = (1, 2)
    >>> round(beta_convergence_panel(pd.DataFrame(np.exp(ly)), backend="numpy").beta, 6)
    -0.5
    """
    if backend not in ("linearmodels", "numpy"):
        raise InputError.at(
            "unknown estimation backend",
            column="backend",
            value=backend,
            expected="'linearmodels' or 'numpy'",
        )
    df = _panel(panel)
    L = np.log(df.to_numpy())
    G, Tn = L.shape
    if Tn < 3:
        raise InputError.at("panel β-convergence needs at least three years", column="panel", value=Tn)
    if controls is not None and backend != "linearmodels":
        raise InputError.at(
            "controls (conditional panel β-convergence) need backend='linearmodels'",
            column="backend",
            value=backend,
        )
    if backend == "linearmodels":
        return _panel_linearmodels(df, L, time_effects, controls)
    g = L[:, 1:] - L[:, :-1]
    x = L[:, :-1]

    def within(a: np.ndarray) -> np.ndarray:
        a = a - a.mean(axis=1, keepdims=True)
        if time_effects:
            a = a - a.mean(axis=0, keepdims=True)
        return a

    gy, gx = within(g), within(x)
    Xt = gx.reshape(-1, 1)
    yt = gy.ravel()
    N = yt.size
    XtX = float(Xt[:, 0] @ Xt[:, 0])
    if XtX <= 0:
        raise MethodError("no within-region variation in ln y: β is not identified")
    beta = float(Xt[:, 0] @ yt) / XtX
    e = (yt - beta * Xt[:, 0]).reshape(G, Tn - 1)
    score = (gx * e).sum(axis=1)  # per cluster X_g' e_g
    K = 1
    c = G / (G - 1) * (N - 1) / (N - K)
    var = c * (score @ score) / XtX**2
    tss = (yt**2).sum()
    r2 = 1.0 - (e.ravel() @ e.ravel()) / tss if tss > 0 else 0.0
    if 1 + beta <= 0:
        raise MethodError(f"β = {beta:.3f} <= −1: the implied convergence speed is not finite")
    speed = -np.log(1 + beta)
    res = _result(
        ["beta"],
        np.array([beta]),
        np.array([[var]]),
        float(r2),
        N,
        G - 1,
        "panel-fe",
        "clustered (region)",
        speed,
        {"time_effects": time_effects, "regions": G, "years": Tn, "backend": "numpy"},
    )
    return res


def _panel_linearmodels(
    df: pd.DataFrame, L: np.ndarray, time_effects: bool, controls: Any
) -> BetaConvergenceResult:
    try:
        from linearmodels.panel import PanelOLS
    except ImportError:  # pragma: no cover - linearmodels is a dependency of the panel path
        raise MethodError(
            "panel β-convergence needs the 'linearmodels' package "
            "(pip install linearmodels), or backend='numpy' without controls"
        ) from None
    G, Tn = L.shape
    regions = list(range(G))
    periods = list(range(Tn - 1))
    idx = pd.MultiIndex.from_product([regions, periods], names=["region", "period"])
    data = pd.DataFrame({"growth": (L[:, 1:] - L[:, :-1]).ravel(), "beta": L[:, :-1].ravel()}, index=idx)
    names = ["beta"]
    if controls is not None:
        if not isinstance(controls, Mapping) or not controls:
            raise InputError.at(
                "controls must map names to regions × years frames",
                column="controls",
                value=type(controls).__name__,
            )
        for name, C in controls.items():
            Cf = C if isinstance(C, pd.DataFrame) else pd.DataFrame(np.asarray(C, dtype=float))
            if Cf.shape != df.shape:
                raise InputError.at(
                    "control has another shape than the panel",
                    column=str(name),
                    value=Cf.shape,
                    expected=f"{df.shape} (regions × years)",
                )
            aligned = Cf.index.equals(df.index) and Cf.columns.equals(df.columns)
            if isinstance(C, pd.DataFrame) and not aligned:
                Cf = Cf.reindex(index=df.index, columns=df.columns)
            A = Cf.to_numpy(dtype=float)
            if not np.isfinite(A).all():
                r, c = np.argwhere(~np.isfinite(A))[0]
                raise InputError.at(
                    "missing control value",
                    column=str(name),
                    value=f"{df.index[r]!s}, {df.columns[c]!s}",
                    expected="a complete panel",
                )
            key = str(name)
            if key in data.columns:
                raise InputError.at("control name clashes with a model term", column=key)
            data[key] = A[:, :-1].ravel()
            names.append(key)
    if float(np.var(data["beta"].to_numpy().reshape(G, Tn - 1), axis=1).sum()) <= 0:
        raise MethodError("no within-region variation in ln y: β is not identified")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = PanelOLS(data["growth"], data[names], entity_effects=True, time_effects=bool(time_effects)).fit(
            cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True
        )
    beta = float(fit.params["beta"])
    if 1 + beta <= 0:
        raise MethodError(f"β = {beta:.3f} <= −1: the implied convergence speed is not finite")
    speed = -np.log(1 + beta)
    cov = fit.cov.loc[names, names].to_numpy()
    res = _result(
        names,
        fit.params[names].to_numpy(dtype=float),
        cov,
        float(fit.rsquared_within),
        int(fit.nobs),
        G - 1,
        "panel-fe" if controls is None else "panel-fe-conditional",
        "clustered (region)",
        speed,
        {
            "time_effects": bool(time_effects),
            "regions": G,
            "years": Tn,
            "controls": names[1:],
            "backend": "linearmodels",
        },
    )
    return res
