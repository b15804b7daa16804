"""Nowcasts and forecasts of annual series with prediction intervals (statsmodels ETS and ARIMA),
and their rolling-origin backtest with the mean absolute scaled error (MASE).

Models (on the log of a positive series, so that growth is linear and intervals stay positive;
on the level otherwise):

* **ETS** — exponential smoothing in state-space form with additive errors
  (:class:`statsmodels.tsa.exponential_smoothing.ets.ETSModel`): ETS(A,A,N) (Holt's linear trend) and
  ETS(A,Ad,N) (damped trend, Gardner & McKenzie 1985); the lower AICc wins.
* **ARIMA** — (0,1,0), (1,1,0) and (0,1,1) on the first difference with drift
  (:class:`statsmodels.tsa.arima.model.ARIMA`, ``trend="t"``); the lower AICc wins.

``method="auto"`` chooses between the two families' winners by their in-sample one-step MASE
(the absolute one-step errors after the first two years, scaled by the naive method's): AICc is
comparable within a family but not between ETS and a differenced ARIMA, whose likelihoods are of
different data (Hyndman & Athanasopoulos 2021, §9.10). ``method="ets"`` or ``"arima"`` fixes the
family. Intervals are those of the chosen model (exact for these linear models), back-transformed
from the log scale (the point forecast is then the median).

**Backtest** (:func:`backtest`): for each origin T the model is fitted to the years up to T and
forecasts T+1 … T+h; the error at horizon h is scaled by the in-sample mean absolute one-step
change of the training years, q = |y_{T+h} − ŷ_{T+h}| / mean_t |y_t − y_{t−1}|, and MASE is the
mean of q (Hyndman & Koehler 2006). The naive forecast (ŷ = y_T) is reported beside the models as
the benchmark a model has to beat (MASE < its MASE).

Why a thin layer over statsmodels and not a forecasting framework (sktime, statsforecast,
darts): statsmodels is already a dependency (via linearmodels), its ETS and ARIMA give exact
prediction intervals, and for a few hundred annual series of 10–35 years five candidate models need
no framework.

References
----------
Hyndman, R. J., & Koehler, A. B. (2006). Another look at measures of forecast accuracy.
*International Journal of Forecasting* 22(4), 679–688.
Hyndman, R. J., & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*, 3rd ed.,
OTexts, §5.10 (time-series cross-validation), §8.5 (ETS), §9.10 (ARIMA vs ETS).
Gardner, E. S., & McKenzie, E. (1985). Forecasting trends in time series. *Management Science*
31(10), 1237–1246.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage

__all__ = [
    "METHODS",
    "Forecast",
    "BacktestResult",
    "forecast",
    "backtest",
    "mase",
]

#: Forecast methods: a family's AICc winner, or the family chosen by in-sample MASE.
METHODS: tuple[str, ...] = ("auto", "ets", "arima")
_ETS = (("A,A,N", False), ("A,Ad,N", True))
_ARIMA = ((0, 1, 0), (1, 1, 0), (0, 1, 1))
MIN_OBS = 6


@dataclass(frozen=True)
class _Fit:
    family: str
    name: str
    aicc: float
    fitted: np.ndarray  # one-step in-sample predictions on the model scale
    mean: np.ndarray  # (h,) on the model scale
    lower: np.ndarray
    upper: np.ndarray


@dataclass(frozen=True)
class Forecast(ResultMixin):
    """A series' forecast: the chosen model, point forecasts and a prediction interval.

    Attributes
    ----------
    method : str
        The model, e.g. ``"ETS(A,Ad,N)"`` or ``"ARIMA(0,1,1)+drift"``.
    family : str
        ``"ets"`` or ``"arima"``.
    years : ndarray of int
        The forecast years (last observed year + 1 … + horizon).
    point, lower, upper : ndarray
        Point forecast and the bounds of the ``level`` prediction interval (original units).
    level : float
        Coverage of the interval (0.8: 10 % below the lower bound, 10 % above the upper).
    log : bool
        Whether the model was fitted to the log of the series.
    criterion : Mapping
        AICc of every candidate and the in-sample one-step MASE of each family's winner.
    last_year, last_value
        The last observation the forecast starts from.
    """

    method: str
    family: str
    years: np.ndarray
    point: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float
    log: bool
    criterion: Mapping[str, float]
    last_year: int
    last_value: float
    lineage: Lineage
    notes: tuple[str, ...] = field(default_factory=tuple)

    title_en = "Forecast"
    title_zh = "预测"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per forecast year: ``point``, ``lower``, ``upper``."""
        df = pd.DataFrame(
            {"point": self.point, "lower": self.lower, "upper": self.upper},
            index=pd.Index(self.years, name="year"),
        )
        if lang == "zh":
            df.columns = ["点预测", "下限", "上限"]
            df.index.name = "年份"
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("模型" if zh else "model", self.method)
        yield ("区间水平" if zh else "interval level", f"{self.level:.0%}")
        yield ("最后观测" if zh else "last observation", f"{self.last_year}: {self.last_value:,.4g}")
        yield (
            "对数变换" if zh else "log scale",
            ("是" if self.log else "否") if zh else ("yes" if self.log else "no"),
        )

    def evidence(self) -> dict[str, Any]:
        """The forecast as plain data (for an alert's evidence)."""
        return {
            "method": self.method,
            "level": self.level,
            "log": self.log,
            "last_year": self.last_year,
            "last_value": self.last_value,
            "forecast": [
                {"year": int(y), "point": float(p), "lower": float(lo), "upper": float(hi)}
                for y, p, lo, hi in zip(self.years, self.point, self.lower, self.upper)
            ],
        }


