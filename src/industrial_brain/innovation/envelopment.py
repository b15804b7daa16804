"""Data envelopment analysis (DEA, 数据包络分析): CCR and BCC envelopment models, input- and
output-oriented, with two-phase slacks, peers (λ) and projections onto the frontier.

The LPs are solved with SciPy's HiGHS (``scipy.optimize.linprog(method="highs")``). No maintained
Python DEA library batches the n LPs of a large panel (pyDEA and pymcdm solve one LP per unit through
PuLP, minutes for thousands of units), so the batching is written here:

* **shared column generation** — the optimum of every unit's LP is spanned by the frontier units, so
  each LP is solved over a small pool of reference units (seeded with the maximisers of random
  positive virtual ratios, which are efficient), and the pool grows by the columns whose reduced cost
  (from HiGHS's duals) is negative for some unit until none is (Dantzig–Wolfe pricing over all n
  columns in one matrix product);
* **block-diagonal LPs** — the units are solved in chunks, each chunk one sparse LP whose blocks are
  the units' LPs, so a few hundred units cost one ``linprog`` call.

References
----------
Charnes, A., Cooper, W. W., Rhodes, E. (1978), "Measuring the efficiency of decision making units",
EJOR 2(6), 429–444 (CCR). Banker, R. D., Charnes, A., Cooper, W. W. (1984), "Some models for
estimating technical and scale inefficiencies in DEA", Management Science 30(9), 1078–1092 (BCC).
Cooper, W. W., Seiford, L. M., Tone, K. (2007), *Data Envelopment Analysis*, 2nd ed., Springer,
ch. 3 (two-phase CCR, §3.3, projections §3.4) and ch. 4 (BCC, §4.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage

MODELS = ("ccr", "bcc")
ORIENTATIONS = ("input", "output")
#: units per block-diagonal LP (tuned in benchmarks/bench_dea.py)
CHUNK = 50
_TOL = 1e-9
METHOD = "highs"
#: HiGHS options: presolve costs more than it saves on these block LPs (benchmarks/bench_dea.py)
OPTIONS: dict = {"presolve": False}


def _as_frame(a: Any, what: str, index: pd.Index | None = None) -> pd.DataFrame:
    if isinstance(a, pd.Series):
        a = a.to_frame()
    if isinstance(a, pd.DataFrame):
        f = a.astype(float)
    else:
        arr = np.asarray(a, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise InputError.at(
                f"parameter '{what}': not a table", value=arr.shape, expected="units × measures"
            )
        f = pd.DataFrame(arr, index=index, columns=[f"{what[0]}{i + 1}" for i in range(arr.shape[1])])
    if not np.isfinite(f.to_numpy()).all():
        raise InputError.at(f"parameter '{what}': missing or infinite values", expected="finite numbers")
    return f


def _check(model: str, orientation: str) -> None:
    if model not in MODELS:
        raise InputError.at("parameter 'model': unknown DEA model", value=model, expected=" or ".join(MODELS))
    if orientation not in ORIENTATIONS:
        raise InputError.at(
            "parameter 'orientation': unknown orientation",
            value=orientation,
            expected=" or ".join(ORIENTATIONS),
        )


def _seed_pool(X: np.ndarray, Y: np.ndarray, vrs: bool, k: int = 64) -> np.ndarray:
    """Reference units that are surely efficient: maximisers of random positive virtual ratios
    u·y / v·x (CRS) or virtual profits u·y − v·x (VRS), plus the extremes of each measure."""
    rng = np.random.default_rng(0)
    n = X.shape[0]
    U = rng.random((Y.shape[1], k)) + 1e-3
    V = rng.random((X.shape[1], k)) + 1e-3
    if vrs:
        score = Y @ U - X @ V
        extra = [X.argmin(axis=0), Y.argmax(axis=0)]
    else:
        score = (Y @ U) / np.maximum(X @ V, 1e-300)
        extra = [(Y[:, [r]] / X).argmax(axis=0) for r in range(Y.shape[1])]
    pool = np.unique(np.concatenate([score.argmax(axis=0), *extra]))
    return pool[pool < n]


def _blocks(M: np.ndarray, leads: list[np.ndarray], ident: np.ndarray | None, K: int) -> sparse.csr_matrix:
    """Block-diagonal constraint matrix of K unit LPs: per block ``[leads_k | M | ident]``.

    ``M`` (q × r) is shared by all blocks; each of ``leads`` (K × q) is a per-block column (θ or φ,
    the unit's own column); ``ident`` (q × e) a shared extra block (slacks)."""
    q = M.shape[0]
    nl = len(leads)
    base = np.hstack([np.zeros((q, nl)), M] + ([ident] if ident is not None else []))
    width = base.shape[1]
    rows, cols = np.nonzero(base != 0)
    vals = base[rows, cols]
    R = [(rows[None, :] + q * np.arange(K)[:, None]).ravel()]
    C = [(cols[None, :] + width * np.arange(K)[:, None]).ravel()]
    V = [np.tile(vals, K)]
    lr = (np.arange(q)[None, :] + q * np.arange(K)[:, None]).ravel()
    for i, lead in enumerate(leads):
        R.append(lr)
        C.append(np.repeat(width * np.arange(K) + i, q))
        V.append(lead.ravel())
    A = sparse.coo_matrix(
        (np.concatenate(V), (np.concatenate(R), np.concatenate(C))), shape=(K * q, K * width)
    )
    return A.tocsr()


def _lp(c, A_ub, b_ub, A_eq, b_eq) -> Any:
    res = linprog(
        c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method=METHOD, options=OPTIONS
    )
    if res.status != 0:
        raise MethodError(f"DEA: the LP solver stopped without an optimum ({res.message})")
    return res


def _phase1(Xe, Ye, Xr, Yr, vrs: bool, output: bool, own: bool, pool: np.ndarray):
    """Radial scores of a chunk of units against the reference pool, and the duals for pricing.

    Input: min θ s.t. X_R λ − θ x_o ≤ 0, −Y_R λ ≤ −y_o (, 1ᵀλ = 1).
    Output: min −φ s.t. X_R λ ≤ x_o, φ y_o − Y_R λ ≤ 0 (, 1ᵀλ = 1).
    With ``own`` the unit's own column is in its block (so that the LP is feasible whatever the pool)."""
    K, m = Xe.shape
    s = Ye.shape[1]
    r = len(pool)
    M = np.vstack([Xr[pool].T, -Yr[pool].T])
    if output:
        leads = [np.hstack([np.zeros((K, m)), Ye])]
        b = np.hstack([Xe, np.zeros((K, s))]).ravel()
    else:
        leads = [np.hstack([-Xe, np.zeros((K, s))])]
        b = np.hstack([np.zeros((K, m)), -Ye]).ravel()
    if own:
        leads.append(np.hstack([Xe, -Ye]))
    nl = len(leads)
    A = _blocks(M, leads, None, K)
    c = np.zeros((K, r + nl))
    c[:, 0] = -1.0 if output else 1.0
    A_eq = b_eq = None
    if vrs:
        A_eq = _blocks(np.ones((1, r)), [np.zeros((K, 1))] + [np.ones((K, 1))] * (nl - 1), None, K)
        b_eq = np.ones(K)
    res = _lp(c.ravel(), A, b, A_eq, b_eq)
    z = res.x.reshape(K, r + nl)
    pi = res.ineqlin.marginals.reshape(K, m + s)
    mu = res.eqlin.marginals.reshape(K) if vrs else np.zeros(K)
    # reduced cost of reference column j in block k: 0 − (π_x·x_j − π_y·y_j + μ)
    d = -(pi[:, :m] @ Xr.T - pi[:, m:] @ Yr.T + mu[:, None])
    return z[:, 0], z[:, nl:], z[:, 1] if own else None, pi, d


def _phase2(Xe, Ye, Xr, Yr, vrs: bool, output: bool, own: bool, score: np.ndarray, pool: np.ndarray):
    """Max-slack solutions with the radial score fixed (CST 2007, §3.3, phase II).

    Input: X_R λ + s⁻ = θ* x_o, Y_R λ − s⁺ = y_o; output: X_R λ + s⁻ = x_o, Y_R λ − s⁺ = φ* y_o."""
    K, m = Xe.shape
    s = Ye.shape[1]
    r = len(pool)
    M = np.vstack([Xr[pool].T, Yr[pool].T])
    ident = np.diag(np.concatenate([np.ones(m), -np.ones(s)]))
    if output:
        b = np.hstack([Xe, Ye * score[:, None] * (1 - _TOL)])
    else:
        b = np.hstack([Xe * score[:, None] * (1 + _TOL), Ye])
    leads = [np.hstack([Xe, Ye])] if own else []
    nl = len(leads)
    A_eq, b_eq = _blocks(M, leads, ident, K), b.ravel()
    if vrs:
        conv = _blocks(np.hstack([np.ones((1, r)), np.zeros((1, m + s))]), [np.ones((K, 1))] * nl, None, K)
        A_eq = sparse.vstack([A_eq, conv]).tocsr()
        b_eq = np.concatenate([b_eq, np.ones(K)])
    w = nl + r + m + s
    c = np.hstack([np.zeros((K, nl + r)), -np.ones((K, m + s))]).ravel()
    res = _lp(c, None, None, A_eq, b_eq)
    z = res.x.reshape(K, w)
    pi = res.eqlin.marginals
    pi_xy = pi[: K * (m + s)].reshape(K, m + s)
    mu = pi[K * (m + s) :] if vrs else np.zeros(K)
    d = -(pi_xy[:, :m] @ Xr.T + pi_xy[:, m:] @ Yr.T + mu[:, None])
    return z[:, nl : nl + r], z[:, 0] if own else None, z[:, nl + r : nl + r + m], z[:, nl + r + m :], d


def _priced(solve, pool: np.ndarray, own: np.ndarray | None):
    """Column generation: solve over the pool, add the most negative reduced cost of each unit."""
    pool = np.asarray(pool)
    for _ in range(500):
        out = solve(pool)
        d = out[-1]
        d[:, pool] = 0.0
        if own is not None:
            d[np.arange(len(own)), own] = 0.0
        bad = d.min(axis=1) < -1e-9
        if not bad.any():
            return out, pool
        new = np.unique(d[bad].argmin(axis=1))
        pool = np.union1d(pool, new)
    raise MethodError("DEA: column generation did not converge in 500 rounds")  # pragma: no cover


def envelopment(
    Xe: np.ndarray,
    Ye: np.ndarray,
    Xr: np.ndarray,
    Yr: np.ndarray,
    *,
    vrs: bool,
    output: bool,
    own: np.ndarray | None = None,
    slacks: bool = True,
    chunk: int = CHUNK,
):
    """Radial scores (θ or φ), λ (sparse, units × reference), slacks s⁻, s⁺ of evaluated units
    ``(Xe, Ye)`` against the reference technology ``(Xr, Yr)``, which need not contain them (the
    cross-period LPs of the Malmquist index); ``own[k]`` is the row of unit k in the reference set
    when it is there. Arrays are pre-scaled by the caller."""
    n = Xe.shape[0]
    nr = Xr.shape[0]
    m, s = Xe.shape[1], Ye.shape[1]
    radial = np.empty(n)
    sm = np.zeros((n, m))
    sp = np.zeros((n, s))
    trip: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # λ as (unit, reference, value)
    pool = _seed_pool(Xr, Yr, vrs)
    has_own = own is not None

    def keep(rows: np.ndarray, L: np.ndarray, Lo: np.ndarray | None, pool: np.ndarray) -> None:
        i, j = np.nonzero(L > 1e-12)
        trip.append((rows[i], pool[j], L[i, j]))
        if Lo is not None:
            k = np.flatnonzero(Lo > 1e-12)
            trip.append((rows[k], own[rows[k]], Lo[k]))

    for a in range(0, n, chunk):
        sl = slice(a, min(a + chunk, n))
        ow = own[sl] if has_own else None
        (t, L, Lo, pi, _), pool = _priced(
            lambda p: _phase1(Xe[sl], Ye[sl], Xr, Yr, vrs, output, has_own, p), pool, ow
        )
        radial[sl] = t
        # Complementary slackness: a constraint with a non-zero dual binds in every optimal solution,
        # so a unit whose duals are all non-zero has no slack and needs no phase II.
        need = (np.abs(pi) <= 1e-12).any(axis=1) if slacks else np.zeros(len(t), bool)
        rows = np.arange(sl.start, sl.stop)
        keep(rows[~need], L[~need], Lo[~need] if has_own else None, pool)
        if need.any():
            r2 = rows[need]
            (L2, Lo2, s1, s2, _), pool = _priced(
                lambda p: _phase2(Xe[r2], Ye[r2], Xr, Yr, vrs, output, has_own, t[need], p),
                pool,
                own[r2] if has_own else None,
            )
            sm[r2], sp[r2] = s1, s2
            keep(r2, L2, Lo2, pool)
    i, j, v = (np.concatenate(x) for x in zip(*trip))
    lam = sparse.coo_matrix((v, (i, j)), shape=(n, nr)).tocsr()
    return radial, lam, sm, sp


@dataclass(frozen=True)
class DEAResult(ResultMixin):
    """Result of :func:`dea`.

    Attributes
    ----------
    efficiency : pd.Series
        One score per unit in (0, 1]: θ* (input orientation) or 1/φ* (output orientation).
    radial : pd.Series
        The radial optimum itself: θ* (input) or φ* ≥ 1 (output).
    lambdas : pd.DataFrame
        Intensity weights, long form (unit, peer, lambda), non-zero entries only.
    slacks_input, slacks_output : pd.DataFrame
        Max-slack s⁻ and s⁺ of phase II, in the units of the data.
    projection_input, projection_output : pd.DataFrame
        The frontier point: x̂ = θ*x − s⁻, ŷ = y + s⁺ (input) or x̂ = x − s⁻, ŷ = φ*y + s⁺ (output).
    model, orientation : str
    notes : tuple[str, ...]
    lineage : Lineage
    """

    efficiency: pd.Series
    radial: pd.Series
    lambdas: pd.DataFrame
    slacks_input: pd.DataFrame
    slacks_output: pd.DataFrame
    projection_input: pd.DataFrame
    projection_output: pd.DataFrame
    model: str
    orientation: str
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("innovation.dea"))

    title_en = "Data envelopment analysis"
    title_zh = "数据包络分析"

    @property
    def efficient(self) -> pd.Series:
        """CCR/BCC-efficient units (CST 2007, Def. 3.2): score 1 and all slacks zero."""
        tol = 1e-6
        zero = (
            self.slacks_input.abs().max(axis=1) <= tol * (1 + self.projection_input.abs().max(axis=1))
        ) & (self.slacks_output.abs().max(axis=1) <= tol * (1 + self.projection_output.abs().max(axis=1)))
        return (self.efficiency >= 1 - tol) & zero

    def peers(self) -> pd.Series:
        """The reference set of each unit (units with λ > 0), as a comma-joined string."""
        f = self.lambdas
        g = f.groupby("unit", sort=False)["peer"].agg(lambda p: ", ".join(map(str, p)))
        return g.reindex(self.efficiency.index).fillna("")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        f = pd.DataFrame(
            {
                "efficiency": self.efficiency,
                "rank": self.efficiency.rank(ascending=False, method="min").astype(int),
                "efficient": self.efficient,
                "peers": self.peers(),
            }
        )
        f.index.name = "unit"
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in f.columns}).rename_axis(label("unit", "zh"))
        return f

    def _summary_items(self, lang: str = "en"):
        e = self.efficiency
        return [
            (label("model", lang), f"{self.model.upper()} ({label(self.orientation + '-oriented', lang)})"),
            (label("units", lang), len(e)),
            (label("efficient units", lang), int(self.efficient.sum())),
            (label("mean efficiency", lang), float(e.mean())),
        ]


