"""Imports in competitive-import tables: the proportional (import-share) assumption.

In a competitive-import table each product row mixes domestic and imported supply and imports
appear as a negative final-use column. Domestic (local) multipliers need the domestic part only.
The usual assumption is that every user of product i draws the same share of imports:

    s_i = 1 − IM_i / (Σ_j z_ij + f_i),

where f_i is final use *within* the economy (consumption and capital formation, not exports or
outflows, which are produced locally by definition), and IM_i the competing supply (imports; for a
provincial table also inflows from other provinces). Then Z_d = ŝ Z, f_d = ŝ f, exports unchanged,
and Z_m = (I − ŝ) Z is the imported intermediate use, a leakage (Miller & Blair 2009, section 2.3.5
and Appendix 2.2; the standard treatment in China's provincial tables, e.g. Zhang & Qi 2012).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from industrial_brain.meso._common import as_matrix, as_vector

__all__ = ["domestic_shares"]


def domestic_shares(Z: Any, local_final_use: Any, competing_supply: Any) -> tuple[np.ndarray, np.ndarray]:
    """Domestic supply shares s_i = 1 − IM_i / (Σ_j z_ij + f_i), clipped to [0, 1].

    Parameters
    ----------
    Z : (n, n) array
        Intermediate use (competitive: domestic + imported).
    local_final_use : (n,) array
        Final use inside the economy (excluding exports / outflows).
    competing_supply : (n,) array
        Imports (plus inflows from other regions), as positive numbers.

    Returns
    -------
    s : ndarray
        Domestic shares.
    clipped : ndarray of int
        Positions where the raw share fell outside [0, 1] (re-exports, or negative absorption from
        inventory draw-downs) and was clipped; the row identity no longer holds exactly there.

    Examples
    --------
    Product 1: intermediate use 150 + 500, local final use 350, imports 100: s = 1 − 100/1000 = 0.9.

    >>> import numpy as np
    >>> s, clipped = domestic_shares(np.array([[150., 500.], [200., 100.]]), [350., 1700.], [100., 0.])
    >>> s
    array([0.9, 1. ])
    """
    Zm = as_matrix(Z, "Z", square=True)
    n = Zm.shape[0]
    f = as_vector(local_final_use, "local_final_use", n)
    m = as_vector(competing_supply, "competing_supply", n)
    absorption = Zm.sum(axis=1) + f
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(absorption != 0, 1.0 - m / absorption, 1.0)
    s = np.where((absorption == 0) & (m != 0), 0.0, s)
    bad = np.flatnonzero((s < 0) | (s > 1))
    return np.clip(s, 0.0, 1.0), bad
