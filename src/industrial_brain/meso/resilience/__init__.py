"""Chain resilience: static shocks, inoperability (IIM), ARIO recovery dynamics, scenarios, Monte Carlo.

* :mod:`~industrial_brain.meso.resilience.static` — ``demand_shock`` (Leontief), ``supply_shock`` (Ghosh)
* :mod:`~industrial_brain.meso.resilience.inoperability_model` — ``inoperability``, ``dynamic_inoperability``
* :mod:`~industrial_brain.meso.resilience.adaptive_recovery` — ``ARIOModel``, ``ario``, ``ARIOEvent``,
  ``ARIOParams``, ``ARIOConventions``
* :mod:`~industrial_brain.meso.resilience.scenario` — YAML scenarios (``load_scenario``)
* :mod:`~industrial_brain.meso.resilience.montecarlo` — ``monte_carlo``
"""

from industrial_brain.meso.resilience.adaptive_recovery import (
    RECOVERY_SHAPES,
    ARIOConventions,
    ARIOEvent,
    ARIOModel,
    ARIOParams,
    ARIOResult,
    ario,
    recovery_curve,
)
from industrial_brain.meso.resilience.inoperability_model import (
    DynamicIIMResult,
    IIMResult,
    dynamic_inoperability,
    inoperability,
    interdependency_matrix,
    recovery_coefficients,
)
from industrial_brain.meso.resilience.montecarlo import MonteCarloResult, monte_carlo, scenario_sampler
from industrial_brain.meso.resilience.scenario import (
    Scenario,
    load_scenario,
    parse_scenario,
    scenario_events,
    shipped_scenarios,
)
from industrial_brain.meso.resilience.static import ShockResult, demand_shock, supply_shock

__all__ = [
    "RECOVERY_SHAPES",
    "ARIOConventions",
    "ARIOEvent",
    "ARIOModel",
    "ARIOParams",
    "ARIOResult",
    "ario",
    "recovery_curve",
    "DynamicIIMResult",
    "IIMResult",
    "dynamic_inoperability",
    "inoperability",
    "interdependency_matrix",
    "recovery_coefficients",
    "MonteCarloResult",
    "monte_carlo",
    "scenario_sampler",
    "Scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_events",
    "shipped_scenarios",
    "ShockResult",
    "demand_shock",
    "supply_shock",
]
