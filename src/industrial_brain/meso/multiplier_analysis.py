"""Output, value-added, income and satellite (employment, emission) multipliers, type I and type II.

Simple (type I) multipliers are column sums of weighted Leontief inverses, m' = s'L, computed as
one solve with the LU factors of (I − A)ᵀ (L is never formed). Type II multipliers close the
model for households: the labour-income coefficient row h' and the household-consumption
coefficient column c are appended to A and the (n+1)-sector system is solved the same way.
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
    divide_by_output,
    labels_of,
    like_matrix,
    safe_reciprocal,
    sector_labels,
    zero_output_note,
)
from industrial_brain.meso._labels import relabel
from industrial_brain.meso.leontief import LeontiefLU

__all__ = [
    "MultipliersResult",
    "multipliers",
    "output_multipliers",
    "satellite_multipliers",
    "satellite_intensities",
    "close_households",
]


def output_multipliers(A: Any, *, lu: LeontiefLU | None = None) -> Any:
    """Simple output multipliers m(o)' = 1'L (column sums of the Leontief inverse).

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients.
    lu : LeontiefLU, optional
        Factors of (I − A)ᵀ already computed (then ``A`` only supplies labels).

    Returns
    -------
    ndarray or Series
        m(o)_j = Σ_i l_ij: total output of all sectors per unit of final demand for j.

    References
    ----------
    Miller & Blair (2009), section 6.2.1, eq. (6.1).

    Examples
    --------
    Miller & Blair Table 2.3: L = [[1.2541, .3300], [.2640, 1.1221]].

    >>> import numpy as np
    >>> np.round(output_multipliers(np.array([[0.15, 0.25], [0.2, 0.05]])), 4)
    array([1.5182, 1.4521])
    """
    idx, cols = labels_of(A)
    lu = lu or LeontiefLU(A)
    m = lu.solve_left(np.ones(lu.n))
    return m if cols is None else pd.Series(m, index=cols, name="output")


def satellite_intensities(F: Any, x: Any) -> Any:
    """Direct satellite intensities S = F x̂⁻¹ (e.g. emissions per unit of output; pymrio's ``S``).

    Zero-output sectors keep intensity 0 and a ``ZeroOutputWarning`` names them.

    Examples
    --------
    >>> import numpy as np
    >>> satellite_intensities(np.array([[10., 40.]]), np.array([1000., 2000.]))
    array([[0.01, 0.02]])
    """
    Fm, _, r, _, idx, cols = divide_by_output(F, x, "F", axis=1, square=False)
    return like_matrix(Fm * r[None, :], idx, cols)


def satellite_multipliers(A: Any, S: Any, *, lu: LeontiefLU | None = None) -> Any:
    """Total satellite multipliers M = S L (pymrio's ``M``), e.g. emissions per unit of final demand.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients.
    S : (k, n) ndarray or DataFrame
        Direct intensities (see :func:`satellite_intensities`).

    Returns
    -------
    ndarray or DataFrame
        M, k × n, labelled like ``S``.

    References
    ----------
    Miller & Blair (2009), section 6.5 (employment) and eq. (10.7) (environmental multipliers).

    Examples
    --------
    >>> import numpy as np
    >>> np.round(satellite_multipliers(np.array([[0.15, 0.25], [0.2, 0.05]]), np.array([[0.01, 0.02]])), 6)
    array([[0.017822, 0.025743]])
    """
    idx, cols = labels_of(S)
    lu = lu or LeontiefLU(A)
    Sm = as_matrix(S, "S")
    if Sm.shape[1] != lu.n:
        raise InputError.at("S has the wrong number of columns", value=Sm.shape[1], expected=str(lu.n))
    M = lu.solve_left(Sm)
    if idx is None:
        return M
    return pd.DataFrame(M, index=idx, columns=cols)


def close_households(A: Any, h: Any, c: Any, h_hh: float = 0.0) -> np.ndarray:
    """The (n+1) × (n+1) coefficient matrix closed for households.

    Ā = [[A, c], [h', h_hh]]: h_j = labour income paid per unit of output of j, c_i = purchases
    of good i per unit of household income, h_hh household purchases of labour per unit income.

    Examples
    --------
    >>> import numpy as np
    >>> close_households(np.array([[0.15, 0.25], [0.2, 0.05]]), [0.3, 0.25], [0.05, 0.4])
    array([[0.15, 0.25, 0.05],
           [0.2 , 0.05, 0.4 ],
           [0.3 , 0.25, 0.  ]])
    """
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    hv = as_vector(h, "h", n)
    cv = as_vector(c, "c", n)
    out = np.empty((n + 1, n + 1))
    out[:n, :n] = Am
    out[:n, n] = cv
    out[n, :n] = hv
    out[n, n] = h_hh
    return out


@dataclass(frozen=True)
class MultipliersResult(ResultMixin):
    """Multipliers by sector (one column per kind).

    Attributes
    ----------
    table : DataFrame
        Index = sector codes; columns among ``output``, ``output_typeII``, ``value_added``,
        ``income``, ``income_typeI``, ``income_typeII`` and, per satellite row ``k``,
        ``k_direct`` (S) and ``k_total`` (M = S L).
    notes : tuple of str
        What was corrected or assumed (zero-output sectors, households closure …).
    lineage : Lineage
    """

    table: pd.DataFrame
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Input–output multipliers"
    title_zh = "投入产出乘数"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        t = self.table
        zh = lang == "zh"
        yield ("部门数" if zh else "sectors", len(t))
        if "output" in t:
            yield (
                "最大产出乘数部门" if zh else "largest output multiplier",
                f"{t['output'].idxmax()} ({t['output'].max():.4f})",
            )
            yield (
                "最小产出乘数部门" if zh else "smallest output multiplier",
                f"{t['output'].idxmin()} ({t['output'].min():.4f})",
            )
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector: the multipliers."""
        return relabel(self.table.copy(), lang)


def multipliers(
    A: Any,
    *,
    x: Any | None = None,
    V: Any | None = None,
    va_coefficients: Any | None = None,
    income_coefficients: Any | None = None,
    household_consumption: Any | None = None,
    F: Any | None = None,
    S: Any | None = None,
    household_own: float = 0.0,
    lu: LeontiefLU | None = None,
    notes: Iterable[str] = (),
) -> MultipliersResult:
    """All simple and type II multipliers of one table in one result.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients (domestic block for domestic multipliers).
    x : (n,) array, optional
        Gross output; needed to turn flows ``V`` / ``F`` into coefficients.
    V : (r, n) array or DataFrame, optional
        Value-added rows (flows); their column sums give the value-added coefficients.
    va_coefficients : (n,) array, optional
        Value-added per unit of output (instead of ``V``).
    income_coefficients : (n,) array, optional
        Labour income (compensation of employees) per unit of output, h.
    household_consumption : (n,) array, optional
        Household purchases per unit of household income, c (columns of the closed model);
        with ``income_coefficients`` it yields the type II multipliers.
    household_own : float, default 0
        Households' purchases of labour per unit of household income (corner of the closed model).
    F : (k, n) array or DataFrame, optional
        Satellite flows (employment, emissions …); with ``x`` gives S = F x̂⁻¹.
    S : (k, n) array or DataFrame, optional
        Satellite intensities directly.
    lu : LeontiefLU, optional
        Reuse existing factors of (I − A)ᵀ.

    Returns
    -------
    MultipliersResult

    Notes
    -----
    output_j = Σ_i l_ij; value_added_j = Σ_i v_i l_ij; income_j = Σ_i h_i l_ij (Miller & Blair's
    simple household income multiplier) and income_typeI_j = income_j / h_j; with households
    closed, L̄ = (I − Ā)⁻¹, output_typeII_j = Σ_{i≤n} l̄_ij, income_typeII_j = l̄_{n+1,j} / h_j;
    satellite k: k_total_j = Σ_i s_ki l_ij. All simple multipliers come from one solve
    (I − A)ᵀ Mᵀ = [1, v, h, Sᵀ].

    References
    ----------
    Miller & Blair (2009), sections 6.2 (output, income; types I and II), 6.3 (employment,
    value added), Tables 6.1–6.4.

    Examples
    --------
    >>> import numpy as np
    >>> r = multipliers(np.array([[0.15, 0.25], [0.2, 0.05]]))
    >>> np.round(r.table["output"].to_numpy(), 4)
    array([1.5182, 1.4521])
    """
    idx, cols = labels_of(A)
    labels = sector_labels(as_matrix(A, "A", square=True).shape[0], cols, idx)
    lu = lu or LeontiefLU(A)
    n = lu.n
    notes = list(notes)
    xv = None if x is None else as_vector(x, "x", n, labels=cols)
    rx, zero = (None, np.array([], dtype=int)) if xv is None else safe_reciprocal(xv)

    rows: dict[str, np.ndarray] = {"output": np.ones(n)}
    v = None
    if va_coefficients is not None:
        v = as_vector(va_coefficients, "va_coefficients", n, labels=cols)
    elif V is not None:
        if rx is None:
            raise InputError.at("value-added flows V need gross output x", column="x", expected="x given")
        Vm = as_matrix(V, "V")
        v = Vm.sum(axis=0) * rx
    if v is not None:
        rows["value_added"] = v
    h = (
        None
        if income_coefficients is None
        else as_vector(income_coefficients, "income_coefficients", n, labels=cols)
    )
    if h is not None:
        rows["income"] = h
    Sm, snames = None, []
    if S is None and F is not None:
        if rx is None:
            raise InputError.at("satellite flows F need gross output x", column="x", expected="x given")
        Fi, _ = labels_of(F)
        Sm = as_matrix(F, "F") * rx[None, :]
        snames = [str(s) for s in (Fi if Fi is not None else range(Sm.shape[0]))]
    elif S is not None:
        Si, _ = labels_of(S)
        Sm = as_matrix(S, "S")
        snames = [str(s) for s in (Si if Si is not None else range(Sm.shape[0]))]
    rhs = list(rows.values())
    if Sm is not None:
        if Sm.shape[1] != n:
            raise InputError.at(
                "satellite matrix has the wrong number of columns", value=Sm.shape[1], expected=str(n)
            )
        rhs += list(Sm)
    sol = lu.solve_left(np.vstack(rhs))
    table: dict[str, np.ndarray] = {}
    for i, k in enumerate(rows):
        table[k] = sol[i]
    if h is not None:
        rh, hz = safe_reciprocal(h)
        table["income_typeI"] = table["income"] * rh
        if len(hz):
            table["income_typeI"][hz] = np.nan
            notes.append(
                f"{len(hz)} sector(s) pay no labour income: type I income multiplier undefined (NaN)"
            )
    if Sm is not None:
        for j, name in enumerate(snames):
            table[f"{name}_direct"] = Sm[j].copy()
            table[f"{name}_total"] = sol[len(rows) + j]
    if household_consumption is not None:
        if h is None:
            raise InputError.at(
                "type II multipliers need income coefficients too",
                column="income_coefficients",
                expected="labour income per unit of output",
            )
        c = as_vector(household_consumption, "household_consumption", n, labels=cols)
        Abar = close_households(as_matrix(A, "A", square=True), h, c, household_own)
        lub = LeontiefLU(Abar, overwrite_a=True)
        e = np.zeros((2, n + 1))
        e[0, :n] = 1.0
        e[1, n] = 1.0
        solb = lub.solve_left(e)
        table["output_typeII"] = solb[0, :n]
        rh, _ = safe_reciprocal(h)
        typeII = solb[1, :n] * rh
        typeII[h == 0] = np.nan
        table["income_typeII"] = typeII
        notes.append(
            "type II: households closed with labour-income row h and consumption column c "
            "(Miller & Blair 2009, section 6.2.2)"
        )
    note = zero_output_note(zero, labels)
    if note:
        notes.insert(0, note)
    order = ["output", "output_typeII", "value_added", "income", "income_typeI", "income_typeII"]
    keys = [k for k in order if k in table] + [k for k in table if k not in order]
    frame = pd.DataFrame({k: table[k] for k in keys}, index=labels)
    frame.index.name = frame.index.name or "sector"
    readonly(frame)
    return MultipliersResult(
        table=frame,
        notes=tuple(notes),
        lineage=Lineage.make(
            "meso.multipliers", {"n": n, "type_II": household_consumption is not None, "satellites": snames}
        ),
    )
