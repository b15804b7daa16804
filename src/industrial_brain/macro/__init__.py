"""Macro (regional) engines: composite indices, coupling coordination, inequality, spatial analysis.

The package namespace is the public API of *functions and result classes*: ``from
industrial_brain.macro import dagum_gini, moran, normalize`` gives the functions. Six modules carry
the name of their main function (``normalize``, ``dagum_gini``, ``theil``, ``kernel_density``,
``moran``, ``location_quotient``, as ``pprint.pprint`` or ``glob.glob`` in the standard library),
so on the package object the function takes the name. Reach such a module's other contents with
``from industrial_brain.macro.moran import SpatialWeights`` (always the module), or the module
itself with ``importlib.import_module("industrial_brain.macro.moran")`` /
``sys.modules[...]``; do not write ``import industrial_brain.macro.moran as m`` (Python resolves
that to the package attribute, i.e. the function). ``tests/macro/test_namespace.py`` pins both.
"""

# --- composite index ---
from industrial_brain.macro.aggregate import (
    HierarchicalIndexResult,
    TopsisResult,
    hierarchical_index,
    topsis,
    weighted_arithmetic,
    weighted_geometric,
)
from industrial_brain.macro.composite import CompositeIndexResult, composite_index, rank_agreement
from industrial_brain.macro.index_system import (
    IndexSystem,
    default_index_systems,
    load_index_system,
)
from industrial_brain.macro.normalize import NormalizationResult, normalize
from industrial_brain.macro.uncertainty import RankUncertaintyResult, index_uncertainty
from industrial_brain.macro.weights import (
    AHPResult,
    CombinedWeights,
    CriticWeights,
    CVWeights,
    EntropyWeights,
    PCAWeights,
    WeightsResult,
    ahp_weights,
    combined_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    equal_weights,
    pca_weights,
)

_COMPOSITE_ALL = [
    "normalize", "NormalizationResult",
    "equal_weights", "entropy_weights", "critic_weights", "cv_weights", "pca_weights", "ahp_weights",
    "combined_weights", "WeightsResult", "EntropyWeights", "CriticWeights", "CVWeights", "PCAWeights",
    "AHPResult", "CombinedWeights",
    "weighted_arithmetic", "weighted_geometric", "topsis", "TopsisResult", "hierarchical_index",
    "HierarchicalIndexResult",
    "IndexSystem", "load_index_system", "default_index_systems",
    "composite_index", "CompositeIndexResult", "rank_agreement",
    "index_uncertainty", "RankUncertaintyResult",
]
# --- end composite index ---

__all__ = list(_COMPOSITE_ALL)

# --- coupling, inequality, spatial ---
from industrial_brain.macro.complexity import ComplexityResult, economic_complexity, rca
from industrial_brain.macro.convergence import (
    BetaConvergenceResult,
    SigmaConvergenceResult,
    beta_convergence,
    beta_convergence_panel,
    sigma_convergence,
)
from industrial_brain.macro.coupling import (
    COORDINATION_LEVELS,
    CouplingResult,
    coordination_level,
    coupling_coordination,
)
from industrial_brain.macro.dagum_gini import DagumGiniResult, dagum_gini, gini, nbs_region4
from industrial_brain.macro.kernel_density import KernelDensityResult, kernel_density
from industrial_brain.macro.location_quotient import LocationQuotientResult, location_quotient
from industrial_brain.macro.moran import (
    LocalMoranResult,
    MoranResult,
    SpatialWeights,
    moran,
    moran_local,
    moran_panel,
    spatial_weights,
)
from industrial_brain.macro.neighbours import contiguity_weights, distance_weights, great_circle_km
from industrial_brain.macro.obstacle import ObstacleResult, obstacle_degree
from industrial_brain.macro.theil import TheilResult, coefficient_of_variation, theil, theil_l, theil_t

__all__ += [
    "coupling_coordination", "coordination_level", "COORDINATION_LEVELS", "CouplingResult",
    "obstacle_degree", "ObstacleResult",
    "dagum_gini", "gini", "nbs_region4", "DagumGiniResult",
    "theil", "theil_t", "theil_l", "coefficient_of_variation", "TheilResult",
    "sigma_convergence", "beta_convergence", "beta_convergence_panel", "SigmaConvergenceResult",
    "BetaConvergenceResult",
    "kernel_density", "KernelDensityResult",
    "moran", "moran_local", "moran_panel", "spatial_weights", "MoranResult", "LocalMoranResult", "SpatialWeights",
    "contiguity_weights", "distance_weights", "great_circle_km",
    "location_quotient", "LocationQuotientResult",
    "economic_complexity", "rca", "ComplexityResult",
]
# --- end coupling, inequality, spatial ---
