"""A multi-regional input–output table (MRIO) from single-region tables with net trade columns.

China's 2017 provincial tables are *competitive-import, single-region* tables: each province
reports its intermediate use Z^s (all origins mixed), local final use f^s, exports EX^s, outflows
to other provinces OF^s, imports IM^s, inflows from other provinces IF^s and a balancing item
ERR^s. :func:`build_mrio` links them into one MRIO by the standard regionalisation steps:

1. **Transit (re-exports).** Where a province's imports and inflows of a product exceed its own use
   (IM + IF > U, U = Σ_j z_ij + f_i; entrepôt and head-office provinces: Chongqing crude oil,
   Beijing coal …) the excess ρ = IM + IF − U is taken to pass through: it is removed from the
   incoming side (IM, IF, in proportion) and from the outgoing side (EX, OF, in proportion). The
   least transit that makes the own-supply share non-negative is assumed.
2. **National reconciliation.** Σ_r OF_i ≠ Σ_s IF_i in the published tables (71.98 vs 78.86
   trillion CNY over all products, PROVENANCE §5 #12), so no trade matrix can hold both. Each
   product's outflows and inflows are scaled to an explicit common total τ_i (``reconcile``:
   ``"mean"`` of the two sides — the default —, ``"outflows"`` or ``"inflows"``); an inflow is
   never scaled above its province's use net of imports (the surplus is spread over the other
   provinces, "water filling").
3. **Trade matrices.** For each product a 31 × 31 origin–destination matrix T_i (zero diagonal)
   from a gravity prior T⁰_rs = OF_r · IF_s · d_rs^(−β) (d great-circle distance between the
   provincial capitals, :func:`industrial_brain._shared.geo.great_circle_km`), balanced by RAS to
   the reconciled outflows (row sums) and inflows (column sums).
4. **Chenery–Moses trade coefficients.** Every user in destination s draws product i from the
   same origin mix: own province o_s = (U_s − IM_s − IF_s)/U_s, province r t_rs = T_rs/U_s,
   abroad m_s = IM_s/U_s. Then Z^{rs}_ij = t_rs,i z^s_ij and Y^{rs}_{i,c} = t_rs,i f^s_{i,c};
   the imported part is kept as ``Z_imp`` / ``Y_imp`` (leakage).
5. **Discrepancy.** The producing province's row keeps its exports and a discrepancy column
   ``ERR`` = x − own supply − outflows − exports, which absorbs the published ERR and the
   reconciliation of step 2, so gross output is reproduced exactly.

Identities that hold by construction (and are tested): every province's gross output (row and
column), the reconciled outflows and inflows, the national total of each product's
interprovincial trade; all intermediate and trade flows are ≥ 0 (only negative inventory changes,
FU202, and the discrepancy column can be negative). Limits: Chenery–Moses shares are the same for
every user of a product in a province; the gravity prior with one distance elasticity for all
products; the provincial tables sum to 246.3 trillion CNY of output, 9 % above the 2017 national
table (not rescaled: the provinces' outputs are kept). See ``docs/meso-mrio.md``.

Written here because no maintained Python library regionalises single-region tables (pymrio
parses published MRIOs only).

References
----------
Chenery, H. B. (1953). Regional analysis. In *The Structure and Growth of the Italian Economy*.
Moses, L. N. (1955). The stability of interregional trading patterns and input–output analysis.
*American Economic Review* 45(5), 803–832.
Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis* (2nd ed.), section 3.4 (multiregional
models, Chenery–Moses), section 8.3 (gravity models of trade).
Liu, W., Chen, J., Tang, Z. et al. (2012). *Theories and Practice of Constructing China's
Interregional Input–Output Tables between 30 Provinces in 2007*. China Statistics Press.
Mi, Z., Meng, J., Guan, D. et al. (2017). Chinese CO2 emission flows have reversed since the
global financial crisis. *Nature Communications* 8, 1712 (gravity + RAS for interprovincial trade).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.geo import great_circle_km
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.meso.balancing import ras
from industrial_brain.meso.iotable import IOTable

__all__ = ["MRIOResult", "build_mrio", "gravity_prior", "LOCAL_FINAL_USE"]

#: Final-use categories used inside a province (distributed over origins by Chenery–Moses).
LOCAL_FINAL_USE = ("FU101", "FU102", "FU103", "FU201", "FU202")


def gravity_prior(outflows: Any, inflows: Any, distance: Any, beta: float = 1.0) -> np.ndarray:
    """Gravity prior of an origin–destination matrix: T⁰_rs = O_r I_s d_rs^(−β), zero diagonal.

    Examples
    --------
    >>> gravity_prior([1., 2.], [3., 4.], [[0., 2.], [2., 0.]])
    array([[0., 2.],
           [3., 0.]])
    """
    out = np.asarray(outflows, dtype=np.float64)
    inflow = np.asarray(inflows, dtype=np.float64)
    d = np.asarray(distance, dtype=np.float64)
    with np.errstate(divide="ignore"):
        w = np.where(d > 0, d ** (-float(beta)), 0.0)
    np.fill_diagonal(w, 0.0)
    return out[:, None] * inflow[None, :] * w


@dataclass(frozen=True)
class MRIOResult(ResultMixin):
    """A constructed MRIO and the record of how it was built.

    Attributes
    ----------
    table : IOTable
        The MRIO: Z, Y (columns (region, category): FU101 … FU202, EX, ERR), V, x, Z_imp, Y_imp;
        index (region, sector).
    trade : DataFrame
        Interprovincial flows, long: ``sector``, ``origin``, ``destination``, ``value``.
    targets : DataFrame
        By (region, sector): published ``OF``, ``IF``, ``IM``, ``EX``; the ``transit`` removed;
        the reconciled targets ``OF_target``, ``IF_target`` and the MRIO's own ``outflows``,
        ``inflows``; ``ERR`` (published) and ``ERR_mrio``.
    checks : dict
        Largest relative deviations (output, outflows, inflows), the minimum flow, national totals.
    notes : tuple of str
    lineage : Lineage
    """

    table: IOTable
    trade: pd.DataFrame
    targets: pd.DataFrame
    checks: Mapping[str, float]
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Multi-regional input–output table (Chenery–Moses, gravity prior, RAS)"
    title_zh = "多区域投入产出表（Chenery–Moses、引力模型先验、RAS）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        t = self.table
        yield ("地区×部门" if zh else "regions × sectors", f"{len(t.regions)} × {len(t.sectors)}")
        for k, v in self.checks.items():
            yield (k, v)
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Targets and reproduced trade by (region, sector)."""
        return self.targets.copy()

    def region_totals(self) -> pd.DataFrame:
        """By region: gross output, outflows, inflows (MRIO and published), in table units."""
        g = self.targets.groupby(level="region")[
            ["x", "OF", "IF", "OF_target", "IF_target", "outflows", "inflows"]
        ].sum()
        return g


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        if key not in obj:
            raise InputError.at("provincial table lacks a part", column=key, expected="Z, Y, V, x, trade")
        return obj[key]
    if not hasattr(obj, key):
        raise InputError.at("provincial table lacks a part", column=key, expected="Z, Y, V, x, trade")
    return getattr(obj, key)


