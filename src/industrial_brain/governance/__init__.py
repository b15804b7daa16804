"""Data governance engines (pure): differentially private release (:mod:`.privacy`)."""

from industrial_brain.governance.privacy import (
    STATISTICS,
    NoisyRelease,
    laplace_scale,
    laplace_vector,
    noisy_aggregate,
)

__all__ = ["STATISTICS", "NoisyRelease", "laplace_scale", "laplace_vector", "noisy_aggregate"]