def _series(y: Any, years: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Values and years of a series (a Series indexed by year, or values and years)."""
    if years is None:
        if isinstance(y, pd.Series):
            years = y.index.to_numpy()
        else:
            years = np.arange(len(np.asarray(y)))
    v = np.asarray(y, dtype="float64").ravel()
    yr = np.asarray(years).astype("int64").ravel()
    if v.size != yr.size:
        raise InputError.at(
            "values and years differ in length", column="years", value=yr.size, expected=f"{v.size} years"
        )
    if v.size and (np.any(np.diff(yr) != 1)):
        raise InputError.at(
            "years must be consecutive",
            column="years",
            value=yr.tolist()[:6],
            expected="one value per year, no gaps",
        )
    if not np.all(np.isfinite(v)):
        raise InputError.at(
            "series has missing values",
            column="value",
            expected="finite values (pass the trailing run of observed years)",
        )
    if v.size < MIN_OBS:
        raise MethodError(f"a forecast needs at least {MIN_OBS} consecutive years (found {v.size})")
    return v, yr


def _ets_fit(z: np.ndarray, h: int, alpha: float) -> list[_Fit]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    out = []
    for name, damped in _ETS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ETSModel(pd.Series(z), error="add", trend="add", damped_trend=damped).fit(disp=False)
            pred = res.get_prediction(start=len(z), end=len(z) + h - 1).summary_frame(alpha=alpha)
        out.append(
            _Fit(
                "ets",
                f"ETS({name})",
                float(res.aicc),
                np.asarray(res.fittedvalues, dtype=float),
                pred["mean"].to_numpy(float),
                pred["pi_lower"].to_numpy(float),
                pred["pi_upper"].to_numpy(float),
            )
        )
    return out


def _arima_fit(z: np.ndarray, h: int, alpha: float) -> list[_Fit]:
    from statsmodels.tsa.arima.model import ARIMA

    out = []
    for order in _ARIMA:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ARIMA(z, order=order, trend="t").fit()
            fc = res.get_forecast(h)
            ci = np.asarray(fc.conf_int(alpha=alpha), dtype=float)
        out.append(
            _Fit(
                "arima",
                f"ARIMA{order}+drift".replace(" ", ""),
                float(res.aicc),
                np.asarray(res.fittedvalues, dtype=float),
                np.asarray(fc.predicted_mean, dtype=float),
                ci[:, 0],
                ci[:, 1],
            )
        )
    return out


def _insample_mase(z: np.ndarray, fitted: np.ndarray) -> float:
    """Mean absolute one-step in-sample error after the first two years, scaled by the naive one's."""
    e = np.abs(z[2:] - fitted[2:])
    scale = np.mean(np.abs(np.diff(z[1:])))
    return float(np.mean(e) / scale) if scale > 0 else float("inf")


def _best(fits: list[_Fit]) -> _Fit:
    ok = [f for f in fits if np.isfinite(f.aicc) and np.all(np.isfinite(f.mean))]
    if not ok:
        raise MethodError(f"no {fits[0].family.upper()} model could be fitted to the series")
    return min(ok, key=lambda f: f.aicc)


def _fit_families(v: np.ndarray, h: int, level: float, log: bool, families: Sequence[str]) -> dict:
    z = np.log(v) if log else v
    alpha = 1.0 - level
    winners: dict[str, _Fit] = {}
    crit: dict[str, float] = {}
    for fam in families:
        # the state-space filters multiply tiny matrices: threaded BLAS only adds contention
        with threadpool_limits(limits=1, user_api="blas"):
            fits = _ets_fit(z, h, alpha) if fam == "ets" else _arima_fit(z, h, alpha)
        crit.update({f"aicc {f.name}": f.aicc for f in fits})
        try:
            winners[fam] = _best(fits)
        except MethodError:
            continue
        crit[f"insample_mase {fam}"] = _insample_mase(z, winners[fam].fitted)
    return {"z": z, "winners": winners, "criterion": crit}


def _choose(winners: Mapping[str, _Fit], criterion: Mapping[str, float], method: str) -> _Fit:
    if method != "auto":
        if method not in winners:
            raise MethodError(f"no {method.upper()} model could be fitted to the series")
        return winners[method]
    if not winners:
        raise MethodError("neither an ETS nor an ARIMA model could be fitted to the series")
    return min(winners.values(), key=lambda f: (criterion[f"insample_mase {f.family}"], f.family != "ets"))


def _check(horizon: int, level: float, method: str) -> None:
    if not isinstance(horizon, int) or isinstance(horizon, bool) or not 1 <= horizon <= 20:
        raise InputError.at("horizon must be an integer from 1 to 20", column="horizon", value=horizon)
    if not isinstance(level, (int, float)) or not 0 < level < 1:
        raise InputError.at("level must lie strictly between 0 and 1", column="level", value=level)
    if method not in METHODS:
        raise InputError.at(
            "unknown forecast method", column="method", value=method, expected=" | ".join(METHODS)
        )


def _use_log(v: np.ndarray, log: bool | str) -> bool:
    if log == "auto":
        return bool(np.all(v > 0))
    if log and not np.all(v > 0):
        raise InputError.at("log=True needs a positive series", column="value", value=float(v.min()))
    return bool(log)


def _make(
    fit: _Fit,
    crit: Mapping[str, float],
    v: np.ndarray,
    yr: np.ndarray,
    h: int,
    level: float,
    log: bool,
    params: Mapping[str, Any],
) -> Forecast:
    back = np.exp if log else (lambda a: a)
    return Forecast(
        method=fit.name,
        family=fit.family,
        years=readonly(np.arange(int(yr[-1]) + 1, int(yr[-1]) + 1 + h)),
        point=readonly(back(fit.mean)),
        lower=readonly(back(fit.lower)),
        upper=readonly(back(fit.upper)),
        level=float(level),
        log=log,
        criterion=dict(crit),
        last_year=int(yr[-1]),
        last_value=float(v[-1]),
        lineage=Lineage.make("monitor.forecast", dict(params)),
    )


def forecast(
    y: Any,
    years: Any = None,
    *,
    horizon: int = 3,
    level: float = 0.8,
    method: str = "auto",
    log: bool | str = "auto",
) -> Forecast:
    """Forecast an annual series ``horizon`` years ahead with a ``level`` prediction interval.

    Parameters
    ----------
    y : array_like or Series
        Consecutive annual values (a Series indexed by year, or values with ``years``).
    years : array_like of int, optional
    horizon : int
        Years ahead (1–20).
    level : float
        Coverage of the prediction interval (0.8).
    method : {"auto", "ets", "arima"}
        A family (its AICc winner) or ``"auto"``: the family whose winner has the lower in-sample
        one-step MASE (see the module notes).
    log : bool or "auto"
        Fit to ``log y`` ("auto": when every value is positive).

    Returns
    -------
    Forecast

    Raises
    ------
    MethodError
        Fewer than 6 years, or no model could be fitted.

    Notes
    -----
    ETS(A,Ad,N): :math:`\\ell_t = \\ell_{t-1} + \\phi b_{t-1} + \\alpha \\varepsilon_t`,
    :math:`b_t = \\phi b_{t-1} + \\beta \\varepsilon_t`, forecast
    :math:`\\ell_T + (\\phi + \\dots + \\phi^h) b_T`. ARIMA(p,1,q)+drift:
    :math:`(1 - \\phi L)(\\Delta z_t - \\mu) = (1 + \\theta L)\\varepsilon_t`.

    Examples
    --------
    A series growing 10 % a year with small noise continues to grow:

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> y = 100 * 1.1 ** np.arange(15) * np.exp(0.005 * rng.standard_normal(15))
    >>> fc = forecast(y, range(2008, 2023), horizon=2, method="ets")
    >>> fc.years.tolist(), bool(fc.point[0] > y[-1]), bool(fc.lower[0] < fc.point[0] < fc.upper[0])
    ([2023, 2024], True, True)
    """
    _check(horizon, level, method)
    v, yr = _series(y, years)
    lg = _use_log(v, log)
    fams = ("ets", "arima") if method == "auto" else (method,)
    res = _fit_families(v, horizon, level, lg, fams)
    fit = _choose(res["winners"], res["criterion"], method)
    return _make(
        fit,
        res["criterion"],
        v,
        yr,
        horizon,
        level,
        lg,
        {"horizon": horizon, "level": level, "method": method, "log": lg},
    )


# --------------------------------------------------------------------------------------------------
# backtest
def mase(actual: Any, predicted: Any, training: Any) -> float:
    """Mean absolute scaled error of forecasts from one origin (non-seasonal, Hyndman & Koehler 2006).

    :math:`\\mathrm{MASE} = \\operatorname{mean}_h |y_{T+h} - \\hat y_{T+h}| \\,/\\,
    \\tfrac{1}{T-1}\\sum_{t=2}^{T} |y_t - y_{t-1}|`.

    Examples
    --------
    Training 1, 2, 4 (mean absolute change 1.5); forecast 5 for an actual 7: 2 / 1.5:

    >>> round(mase([7.0], [5.0], [1.0, 2.0, 4.0]), 4)
    1.3333
    """
    tr = np.asarray(training, dtype=float)
    scale = np.mean(np.abs(np.diff(tr)))
    if not scale > 0:
        raise MethodError("MASE is undefined for a constant training series (no change to scale by)")
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))) / scale)


