"""Macro (regional) engines: composite indices, coupling coordination, inequality, spatial analysis.

The package namespace is the public API of *functions and result classes*: ``from
industrial_brain.macro import dagum_gini, moran, normalize`` gives the functions. One module per
method, and no module bears the name of a function beside it, so ``import
industrial_brain.macro.spatial_autocorrelation as m`` gives the module: ``normalize`` lives in
``normalisation``, ``dagum_gini`` in ``gini_decomposition``, ``theil`` in ``theil_index``,
``kernel_density`` in ``kde``, ``location_quotient`` in ``specialisation``,
``similarity_coefficient`` in ``structure_similarity``, ``krugman_index`` in ``krugman``,
``division_of_labour_index`` in ``division_of_labour``, ``moran`` in
``spatial_autocorrelation``, and the spatial weights (``SpatialWeights``, ``spatial_weights``,
``contiguity_weights``, ``distance_weights``) in ``spatial_weighting``. Helpers the engines share
live in ``_common``. ``tests/macro/test_namespace.py`` pins this.
"""

from industrial_brain._shared.geo import great_circle_km
from industrial_brain.macro.aggregate import (
    HierarchicalIndexResult,
    TopsisResult,
    hierarchical_index,
    topsis,
    weighted_arithmetic,
    weighted_geometric,
)
from industrial_brain.macro.audit import IndexAuditResult, cronbach_alpha, index_audit
from industrial_brain.macro.complexity import ComplexityResult, economic_complexity, rca
from industrial_brain.macro.composite import (
    CompositeIndexResult,
    composite_index,
    listed_rank_agreement,
    rank_agreement,
)
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
from industrial_brain.macro.division_of_labour import DivisionOfLabourResult, division_of_labour_index
from industrial_brain.macro.gini_decomposition import DagumGiniResult, dagum_gini, gini, nbs_region4
from industrial_brain.macro.index_system import (
    IndexSystem,
    default_index_systems,
    load_index_system,
)
from industrial_brain.macro.kde import KernelDensityResult, kernel_density
from industrial_brain.macro.krugman import KrugmanResult, krugman_index
from industrial_brain.macro.normalisation import NormalizationResult, normalize
from industrial_brain.macro.obstacle import ObstacleResult, obstacle_degree
from industrial_brain.macro.spatial_autocorrelation import (
    LocalMoranResult,
    MoranResult,
    moran,
    moran_local,
    moran_panel,
)
from industrial_brain.macro.spatial_weighting import (
    SpatialWeights,
    contiguity_weights,
    distance_weights,
    spatial_weights,
)
from industrial_brain.macro.specialisation import LocationQuotientResult, location_quotient
from industrial_brain.macro.structure_similarity import (
    SimilarityPanelResult,
    StructureSimilarityResult,
    similarity_coefficient,
    similarity_panel,
)
from industrial_brain.macro.theil_index import TheilResult, coefficient_of_variation, theil, theil_l, theil_t
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

__all__ = [
    # composite index
    "index_audit",
    "IndexAuditResult",
    "cronbach_alpha",
    "normalize",
    "NormalizationResult",
    "equal_weights",
    "entropy_weights",
    "critic_weights",
    "cv_weights",
    "pca_weights",
    "ahp_weights",
    "combined_weights",
    "WeightsResult",
    "EntropyWeights",
    "CriticWeights",
    "CVWeights",
    "PCAWeights",
    "AHPResult",
    "CombinedWeights",
    "weighted_arithmetic",
    "weighted_geometric",
    "topsis",
    "TopsisResult",
    "hierarchical_index",
    "HierarchicalIndexResult",
    "IndexSystem",
    "load_index_system",
    "default_index_systems",
    "composite_index",
    "CompositeIndexResult",
    "rank_agreement",
    "listed_rank_agreement",
    "index_uncertainty",
    "RankUncertaintyResult",
    # coupling, inequality, spatial
    "coupling_coordination",
    "coordination_level",
    "COORDINATION_LEVELS",
    "CouplingResult",
    "obstacle_degree",
    "ObstacleResult",
    "dagum_gini",
    "gini",
    "nbs_region4",
    "DagumGiniResult",
    "theil",
    "theil_t",
    "theil_l",
    "coefficient_of_variation",
    "TheilResult",
    "sigma_convergence",
    "beta_convergence",
    "beta_convergence_panel",
    "SigmaConvergenceResult",
    "BetaConvergenceResult",
    "kernel_density",
    "KernelDensityResult",
    "moran",
    "moran_local",
    "moran_panel",
    "MoranResult",
    "LocalMoranResult",
    "spatial_weights",
    "SpatialWeights",
    "contiguity_weights",
    "distance_weights",
    "great_circle_km",
    "location_quotient",
    "LocationQuotientResult",
    "economic_complexity",
    "rca",
    "ComplexityResult",
    # structure: homogeneous and uneven development
    "similarity_coefficient",
    "similarity_panel",
    "StructureSimilarityResult",
    "SimilarityPanelResult",
    "krugman_index",
    "KrugmanResult",
    "division_of_labour_index",
    "DivisionOfLabourResult",
]
