"""Supply-driven (Ghosh) model: allocation coefficients B and the Ghosh inverse G.

The column identity x' = 1'Z + v' with Z = x̂ B gives x' = v'(I − B)⁻¹ = v'G
(Ghosh 1958; Miller & Blair 2009, section 12.1).
"""

from __future__ import annotations

from typing import Any


from industrial_brain.meso._common import as_vector, divide_by_output, labels_of, like_matrix, like_vector
from industrial_brain.meso.leontief import LeontiefLU, leontief_inverse

__all__ = ["allocation_coefficients", "ghosh_inverse", "ghosh_from_leontief", "output_from_inputs"]


def allocation_coefficients(Z: Any, x: Any) -> Any:
    """Ghosh allocation (output) coefficients B = x̂⁻¹ Z.

    Parameters
    ----------
    Z : (n, n) ndarray or DataFrame
        Intermediate flows.
    x : (n,) ndarray or Series
        Gross output, aligned on Z's rows when labelled.

    Returns
    -------
    ndarray or DataFrame
        B, of the kind of ``Z``; b_ij = z_ij / x_i is the share of i's output sold to j.

    Notes
    -----
    Rows of zero-output sectors stay 0 and a ``ZeroOutputWarning`` names them.

    References
    ----------
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis* (2nd ed.), eq. (12.1).

    Examples
    --------
    >>> import numpy as np
    >>> allocation_coefficients(np.array([[150., 500.], [200., 100.]]), np.array([1000., 2000.]))
    array([[0.15, 0.5 ],
           [0.1 , 0.05]])
    """
    Zm, _, r, _, idx, cols = divide_by_output(Z, x, "Z", axis=0)
    return like_matrix(Zm * r[:, None], idx, cols)


def ghosh_inverse(B: Any) -> Any:
    """Ghosh inverse G = (I − B)⁻¹.

    Parameters
    ----------
    B : (n, n) ndarray or DataFrame
        Allocation coefficients.

    Returns
    -------
    ndarray or DataFrame
        G, of the kind of ``B``.

    Notes
    -----
    x' = v'G. With x > 0, G = x̂⁻¹ L x̂ (:func:`ghosh_from_leontief`); the row sums of G are the
    output-to-input (forward, supply-driven) multipliers.

    References
    ----------
    Ghosh, A. (1958). Input-output approach in an allocation system. *Economica* 25(97), 58–64.
    Miller & Blair (2009), eqs. (12.5)–(12.9).

    Examples
    --------
    A 3-sector case solved by hand: B = [[0, .5, 0], [0, 0, .5], [0, 0, 0]] is nilpotent, so
    G = I + B + B² = [[1, .5, .25], [0, 1, .5], [0, 0, 1]].

    >>> import numpy as np
    >>> ghosh_inverse(np.array([[0, .5, 0], [0, 0, .5], [0, 0, 0]]))
    array([[1.  , 0.5 , 0.25],
           [0.  , 1.  , 0.5 ],
           [0.  , 0.  , 1.  ]])
    """
    # (I − B)⁻¹ is the Leontief-form inverse of B: same factorisation, one getri.
    return leontief_inverse(B)


def ghosh_from_leontief(L: Any, x: Any) -> Any:
    """G = x̂⁻¹ L x̂ from an already computed Leontief inverse (no second inversion).

    Rows of zero-output sectors are set to the unit row e_i (what (I − B)⁻¹ gives when B's row i
    is zero), and a ``ZeroOutputWarning`` names them.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[1.254125, 0.330033], [0.264026, 1.122112]])
    >>> np.round(ghosh_from_leontief(L, np.array([1000., 2000.])), 4)
    array([[1.2541, 0.6601],
           [0.132 , 1.1221]])
    """
    Lm, xv, r, zero, idx, cols = divide_by_output(L, x, "L", axis=0)
    G = r[:, None] * Lm * xv[None, :]
    G[zero, :] = 0.0
    G[zero, zero] = 1.0
    return like_matrix(G, idx, cols)


def output_from_inputs(B: Any, v: Any) -> Any:
    """Gross output x' = v' G that primary inputs v allow (supply-driven), without forming G.

    Examples
    --------
    >>> import numpy as np
    >>> B = np.array([[0.15, 0.5], [0.1, 0.05]])
    >>> np.round(output_from_inputs(B, np.array([650., 1400.])), 6)
    array([1000., 2000.])
    """
    idx, cols = labels_of(B)
    lu = LeontiefLU(B)
    vv = as_vector(v, "v", lu.n, labels=idx)
    return like_vector(lu.solve_left(vv), cols, "x")
