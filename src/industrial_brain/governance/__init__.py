"""Data governance (pure engines: frames in, result objects out; no store): classification and grading
of data by GB/T 43697-2024, with MIIT's industrial-data guide beside it; rules as data.

* :mod:`~industrial_brain.governance.rules` — the rule set's schema and loader (``config/governance``)
* :mod:`~industrial_brain.governance.levels` — ``determine_level`` (6.5 Table 2), general sub-levels
  (Annex H), MIIT levels, ``strictest`` (就高从严, 6.6)
* :mod:`~industrial_brain.governance.classification` — ``classify``: industry domain, MIIT domain,
  subject, content, use, source (5.1, 5.2)
* :mod:`~industrial_brain.governance.privacy` — differentially private counts, sums and means (OpenDP
  Laplace mechanism, the noise scale published with every figure)
* :mod:`~industrial_brain.governance.grading` — ``grade_columns`` (6.3–6.6, with justifications and
  fingerprints), ``grade_derived`` (Annex I)

See ``docs/data-governance.md``.
"""

from industrial_brain.governance.classification import ClassificationResult, classify
from industrial_brain.governance.grading import (
    DerivedGrade,
    GradeResult,
    fingerprint,
    grade_columns,
    grade_derived,
)
from industrial_brain.governance.levels import determine_level, general_sublevel, miit_level, strictest
from industrial_brain.governance.rules import (
    IMPACT_DEGREES,
    IMPACT_OBJECTS,
    LEVELS,
    GradingRules,
    default_rules,
    load_rules,
)

from industrial_brain.governance.privacy import (
    STATISTICS,
    NoisyRelease,
    laplace_scale,
    laplace_vector,
    noisy_aggregate,
)

__all__ = [
    "IMPACT_DEGREES",
    "IMPACT_OBJECTS",
    "LEVELS",
    "ClassificationResult",
    "DerivedGrade",
    "GradeResult",
    "GradingRules",
    "classify",
    "default_rules",
    "determine_level",
    "fingerprint",
    "general_sublevel",
    "grade_columns",
    "grade_derived",
    "load_rules",
    "miit_level",
    "strictest",
    # differentially private release
    "STATISTICS",
    "NoisyRelease",
    "laplace_scale",
    "laplace_vector",
    "noisy_aggregate",
]