def dea(
    inputs: Any, outputs: Any, model: str = "ccr", orientation: str = "input", *, chunk: int = CHUNK
) -> DEAResult:
    """DEA efficiency of each unit (CCR: constant, BCC: variable returns to scale).

    Parameters
    ----------
    inputs : units × inputs array or DataFrame (positive)
    outputs : units × outputs array or DataFrame (non-negative, a positive entry per unit)
    model : ``"ccr"`` or ``"bcc"``
    orientation : ``"input"`` or ``"output"``

    Returns
    -------
    DEAResult
        ``efficiency`` holds one score per unit, labelled by the frames' index.

    Notes
    -----
    Input-oriented envelopment LP of unit o (CST 2007, (3.6)–(3.7), (4.2) with 1ᵀλ = 1 for BCC):

        θ* = min θ  s.t.  Xλ ≤ θ x_o,  Yλ ≥ y_o,  λ ≥ 0  [, 1ᵀλ = 1]

    output-oriented (CST 2007, (3.62), (4.52)): φ* = max φ s.t. Xλ ≤ x_o, Yλ ≥ φ y_o; efficiency 1/φ*
    (under CCR θ* = 1/φ*). Phase II maximises 1ᵀs⁻ + 1ᵀs⁺ with the radial score fixed. Measures are
    divided by their mean before solving (DEA is units invariant); slacks and projections are returned
    in the data's units.

    References
    ----------
    Cooper, Seiford, Tone (2007), *Data Envelopment Analysis*, 2nd ed., §3.3, §3.4, §3.7, §4.3.

    Examples
    --------
    One input, one output (CST 2007, Table 1.1, six branch stores: employees → sales):

    >>> r = dea([[2], [3], [3], [4], [5], [5], [6], [8]], [[1], [3], [2], [3], [4], [2], [3], [5]])
    >>> r.efficiency.round(4).tolist()
    [0.5, 1.0, 0.6667, 0.75, 0.8, 0.4, 0.5, 0.625]
    """
    _check(model, orientation)
    X = _as_frame(inputs, "inputs")
    Y = _as_frame(outputs, "outputs", index=X.index)
    if len(X) != len(Y):
        raise InputError.at(
            "parameter 'outputs': not one row per unit of 'inputs'", value=len(Y), expected=f"{len(X)} rows"
        )
    if not isinstance(outputs, (pd.DataFrame, pd.Series)):
        Y.index = X.index
    if isinstance(inputs, (pd.DataFrame, pd.Series)) and isinstance(outputs, (pd.DataFrame, pd.Series)):
        if not X.index.equals(Y.index):
            raise InputError.at(
                "parameter 'outputs': units differ from those of 'inputs'", expected="the same index"
            )
    if len(X) == 0:
        raise InputError.at("parameter 'inputs': no units", expected="at least one row")
    if (X.to_numpy() <= 0).any():
        raise InputError.at("parameter 'inputs': non-positive value", expected="inputs > 0")
    if (Y.to_numpy() < 0).any() or (Y.to_numpy().max(axis=1) <= 0).any():
        raise InputError.at(
            "parameter 'outputs': a unit without a positive output", expected="outputs ≥ 0, one > 0"
        )
    xs, ys = X.mean().to_numpy(), Y.mean().to_numpy()
    Xn, Yn = X.to_numpy() / xs, Y.to_numpy() / ys
    out = orientation == "output"
    radial, lam, sm, sp = envelopment(
        Xn, Yn, Xn, Yn, vrs=model == "bcc", output=out, own=np.arange(len(Xn)), chunk=chunk
    )
    idx = X.index
    sm, sp = sm * xs, sp * ys
    if out:
        px = X.to_numpy() - sm
        py = Y.to_numpy() * radial[:, None] + sp
        eff = 1.0 / radial
    else:
        px = X.to_numpy() * radial[:, None] - sm
        py = Y.to_numpy() + sp
        eff = radial
    eff = np.minimum(eff, 1.0)
    lam = lam.tocoo()
    big = lam.data > 1e-9
    i, j = lam.row[big], lam.col[big]
    order = np.lexsort((j, i))
    lambdas = pd.DataFrame({"unit": idx[i[order]], "peer": idx[j[order]], "lambda": lam.data[big][order]})
    return DEAResult(
        efficiency=readonly(pd.Series(eff, index=idx, name="efficiency")),
        radial=readonly(pd.Series(radial, index=idx, name="theta" if not out else "phi")),
        lambdas=lambdas,
        slacks_input=readonly(pd.DataFrame(sm, index=idx, columns=X.columns)),
        slacks_output=readonly(pd.DataFrame(sp, index=idx, columns=Y.columns)),
        projection_input=readonly(pd.DataFrame(px, index=idx, columns=X.columns)),
        projection_output=readonly(pd.DataFrame(py, index=idx, columns=Y.columns)),
        model=model,
        orientation=orientation,
        lineage=Lineage.make(
            "innovation.dea",
            {
                "model": model,
                "orientation": orientation,
                "inputs": list(map(str, X.columns)),
                "outputs": list(map(str, Y.columns)),
            },
        ),
    )
