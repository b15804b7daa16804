"""Meso level: the input–output engine (industrial chains as nodes and links).

Pure functions named as the field names them (Miller & Blair symbols Z, A, L, B, G, x, Y, V, F):

* :mod:`~industrial_brain.meso.leontief` — ``technical_coefficients``, ``leontief_inverse``, ``LeontiefLU``
* :mod:`~industrial_brain.meso.ghosh` — ``allocation_coefficients``, ``ghosh_inverse``
* :mod:`~industrial_brain.meso.multiplier_analysis` — output, value-added, income, satellite multipliers
  (types I, II)
* :mod:`~industrial_brain.meso.linkage_analysis` — Rasmussen–Hirschman linkages, key sectors
* :mod:`~industrial_brain.meso.extraction` — hypothetical extraction (total, backward, forward)
* :mod:`~industrial_brain.meso.position` — upstreamness, downstreamness, average propagation length
* :mod:`~industrial_brain.meso.accounts` — production- and consumption-based satellite accounts
* :mod:`~industrial_brain.meso.aggregation` — concordance matrices
* :mod:`~industrial_brain.meso.balancing` — RAS and GRAS
* :mod:`~industrial_brain.meso.iotable` — the ``IOTable`` container (NBS tables reach it through the store:
  ``ingest.io`` → ``store.readers.read_io_table`` → ``services.io.load_table``)
* :mod:`~industrial_brain.meso.mrio` — ``build_mrio`` (31-province MRIO: Chenery–Moses, gravity prior, RAS);
  :mod:`~industrial_brain.meso.regional_accounts` — value added in trade, spillover multipliers, footprints
* :mod:`~industrial_brain.meso.chain_network` — ``chain_graph`` (significant links, centralities, trees,
  structural hubs)
* :mod:`~industrial_brain.meso.chokepoint_analysis` — ``import_dependence`` (chokepoints 卡脖子: import
  share of supply × output at risk, concentration of use)
* :mod:`~industrial_brain.meso.digital` — ``digital_integration`` (digital input coefficients);
  :mod:`~industrial_brain.meso.digital_by_industry` — ``digital_intensity_by_industry`` (by three industries)
* :mod:`~industrial_brain.meso.flow_reconciliation` — ``compare_flows`` (transaction flows against an IO
  table: coverage, discrepancies, RAS reconciliation)
* :mod:`~industrial_brain.meso.firm_network_synthesis` — ``synthetic_firm_network`` (a SYNTHETIC firm
  network drawn from an MRIO)
"""

from industrial_brain.meso._common import ZeroOutputWarning
from industrial_brain.meso.accounts import AccountsResult, satellite_accounts
from industrial_brain.meso.aggregation import (
    aggregate_columns,
    aggregate_matrix,
    aggregate_rows,
    aggregate_vector,
    concordance_matrix,
)
from industrial_brain.meso.balancing import BalancingResult, gras, ras
from industrial_brain.meso.extraction import ExtractionResult, hypothetical_extraction
from industrial_brain.meso.ghosh import (
    allocation_coefficients,
    ghosh_from_leontief,
    ghosh_inverse,
    output_from_inputs,
)
from industrial_brain.meso.leontief import (
    LeontiefLU,
    flows_from_coefficients,
    leontief_inverse,
    output_from_demand,
    technical_coefficients,
)
from industrial_brain.meso.linkage_analysis import KeySectorsResult, LinkagesResult, key_sectors, linkages
from industrial_brain.meso.multiplier_analysis import (
    MultipliersResult,
    close_households,
    multipliers,
    output_multipliers,
    satellite_intensities,
    satellite_multipliers,
)
from industrial_brain.meso.chokepoint_analysis import (
    ImportDependenceResult,
    import_dependence,
    import_share,
    output_at_risk,
    use_concentration,
)
from industrial_brain.meso.iotable import IOTable
from industrial_brain.meso.chain_network import ChainGraph, chain_graph, tolerable_limits
from industrial_brain.meso.digital import DIGITAL_CORE_NBS42, DigitalIntegration, digital_integration
from industrial_brain.meso.digital_by_industry import (
    DigitalIntensityByIndustry,
    digital_intensity_by_industry,
)
from industrial_brain.meso.mrio import MRIOResult, build_mrio
from industrial_brain.meso.regional_accounts import MRIOAccountsResult, mrio_accounts, spillover_of_demand
from industrial_brain.meso.position import PositionResult, average_propagation_length, chain_position

__all__ = [
    "ZeroOutputWarning",
    "AccountsResult",
    "satellite_accounts",
    "aggregate_columns",
    "aggregate_matrix",
    "aggregate_rows",
    "aggregate_vector",
    "concordance_matrix",
    "BalancingResult",
    "gras",
    "ras",
    "ExtractionResult",
    "hypothetical_extraction",
    "allocation_coefficients",
    "ghosh_from_leontief",
    "ghosh_inverse",
    "output_from_inputs",
    "LeontiefLU",
    "flows_from_coefficients",
    "leontief_inverse",
    "output_from_demand",
    "technical_coefficients",
    "KeySectorsResult",
    "LinkagesResult",
    "key_sectors",
    "linkages",
    "MultipliersResult",
    "close_households",
    "multipliers",
    "output_multipliers",
    "satellite_intensities",
    "satellite_multipliers",
    "PositionResult",
    "average_propagation_length",
    "chain_position",
    "ImportDependenceResult",
    "import_dependence",
    "import_share",
    "output_at_risk",
    "use_concentration",
    "IOTable",
    "ChainGraph",
    "chain_graph",
    "tolerable_limits",
    "DIGITAL_CORE_NBS42",
    "DigitalIntegration",
    "digital_integration",
    "digital_intensity_by_industry",
    "DigitalIntensityByIndustry",
    "MRIOResult",
    "build_mrio",
    "MRIOAccountsResult",
    "mrio_accounts",
    "spillover_of_demand",
]
