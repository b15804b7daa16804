"""Location quotient (区位熵) of a region × sector matrix.

    LQ_ij = (e_ij / e_i) / (E_j / E)

with ``e_ij`` the employment (or output, value added …) of sector ``j`` in region ``i``,
``e_i = Σ_j e_ij``, ``E_j = Σ_i e_ij``, ``E = Σ_ij e_ij``. ``LQ > 1`` marks a sector more
concentrated in the region than in the whole (a specialisation). The reference totals are those
of the matrix itself unless ``reference`` (national sector totals) is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import nonneg_matrix

__all__ = ["LocationQuotientResult", "location_quotient"]


@dataclass(frozen=True)
class LocationQuotientResult(ResultMixin):
    """Location quotients.

    Attributes
    ----------
    LQ : pandas.DataFrame
        Regions × sectors.
    lineage : Lineage
    """

    LQ: pd.DataFrame
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.location_quotient"))

    title_en = "Location quotient"
    title_zh = "区位熵"

    @property
    def specialised(self) -> pd.DataFrame:
        """Boolean frame: ``LQ > 1``."""
        return self.LQ > 1.0

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The regions × sectors location-quotient matrix ``LQ``."""
        check_lang(lang)
        return self.LQ

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        return [
            ("地区数" if zh else "regions", self.LQ.shape[0]),
            ("部门数" if zh else "sectors", self.LQ.shape[1]),
            ("LQ>1 的单元" if zh else "cells with LQ > 1", int(self.specialised.to_numpy().sum())),
        ]


def location_quotient(E: Any, reference: Any = None) -> LocationQuotientResult:
    """Location quotient ``LQ_ij = (e_ij / e_i) / (E_j / E)``.

    Parameters
    ----------
    E : DataFrame or array_like, shape (regions, sectors)
        Non-negative activity (employment, value added …).
    reference : Series or array_like, shape (sectors,), optional
        Sector totals of the reference economy; default the column sums of ``E``.

    Returns
    -------
    LocationQuotientResult

    Raises
    ------
    InputError
        Missing or negative cells.
    MethodError
        A region or reference sector with total 0 (LQ is 0/0).

    References
    ----------
    Isard, W. (1960). *Methods of Regional Analysis*. MIT Press, ch. 7, pp. 123–126.

    Examples
    --------
    Two regions, two sectors: e = [[10, 30], [30, 30]]. Region 1's share of sector 1 is
    10/40 = 0.25; the whole economy's is 40/100 = 0.4; LQ = 0.25/0.4 = 0.625:

    >>> location_quotient([[10, 30], [30, 30]]).LQ.round(4).to_numpy().tolist()
    [[0.625, 1.25], [1.25, 0.8333]]
    """
    df = nonneg_matrix(E, "E")
    A = df.to_numpy()
    ei = A.sum(axis=1)
    if (ei <= 0).any():
        raise MethodError(
            f"region {df.index[np.argmax(ei <= 0)]!s} has total 0: its location quotients are 0/0"
        )
    if reference is None:
        Ej = A.sum(axis=0)
    else:
        Ej = (
            pd.Series(reference).reindex(df.columns).to_numpy(dtype=float)
            if isinstance(reference, pd.Series)
            else np.asarray(reference, dtype=float).ravel()
        )
        if Ej.shape != (A.shape[1],) or not np.all(np.isfinite(Ej)) or (Ej < 0).any():
            raise InputError.at(
                "reference must give one non-negative total per sector", column="reference", value=Ej.shape
            )
    if (Ej <= 0).any():
        raise MethodError(f"sector {df.columns[np.argmax(Ej <= 0)]!s} has reference total 0: LQ is undefined")
    LQ = (A / ei[:, None]) / (Ej / Ej.sum())[None, :]
    return LocationQuotientResult(
        LQ=pd.DataFrame(LQ, index=df.index, columns=df.columns),
        lineage=Lineage.make("macro.location_quotient", {"reference": reference is not None}),
    )
