"""Two-stage network DEA (两阶段网络DEA): R&D inputs → intermediate products (patents) → economic
outputs, with the relational model of Kao and Hwang (2008) under constant returns to scale.

The overall efficiency is the product of the two stage efficiencies, E = E₁ × E₂, because both stages
are valued with the same multipliers of the intermediate products. The decomposition is not unique;
as Kao and Hwang (2008, §3) propose, E₁ is the largest first-stage efficiency that keeps E at its
optimum, and E₂ = E / E₁. The independent CCR scores of each stage are reported beside.

One multiplier LP per unit (2n constraints, m + q + s variables) with SciPy's HiGHS; the regional
panels have a few hundred units, so no batching is needed here.

References
----------
Kao, C., Hwang, S.-N. (2008), "Efficiency decomposition in two-stage data envelopment analysis: an
application to non-life insurance companies in Taiwan", EJOR 185(1), 418–429, model (7) and (8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.innovation.envelopment import _as_frame, dea
from industrial_brain.lineage import Lineage


@dataclass(frozen=True)
class TwoStageResult(ResultMixin):
    """Result of :func:`two_stage`.

    Attributes
    ----------
    overall, stage1, stage2 : pd.Series
        Kao–Hwang relational efficiencies, ``overall = stage1 × stage2``.
    stage1_independent, stage2_independent : pd.Series
        CCR input-oriented scores of each stage on its own (X → Z and Z → Y).
    """

    overall: pd.Series
    stage1: pd.Series
    stage2: pd.Series
    stage1_independent: pd.Series
    stage2_independent: pd.Series
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("innovation.two_stage"))

    title_en = "Two-stage network DEA (Kao–Hwang)"
    title_zh = "两阶段网络DEA（Kao–Hwang）"

    @property
    def efficiency(self) -> pd.Series:
        """The overall efficiency (one score per unit)."""
        return self.overall

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        cols = ["overall", "stage1", "stage2", "stage1_independent", "stage2_independent"]
        f = pd.concat([getattr(self, c).rename(c) for c in cols], axis=1)
        f.index.name = "unit"
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in cols}).rename_axis(label("unit", "zh"))
        return f

    def _summary_items(self, lang: str = "en"):
        return [
            (label("units", lang), len(self.overall)),
            (label("overall", lang) + " (mean)", float(self.overall.mean())),
            (label("stage1", lang) + " (mean)", float(self.stage1.mean())),
            (label("stage2", lang) + " (mean)", float(self.stage2.mean())),
        ]


def _solve(c, A_ub, A_eq, b_eq) -> np.ndarray:
    res = linprog(
        c, A_ub=A_ub, b_ub=np.zeros(A_ub.shape[0]), A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs"
    )
    if res.status != 0:
        raise MethodError(f"two-stage DEA: the LP solver stopped without an optimum ({res.message})")
    return res.x


def two_stage(inputs: Any, intermediates: Any, outputs: Any) -> TwoStageResult:
    """Kao–Hwang (2008) relational two-stage DEA (CRS): X → Z → Y.

    Notes
    -----
    With multipliers v (inputs), w (intermediates), u (outputs), for unit k:

        E_k = max u·y_k  s.t.  v·x_k = 1,  w·Z_j − v·X_j ≤ 0,  u·Y_j − w·Z_j ≤ 0  (all j),  u, v, w ≥ 0

    then E₁ = max w·z_k s.t. the same constraints and u·y_k = E_k, and E₂ = E_k / E₁.

    References
    ----------
    Kao, Hwang (2008), EJOR 185(1), 418–429, models (7)–(8).

    Examples
    --------
    One measure per stage: E₁ = (z/x) / max(z/x), E₂ = (y/z) / max(y/z):

    >>> r = two_stage([[1], [2], [4]], [[2], [2], [4]], [[1], [2], [1]])
    >>> r.stage1.round(4).tolist(), r.stage2.round(4).tolist(), r.overall.round(4).tolist()
    ([1.0, 0.5, 0.5], [0.5, 1.0, 0.25], [0.5, 0.5, 0.125])
    """
    X = _as_frame(inputs, "inputs")
    Z = _as_frame(intermediates, "intermediates", index=X.index)
    Y = _as_frame(outputs, "outputs", index=X.index)
    if not (len(X) == len(Z) == len(Y)):
        raise InputError.at(
            "parameter 'outputs': not one row per unit of 'inputs'", expected=f"{len(X)} rows"
        )
    for f, what in ((X, "inputs"), (Z, "intermediates")):
        if (f.to_numpy() <= 0).any():
            raise InputError.at(f"parameter '{what}': non-positive value", expected="values > 0")
    if (Y.to_numpy() < 0).any():
        raise InputError.at("parameter 'outputs': negative value", expected="values ≥ 0")
    x = X.to_numpy() / X.mean().to_numpy()
    z = Z.to_numpy() / Z.mean().to_numpy()
    y = Y.to_numpy() / np.where(Y.mean().to_numpy() > 0, Y.mean().to_numpy(), 1.0)
    n, m = x.shape
    q, s = z.shape[1], y.shape[1]
    # variables [v (m), w (q), u (s)]
    A_ub = np.vstack([np.hstack([-x, z, np.zeros((n, s))]), np.hstack([np.zeros((n, m)), -z, y])])
    E = np.empty(n)
    E1 = np.empty(n)
    for k in range(n):
        eq = np.concatenate([x[k], np.zeros(q + s)])[None, :]
        sol = _solve(np.concatenate([np.zeros(m + q), -y[k]]), A_ub, eq, [1.0])
        E[k] = float(y[k] @ sol[m + q :])
        eq2 = np.vstack([eq, np.concatenate([np.zeros(m + q), y[k]])])
        sol2 = _solve(np.concatenate([np.zeros(m), -z[k], np.zeros(s)]), A_ub, eq2, [1.0, E[k] * (1 - 1e-9)])
        E1[k] = float(z[k] @ sol2[m : m + q])
    E1 = np.minimum(E1, 1.0)
    E2 = np.where(E1 > 0, E / np.where(E1 > 0, E1, 1.0), 0.0)
    idx = X.index
    s1 = dea(X, Z, "ccr", "input").efficiency
    s2 = (
        dea(Z, Y, "ccr", "input").efficiency
        if (Y.to_numpy().max(axis=1) > 0).all()
        else pd.Series(np.nan, idx)
    )
    return TwoStageResult(
        overall=readonly(pd.Series(E, index=idx, name="overall")),
        stage1=readonly(pd.Series(E1, index=idx, name="stage1")),
        stage2=readonly(pd.Series(E2, index=idx, name="stage2")),
        stage1_independent=readonly(s1.rename("stage1_independent")),
        stage2_independent=readonly(s2.rename("stage2_independent")),
        lineage=Lineage.make(
            "innovation.two_stage",
            {
                "inputs": list(map(str, X.columns)),
                "intermediates": list(map(str, Z.columns)),
                "outputs": list(map(str, Y.columns)),
            },
        ),
    )
