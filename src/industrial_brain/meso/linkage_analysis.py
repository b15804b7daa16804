"""Rasmussen–Hirschman linkages (power and sensitivity of dispersion) and key-sector quadrants.

Backward linkage (power of dispersion, 影响力系数): normalised column sums of L. Forward linkage
(sensitivity of dispersion, 感应度系数): normalised row sums of the Ghosh inverse G (the
supply-side measure recommended by Miller & Blair 2009, section 12.2.3) or, traditionally, of L.
Both come from solves with one LU factorisation: 1'L, and G·1 = x̂⁻¹ L x.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.meso._common import (
    as_matrix,
    as_vector,
    labels_of,
    safe_reciprocal,
    sector_labels,
    zero_output_note,
)
from industrial_brain.meso._labels import io_label, relabel
from industrial_brain.meso.leontief import LeontiefLU

__all__ = ["LinkagesResult", "KeySectorsResult", "linkages", "key_sectors", "QUADRANTS"]

QUADRANTS = ("key", "backward_oriented", "forward_oriented", "weak")


@dataclass(frozen=True)
class LinkagesResult(ResultMixin):
    """Rasmussen–Hirschman linkages by sector.

    Attributes
    ----------
    table : DataFrame
        Index = sector codes; ``backward`` (power of dispersion), ``forward`` (sensitivity of
        dispersion), ``backward_total`` (Σ_i l_ij), ``forward_total`` (row sums of G or L),
        ``backward_direct`` (Σ_i a_ij), ``forward_direct`` (Σ_j b_ij or Σ_j a_ij).
    forward_method : str
        ``"ghosh"`` or ``"leontief"``.
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    forward_method: str
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Rasmussen–Hirschman linkages"
    title_zh = "影响力系数与感应度系数"

    @property
    def backward(self) -> pd.Series:
        """Backward linkage index (power of dispersion) by sector."""
        return self.table["backward"]

    @property
    def forward(self) -> pd.Series:
        """Forward linkage index (sensitivity of dispersion) by sector."""
        return self.table["forward"]

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        t = self.table
        yield ("部门数" if zh else "sectors", len(t))
        yield ("前向关联口径" if zh else "forward linkage from", self.forward_method)
        yield (
            "影响力系数最大" if zh else "largest backward",
            f"{t['backward'].idxmax()} ({t['backward'].max():.4f})",
        )
        yield (
            "感应度系数最大" if zh else "largest forward",
            f"{t['forward'].idxmax()} ({t['forward'].max():.4f})",
        )
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector: the linkage indices."""
        return relabel(self.table.copy(), lang)


def linkages(
    A: Any,
    x: Any | None = None,
    *,
    forward: str = "auto",
    lu: LeontiefLU | None = None,
) -> LinkagesResult:
    """Backward and forward linkages, normalised to average 1 across sectors.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients.
    x : (n,) array or Series, optional
        Gross output; required for Ghosh-based forward linkages.
    forward : {"auto", "ghosh", "leontief"}
        ``"ghosh"``: row sums of G = (I − B)⁻¹; ``"leontief"``: row sums of L (Rasmussen's
        original sensitivity of dispersion); ``"auto"``: Ghosh if ``x`` is given.
    lu : LeontiefLU, optional
        Reuse factors of (I − A)ᵀ.

    Returns
    -------
    LinkagesResult

    Notes
    -----
    BL_j = n · (1'L)_j / (1'L1); FL_i = n · (G1)_i / (1'G1), with G1 = x̂⁻¹(Lx) for x > 0.
    Both average exactly 1. A zero-output sector has G row e_i (its B row is 0), so its
    Ghosh row sum is 1; it is named in ``notes``.

    References
    ----------
    Rasmussen, P. N. (1956). *Studies in Inter-Sectoral Relations*. Einar Harks.
    Hirschman, A. O. (1958). *The Strategy of Economic Development*. Yale UP.
    Miller & Blair (2009), section 12.2 (eqs. 12.11–12.24).

    Examples
    --------
    >>> import numpy as np
    >>> r = linkages(np.array([[0.15, 0.25], [0.2, 0.05]]), forward="leontief")
    >>> np.round(r.table["backward"].to_numpy(), 4)   # 2·1.5182/2.9703, 2·1.4521/2.9703
    array([1.0222, 0.9778])
    """
    if forward not in ("auto", "ghosh", "leontief"):
        raise InputError.at(
            "unknown forward-linkage method",
            column="forward",
            value=forward,
            expected="'auto', 'ghosh' or 'leontief'",
        )
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    labels = sector_labels(n, cols, idx)
    method = forward if forward != "auto" else ("ghosh" if x is not None else "leontief")
    notes: list[str] = []
    if forward == "auto" and x is None:
        notes.append("no gross output given: forward linkages from row sums of L (Rasmussen)")
    lu = lu or LeontiefLU(Am)
    col_L = lu.solve_left(np.ones(n))
    b_direct = Am.sum(axis=0)
    if method == "ghosh":
        if x is None:
            raise InputError.at("Ghosh forward linkages need gross output", column="x", expected="x given")
        xv = as_vector(x, "x", n, labels=cols)
        rx, zero = safe_reciprocal(xv)
        row_G = lu.solve(xv) * rx
        row_G[zero] = 1.0
        f_direct = (Am * xv[None, :]).sum(axis=1) * rx  # B·1 = x̂⁻¹ Z 1
        note = zero_output_note(zero, labels)
        if note:
            notes.append(note + "; their Ghosh row sum is 1")
    else:
        row_G = lu.solve(np.ones(n))
        f_direct = Am.sum(axis=1)
    frame = pd.DataFrame(
        {
            "backward": col_L * (n / col_L.sum()),
            "forward": row_G * (n / row_G.sum()),
            "backward_total": col_L,
            "forward_total": row_G,
            "backward_direct": b_direct,
            "forward_direct": f_direct,
        },
        index=labels,
    )
    frame.index.name = frame.index.name or "sector"
    readonly(frame)
    return LinkagesResult(
        table=frame,
        forward_method=method,
        notes=tuple(notes),
        lineage=Lineage.make("meso.linkages", {"n": n, "forward": method}),
    )


@dataclass(frozen=True)
class KeySectorsResult(ResultMixin):
    """Four-quadrant classification of sectors by backward and forward linkage.

    Attributes
    ----------
    table : DataFrame
        Index = sector codes; ``backward``, ``forward``, ``quadrant`` (one of :data:`QUADRANTS`).
    threshold : float
        The cut (1 = the average sector).
    lineage : Lineage
    """

    table: pd.DataFrame
    threshold: float
    lineage: Lineage

    title_en = "Key sectors (four quadrants)"
    title_zh = "关键部门（四象限）"

    def sectors(self, quadrant: str = "key") -> list:
        """Codes of the sectors in ``quadrant``."""
        if quadrant not in QUADRANTS:
            raise InputError.at("unknown quadrant", value=quadrant, expected=", ".join(QUADRANTS))
        return list(self.table.index[self.table["quadrant"] == quadrant])

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        counts = self.table["quadrant"].value_counts()
        for q in QUADRANTS:
            yield (io_label(q, lang), int(counts.get(q, 0)))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector: linkage indices and quadrant (key, backward- or forward-oriented, weak)."""
        t = self.table.copy()
        if lang == "zh":
            t["quadrant"] = t["quadrant"].map(lambda q: io_label(q, "zh"))
        return relabel(t, lang)


def key_sectors(
    link: LinkagesResult | Any, x: Any | None = None, *, threshold: float = 1.0, forward: str = "auto"
) -> KeySectorsResult:
    """Classify sectors into key, backward-oriented, forward-oriented and weak.

    Parameters
    ----------
    link : LinkagesResult or (n, n) array / DataFrame A
        Linkages already computed, or technical coefficients to compute them from.
    x, forward :
        Passed to :func:`linkages` when ``link`` is A.
    threshold : float, default 1.0
        A linkage above it is "strong".

    Notes
    -----
    key: BL > t and FL > t; backward_oriented: BL > t ≥ FL; forward_oriented: FL > t ≥ BL;
    weak: both ≤ t (Miller & Blair 2009, section 12.2.5, Table 12.9).

    Examples
    --------
    >>> import numpy as np
    >>> ks = key_sectors(np.array([[0.15, 0.25], [0.2, 0.05]]), forward="leontief")
    >>> ks.table["quadrant"].tolist()
    ['key', 'weak']
    """
    if not isinstance(link, LinkagesResult):
        link = linkages(link, x, forward=forward)
    bl = link.table["backward"].to_numpy()
    fl = link.table["forward"].to_numpy()
    q = np.where(
        bl > threshold,
        np.where(fl > threshold, "key", "backward_oriented"),
        np.where(fl > threshold, "forward_oriented", "weak"),
    )
    frame = pd.DataFrame({"backward": bl, "forward": fl, "quadrant": q}, index=link.table.index)
    return KeySectorsResult(
        table=frame,
        threshold=float(threshold),
        lineage=Lineage.make("meso.key_sectors", {"threshold": threshold, "forward": link.forward_method}),
    )
