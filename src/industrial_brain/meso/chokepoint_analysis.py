"""Chokepoints (卡脖子环节) as import dependence × criticality.

In Chinese policy use a chokepoint is a critical input that depends on foreign supply (high-end
chips, industrial software, precision instruments), not the most central node of the chain graph
(that ranking is kept as *structural hubs*,
:meth:`industrial_brain.meso.chain_network.ChainGraph.structural_hubs`).
Three measures per product i, each kept in the output, and one score:

1. **Import share of supply** (进口依赖度) s_i = IM_i / (x_i + IM_i): the share of the total supply of
   product i (domestic output plus imports, the supply side of the product balance: output + imports
   = intermediate use + final use incl. exports, SNA 2008 ch. 14) that comes from abroad. The import
   penetration of domestic absorption, IM_i / (x_i + IM_i − EX_i) (OECD STAN indicators: imports ÷
   apparent consumption), is reported beside it when exports are given; it is larger for products
   that are also exported (processing trade) and can exceed 1 for re-exports, which is why the score
   uses the share of supply.
2. **Output at risk** (产出风险): the domestic gross output that depends on the imported intermediate
   use of i, by the supply-driven (Ghosh) model of the domestic table, i.e. the *forward hypothetical
   extraction* of the imported supply (Dietzenbacher & van der Linden 1997; Miller & Lahr 2001). In
   the domestic (non-competitive) table imports are a primary input: column j reads
   x_j = Σ_k z^d_kj + Σ_k z^m_kj + va_j. With the domestic allocation coefficients B_d = x̂⁻¹ Z_d
   fixed, x' = p' G with p_j = Σ_k z^m_kj + va_j (the primary inputs) and
   G = (I − B_d)⁻¹ = x̂⁻¹ L x̂ (L = (I − A_d)⁻¹, the domestic Leontief inverse; Miller & Blair 2009,
   section 12.1). Losing the imports z^m_ij of product i by user j (p_j falls by
   z^m_ij) lowers output by

       Δx_k = Σ_j z^m_ij l_jk x_k / x_j                     (by affected sector k)
       OAR_ij = z^m_ij γ_j,   γ_j = (L x)_j / x_j            (by using sector j)
       OAR_i = Σ_j OAR_ij = Σ_k Δx_k                         (total)

   γ_j is the Ghosh output multiplier of user j (its own unit plus everything its output feeds
   downstream); OAR_i / Σ_j z^m_ij is the output at risk *per unit of import loss*, OAR_i / 1'x its
   share of the economy's output. Why not the demand-driven model: in x = L_d y imports are a
   leakage, so cutting them lowers no output (they would be replaced at home), and rationing the final
   demand that embodies them in proportion to its import content cuts every final demand by the same
   fraction whatever the product (the loss share equals the import cut share); the supply-driven
   effect is the one that depends on *who uses* the import and how far downstream their output goes.
   It is a lower bound under complementarity: the Ghosh model lets a user keep producing with its
   other inputs (Oosterhaven 1988), while with fixed proportions and no substitute a user loses
   1/a^m_ij units of output per unit of the missing input.
3. **Concentration of use** (用途集中度): the Herfindahl–Hirschman index of the intermediate use of
   i (domestic plus imported) across using sectors, H_i = Σ_j (z_ij / Σ_k z_ik)², and its inverse,
   the effective number of users. Reported, not scored: a concentrated use means a deep shock to few
   sectors, a diffuse one a shallow shock to many; which is worse depends on the users, not on H.

**Chokepoint score** = s_i × OAR_i / 1'x: supply risk times economic importance, as in the
criticality assessment of the EU's critical raw materials (European Commission 2017: supply risk ×
economic importance, import reliance on one axis and the value added of the using sectors on the
other). A product ranks high only when it is both mostly imported and feeds much domestic output.
The geometric mean of the max-normalised components, √(s_i/max s · OAR_i/max OAR), orders the
products identically (a monotone transform of the product).

References
----------
United Nations et al. (2009). *System of National Accounts 2008*, ch. 14 (supply and use tables:
total supply = output + imports).
OECD (2003). *STAN Indicators*: import penetration = imports / (production − exports + imports).
Ghosh, A. (1958). Input–output approach in an allocation system. *Economica* 25(97), 58–64.
Oosterhaven, J. (1988). On the plausibility of the supply-driven input–output model. *Journal of
Regional Science* 28(2), 203–217.
Dietzenbacher, E. (1997). In vindication of the Ghosh model. *Journal of Regional Science* 37(4),
629–651.
Dietzenbacher, E. & van der Linden, J. A. (1997). Sectoral and spatial linkages in the EC production
structure. *Journal of Regional Science* 37(2), 235–257.
Miller, R. E. & Lahr, M. L. (2001). A taxonomy of extractions. In *Regional Science Perspectives in
Economic Analysis*, 407–441. Miller & Blair (2009), *Input–Output Analysis*, 2nd ed., §12.1–12.2.
European Commission (2017). *Methodology for establishing the EU list of critical raw materials*
(Blengini et al., JRC).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.meso._common import as_matrix, as_vector, labels_of, safe_reciprocal, sector_labels
from industrial_brain.meso._labels import relabel
from industrial_brain.meso.leontief import LeontiefLU

__all__ = [
    "ImportDependenceResult",
    "import_dependence",
    "import_share",
    "output_at_risk",
    "use_concentration",
    "CHOKEPOINT_UNITS",
    "CHOKEPOINT_LABELS_ZH",
]

#: Unit of each column of :meth:`ImportDependenceResult.to_frame` in the vocabulary of the CLI tables
#: ("table" = the table's money unit; "share" a fraction 0–1: import_share of supply, import_penetration
#: of absorption, output_at_risk_share of total output; "ratio": output at risk per unit of imports and
#: the score, a product of two shares; "index": the HHI, in (0, 1]).
CHOKEPOINT_UNITS: dict[str, str] = {
    "rank": "count",
    "x": "table",
    "imports": "table",
    "supply": "table",
    "import_share": "share",
    "import_penetration": "share",
    "imported_intermediate": "table",
    "output_at_risk": "table",
    "output_at_risk_share": "share",
    "output_at_risk_per_unit": "ratio",
    "use_hhi": "index",
    "effective_users": "ratio",
    "score": "ratio",
}

#: Chinese column labels of the chokepoint tables (codes and English keys stay in CSV/JSON).
CHOKEPOINT_LABELS_ZH: dict[str, str] = {
    "rank": "排名",
    "name": "名称",
    "x": "总产出",
    "imports": "进口",
    "supply": "总供给",
    "import_share": "进口占总供给比重",
    "import_penetration": "进口渗透率",
    "imported_intermediate": "进口中间使用",
    "output_at_risk": "风险产出",
    "output_at_risk_share": "风险产出占总产出比重",
    "output_at_risk_per_unit": "单位进口风险产出",
    "use_hhi": "用途集中度（HHI）",
    "effective_users": "有效使用部门数",
    "top_user": "最大使用部门",
    "score": "卡脖子得分",
    "user": "使用部门",
    "imported_use": "进口中间使用",
    "ghosh_multiplier": "Ghosh产出乘数",
    "share_of_product": "占该产品风险产出比重",
    "sector": "部门",
}


def import_share(x: Any, imports: Any, exports: Any | None = None) -> tuple[Any, Any]:
    """Import share of supply s_i = IM_i / (x_i + IM_i) and import penetration IM_i / (x_i + IM_i − EX_i).

    Parameters
    ----------
    x : (n,) gross output
    imports : (n,) imports by product (positive)
    exports : (n,), optional
        Without it the penetration is NaN (also where imports exceed absorption: re-exports).

    Returns
    -------
    (share, penetration) : ndarrays or Series (labels of ``x`` kept); 0 where the denominator is 0.

    Examples
    --------
    Electronic components in the 2020 153-sector table (10⁴ CNY): x = 458,620,764,
    IM = 278,658,604, EX = 114,210,373 → s = 0.378, penetration = 0.447.

    >>> s, p = import_share([458620764.], [278658604.], [114210373.])
    >>> round(float(s[0]), 4), round(float(p[0]), 4)
    (0.378, 0.4472)
    """
    idx = x.index if isinstance(x, pd.Series) else None
    xv = as_vector(x, "x")
    m = as_vector(imports, "imports", len(xv), labels=idx)
    if (m < 0).any():
        i = int(np.argmax(m < 0))
        raise InputError.at(
            "imports must be positive numbers",
            column="imports",
            row=i + 1,
            value=float(m[i]),
            expected="≥ 0 (a competitive table's negative import column negated)",
        )
    supply = xv + m
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(supply > 0, m / supply, 0.0)
        if exports is None:
            p = np.full(len(xv), np.nan)
        else:
            e = as_vector(exports, "exports", len(xv), labels=idx)
            absorption = supply - e
            p = np.where(absorption > 0, m / absorption, np.where(m > 0, np.nan, 0.0))
    if idx is not None:
        return pd.Series(s, index=idx, name="import_share"), pd.Series(
            p, index=idx, name="import_penetration"
        )
    return s, p


def output_at_risk(A: Any, x: Any, Z_imp: Any, *, lu: LeontiefLU | None = None) -> Any:
    """Output at risk OAR_ij = z^m_ij γ_j, γ = x̂⁻¹ L x: output lost when user j loses its imports of i.

    Parameters
    ----------
    A : (n, n) domestic technical coefficients
    x : (n,) gross output
    Z_imp : (n, n) imported intermediate use (product i × using sector j)
    lu : LeontiefLU, optional
        Factors of (I − A)ᵀ, if already formed.

    Returns
    -------
    (n, n) ndarray or DataFrame
        Product × using sector; row sums are the total output at risk OAR_i (see the module
        docstring for the derivation). Users with zero output get γ_j = 0.

    Examples
    --------
    Upper-triangular A_d: L = I + A + A², x = (100, 200, 100): L x = (155, 225, 100), so
    γ = (1.55, 1.125, 1); 30 units of imported product 0 used by sector 1 put 30 · 1.125 = 33.75 at
    risk.

    >>> import numpy as np
    >>> A = np.array([[0, .2, .1], [0, 0, .25], [0, 0, 0]])
    >>> Zm = np.array([[0, 30., 0], [0, 0, 20.], [10., 0, 0]])
    >>> output_at_risk(A, [100., 200., 100.], Zm).sum(axis=1)
    array([33.75, 20.  , 15.5 ])
    """
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    xv = as_vector(x, "x", n, labels=cols)
    Zm = as_matrix(Z_imp, "Z_imp", square=True)
    if Zm.shape[0] != n:
        raise InputError.at("Z_imp has the wrong shape", value=Zm.shape, expected=f"{n} × {n}")
    lu = lu or LeontiefLU(Am)
    r, _ = safe_reciprocal(xv.copy())
    gamma = lu.solve(xv) * r
    out = Zm * gamma[None, :]
    if cols is not None:
        return pd.DataFrame(out, index=cols, columns=cols)
    return out


def use_concentration(Z: Any) -> Any:
    """Herfindahl–Hirschman index of each product's intermediate use across using sectors.

    H_i = Σ_j (z_ij / Σ_k z_ik)² (1/n = spread evenly, 1 = one user); NaN for a product with no
    intermediate use.

    Examples
    --------
    >>> import numpy as np
    >>> use_concentration(np.array([[0., 70., 10.], [0., 0., 45.], [0., 0., 0.]]))
    array([0.78125, 1.     ,     nan])
    """
    idx, _ = labels_of(Z)
    Zm = as_matrix(Z, "Z")
    if (Zm < 0).any():
        raise InputError.at("intermediate use must not be negative", column="Z", expected="≥ 0")
    tot = Zm.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = Zm / tot[:, None]
        h = np.where(tot > 0, (q**2).sum(axis=1), np.nan)
    return pd.Series(h, index=idx, name="use_hhi") if idx is not None else h


def _names_frame(names: Any, labels: pd.Index) -> pd.DataFrame:
    """``name_en``/``name_zh`` by sector code (strings), from a frame with those columns or a mapping."""
    keys = [str(k) for k in labels]
    if names is None:
        return pd.DataFrame({"name_en": "", "name_zh": ""}, index=keys)
    if isinstance(names, pd.DataFrame):
        f = names.copy()
        f.index = f.index.astype(str)
        en = f["name_en"] if "name_en" in f else f.iloc[:, 0]
        zh = f["name_zh"] if "name_zh" in f else en
        return pd.DataFrame(
            {
                "name_en": en.reindex(keys).fillna("").to_numpy(),
                "name_zh": zh.reindex(keys).fillna("").to_numpy(),
            },
            index=keys,
        )
    m: Mapping[Any, str] = dict(names.items()) if hasattr(names, "items") else dict(names)
    m = {str(k): v for k, v in m.items()}
    v = [m.get(k, "") for k in keys]
    return pd.DataFrame({"name_en": v, "name_zh": v}, index=keys)


@dataclass(frozen=True)
class ImportDependenceResult(ResultMixin):
    """Import dependence and chokepoint score of every product of an input–output table.

    Attributes
    ----------
    table : DataFrame
        One row per product, ranked by ``score`` (1 = strongest chokepoint): ``rank``, ``x``,
        ``imports``, ``supply`` = x + imports, ``import_share``, ``import_penetration``,
        ``imported_intermediate`` = Σ_j z^m_ij, ``output_at_risk`` (OAR_i), ``output_at_risk_share``
        (OAR_i / 1'x), ``output_at_risk_per_unit`` (OAR_i / Σ_j z^m_ij), ``use_hhi``,
        ``effective_users`` (1/H_i), ``top_user`` (code of the user with the largest OAR_ij), ``score``.
    by_user : DataFrame
        OAR_ij, product × using sector (table units).
    gamma : Series
        Ghosh output multipliers γ_j = (L x)_j / x_j of the using sectors.
    names : DataFrame
        ``name_en``, ``name_zh`` by sector code.
    total_output : float
        1'x.
    unit : str
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    by_user: pd.DataFrame
    gamma: pd.Series
    names: pd.DataFrame
    total_output: float
    unit: str
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Chokepoints: import dependence × output at risk"
    title_zh = "卡脖子环节：进口依赖 × 风险产出"

    @property
    def units(self) -> dict[str, str]:
        """Unit of each column of :meth:`to_frame` (money columns in the table's unit, without the price
        basis: ``10^4 CNY``)."""
        money = (self.unit or "table units").split(" (")[0]
        return {k: money if v == "table" else v for k, v in CHOKEPOINT_UNITS.items()}

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        t = self.table
        col = "name_zh" if zh else "name_en"
        first = t.index[0]
        yield ("产品数" if zh else "products", len(t))
        yield ("总产出" if zh else "total output", f"{self.total_output:,.6g} {self.unit}".strip())
        yield (
            "进口总额" if zh else "total imports",
            f"{float(t['imports'].sum()):,.6g} {self.unit}".strip(),
        )
        yield (
            "首位卡脖子产品" if zh else "first chokepoint",
            f"{first} {self.names.loc[str(first), col]} (score {t.loc[first, 'score']:.3g}, "
            f"import share {t.loc[first, 'import_share']:.1%})",
        )
        yield (
            "得分" if zh else "score",
            "进口占总供给比重 × 风险产出占总产出比重"
            if zh
            else "import share of supply × output at risk / total output",
        )
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per product, ranked (index: sector codes), with the name in ``lang``."""
        check_lang(lang)
        f = self.table.copy()
        f.insert(1, "name", self.names[f"name_{lang}"].reindex(f.index.astype(str)).to_numpy())
        if lang == "zh":
            f = f.rename(columns=CHOKEPOINT_LABELS_ZH)
            f.index.name = "部门"
            return f
        return relabel(f, lang)

    def chokepoints(self, top: int | None = None, lang: str = "en") -> pd.DataFrame:
        """The ``top`` products by chokepoint score (all when None), as :meth:`to_frame`."""
        f = self.to_frame(lang)
        return f.head(top) if top else f

    def users(self, product: Any, top: int | None = 10, lang: str = "en") -> pd.DataFrame:
        """Output at risk of one product by using sector: ``imported_use`` z^m_ij, ``ghosh_multiplier``
        γ_j, ``output_at_risk`` OAR_ij and its ``share_of_product``, largest first."""
        check_lang(lang)
        keys = [str(k) for k in self.by_user.index]
        if str(product) not in keys:
            raise InputError.at(
                "unknown sector", column="sector", value=str(product), expected=f"a code such as {keys[:3]}"
            )
        i = keys.index(str(product))
        oar = self.by_user.iloc[i]
        zm = oar / self.gamma.replace(0.0, np.nan)
        tot = float(oar.sum())
        f = pd.DataFrame(
            {
                "name": self.names[f"name_{lang}"].reindex(oar.index.astype(str)).to_numpy(),
                "imported_use": zm.fillna(0.0).to_numpy(),
                "ghosh_multiplier": self.gamma.to_numpy(),
                "output_at_risk": oar.to_numpy(),
                "share_of_product": (oar / tot).to_numpy() if tot > 0 else np.zeros(len(oar)),
            },
            index=pd.Index(oar.index, name="user"),
        )
        f = f[f["output_at_risk"] > 0].sort_values("output_at_risk", ascending=False)
        f = f.head(top) if top else f
        if lang == "zh":
            f = f.rename(columns=CHOKEPOINT_LABELS_ZH)
            f.index.name = CHOKEPOINT_LABELS_ZH["user"]
        return f


def import_dependence(
    A: Any,
    x: Any,
    imports: Any,
    Z_imp: Any,
    *,
    Z: Any | None = None,
    exports: Any | None = None,
    names: Any | None = None,
    unit: str = "",
    lu: LeontiefLU | None = None,
    notes: Iterable[str] = (),
) -> ImportDependenceResult:
    """Import share of supply, output at risk, concentration of use and the chokepoint score.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Domestic technical coefficients A_d = Z_d x̂⁻¹.
    x : (n,) gross output
    imports : (n,) total imports by product (intermediate and final use), positive.
    Z_imp : (n, n) imported intermediate use, product × using sector (non-competitive tables: the
        import matrix; competitive tables: (I − ŝ) Z by the import-share assumption,
        :meth:`industrial_brain.meso.iotable.IOTable.domestic`).
    Z : (n, n), optional
        Domestic intermediate flows (default A x̂), added to ``Z_imp`` for the concentration of use.
    exports : (n,), optional
        For the import penetration of absorption.
    names : DataFrame with ``name_en``/``name_zh``, or a mapping code → name, optional
    unit : str
        Money unit of the table (e.g. ``10^4 CNY``).
    lu : LeontiefLU, optional
    notes : iterable of str
        What the caller assumed (kept in the result's notes).

    Returns
    -------
    ImportDependenceResult

    Notes
    -----
    score_i = s_i · OAR_i / 1'x with s_i = IM_i / (x_i + IM_i) and OAR_i = Σ_j z^m_ij (L x)_j / x_j;
    derivation, the choice of the supply-driven effect and the references in the module docstring.

    Examples
    --------
    A hand-made 3-sector table (see ``tests/meso/test_chokepoint_analysis.py`` for the hand solution):
    imports (30, 50, 10), of which (30, 20, 10) intermediate; x = (100, 200, 100).
    Scores: 30/130 · 33.75/400 = 0.019471, 50/250 · 20/400 = 0.01, 10/110 · 15.5/400 = 0.003523.

    >>> import numpy as np
    >>> A = np.array([[0, .2, .1], [0, 0, .25], [0, 0, 0]])
    >>> Zm = np.array([[0, 30., 0], [0, 0, 20.], [10., 0, 0]])
    >>> r = import_dependence(A, [100., 200., 100.], [30., 50., 10.], Zm)
    >>> r.table.index.tolist(), np.round(r.table["score"].to_numpy(), 6).tolist()
    ([0, 1, 2], [0.019471, 0.01, 0.003523])
    """
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    labels = sector_labels(n, cols, idx)
    xv = as_vector(x, "x", n, labels=cols)
    m = as_vector(imports, "imports", n, labels=cols)
    if isinstance(Z_imp, pd.DataFrame) and cols is not None:
        Z_imp = Z_imp.reindex(index=cols, columns=cols)
    Zm = as_matrix(Z_imp, "Z_imp", square=True)
    if Zm.shape[0] != n:
        raise InputError.at("Z_imp has the wrong shape", value=Zm.shape, expected=f"{n} × {n}")
    if (Zm < 0).any():
        raise InputError.at("imported intermediate use must not be negative", column="Z_imp", expected="≥ 0")
    e = None if exports is None else as_vector(exports, "exports", n, labels=cols)
    share, pen = import_share(xv, m, e)
    lu = lu or LeontiefLU(Am)
    oar = np.asarray(output_at_risk(Am, xv, Zm, lu=lu))
    r, zero = safe_reciprocal(xv.copy())
    gamma = lu.solve(xv) * r
    Zd = Am * xv[None, :] if Z is None else as_matrix(Z, "Z", square=True)
    hhi = np.asarray(use_concentration(Zd + Zm))
    total_x = float(xv.sum())
    mi = Zm.sum(axis=1)
    oar_i = oar.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(mi > 0, oar_i / mi, np.nan)
        eff = np.where(hhi > 0, 1.0 / hhi, np.nan)
    oar_share = oar_i / total_x if total_x > 0 else np.zeros(n)
    top_user = [labels[int(k)] if oar[i, k] > 0 else None for i, k in enumerate(np.argmax(oar, axis=1))]
    table = pd.DataFrame(
        {
            "x": xv,
            "imports": m,
            "supply": xv + m,
            "import_share": share,
            "import_penetration": pen,
            "imported_intermediate": mi,
            "output_at_risk": oar_i,
            "output_at_risk_share": oar_share,
            "output_at_risk_per_unit": per_unit,
            "use_hhi": hhi,
            "effective_users": eff,
            "top_user": top_user,
            "score": share * oar_share,
        },
        index=labels,
    )
    table.index.name = table.index.name or "sector"
    order = np.lexsort((-table["imports"].to_numpy(), -table["score"].to_numpy()))
    table = table.iloc[order]
    table.insert(0, "rank", np.arange(1, n + 1))
    note_list = list(notes)
    if len(zero):
        note_list.append(
            f"{len(zero)} sector(s) with zero output: Ghosh multiplier set to 0 "
            f"({', '.join(str(labels[k]) for k in zero[:10])})"
        )
    if e is not None and np.isnan(pen).any():
        note_list.append("import penetration left empty where imports exceed absorption (re-exports)")
    by_user = pd.DataFrame(oar, index=labels, columns=labels)
    readonly(table)
    readonly(by_user)
    return ImportDependenceResult(
        table=table,
        by_user=by_user,
        gamma=pd.Series(gamma, index=labels, name="ghosh_multiplier"),
        names=_names_frame(names, labels),
        total_output=total_x,
        unit=unit,
        notes=tuple(note_list),
        lineage=Lineage.make(
            "meso.chokepoint_analysis",
            {
                "n": n,
                "score": "import_share * output_at_risk_share",
                "output_at_risk": "ghosh (forward extraction)",
            },
        ),
    )
