"""Helpers shared by the macro engines: panel and value checks, reference sets, aggregation kernels.

Each helper has one home here; the engine modules import them (none imports another engine's
private helpers). Nothing here is part of the package's public API.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError, MethodError

#: Subsystem indices within this distance outside [0, 1] are round-off (a weighted sum of scores in
#: [0, 1] whose weights add up to 1 ± 1e-16) and are clipped; anything further out is an InputError.
UNIT_ROUNDOFF = 1e-9


# ----------------------------------------------------------------------------- panels
def year_level(index: pd.Index) -> int | str | None:
    """Which index level holds the year (``"year"`` if so named, else the last of a MultiIndex)."""
    if isinstance(index, pd.MultiIndex):
        return "year" if "year" in (index.names or []) else index.nlevels - 1
    return None


def check_panel(panel: Any, what: str = "panel") -> pd.DataFrame:
    """Validate a panel: a numeric DataFrame with unique rows and columns; returns a float64 copy."""
    if not isinstance(panel, pd.DataFrame):
        raise InputError.at(
            f"{what} must be a pandas DataFrame",
            value=type(panel).__name__,
            expected="rows = observations (region, year), columns = indicator codes",
        )
    if panel.shape[0] == 0 or panel.shape[1] == 0:
        raise InputError.at(f"{what} is empty", value=panel.shape, expected="at least one row and column")
    if panel.columns.duplicated().any():
        dup = panel.columns[panel.columns.duplicated()][0]
        raise InputError.at(f"{what} has a duplicated indicator column", column=str(dup))
    if panel.index.duplicated().any():
        dup = panel.index[panel.index.duplicated()][0]
        raise InputError.at(f"{what} has a duplicated row", value=dup, expected="one row per region-year")
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in panel.dtypes):
        X = panel.astype("float64")
        A = X.to_numpy()
        allnan = np.isnan(A).all(axis=0)
        if allnan.any():
            raise InputError.at(
                f"{what}: indicator is missing in every row",
                column=str(X.columns[allnan][0]),
                expected="at least some observed values",
            )
        if np.isinf(A).any():
            j = int(np.flatnonzero(np.isinf(A).any(axis=0))[0])
            raise InputError.at(f"{what}: infinite value", column=str(X.columns[j]))
        return X
    out = {}
    for c in panel.columns:
        try:
            out[c] = pd.to_numeric(panel[c], errors="raise").astype("float64")
        except (TypeError, ValueError):
            bad = next(v for v in panel[c] if not _is_number(v))
            raise InputError.at(
                f"{what}: non-numeric value", column=str(c), value=bad, expected="numbers"
            ) from None
    X = pd.DataFrame(out, index=panel.index)
    for c in X.columns:
        col = X[c].to_numpy()
        if np.isnan(col).all():
            raise InputError.at(
                f"{what}: indicator is missing in every row",
                column=str(c),
                expected="at least some observed values",
            )
        if np.isinf(col).any():
            raise InputError.at(f"{what}: infinite value", column=str(c), value=float(col[np.isinf(col)][0]))
    return X


def _is_number(v: Any) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


def check_complete(X: pd.DataFrame, what: str = "panel") -> None:
    """Raise :class:`InputError` naming the first missing cell (row label and indicator)."""
    na = X.isna().to_numpy()
    if na.any():
        i, j = np.argwhere(na)[0]
        n = int(na.sum())
        raise InputError.at(
            f"{what}: {n} missing value(s); first at row {X.index[i]!r}",
            column=str(X.columns[j]),
            expected="a complete panel (impute first, or pass missing='drop' to drop incomplete rows)",
        )


def reference_groups(X: pd.DataFrame, reference: str) -> list[np.ndarray]:
    """Row positions of each reference set: all rows (``"pooled"``) or each year's rows (``"by_year"``)."""
    if reference == "pooled":
        return [np.arange(len(X))]
    lvl = year_level(X.index)
    if lvl is None:
        raise InputError.at(
            "reference='by_year' needs a (region, year) MultiIndex",
            column="reference",
            value=type(X.index).__name__,
            expected="pandas MultiIndex with a year level",
        )
    years = X.index.get_level_values(lvl).to_numpy()
    return [np.flatnonzero(years == y) for y in pd.unique(years)]