@dataclass(frozen=True)
class BacktestResult(ResultMixin):
    """Rolling-origin forecast errors of many series.

    Attributes
    ----------
    errors : DataFrame
        One row per series × origin × horizon × method: ``region_code, indicator_code, origin,
        h, method, actual, forecast, q`` (q the scaled absolute error).
    table : DataFrame
        MASE (mean q) by indicator, method and horizon, with the number of forecasts ``n``.
    """

    errors: pd.DataFrame
    table: pd.DataFrame
    lineage: Lineage
    notes: tuple[str, ...] = ()

    title_en = "Rolling-origin backtest (MASE)"
    title_zh = "滚动起点回测（MASE）"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.table

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("预测次数" if zh else "forecasts", int(len(self.errors)))
        for m, v in self.errors.groupby("method")["q"].mean().items():
            yield (f"MASE {m}", float(v))


def _long_series(panel: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    need = ("region_code", "indicator_code", "year", "value")
    missing = [c for c in need if c not in panel.columns]
    if missing:
        raise InputError.at("missing column", column=missing[0], expected="columns " + ", ".join(need))
    p = panel.dropna(subset=["value"])
    out = {}
    for (r, c), g in p.groupby(["region_code", "indicator_code"], sort=True):
        out[(str(r), str(c))] = pd.Series(
            g["value"].to_numpy(float), index=g["year"].to_numpy(int)
        ).sort_index()
    return out


def backtest(
    panel: pd.DataFrame,
    *,
    origins: Sequence[int],
    horizon: int = 3,
    level: float = 0.8,
    methods: Sequence[str] = ("naive", "ets", "arima", "auto"),
) -> BacktestResult:
    """Rolling-origin backtest of the forecasts of every series of a long panel.

    Parameters
    ----------
    panel : DataFrame
        ``region_code, indicator_code, year, value`` (drop values known to be wrong first).
    origins : sequence of int
        Last training years; from each, forecasts for origin + 1 … origin + ``horizon`` are
        compared with the observed values (where observed).
    horizon : int
    level : float
        Interval level (the point forecasts do not depend on it).
    methods : sequence of str
        Any of ``"naive"`` (ŷ = y_T) and :data:`METHODS`.

    Returns
    -------
    BacktestResult

    Notes
    -----
    The training window of an origin is the run of consecutive observed years ending at it; origins
    with fewer than 6 years, a constant training series or a failed fit are skipped and counted in
    the notes. ETS, ARIMA and "auto" share one set of fits per origin.
    """
    bad = [m for m in methods if m not in ("naive", *METHODS)]
    if bad:
        raise InputError.at(
            "unknown forecast method",
            column="methods",
            value=bad[0],
            expected="naive | " + " | ".join(METHODS),
        )
    _check(horizon, level, "auto")
    rows = []
    skipped = 0
    fams = tuple(f for f in ("ets", "arima") if f in methods or "auto" in methods)
    for (r, c), s in _long_series(panel).items():
        for T in origins:
            train = s[s.index <= T]
            if len(train) and train.index[-1] != T:
                continue
            idx = train.index.to_numpy()
            brk = np.flatnonzero(np.diff(idx) != 1)
            if brk.size:
                train = train.iloc[brk[-1] + 1 :]
            future = s[(s.index > T) & (s.index <= T + horizon)]
            if len(train) < MIN_OBS or future.empty:
                continue
            v = train.to_numpy(float)
            scale = np.mean(np.abs(np.diff(v)))
            if not scale > 0:
                skipped += 1
                continue
            preds: dict[str, np.ndarray] = {}
            if "naive" in methods:
                preds["naive"] = np.full(horizon, v[-1])
            if fams:
                try:
                    lg = _use_log(v, "auto")
                    res = _fit_families(v, horizon, level, lg, fams)
                    for m in methods:
                        if m in METHODS:
                            fit = _choose(res["winners"], res["criterion"], m)
                            preds[m] = np.exp(fit.mean) if lg else fit.mean
                except MethodError:
                    skipped += 1
            for m, p in preds.items():
                for year, actual in future.items():
                    h = int(year) - T
                    rows.append(
                        (
                            r,
                            c,
                            T,
                            h,
                            m,
                            float(actual),
                            float(p[h - 1]),
                            abs(float(actual) - float(p[h - 1])) / scale,
                        )
                    )
    errors = pd.DataFrame(
        rows, columns=["region_code", "indicator_code", "origin", "h", "method", "actual", "forecast", "q"]
    )
    table = (
        errors.groupby(["indicator_code", "method", "h"])["q"].agg(MASE="mean", n="size").reset_index()
        if len(errors)
        else pd.DataFrame(columns=["indicator_code", "method", "h", "MASE", "n"])
    )
    notes = (
        (f"{skipped} series-origins skipped (constant training series or no model fitted)",)
        if skipped
        else ()
    )
    return BacktestResult(
        errors=errors,
        table=table,
        lineage=Lineage.make(
            "monitor.backtest",
            {"origins": list(map(int, origins)), "horizon": horizon, "methods": list(methods)},
        ),
        notes=notes,
    )
