"""The ``IOTable`` container: one single- or multi-regional input–output table and its accounts.

Holds the table as published (Z, Y, V, x, satellite F, imported blocks) under Miller & Blair's
symbols and computes derived accounts lazily by calling the pure functions of this package (the
``calc_system`` idea of pymrio): A, the LU factors of (I − A)ᵀ, L (only when asked), B, G,
multipliers, linkages … Each computation is cached and recorded in ``history``.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.meso import aggregation as _agg
from industrial_brain.meso._common import ZeroOutputWarning, safe_reciprocal, zero_output_note
from industrial_brain.meso.accounts import AccountsResult, satellite_accounts
from industrial_brain.meso.extraction import ExtractionResult, hypothetical_extraction
from industrial_brain.meso.ghosh import allocation_coefficients, ghosh_from_leontief
from industrial_brain.meso.chokepoint_analysis import ImportDependenceResult, import_dependence
from industrial_brain.meso.imports import domestic_shares
from industrial_brain.meso.leontief import LeontiefLU, technical_coefficients
from industrial_brain.meso.linkage_analysis import KeySectorsResult, LinkagesResult, key_sectors, linkages
from industrial_brain.meso.multiplier_analysis import MultipliersResult, multipliers
from industrial_brain.meso.position import PositionResult, chain_position

__all__ = ["IOTable", "FINAL_USE_KINDS"]

#: Kinds of final-use columns: ``local`` (consumption, capital formation inside the economy),
#: ``export`` (exports, outflows to other regions), ``import`` (imports, inflows; stored negative),
#: ``other`` (statistical discrepancy).
FINAL_USE_KINDS = ("local", "export", "import", "other")


def _frame(M: Any, name: str, index: pd.Index | None = None, columns: pd.Index | None = None) -> pd.DataFrame:
    if isinstance(M, pd.DataFrame):
        out = M.astype(np.float64)
    else:
        arr = np.asarray(M, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        if arr.ndim != 2:
            raise InputError.at(f"{name} must be a matrix", value=f"{arr.ndim}-D", expected="2-D")
        out = pd.DataFrame(
            arr,
            index=index if index is not None and len(index) == arr.shape[0] else None,
            columns=columns if columns is not None and len(columns) == arr.shape[1] else None,
        )
    if not np.isfinite(out.to_numpy()).all():
        r, c = np.argwhere(~np.isfinite(out.to_numpy()))[0]
        raise InputError.at(
            f"{name} has a missing or non-finite cell",
            row=int(r) + 1,
            column=str(out.columns[c]),
            expected="a number",
        )
    return out


def _quietly(func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` with :class:`ZeroOutputWarning` silenced (the table lists those sectors in notes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZeroOutputWarning)
        return func(*args)


class IOTable:
    """A single- or multi-regional input–output table.

    Parameters
    ----------
    Z : (N, N) DataFrame or array
        Intermediate flows (domestic block for non-competitive tables). For an MRIO, index and
        columns are a (region, sector) MultiIndex.
    Y : (N, C) DataFrame or array
        Final demand by category (for an MRIO, columns (region, category)). Competing imports of a
        competitive table are a column of *negative* values of kind ``import``.
    V : (r, N) DataFrame or array, optional
        Value-added rows (compensation of employees, taxes, depreciation, surplus …).
    x : (N,) Series or array, optional
        Gross output; default Z·1 + Y·1.
    F, F_Y : DataFrame, optional
        Satellite accounts (stressor rows) of production and of final demand.
    Z_imp, Y_imp : DataFrame, optional
        Imported intermediate and final use of a non-competitive table (kept as leakage).
    final_use_kinds : mapping, optional
        Column of Y → one of :data:`FINAL_USE_KINDS` (default: every column ``local`` except names
        ``EX``/``OF`` (export), ``IM``/``IF`` (import), ``ERR`` (other)).
    name, unit : str
    notes : sequence of str
        What the loader corrected or assumed.
    check : bool, default True
        Check the row and column identities on construction (see :meth:`check_balance`).
    rtol : float, default 1e-4
        Balance tolerance relative to each sector's output.
    """

    def __init__(
        self,
        Z: Any,
        Y: Any,
        V: Any | None = None,
        x: Any | None = None,
        *,
        F: Any | None = None,
        F_Y: Any | None = None,
        Z_imp: Any | None = None,
        Y_imp: Any | None = None,
        final_use_kinds: Mapping[Any, str] | None = None,
        name: str = "",
        unit: str = "",
        notes: Sequence[str] = (),
        check: bool = True,
        rtol: float = 1e-4,
    ) -> None:
        self.Z = _frame(Z, "Z")
        if self.Z.shape[0] != self.Z.shape[1]:
            raise InputError.at("Z must be square", value=self.Z.shape, expected="N × N")
        if not self.Z.index.equals(self.Z.columns):
            raise InputError.at(
                "Z's row and column labels differ",
                value=list(self.Z.index[:3]),
                expected=f"{list(self.Z.columns[:3])}…",
            )
        labels = self.Z.index
        self.Y = _frame(Y, "Y", index=labels)
        self.Y = self._align(self.Y, "Y", 0)
        self.V = None if V is None else self._align(_frame(V, "V", columns=labels), "V", 1)
        self.F = None if F is None else self._align(_frame(F, "F", columns=labels), "F", 1)
        self.F_Y = None if F_Y is None else _frame(F_Y, "F_Y", columns=self.Y.columns)
        self.Z_imp = (
            None if Z_imp is None else self._align(_frame(Z_imp, "Z_imp", columns=labels), "Z_imp", 1)
        )
        self.Y_imp = None if Y_imp is None else _frame(Y_imp, "Y_imp")
        if x is None:
            self.x = pd.Series(
                self.Z.to_numpy().sum(axis=1) + self.Y.to_numpy().sum(axis=1), index=labels, name="x"
            )
        else:
            xs = (
                x
                if isinstance(x, pd.Series)
                else pd.Series(np.asarray(x, dtype=np.float64).reshape(-1), index=labels)
            )
            if len(xs) != len(labels):
                raise InputError.at("x has the wrong length", value=len(xs), expected=str(len(labels)))
            if not xs.index.equals(labels):
                if labels.difference(xs.index).size:
                    raise InputError.at("x lacks sectors of Z", value=list(labels.difference(xs.index)[:5]))
                xs = xs.reindex(labels)
            self.x = xs.astype(np.float64).rename("x")
        kinds = {}
        for c in self.Y.columns:
            key = c[-1] if isinstance(c, tuple) else c
            default = {"EX": "export", "OF": "export", "IM": "import", "IF": "import", "ERR": "other"}.get(
                str(key), "local"
            )
            kinds[c] = (final_use_kinds or {}).get(c, (final_use_kinds or {}).get(key, default))
            if kinds[c] not in FINAL_USE_KINDS:
                raise InputError.at(
                    "unknown final-use kind",
                    column=str(c),
                    value=kinds[c],
                    expected=", ".join(FINAL_USE_KINDS),
                )
        self.final_use_kinds: dict[Any, str] = kinds
        self.name = name
        self.unit = unit
        self.notes: list[str] = list(notes)
        zero = np.flatnonzero(self.x.to_numpy() == 0)
        note = zero_output_note(zero, labels)
        if note and note not in self.notes:
            self.notes.append(note)
        self.sector_names: pd.DataFrame | None = None
        self.history: list[str] = []
        self._cache: dict[str, Any] = {}
        self.rtol = rtol
        if check:
            self.check_balance(rtol=rtol)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(
        cls,
        Z: pd.DataFrame,
        Y: pd.DataFrame,
        V: pd.DataFrame | None = None,
        x: pd.Series | None = None,
        **kw: Any,
    ) -> "IOTable":
        """Build from labelled frames (see the class parameters)."""
        return cls(Z, Y, V, x, **kw)

    def _align(self, M: pd.DataFrame, name: str, axis: int) -> pd.DataFrame:
        """``M`` with its rows (``axis=0``) or columns (``axis=1``) on Z's sectors.

        Unlabelled (RangeIndex) sides take Z's labels; labelled ones are reordered and must cover
        every sector of Z.
        """
        labels = self.Z.axes[axis]
        have = M.axes[axis]
        if M.shape[axis] != len(labels):
            raise InputError.at(
                f"{name} has the wrong number of {('rows', 'columns')[axis]}",
                value=M.shape[axis],
                expected=str(len(labels)),
            )
        if not have.equals(labels):
            if isinstance(have, pd.RangeIndex):
                M = M.set_axis(labels, axis=axis)
            elif labels.difference(have).size:
                raise InputError.at(f"{name} lacks sectors of Z", value=list(labels.difference(have)[:5]))
            else:
                M = M.reindex(labels, axis=axis)
        return M

    # ------------------------------------------------------------------ description
    @property
    def is_mrio(self) -> bool:
        """True when the rows are (region, sector) pairs."""
        return isinstance(self.Z.index, pd.MultiIndex) and self.Z.index.nlevels == 2

    @property
    def sectors(self) -> pd.Index:
        """The sector codes (once each, also in a multi-regional table)."""
        return self.Z.index.get_level_values(-1).unique() if self.is_mrio else self.Z.index

    @property
    def regions(self) -> pd.Index | None:
        """The regions of a multi-regional table (None for a single-region table)."""
        return self.Z.index.get_level_values(0).unique() if self.is_mrio else None

    def __repr__(self) -> str:
        kind = (
            f"MRIO {len(self.regions)} regions × {len(self.sectors)} sectors"
            if self.is_mrio
            else f"{len(self.sectors)} sectors"
        )
        return f"IOTable({self.name or 'unnamed'}: {kind}, unit={self.unit or '?'})"

    # ------------------------------------------------------------------ identities
    def balance(self) -> pd.DataFrame:
        """Row and column residuals: ``row = Z·1 + Y·1 − x`` and ``column = 1'Z (+1'Z_imp) + 1'V − x``."""
        x = self.x.to_numpy()
        row = self.Z.to_numpy().sum(axis=1) + self.Y.to_numpy().sum(axis=1) - x
        out = {"x": x, "row": row}
        if self.V is not None:
            col = self.Z.to_numpy().sum(axis=0) + self.V.to_numpy().sum(axis=0) - x
            if self.Z_imp is not None:
                col = col + self.Z_imp.to_numpy().sum(axis=0)
            out["column"] = col
        return pd.DataFrame(out, index=self.Z.index)

    def check_balance(self, rtol: float = 1e-4, atol: float | None = None) -> pd.DataFrame:
        """Check x = Z·1 + Y·1 and x = 1'Z + 1'V; raise :class:`InputError` naming the worst rows.

        A residual passes if |res_i| ≤ atol + rtol·|x_i|; ``atol`` defaults to 1e-6 × mean |x| so that
        zero-output sectors are judged on the table's scale.
        """
        b = self.balance()
        x = np.abs(b["x"].to_numpy())
        atol = 1e-6 * float(x.mean()) if atol is None else atol
        lim = atol + rtol * x
        for ident in ("row", "column"):
            if ident not in b:
                continue
            res = b[ident].to_numpy()
            bad = np.flatnonzero(np.abs(res) > lim)
            if len(bad):
                worst = bad[np.argsort(-np.abs(res[bad]) / np.maximum(lim[bad], 1e-300))][:3]
                desc = "; ".join(
                    f"{self.Z.index[i]}: residual {res[i]:.6g} vs output {b['x'].iloc[i]:.6g}" for i in worst
                )
                what = "x = Z·1 + Y·1" if ident == "row" else "x = 1'Z + 1'V"
                raise InputError(
                    f"{self.name or 'IO table'}: {len(bad)} sector(s) break the {ident} "
                    f"identity {what} beyond rtol={rtol:g}; worst: {desc}"
                )
        return b

    # ------------------------------------------------------------------ lazy accounts
    def _get(self, key: str, make, what: str):
        if key not in self._cache:
            self._cache[key] = make()
            self.history.append(what)
        return self._cache[key]

    @property
    def A(self) -> pd.DataFrame:
        """Technical coefficients A = Z x̂⁻¹ (zero-output columns kept at 0, named in ``notes``)."""
        return self._get(
            "A",
            lambda: _quietly(technical_coefficients, self.Z, self.x),
            "A = Z x̂⁻¹ (technical_coefficients)",
        )

    @property
    def lu(self) -> LeontiefLU:
        """LU factors of (I − A)ᵀ (computed once, reused by every account)."""
        return self._get("lu", lambda: LeontiefLU(self.A), "LU factors of (I − A)ᵀ (LeontiefLU)")

    @property
    def L(self) -> pd.DataFrame:
        """The explicit Leontief inverse (formed only when asked, from the cached factors)."""
        return self._get(
            "L",
            lambda: pd.DataFrame(
                np.ascontiguousarray(self.lu.inverse()), index=self.Z.index, columns=self.Z.columns
            ),
            "L from the LU factors (getri)",
        )

    @property
    def B(self) -> pd.DataFrame:
        """Allocation coefficients B = x̂⁻¹ Z."""
        return self._get(
            "B",
            lambda: _quietly(allocation_coefficients, self.Z, self.x),
            "B = x̂⁻¹ Z (allocation_coefficients)",
        )

    @property
    def G(self) -> pd.DataFrame:
        """Ghosh inverse G = x̂⁻¹ L x̂ (from L: no second inversion)."""
        return self._get(
            "G", lambda: _quietly(ghosh_from_leontief, self.L, self.x), "G = x̂⁻¹ L x̂ (ghosh_from_leontief)"
        )

    @property
    def y(self) -> pd.Series:
        """Total final demand by product (Y·1)."""
        return self.Y.sum(axis=1).rename("y")

    def income_coefficients(self, row: str = "VA001") -> np.ndarray | None:
        """Labour income per unit of output (compensation of employees row ÷ x)."""
        if self.V is None or row not in self.V.index:
            return None
        r, _ = safe_reciprocal(self.x.to_numpy())
        return self.V.loc[row].to_numpy(dtype=np.float64) * r

    def multipliers(
        self, *, household_columns: Sequence[Any] | None = None, income_row: str = "VA001"
    ) -> MultipliersResult:
        """Output, value-added, income (types I and II if ``household_columns`` is given) and satellite
        multipliers.

        Type II closes the model with h = ``income_row``/x and c = household consumption
        (sum of ``household_columns`` of Y) ÷ total labour income.
        """
        key = f"multipliers:{tuple(household_columns or ())}:{income_row}"

        def make():
            h = self.income_coefficients(income_row)
            c = None
            notes = list(self.notes)
            if household_columns:
                missing = [c_ for c_ in household_columns if c_ not in self.Y.columns]
                if missing:
                    raise InputError.at(
                        "household columns not in Y",
                        column="household_columns",
                        value=missing,
                        expected=f"some of {list(self.Y.columns)}",
                    )
                if h is None:
                    raise InputError.at(
                        "type II multipliers need a compensation-of-employees row", column=income_row
                    )
                income = float(self.V.loc[income_row].sum())
                c = self.Y[list(household_columns)].to_numpy().sum(axis=1) / income
            return multipliers(
                self.A,
                x=self.x,
                V=self.V,
                income_coefficients=h,
                household_consumption=c,
                F=self.F,
                lu=self.lu,
                notes=[n for n in notes if "zero gross output" not in n],
            )

        return self._get(key, make, "multipliers")

    def linkages(self, forward: str = "ghosh") -> LinkagesResult:
        """Rasmussen–Hirschman backward and forward linkages (:func:`~industrial_brain.meso.linkages`)."""
        return self._get(
            f"linkages:{forward}",
            lambda: linkages(self.A, self.x, forward=forward, lu=self.lu),
            f"linkages (forward={forward})",
        )

    def key_sectors(self, forward: str = "ghosh", threshold: float = 1.0) -> KeySectorsResult:
        """Key sectors: backward and forward linkage indices both above ``threshold``."""
        return key_sectors(self.linkages(forward), threshold=threshold)

    def extraction(self, sectors: Sequence[Any] | None = None, block: bool = False) -> ExtractionResult:
        """Hypothetical extraction of each sector, or of ``sectors`` (together with ``block=True``)."""
        return hypothetical_extraction(self.A, self.x, sectors=sectors, block=block, lu=self.lu)

    def position(self) -> PositionResult:
        """Upstreamness and downstreamness of every sector (:func:`chain_position`), cached."""
        return self._get("position", lambda: chain_position(self.A, self.x, lu=self.lu), "chain position")

    def accounts(self) -> AccountsResult:
        """Satellite accounts (pymrio's D_cba, D_pba, D_imp, D_exp and regional totals)."""
        if self.F is None:
            raise InputError.at("the table has no satellite account F", column="F", expected="F given")
        return self._get(
            "accounts",
            lambda: satellite_accounts(self.Z, self.Y, self.F, F_Y=self.F_Y, x=self.x, lu=self.lu),
            "satellite accounts",
        )

    def import_dependence(
        self, *, imports: Any | None = None, exports: Any | None = None, names: Any | None = None
    ) -> ImportDependenceResult:
        """Chokepoints as import dependence × output at risk
        (:mod:`industrial_brain.meso.chokepoint_analysis`).

        Needs the imported intermediate use ``Z_imp`` (a non-competitive table, or the result of
        :meth:`domestic`). ``imports`` default to the row sums of ``Z_imp`` and ``Y_imp`` (all imported
        use of each product); ``exports`` to the final-use columns of kind ``export``; ``names`` to
        :attr:`sector_names`.
        """
        if self.Z_imp is None:
            raise InputError.at(
                "import dependence needs the imported intermediate use",
                column="Z_imp",
                expected="a non-competitive table, or IOTable.domestic() of a competitive one",
            )
        if imports is None:
            imports = self.Z_imp.to_numpy().sum(axis=1)
            if self.Y_imp is not None and len(self.Y_imp) == len(self.Z):
                imports = imports + self.Y_imp.to_numpy().sum(axis=1)
        if exports is None:
            ex = [c for c, k in self.final_use_kinds.items() if k == "export"]
            exports = self.Y[ex].to_numpy().sum(axis=1) if ex else None
        return import_dependence(
            self.A,
            self.x,
            imports,
            self.Z_imp,
            Z=self.Z,
            exports=exports,
            names=self.sector_names if names is None else names,
            unit=self.unit,
            lu=self.lu,
        )

    # ------------------------------------------------------------------ transformations
    def domestic(self, *, exports_contain_imports: bool = False) -> "IOTable":
        """The domestic table of a competitive-import table, by the import-share assumption.

        s_i = 1 − IM_i / (Σ_j z_ij + local final use_i) with IM the negated ``import`` columns;
        Z_d = ŝZ, local final use scaled by s, exports/outflows and ``other`` unchanged, and the
        imported parts kept as ``Z_imp`` / ``Y_imp`` (see :mod:`industrial_brain.meso.imports`).
        Shares outside [0, 1] (re-exports: imports larger than local use) are clipped, named in
        ``notes`` and the row identity restored by an ``import_share_adjustment`` column.
        With ``exports_contain_imports=True`` exports and outflows also carry the import share
        (denominator Σ_j z_ij + all final use), which avoids clipping for re-exporting regions.
        """
        imp_cols = [c for c, k in self.final_use_kinds.items() if k == "import"]
        if not imp_cols:
            raise InputError.at(
                "the table has no import column (already domestic/non-competitive?)",
                column="final_use_kinds",
                expected="a column of kind 'import'",
            )
        kinds_scaled = ("local", "export") if exports_contain_imports else ("local",)
        loc_cols = [c for c, k in self.final_use_kinds.items() if k in kinds_scaled]
        Z = self.Z.to_numpy()
        f = self.Y[loc_cols].to_numpy().sum(axis=1)
        m = -self.Y[imp_cols].to_numpy().sum(axis=1)
        s, clipped = domestic_shares(Z, f, m)
        Zd = pd.DataFrame(Z * s[:, None], index=self.Z.index, columns=self.Z.columns)
        Zm = pd.DataFrame(Z * (1 - s)[:, None], index=self.Z.index, columns=self.Z.columns)
        keep = [c for c in self.Y.columns if c not in imp_cols]
        Yd = self.Y[keep].copy()
        Ym = self.Y[loc_cols].copy() * (1 - s)[:, None]
        Yd[loc_cols] = Yd[loc_cols].to_numpy() * s[:, None]
        notes = list(self.notes) + [
            "domestic block by the import-share assumption s_i = 1 − IM_i/(Σ_j z_ij + "
            + ("all final use incl. exports" if exports_contain_imports else "local final use")
            + "_i) "
            f"with competing supply from {', '.join(map(str, imp_cols))}"
        ]
        if len(clipped):
            names = ", ".join(str(self.Z.index[i]) for i in clipped[:10])
            notes.append(
                f"{len(clipped)} product(s) had an import share outside [0, 1] and were clipped "
                f"({names}); the row identity is rebalanced through the 'other' column"
            )
            resid = self.x.to_numpy() - Zd.to_numpy().sum(axis=1) - Yd.to_numpy().sum(axis=1)
            Yd["import_share_adjustment"] = resid
        kinds = {c: self.final_use_kinds[c] for c in keep}
        if len(clipped):
            kinds["import_share_adjustment"] = "other"
        V = self.V
        return IOTable(
            Zd,
            Yd,
            V,
            self.x,
            F=self.F,
            Z_imp=Zm,
            Y_imp=Ym,
            final_use_kinds=kinds,
            name=f"{self.name} (domestic)",
            unit=self.unit,
            notes=notes,
            check=True,
            rtol=self.rtol,
        )

    def aggregate(self, C: pd.DataFrame, C_final: pd.DataFrame | None = None) -> "IOTable":
        """Aggregate sectors (or region–sectors) with a concordance matrix C (aggregates × detailed)."""
        Z = _agg.aggregate_matrix(self.Z, C)
        Y = _agg.aggregate_rows(self.Y, C)
        V = None if self.V is None else _agg.aggregate_columns(self.V, C)
        F = None if self.F is None else _agg.aggregate_columns(self.F, C)
        x = _agg.aggregate_vector(self.x, C)
        Zi = None if self.Z_imp is None else _agg.aggregate_matrix(self.Z_imp, C)
        Yi = None
        if self.Y_imp is not None:
            Yi = (
                _agg.aggregate_rows(self.Y_imp.set_axis(self.Z.index, axis=0), C)
                if len(self.Y_imp) == len(self.Z)
                else self.Y_imp
            )
        return IOTable(
            Z,
            Y,
            V,
            x,
            F=F,
            F_Y=self.F_Y,
            Z_imp=Zi,
            Y_imp=Yi,
            final_use_kinds=self.final_use_kinds,
            name=f"{self.name} (aggregated)",
            unit=self.unit,
            notes=self.notes,
            rtol=self.rtol,
        )
