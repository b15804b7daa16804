"""Structured lineage carried by every result: which inputs, which parameters, which version, when."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from industrial_brain import __version__


def _freeze(params: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(params or {}))


@dataclass(frozen=True, slots=True)
class Lineage:
    """Where a result came from.

    Attributes
    ----------
    method : str
        Dotted name of the engine function, e.g. ``"meso.leontief_inverse"``.
    params : Mapping[str, Any]
        The parameters that shaped the result (read-only).
    datasets : tuple[tuple[str, str], ...]
        ``(dataset_id, sha256)`` of every stored input; empty for in-memory inputs.
    seed : int | None
        Seed of any random draw.
    version : str
        Package version that computed it.
    at : str
        UTC time of computation, ISO 8601.
    """

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    datasets: tuple[tuple[str, str], ...] = ()
    seed: int | None = None
    version: str = ""
    at: str = ""

    @classmethod
    def make(
        cls,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        datasets: tuple[tuple[str, str], ...] = (),
        seed: int | None = None,
    ) -> "Lineage":
        """Lineage stamped with the package version and the current UTC time."""
        return cls(
            method=method,
            params=_freeze(params),
            datasets=tuple(datasets),
            seed=seed,
            version=__version__,
            at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "datasets": [list(d) for d in self.datasets],
            "seed": self.seed,
            "version": self.version,
            "at": self.at,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Lineage":
        """The lineage a :meth:`to_dict` gave (as stored with a run)."""
        return cls(
            method=d["method"],
            params=_freeze(d.get("params")),
            datasets=tuple(tuple(x) for x in d.get("datasets") or ()),
            seed=d.get("seed"),
            version=d.get("version", ""),
            at=d.get("at", ""),
        )

    def footer(self) -> str:
        """One line for the foot of ``summary()``."""
        parts = [f"method={self.method}", f"version={self.version}", f"at={self.at}"]
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        if self.datasets:
            parts.append("datasets=" + ",".join(f"{d}:{s[:12]}" for d, s in self.datasets))
        if self.params:
            parts.append(
                "params="
                + json.dumps(
                    {k: _jsonable(v) for k, v in self.params.items()}, ensure_ascii=False, sort_keys=True
                )
            )
        return "Lineage: " + "; ".join(parts)


def _jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, np.ndarray):
            return f"ndarray{v.shape}"
    except ImportError:  # pragma: no cover
        pass
    return repr(v)
