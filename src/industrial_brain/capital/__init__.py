"""The capital chain (资本链): financing matchmaking, listing-board eligibility, and debt-reliance and
financing-structure indicators (pure engines: frames in, result objects out; no store).

* :mod:`~industrial_brain.capital.matching` — ``match_financing``: needs × sources scored on nature,
  characteristics, duration and entity, assigned under capacities (HiGHS MILP, or LP and repair)
* :mod:`~industrial_brain.capital.listing` — ``listing_eligibility``: STAR Market, ChiNext and BSE
  listing standards as versioned rule sets, each firm's result per standard with its margin
* :mod:`~industrial_brain.capital.structure_indicators` — ``financing_structure``: debt reliance
  and the mix of instruments per region and sector
* :mod:`~industrial_brain.capital.market_synthesis` — ``synthetic_market``: a seeded SYNTHETIC market

See ``docs/capital-chain.md``.
"""

from industrial_brain.capital.matching import (
    INSTRUMENTS,
    METHODS,
    NEED_COLUMNS,
    PURPOSE_FIT,
    PURPOSES,
    REASONS,
    SIZE_CLASSES,
    SOURCE_COLUMNS,
    SOURCE_KINDS,
    STAGES,
    WEIGHTS,
    MatchingResult,
    candidate_pairs,
    match_financing,
    solve_assignment,
)
from industrial_brain.capital.structure_indicators import FinancingStructure, financing_structure
from industrial_brain.capital.listing import (
    ACCOUNT_COLUMNS,
    BOARDS,
    MEASURES,
    EligibilityResult,
    RuleVersion,
    eligibility_of_measures,
    listing_eligibility,
    listing_measures,
    load_rules,
    version_in_force,
)
from industrial_brain.capital.market_synthesis import SyntheticMarket, synthetic_market

__all__ = [
    "ACCOUNT_COLUMNS",
    "BOARDS",
    "MEASURES",
    "EligibilityResult",
    "FinancingStructure",
    "RuleVersion",
    "eligibility_of_measures",
    "financing_structure",
    "listing_eligibility",
    "listing_measures",
    "load_rules",
    "version_in_force",
    "INSTRUMENTS",
    "METHODS",
    "NEED_COLUMNS",
    "PURPOSE_FIT",
    "PURPOSES",
    "REASONS",
    "SIZE_CLASSES",
    "SOURCE_COLUMNS",
    "SOURCE_KINDS",
    "STAGES",
    "WEIGHTS",
    "MatchingResult",
    "SyntheticMarket",
    "candidate_pairs",
    "match_financing",
    "solve_assignment",
    "synthetic_market",
]
