"""Enterprise digital-transformation assessment (micro level): maturity models as data, scoring,
benchmarking with disclosure control, diagnosis and roadmap, and a SYNTHETIC demo population.

Modules: :mod:`.model` (YAML models, fingerprints), :mod:`.scoring` (vectorised scoring and per-cell
validation), :mod:`.benchmarking` (percentiles, aggregates, small-cell suppression, published 2022
references), :mod:`.diagnosis` (gaps and roadmap), :mod:`.population` (synthetic calibrated
population), :mod:`.questionnaire` (blank templates).
"""

from industrial_brain.micro.benchmarking import (
    aggregate,
    compare_with_reference,
    enterprise_benchmark,
    percentile_rank,
    published_reference_2022,
)
from industrial_brain.micro.diagnosis import diagnose
from industrial_brain.micro.model import MaturityModel, list_models, load_model, model_from_dict
from industrial_brain.micro.population import simulate_population
from industrial_brain.micro.questionnaire import write_template
from industrial_brain.micro.scoring import AssessmentScores, score_answers, validate_answers

__all__ = [
    "MaturityModel",
    "load_model",
    "model_from_dict",
    "list_models",
    "AssessmentScores",
    "score_answers",
    "validate_answers",
    "percentile_rank",
    "enterprise_benchmark",
    "aggregate",
    "compare_with_reference",
    "published_reference_2022",
    "diagnose",
    "simulate_population",
    "write_template",
]
