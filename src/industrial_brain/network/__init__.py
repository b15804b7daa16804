"""Firm-level production network: the pure engines of the chain analysis on transaction records.

* :mod:`~industrial_brain.network._common` — ``firm_graph`` (validated firms + edges → ``FirmGraph``)
* :mod:`~industrial_brain.network.concentration` — ``hhi_concentration`` (supplier/customer HHI)
* :mod:`~industrial_brain.network.leaders` — ``chain_leaders`` (PageRank, output at risk),
  ``single_points_of_failure``
* :mod:`~industrial_brain.network.cascade` — ``firm_cascade`` (day-by-day supply cascade with inventories)
* :mod:`~industrial_brain.network.link_scores` — ``chain_link_scores`` (size, clustering, operations,
  innovation)
* :mod:`~industrial_brain.network.gaps` — ``chain_gaps`` (补链/强链/延链), ``candidate_suppliers``
* :mod:`~industrial_brain.network.matching` — ``match_suppliers`` (供需对接 as a min-cost flow)

Engines are pure (frames in, frozen results out). The data ingest, store tables, dataframe-layer
aggregation (DuckDB/Spark) and services live elsewhere and call these.
"""

from industrial_brain.network._common import FirmGraph, firm_graph
from industrial_brain.network.cascade import CascadeResult, firm_cascade
from industrial_brain.network.concentration import ConcentrationResult, hhi_concentration
from industrial_brain.network.gaps import ChainGapsResult, candidate_suppliers, chain_gaps
from industrial_brain.network.leaders import (
    ChainLeadersResult,
    SinglePointsResult,
    chain_leaders,
    eigenvector_centrality,
    pagerank,
    single_points_of_failure,
)
from industrial_brain.network.link_scores import LinkScoresResult, chain_link_scores
from industrial_brain.network.matching import MatchingResult, match_suppliers

__all__ = [
    "CascadeResult",
    "firm_cascade",
    "FirmGraph",
    "firm_graph",
    "ConcentrationResult",
    "hhi_concentration",
    "ChainLeadersResult",
    "SinglePointsResult",
    "chain_leaders",
    "eigenvector_centrality",
    "pagerank",
    "single_points_of_failure",
    "ChainGapsResult",
    "candidate_suppliers",
    "chain_gaps",
    "LinkScoresResult",
    "chain_link_scores",
    "MatchingResult",
    "match_suppliers",
]
