"""Forecasts against statsmodels run directly; MASE by hand; a predictive alert on a series built to
cross a threshold."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _monitor_data import events, one_rule, replay, series
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from industrial_brain.errors import InputError, MethodError
from industrial_brain.monitor import backtest, evaluate, forecast, mase

RNG = np.random.default_rng(12345)
Y = 200 * np.exp(np.cumsum(0.06 + 0.02 * RNG.standard_normal(20)))
YEARS = np.arange(2003, 2023)


def test_ets_equals_statsmodels():
    fc = forecast(Y, YEARS, horizon=3, level=0.9, method="ets")
    z = pd.Series(np.log(Y))
    fits = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, damped in (("ETS(A,A,N)", False), ("ETS(A,Ad,N)", True)):
            fits[name] = ETSModel(z, error="add", trend="add", damped_trend=damped).fit(disp=False)
    name = min(fits, key=lambda k: fits[k].aicc)
    pred = fits[name].get_prediction(start=20, end=22).summary_frame(alpha=0.1)
    assert fc.method == name and fc.log and fc.years.tolist() == [2023, 2024, 2025]
    np.testing.assert_allclose(fc.point, np.exp(pred["mean"]), rtol=1e-9)
    np.testing.assert_allclose(fc.lower, np.exp(pred["pi_lower"]), rtol=1e-9)
    np.testing.assert_allclose(fc.upper, np.exp(pred["pi_upper"]), rtol=1e-9)
    assert fc.criterion[f"aicc {name}"] == pytest.approx(fits[name].aicc)


def test_arima_equals_statsmodels():
    fc = forecast(Y, YEARS, horizon=2, level=0.8, method="arima", log=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = {o: ARIMA(Y, order=o, trend="t").fit() for o in [(0, 1, 0), (1, 1, 0), (0, 1, 1)]}
    order = min(fits, key=lambda o: fits[o].aicc)
    f = fits[order].get_forecast(2)
    ci = f.conf_int(alpha=0.2)
    assert fc.method == f"ARIMA{order}+drift".replace(" ", "") and not fc.log
    np.testing.assert_allclose(fc.point, f.predicted_mean, rtol=1e-9)
    np.testing.assert_allclose(fc.lower, ci[:, 0], rtol=1e-9)
    np.testing.assert_allclose(fc.upper, ci[:, 1], rtol=1e-9)


def test_auto_picks_the_family_with_the_lower_insample_mase():
    fc = forecast(Y, YEARS, horizon=2, method="auto")
    crit = fc.criterion
    best = "ets" if crit["insample_mase ets"] <= crit["insample_mase arima"] else "arima"
    assert fc.family == best
    assert fc.to_frame().index.tolist() == [2023, 2024]
    assert list(fc.to_frame("zh").columns) == ["点预测", "下限", "上限"]


def test_forecast_input_errors():
    with pytest.raises(MethodError, match="at least 6"):
        forecast([1.0, 2.0, 3.0])
    with pytest.raises(InputError, match="consecutive"):
        forecast(Y[:8], [2000, 2001, 2002, 2004, 2005, 2006, 2007, 2008])
    with pytest.raises(InputError, match="unknown forecast method"):
        forecast(Y, YEARS, method="prophet")
    with pytest.raises(InputError, match="level"):
        forecast(Y, YEARS, level=80)


def test_mase_by_hand():
    # training 1, 2, 4: mean absolute change 1.5; errors 2 and 1 -> 1.5 / 1.5
    assert mase([7.0, 5.0], [5.0, 6.0], [1.0, 2.0, 4.0]) == pytest.approx(1.0)
    with pytest.raises(MethodError):
        mase([1.0], [1.0], [3.0, 3.0, 3.0])


def test_backtest_of_a_straight_line():
    # y = 10 + 2t: the naive forecast is h·2 off at horizon h, the scale is 2: q = h exactly;
    # a model with drift (fitted to the logs, so slightly off the line) does far better
    panel = series(10 + 2.0 * np.arange(16), start=2000)
    bt = backtest(panel, origins=[2010, 2011, 2012], horizon=3, methods=("naive", "arima"))
    t = bt.table.set_index(["method", "h"])["MASE"]
    assert [t["naive", h] for h in (1, 2, 3)] == pytest.approx([1.0, 2.0, 3.0])
    assert t["arima", 1] < 0.2 and t["arima", 3] < 0.25 * t["naive", 3]
    assert bt.table.set_index(["method", "h"])["n"]["naive", 3] == 3
    with pytest.raises(InputError, match="unknown forecast method"):
        backtest(panel, origins=[2010], methods=("theta",))


def _falling():
    # 109 falling 3 a year with small noise, 2008-2019 (last ≈ 76): with the drift of its logs
    # (-3.3 % a year) expected at ≈ 71 in 2021, below 72
    rng = np.random.default_rng(3)
    return 109 - 3.0 * np.arange(12) + rng.uniform(-0.3, 0.3, 12)


def test_predictive_alert_on_a_series_built_to_cross():
    rs = one_rule(
        kind="forecast", direction="below", fire=72, clear=74, horizon=2, basis="point", method="arima"
    )
    v = _falling()
    panel = series(v, start=2008)
    ev = evaluate(panel, rs)
    assert ev.alerts[["year", "active"]].values.tolist() == [[2019, True]]
    e = ev.alerts.loc[0, "evidence"]["fired"]
    fc = forecast(v, range(2008, 2020), horizon=2, method="arima")
    assert [r["year"] for r in e["forecast"]] == [2020, 2021]
    assert [r["point"] for r in e["forecast"]] == pytest.approx(fc.point.tolist())
    assert e["worst_year"] == 2021 and e["worst_bound"] == pytest.approx(fc.point[1])
    assert fc.point[1] < 72 < fc.point[0]
    assert ev.alerts.loc[0, "measure"] == pytest.approx(fc.point.min())
    # the same series one year earlier (last ≈ 79) is not yet expected below 72
    assert evaluate(series(v[:-1], start=2008), rs).alerts.empty


def test_predictive_alert_clears_when_the_series_turns():
    rs = one_rule(
        kind="forecast", direction="below", fire=72, clear=74, horizon=2, basis="point", method="arima"
    )
    v = np.r_[_falling(), [80.0, 86.0, 92.0, 98.0]]  # turns up after 2019
    _, ch = replay(series(v, start=2008), rs)
    opened = [y for y, s in events(ch) if s == "open"]
    closed = [y for y, s in events(ch) if s == "closed"]
    assert opened == [2019] and len(closed) == 1 and closed[0] > 2019


def test_predictive_relative_and_interval_bases():
    v = _falling()
    below = dict(kind="forecast", direction="below", horizon=1, method="arima", relative=True)
    fc = forecast(v, range(2008, 2020), horizon=1, method="arima")
    point = evaluate(series(v, start=2008), one_rule(**below, basis="point", fire=-0.01, clear=0.0))
    assert point.alerts.loc[0, "measure"] == pytest.approx(fc.point[0] / v[-1] - 1)
    beyond = evaluate(series(v, start=2008), one_rule(**below, basis="beyond", fire=-0.01, clear=0.0))
    assert beyond.alerts.loc[0, "measure"] == pytest.approx(fc.upper[0] / v[-1] - 1)
    short = evaluate(series(v[:5]), one_rule(**below, fire=-0.01, clear=0.0))
    assert short.alerts.empty and "too short" in short.notes[0]
