"""Monitoring and early warning (监测预警): alarm rules as data, their vectorised evaluation with
evidence, the alert state machine, and forecasts with predictive rules (pure engines: no store).

* :mod:`~industrial_brain.monitor.rules` — rule kinds as pydantic models, YAML rule sets
  (``load_rules``, shipped under ``industrial_brain/config/alarm_rules``)
* :mod:`~industrial_brain.monitor.evaluation` — ``evaluate(panel, rules)`` → alert episodes with evidence
* :mod:`~industrial_brain.monitor.states` — ``reconcile``, ``acknowledge``, ``close``
  (open → acknowledged → closed, one open alert per rule × subject)
* :mod:`~industrial_brain.monitor.forecasting` — ETS / ARIMA forecasts with intervals, rolling-origin
  ``backtest`` with MASE

See ``docs/monitoring.md``.
"""

from industrial_brain.monitor.evaluation import EPISODE_COLUMNS, Evaluation, evaluate, subject_key
from industrial_brain.monitor.forecasting import METHODS, BacktestResult, Forecast, backtest, forecast, mase
from industrial_brain.monitor.rules import (
    DEFAULT_RULE_SET,
    RULE_KINDS,
    SEVERITIES,
    RuleSet,
    load_rules,
    parse_rules,
    shipped_rule_sets,
)
from industrial_brain.monitor.states import (
    ALERT_COLUMNS,
    CHANGE_COLUMNS,
    STATES,
    AlertUpdate,
    acknowledge,
    close,
    empty_alerts,
    reconcile,
)

__all__ = [
    "ALERT_COLUMNS",
    "CHANGE_COLUMNS",
    "DEFAULT_RULE_SET",
    "EPISODE_COLUMNS",
    "METHODS",
    "RULE_KINDS",
    "SEVERITIES",
    "STATES",
    "AlertUpdate",
    "BacktestResult",
    "Evaluation",
    "Forecast",
    "RuleSet",
    "acknowledge",
    "backtest",
    "close",
    "empty_alerts",
    "evaluate",
    "forecast",
    "load_rules",
    "mase",
    "parse_rules",
    "reconcile",
    "shipped_rule_sets",
    "subject_key",
]