# ----------------------------------------------------------------------------- values and matrices
def as_number(value: Any, name: str) -> float:
    """A scalar parameter ``name`` as a float; :class:`InputError` when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError.at(f"{name} must be a number", column=name, value=value) from None


def numeric_array(values: Any, what: str, message: str | None = None) -> np.ndarray:
    """``values`` as a float64 array (a frame or Series through ``to_numpy``).

    Raises :class:`InputError` at column ``what`` (message ``message``, by default
    ``"<what> must be numeric"``) when a value cannot be read as a number.
    """
    try:
        if isinstance(values, (pd.DataFrame, pd.Series)):
            return values.to_numpy(dtype=float)
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError.at(message or f"{what} must be numeric", column=what) from None


def require_finite(frame: pd.DataFrame, A: np.ndarray, message: str, expected: str) -> None:
    """Raise :class:`InputError` at the first missing or non-finite cell of ``A = frame.to_numpy()``.

    ``message`` is formatted with ``count``, the number of such cells; the error names the cell's
    column and, as its value, its row label; ``expected`` says what was wanted.
    """
    bad = ~np.isfinite(A)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InputError.at(
            message.format(count=int(bad.sum())),
            column=str(frame.columns[c]),
            value=str(frame.index[r]),
            expected=expected,
        )


def require_non_negative(X: pd.DataFrame, A: np.ndarray, message: str, expected: str) -> None:
    """Raise :class:`InputError` at the first negative cell of ``A = X.to_numpy()``.

    ``message`` is formatted with ``row``, the repr of that cell's row label; the error names its
    column and value, and ``expected`` says what was wanted.
    """
    if (A < 0).any():
        i, j = np.argwhere(A < 0)[0]
        raise InputError.at(
            message.format(row=repr(X.index[i])),
            column=str(X.columns[j]),
            value=float(A[i, j]),
            expected=expected,
        )


def value_vector(values: Any, what: str = "values") -> tuple[np.ndarray, pd.Index]:
    """One variable across regions as a float array and its labels: finite, non-negative, positive sum.

    Accepts a 1-D array, a Series (its index gives the labels) or a one-column DataFrame; raises
    :class:`InputError` naming the first bad value, :class:`MethodError` when every value is 0.
    """
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise InputError.at(
                f"{what} must be one column",
                column=what,
                value=values.shape,
                expected="a 1-D array or Series",
            )
        values = values.iloc[:, 0]
    y = numeric_array(values, what)
    if isinstance(values, pd.Series):
        index = values.index
    else:
        if y.ndim != 1:
            raise InputError.at(f"{what} must be one-dimensional", column=what, value=y.shape)
        index = pd.RangeIndex(len(y))
    if y.size < 2:
        raise InputError.at(f"{what} needs at least two observations", column=what, value=int(y.size))
    bad = ~np.isfinite(y)
    if bad.any():
        raise InputError.at(
            f"missing or non-finite value ({int(bad.sum())} of {y.size})",
            column=what,
            value=f"{index[np.argmax(bad)]!s}: {y[np.argmax(bad)]}",
            expected="a finite value for every region (drop or impute it first)",
        )
    if (y < 0).any():
        raise InputError.at(
            "negative value: the Gini coefficient is defined for non-negative values",
            column=what,
            value=f"{index[np.argmax(y < 0)]!s}: {y[np.argmax(y < 0)]}",
            expected="values >= 0",
        )
    if y.sum() <= 0:
        raise MethodError(f"{what}: every value is 0, so the Gini coefficient (÷ mean) is undefined")
    return y, index


def group_labels(groups: Any, values: Any, index: pd.Index) -> np.ndarray:
    """One group label (as ``str``) per value of a :func:`value_vector`.

    A Series of groups is aligned on the index of a Series of values (every value must have a
    group); anything else is read in order. Raises :class:`InputError` when the lengths differ or a
    label is missing.
    """
    if isinstance(groups, pd.Series) and isinstance(values, pd.Series):
        if not groups.index.equals(index):
            if not index.isin(groups.index).all():
                raise InputError.at(
                    "groups do not cover every value",
                    column="groups",
                    value=list(index[~index.isin(groups.index)][:3]),
                )
            groups = groups.reindex(index)
        g = groups.to_numpy(dtype=object)
    else:
        g = np.asarray(groups, dtype=object).ravel()
    if g.shape[0] != len(index):
        raise InputError.at(
            "groups and values differ in length",
            column="groups",
            value=f"{g.shape[0]} labels for {len(index)} values",
            expected="one label per value",
        )
    missing = pd.isna(pd.Series(g)).to_numpy()
    if missing.any():
        raise InputError.at("missing group label", column="groups", value=str(index[int(np.argmax(missing))]))
    return g.astype(str)


def nonneg_matrix(E: Any, what: str) -> pd.DataFrame:
    """A regions × sectors matrix as a float DataFrame, every cell finite and non-negative."""
    if not isinstance(E, pd.DataFrame):
        A = numeric_array(E, what)
        if A.ndim != 2:
            raise InputError.at(f"{what} must be a regions × sectors matrix", column=what, value=A.shape)
        E = pd.DataFrame(A)
    A = numeric_array(E, what)
    require_finite(E, A, f"missing value in {what}", "a value in every cell (0 where a sector is absent)")
    if (A < 0).any():
        r, c = np.argwhere(A < 0)[0]
        raise InputError.at(
            f"negative value in {what}",
            column=str(E.columns[c]),
            value=f"{E.index[r]!s}: {A[r, c]}",
            expected=">= 0",
        )
    return pd.DataFrame(A, index=E.index, columns=E.columns)


def share_matrix(X: Any, what: str = "X") -> pd.DataFrame:
    """Row shares ``s_ik = x_ik / Σ_k x_ik`` of a non-negative regions × sectors matrix.

    Raises :class:`InputError` (via :func:`nonneg_matrix`) for missing or negative cells, when fewer
    than two regions or sectors are given, or when a region's total is 0 (its structure is undefined).
    """
    df = nonneg_matrix(X, what)
    if df.shape[0] < 2 or df.shape[1] < 2:
        raise InputError.at(
            f"{what} needs at least two regions and two sectors",
            column=what,
            value=df.shape,
            expected="a regions × sectors matrix",
        )
    if df.index.duplicated().any():
        raise InputError.at(
            f"{what} has a duplicated region", column=what, value=str(df.index[df.index.duplicated()][0])
        )
    tot = df.to_numpy().sum(axis=1)
    if (tot <= 0).any():
        raise InputError.at(
            f"region with total 0 in {what}: its sector shares are undefined",
            column=what,
            value=str(df.index[int(np.argmax(tot <= 0))]),
            expected="a positive total in every row (drop the region)",
        )
    return df.div(tot, axis=0)


def structure_notes(X: pd.DataFrame) -> tuple[str, ...]:
    """What a reader of a structure measure should know about the regions × sectors matrix ``X``:
    sectors with no activity in any region (they change no share and no index)."""
    empty = X.columns[(X.to_numpy() == 0).all(axis=0)]
    if len(empty) == 0:
        return ()
    return (f"{len(empty)} sector(s) with no activity in any region: {', '.join(map(str, empty[:8]))}",)


def pair_table(M: pd.DataFrame, value: str, *, descending: bool) -> pd.DataFrame:
    """Every unordered pair i < j of a symmetric regions × regions matrix: ``region_i``, ``region_j``
    (labels as ``str``) and the cell under ``value``, sorted by it (ties by the labels)."""
    iu = np.triu_indices(M.shape[0], k=1)
    f = pd.DataFrame(
        {
            "region_i": M.index[iu[0]].astype(str),
            "region_j": M.columns[iu[1]].astype(str),
            value: M.to_numpy()[iu],
        }
    )
    return f.sort_values(
        [value, "region_i", "region_j"], ascending=[not descending, True, True], ignore_index=True
    )


def unit_matrix(U: Any, what: str = "U", min_cols: int = 2) -> tuple[np.ndarray, pd.Index, list[str]]:
    """Validate an observations × systems matrix of indices in [0, 1]; return (array, index, names)."""
    if isinstance(U, pd.DataFrame):
        index, names = U.index, [str(c) for c in U.columns]
        try:
            X = U.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputError.at(
                f"{what} must be numeric", value=str(exc), expected="a numeric observations × systems table"
            ) from None
    else:
        try:
            X = np.asarray(U, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputError.at(
                f"{what} must be numeric", value=str(exc), expected="a numeric observations × systems array"
            ) from None
        if X.ndim == 1 and min_cols >= 2:
            raise InputError.at(
                f"{what} has one column: coupling needs at least two systems",
                column=what,
                value=X.shape,
                expected="an observations × systems array, systems >= 2",
            )
        if X.ndim != 2:
            raise InputError.at(
                f"{what} must be two-dimensional",
                column=what,
                value=X.shape,
                expected="observations × systems",
            )
        index, names = pd.RangeIndex(X.shape[0]), [f"U{i + 1}" for i in range(X.shape[1])]
    if X.ndim != 2 or X.shape[1] < min_cols:
        raise InputError.at(
            f"coupling needs at least {min_cols} systems",
            column=what,
            value=f"{X.shape[1] if X.ndim == 2 else 1} system(s)",
            expected=f"at least {min_cols} columns (one per subsystem)",
        )
    if X.shape[0] == 0:
        raise InputError.at(f"{what} has no rows", column=what, expected="at least one observation")
    bad = ~np.isfinite(X)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InputError.at(
            f"missing or non-finite subsystem index ({int(bad.sum())} cell(s))",
            row=None,
            column=names[c],
            value=f"{index[r]!s}: {X[r, c]}",
            expected="a value in [0, 1] for every observation and system "
            "(drop or impute the region-year first)",
        )
    out = (X < -UNIT_ROUNDOFF) | (X > 1 + UNIT_ROUNDOFF)
    if out.any():
        r, c = np.argwhere(out)[0]
        raise InputError.at(
            "subsystem index outside [0, 1]",
            column=names[c],
            value=f"{index[r]!s}: {X[r, c]}",
            expected="indices normalised to [0, 1] (e.g. min–max + weighted sum)",
        )
    if ((X < 0) | (X > 1)).any():  # round-off of a weighted sum (weights summing to 1 ± 1e-16)
        X = np.clip(X, 0.0, 1.0)
    return X, index, names


# ----------------------------------------------------------------------------- aggregation kernels
def arithmetic_scores(A: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean of each row, ``s_i = Σ_j w_j a_ij``."""
    return A @ w