def _water_fill(w: np.ndarray, cap: np.ndarray, total: float) -> np.ndarray:
    """Shares of ``total`` proportional to ``w`` but never above ``cap`` (excess spread over the rest)."""
    out = np.zeros_like(w)
    free = w > 0
    remaining = total
    for _ in range(len(w) + 1):
        if remaining <= 0 or not free.any():
            break
        val = remaining * w / w[free].sum()
        over = free & (val > cap)
        if not over.any():
            out[free] = val[free]
            remaining = 0.0
            break
        out[over] = cap[over]
        remaining -= cap[over].sum()
        free &= ~over
    if remaining > 1e-9 * max(total, 1.0):
        raise MethodError(
            f"inflow targets cannot be met without exceeding the provinces' use (short by {remaining:.6g})"
        )
    return out


def build_mrio(
    provinces: Mapping[str, Any],
    capitals: pd.DataFrame,
    *,
    beta: float = 1.0,
    reconcile: str = "mean",
    rtol: float = 1e-12,
    name: str = "China 2017 interprovincial MRIO (31 × 42)",
) -> MRIOResult:
    """Build a multi-regional table from single-region tables with outflow/inflow columns.

    Parameters
    ----------
    provinces : mapping region code → table
        Each table (a mapping or an object such as the store's ``StoredIOTable``) has ``Z``
        (n × n, competitive: all origins), ``Y`` (n × categories, must hold
        :data:`LOCAL_FINAL_USE` and ``EX``), ``V`` (value-added rows × n), ``x`` (n) and
        ``trade`` (n × ``OF``, ``IF``, ``IM``, ``ERR``; positive numbers as published). Every
        table has the same sectors.
    capitals : DataFrame
        Index = region code; columns ``capital_lon``, ``capital_lat`` (degrees).
    beta : float, default 1.0
        Distance elasticity of the gravity prior.
    reconcile : {"mean", "outflows", "inflows"}
        Common national total of each product's interprovincial trade: the mean of Σ OF and Σ IF,
        or keep one side as published and scale the other.
    rtol : float
        RAS tolerance (relative to each margin).
    name : str

    Returns
    -------
    MRIOResult

    Notes
    -----
    See the module docstring (steps 1–5). For destination s and product i, with U_s = Σ_j z^s_ij +
    Σ_c f^s_ic, the MRIO flows are Z^{rs}_ij = (T_i,rs / U_s) z^s_ij (r ≠ s),
    Z^{ss}_ij = ((U_s − IM'_s − IF'_s) / U_s) z^s_ij, so Σ_r Z^{rs}_ij + (IM'_s/U_s) z^s_ij = z^s_ij
    (column identity kept) and Σ_s Σ_j Z^{rs}_ij + Σ_s Σ_c Y^{rs}_ic = own supply + OF'_r
    (row identity kept with EX' and the discrepancy column).

    References
    ----------
    Miller & Blair (2009), section 3.4.2 (the multiregional Chenery–Moses model), eqs. 3.28–3.31.

    Examples
    --------
    Two synthetic one-sector regions 100 km apart: region "a" sends 10 to "b"; "b" uses 40 of
    which 10 come from "a", so b's trade coefficient from a is 10/40 = 0.25 and Z^{ab} = 0.25 · 20.

    >>> import pandas as pd
    >>> def prov(z, f, ex, of, im, if_, va):
    ...     x = z + f + ex + of - im - if_
    ...     return {"Z": pd.DataFrame([[z]], index=["1"], columns=["1"]),
    ...             "Y": pd.DataFrame({"FU101": [f], "FU102": 0., "FU103": 0., "FU201": 0., "FU202": 0.,
    ...                                "EX": [ex]}, index=["1"]),
    ...             "V": pd.DataFrame([[x - z]], index=["VA001"], columns=["1"]),
    ...             "x": pd.Series([x], index=["1"]),
    ...             "trade": pd.DataFrame({"OF": [of], "IF": [if_], "IM": [im], "ERR": [0.]}, index=["1"])}
    >>> caps = pd.DataFrame({"capital_lon": [0., 0.9], "capital_lat": [0., 0.]}, index=["a", "b"])
    >>> m = build_mrio({"a": prov(20., 30., 0., 10., 0., 0., 0.),
    ...                 "b": prov(20., 20., 0., 0., 0., 10., 0.)}, caps)
    >>> float(m.table.Z.loc[("a", "1"), ("b", "1")])
    5.0
    """
    if reconcile not in ("mean", "outflows", "inflows"):
        raise InputError.at(
            "unknown reconciliation rule",
            column="reconcile",
            value=reconcile,
            expected="'mean', 'outflows' or 'inflows'",
        )
    if not np.isfinite(beta) or beta < 0:
        raise InputError.at("distance elasticity must be ≥ 0", column="beta", value=beta)
    regions = [str(r) for r in provinces]
    if len(regions) < 2:
        raise InputError.at("an MRIO needs at least two regions", value=len(regions))
    caps = capitals.copy()
    caps.index = caps.index.map(str)
    missing = [r for r in regions if r not in caps.index]
    if missing:
        raise InputError.at(
            "capital coordinates missing", column="capital_lon/capital_lat", value=missing[:5]
        )
    tabs = [provinces[k] for k in provinces]
    first_Z = _get(tabs[0], "Z")
    sectors = pd.Index([str(s) for s in first_Z.index], name="sector")
    n, R = len(sectors), len(regions)
    cats = list(LOCAL_FINAL_USE)

    Zs = np.empty((R, n, n))
    F = np.empty((R, n, len(cats)))
    V_rows = None
    Vs = []
    x = np.empty((R, n))
    EX, OF, IF, IM, ERR = (np.empty((R, n)) for _ in range(5))
    for k, (code, t) in enumerate(zip(regions, tabs)):
        Z = _get(t, "Z")
        if [str(s) for s in Z.index] != list(sectors) or [str(s) for s in Z.columns] != list(sectors):
            raise InputError.at(
                "provincial tables have different sectors", column=code, value=list(Z.index[:3])
            )
        Y = _get(t, "Y")
        tr = _get(t, "trade")
        for c in (*cats, "EX"):
            if c not in Y.columns:
                raise InputError.at(
                    "final-use column missing", column=c, value=code, expected=", ".join((*cats, "EX"))
                )
        for c in ("OF", "IF", "IM", "ERR"):
            if c not in tr.columns:
                raise InputError.at("trade column missing", column=c, value=code, expected="OF, IF, IM, ERR")
        Zs[k] = Z.to_numpy(dtype=np.float64)
        F[k] = Y[cats].to_numpy(dtype=np.float64)
        EX[k] = Y["EX"].to_numpy(dtype=np.float64)
        OF[k], IF[k], IM[k], ERR[k] = (tr[c].to_numpy(dtype=np.float64) for c in ("OF", "IF", "IM", "ERR"))
        x[k] = np.asarray(_get(t, "x"), dtype=np.float64).reshape(-1)
        V = _get(t, "V")
        if V_rows is None:
            V_rows = list(V.index)
        Vs.append(V.reindex(V_rows).to_numpy(dtype=np.float64))
    for arr, what in ((Zs, "Z"), (F, "final use"), (OF, "OF"), (IF, "IF"), (IM, "IM"), (EX, "EX"), (x, "x")):
        if not np.isfinite(arr).all():
            raise InputError.at("non-finite value in the provincial tables", column=what)
    if (Zs < 0).any():
        k, i, j = np.argwhere(Zs < 0)[0]
        raise InputError.at(
            "negative intermediate flow",
            column=f"{regions[k]} {sectors[j]}",
            value=float(Zs[k, i, j]),
            expected="≥ 0",
        )
    notes: list[str] = []
    # a negative entry on one side of trade is a flow on the other side (IF −a ≡ OF +a, IM −a ≡ EX +a)
    nneg = 0
    for inc_, out_ in ((IF, OF), (IM, EX)):
        for a, b in ((inc_, out_), (out_, inc_)):
            neg = a < 0
            if neg.any():
                nneg += int(neg.sum())
                b[neg] -= a[neg]
                a[neg] = 0.0
    if nneg:
        notes.append(
            f"{nneg} negative trade cell(s) (e.g. a negative inflow) were moved to the opposite "
            "side (an inflow of −a as an outflow of a)"
        )
    U = Zs.sum(axis=2) + F.sum(axis=2)  # R × n: local use (all origins)
    if (U <= 0).any() and ((IM + IF)[U <= 0] > 0).any():
        k, i = np.argwhere((U <= 0) & (IM + IF > 0))[0]
        raise MethodError(
            f"region {regions[k]} sector {sectors[i]} has inflows or imports but no positive use"
        )

    # 1. transit: least re-exports making the own-supply share non-negative
    rho = np.maximum(IM + IF - np.maximum(U, 0.0), 0.0)
    inc = IM + IF
    out = EX + OF
    with np.errstate(invalid="ignore", divide="ignore"):
        f_in = np.where(inc > 0, rho / inc, 0.0)
        f_out = np.where(out > 0, np.minimum(rho / out, 1.0), 0.0)
    IM1, IF1 = IM * (1 - f_in), IF * (1 - f_in)
    EX1, OF1 = EX * (1 - f_out), OF * (1 - f_out)
    ntr = int((rho > 0).sum())
    if ntr:
        notes.append(
            f"transit: in {ntr} region–sector cells imports + inflows exceeded local use; the "
            f"excess ({rho.sum():.6g} in total) was removed from imports/inflows and "
            "exports/outflows in proportion"
        )
    short = rho > out * (1 + 1e-12)
    if short.any():
        notes.append(
            f"{int(short.sum())} cell(s) had more transit than exports + outflows; the rest went to ERR"
        )

    # 2. national reconciliation per product, inflows capped at use net of imports
    sOF, sIF = OF1.sum(axis=0), IF1.sum(axis=0)
    tau = {"mean": (sOF + sIF) / 2, "outflows": sOF, "inflows": sIF}[reconcile]
    OFt = np.zeros_like(OF1)
    IFt = np.zeros_like(IF1)
    cap = np.maximum(U - IM1, 0.0)
    for i in range(n):
        if tau[i] <= 0:
            continue
        if sOF[i] <= 0 or sIF[i] <= 0:
            raise MethodError(
                f"sector {sectors[i]}: outflows ({sOF[i]:.6g}) or inflows ({sIF[i]:.6g}) are "
                "all zero; cannot build its trade matrix"
            )
        OFt[:, i] = OF1[:, i] * tau[i] / sOF[i]
        IFt[:, i] = _water_fill(IF1[:, i], cap[:, i] * (1 - 1e-12), tau[i])
    notes.append(
        f"national reconciliation ('{reconcile}'): Σ outflows {OF.sum():.6g} and Σ inflows "
        f"{IF.sum():.6g} (published) → {tau.sum():.6g} (after transit {sOF.sum():.6g} / "
        f"{sIF.sum():.6g})"
    )

    # 2b. a region cannot trade with itself: if its inflows exceed the other regions' outflows (equivalently
    # IF_s + OF_s > τ), net the excess e out of both its inflows and outflows (local supply replaces it;
    # output unchanged), leaving a small margin so that the zero-diagonal RAS problem is interior.
    nnet = 0
    netted = np.zeros_like(OFt)
    for i in range(n):
        T_i = OFt[:, i].sum()
        if T_i <= 0:
            continue
        e = OFt[:, i] + IFt[:, i] - T_i * (1 - 1e-3)
        k = int(np.argmax(e))
        if e[k] > 0:
            e_k = min(e[k], OFt[k, i], IFt[k, i])
            OFt[k, i] -= e_k
            IFt[k, i] -= e_k
            netted[k, i] = e_k
            nnet += 1
    if nnet:
        notes.append(
            f"cross-hauling: in {nnet} product(s) one region's inflows and outflows exceeded what "
            f"the other regions can absorb; {netted.sum():.6g} netted out of both (local supply "
            "instead)"
        )
    tau = OFt.sum(axis=0)

    # 3. trade matrices by gravity prior + RAS
    lon = caps.loc[regions, "capital_lon"].to_numpy(dtype=np.float64)
    lat = caps.loc[regions, "capital_lat"].to_numpy(dtype=np.float64)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise InputError.at("capital coordinates missing", column="capital_lon/capital_lat")
    d = great_circle_km(lon, lat)
    T = np.zeros((n, R, R))
    iters = []
    for i in range(n):
        if tau[i] <= 0:
            continue
        prior = gravity_prior(OFt[:, i], IFt[:, i], d, beta)
        res = ras(prior, OFt[:, i], IFt[:, i], rtol=rtol, max_iter=100_000, strict=True)
        T[i] = res.Z
        iters.append(res.iterations)

    # 4. Chenery–Moses trade coefficients
    own = np.maximum(U - IM1 - IFt, 0.0)  # R × n
    with np.errstate(invalid="ignore", divide="ignore"):
        inv_U = np.where(U > 0, 1.0 / U, 0.0)
    # share[r, s, i]: share of destination s's use of product i that comes from region r
    share = np.transpose(T, (1, 2, 0)) * inv_U[None, :, :]
    for s in range(R):
        share[s, s, :] = own[s] * inv_U[s]
    m_share = IM1 * inv_U  # R × n (destination, product)
    N = R * n
    Zm = np.empty((N, N))
    Ym = np.zeros((N, R * (len(cats) + 2)))
    ncat = len(cats) + 2
    for r in range(R):
        for s in range(R):
            Zm[r * n : (r + 1) * n, s * n : (s + 1) * n] = share[r, s][:, None] * Zs[s]
            Ym[r * n : (r + 1) * n, s * ncat : s * ncat + len(cats)] = share[r, s][:, None] * F[s]
    Zimp = np.concatenate([m_share[s][:, None] * Zs[s] for s in range(R)], axis=1)  # n × N
    Yimp = np.concatenate(
        [np.concatenate([m_share[s][:, None] * F[s], np.zeros((n, 2))], axis=1) for s in range(R)], axis=1
    )
    # 5. exports and discrepancy on the producing region's own columns
    outflows = T.sum(axis=2).T  # R × n (origin)
    ERRm = x - own - outflows - EX1
    for r in range(R):
        Ym[r * n : (r + 1) * n, r * ncat + len(cats)] = EX1[r]
        Ym[r * n : (r + 1) * n, r * ncat + len(cats) + 1] = ERRm[r]

    idx = pd.MultiIndex.from_product([regions, list(sectors)], names=["region", "sector"])
    ycols = pd.MultiIndex.from_product([regions, [*cats, "EX", "ERR"]], names=["region", "category"])
    Zf = pd.DataFrame(Zm, index=idx, columns=idx)
    Yf = pd.DataFrame(Ym, index=idx, columns=ycols)
    Vf = pd.DataFrame(np.concatenate(Vs, axis=1), index=pd.Index(V_rows, name="value_added"), columns=idx)
    xf = pd.Series(x.reshape(-1), index=idx, name="x")
    Zif = pd.DataFrame(Zimp, index=sectors, columns=idx)
    Yif = pd.DataFrame(Yimp, index=sectors, columns=ycols)
    mrio_notes = [
        "Chenery–Moses trade coefficients (same origin mix for every user of a product in a province), "
        f"gravity prior with distance elasticity β = {beta:g} between provincial capitals, RAS to the "
        "reconciled outflows and inflows",
        "ERR columns: each province's discrepancy (published ERR + national reconciliation); "
        "FU202 (inventory change) can be negative",
        *notes,
    ]
    table = IOTable(
        Zf,
        Yf,
        Vf,
        xf,
        Z_imp=Zif,
        Y_imp=Yif,
        name=name,
        unit="10^4 CNY (current producer prices)",
        notes=mrio_notes,
        check=True,
        rtol=1e-6,
    )

    # checks
    def rel(a, b):
        a, b = np.asarray(a), np.asarray(b)
        scale = np.maximum(np.abs(b), 1e-9 * max(np.abs(b).max(), 1.0))
        return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0

    row_x = Zm.sum(axis=1) + Ym.sum(axis=1)
    col_x = Zm.sum(axis=0) + Zimp.sum(axis=0) + Vf.to_numpy().sum(axis=0)
    flows_out = np.array([Zm[r * n : (r + 1) * n].reshape(n, R, n).sum(axis=2) for r in range(R)])  # r, i, s
    mrio_out = np.array([flows_out[r].sum(axis=1) - flows_out[r][:, r] for r in range(R)])
    yo = Ym.reshape(N, R, ncat)[:, :, : len(cats)].sum(axis=2).reshape(R, n, R)
    mrio_out = mrio_out + np.array([yo[r].sum(axis=1) - yo[r][:, r] for r in range(R)])
    col_in = np.zeros((R, n))
    for s in range(R):
        blk = Zm[:, s * n : (s + 1) * n].reshape(R, n, n).sum(axis=2) + Ym[
            :, s * ncat : s * ncat + len(cats)
        ].reshape(R, n, len(cats)).sum(axis=2)
        col_in[s] = blk.sum(axis=0) - blk[s]
    checks = {
        "max_rel_dev_output_row": rel(row_x, x.reshape(-1)),
        "max_rel_dev_output_column": rel(col_x, x.reshape(-1)),
        "max_rel_dev_outflows": rel(mrio_out, OFt),
        "max_rel_dev_inflows": rel(col_in, IFt),
        "min_intermediate_flow": float(Zm.min()),
        "min_trade_flow": float(T.min()),
        "total_output": float(x.sum()),
        "interprovincial_trade": float(T.sum()),
        "published_outflows": float(OF.sum()),
        "published_inflows": float(IF.sum()),
        "transit_removed": float(rho.sum()),
        "ras_iterations_max": float(max(iters) if iters else 0),
    }
    tg = pd.DataFrame(
        {
            "x": x.reshape(-1),
            "OF": OF.reshape(-1),
            "IF": IF.reshape(-1),
            "IM": IM.reshape(-1),
            "EX": EX.reshape(-1),
            "transit": rho.reshape(-1),
            "netted": netted.reshape(-1),
            "OF_target": OFt.reshape(-1),
            "IF_target": IFt.reshape(-1),
            "outflows": mrio_out.reshape(-1),
            "inflows": col_in.reshape(-1),
            "ERR": ERR.reshape(-1),
            "ERR_mrio": ERRm.reshape(-1),
        },
        index=idx,
    )
    o, dd, s_ = np.nonzero(T)
    trade = pd.DataFrame(
        {
            "sector": np.asarray(sectors)[o],
            "origin": np.asarray(regions)[dd],
            "destination": np.asarray(regions)[s_],
            "value": T[o, dd, s_],
        }
    )
    lineage = Lineage.make(
        "meso.build_mrio", {"beta": beta, "reconcile": reconcile, "regions": R, "sectors": n, "rtol": rtol}
    )
    return MRIOResult(
        table=table, trade=trade, targets=tg, checks=checks, notes=tuple(mrio_notes), lineage=lineage
    )
