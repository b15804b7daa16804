"""Industrial Brain: measure, diagnose and steer the integration of the digital and the real economy.

Levels follow the economy: enterprises and sectors (nodes), input–output chains, regions
(surfaces) and the industrial system as a whole. Data flows one way: sources → validated
ingest → embedded DuckDB store → pure engines → interfaces (Python API, ``ibrain`` CLI, reports).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("industrial-brain")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

from industrial_brain.errors import (  # noqa: E402
    AccessError,
    IndustrialBrainError,
    InputError,
    MethodError,
    StoreBusyError,
)

__all__ = [
    "__version__",
    "IndustrialBrainError",
    "InputError",
    "MethodError",
    "AccessError",
    "StoreBusyError",
]