def geometric_scores(A: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted geometric mean of each row, ``s_i = Π_j a_ij^{w_j}`` (0 when a weighted ``a_ij`` is 0)."""
    with np.errstate(divide="ignore"):
        logs = np.where(w > 0, np.log(np.where(A > 0, A, 1.0)), 0.0)
    zero = ((A == 0) & (w > 0)).any(axis=1)
    return np.where(zero, 0.0, np.exp(logs @ w))


def topsis_gaps(A: np.ndarray, groups: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Squared distances of each row to the column max / min of its reference set (weight-free).

    With w >= 0 the weighted ideal is w_j max_i a_ij, so (v_ij - v+_j)^2 = w_j^2 (a_ij - max a_j)^2 and
    D+^2 = Q+ @ w^2: the squares can be computed once and reused for any weights.
    """
    Qp, Qm = np.empty_like(A), np.empty_like(A)
    for g in groups:
        Ag = A[g]
        Qp[g] = (Ag - Ag.max(axis=0)) ** 2
        Qm[g] = (Ag - Ag.min(axis=0)) ** 2
    return Qp, Qm


def topsis_distances(
    A: np.ndarray,
    w: np.ndarray,
    groups: Sequence[np.ndarray] | None = None,
    *,
    Q: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, ...]:
    """TOPSIS distances ``(D⁺, D⁻, D⁺ + D⁻)`` of each row of ``A · w`` to the ideal and anti-ideal.

    The ideals are the column max / min within each reference set in ``groups``; with ``Q`` (the
    squared gaps of :func:`topsis_gaps`) the distances come from ``sqrt(Q @ w²)`` without re-scanning.
    """
    if Q is not None:
        w2 = w * w
        Dp, Dm = np.sqrt(Q[0] @ w2), np.sqrt(Q[1] @ w2)
        return Dp, Dm, Dp + Dm
    Dp, Dm = np.empty(len(A)), np.empty(len(A))
    for g in groups:
        Vg = A[g] * w
        Dp[g] = np.sqrt(((Vg - Vg.max(axis=0)) ** 2).sum(axis=1))
        Dm[g] = np.sqrt(((Vg - Vg.min(axis=0)) ** 2).sum(axis=1))
    return Dp, Dm, Dp + Dm
