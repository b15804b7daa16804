"""Normalisation of indicator panels with indicator direction (+ benefit, − cost).

A *panel* is a DataFrame whose rows are observations (usually a ``(region, year)`` MultiIndex)
and whose columns are indicator codes. ``directions`` maps every indicator to ``"+"`` (more is
better) or ``"-"`` (less is better). Every method returns values oriented so that higher is better.

Written by hand because the peers (``pymcdm.normalizations``) work on one criterion vector at a
time, know no panel reference sets, and silently return ones for a constant column; here a
constant column is a :class:`~industrial_brain.errors.MethodError`.

The reference set of the min/max, mean/sd used for scaling is either the whole panel
(``reference="pooled"``, the default: with fixed weights, scores stay comparable across years) or
each year separately (``reference="by_year"``: scores measure position within the year). Both are
used in the literature; the choice is recorded in the result's lineage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import (
    as_number,
    check_complete,
    check_panel,
    reference_groups,
    year_level,
)

__all__ = ["normalize", "NormalizationResult", "NORMALIZATIONS", "REFERENCES", "SHIFT_MODES"]

#: Normalisation methods understood by :func:`normalize`.
NORMALIZATIONS = ("minmax", "zscore", "target", "log")
#: Reference sets understood by :func:`normalize`.
REFERENCES = ("pooled", "by_year")
#: How a min–max/log shift is applied: ``x' + shift`` or ``shift + (1 − shift) x'``.
SHIFT_MODES = ("add", "rescale")


# ----------------------------------------------------------------------------- input checks
def check_directions(columns: Iterable[Any], directions: Mapping[Any, str] | None) -> dict[Any, int]:
    """Map each indicator to +1 / −1; every column needs a direction of '+' or '-'."""
    cols = list(columns)
    if directions is None:
        return {c: 1 for c in cols}
    if isinstance(directions, pd.Series):
        directions = directions.to_dict()
    out: dict[Any, int] = {}
    for c in cols:
        if c not in directions:
            raise InputError.at("indicator has no direction", column=str(c), expected="'+' or '-'")
        d = directions[c]
        if d in ("+", 1, "positive", "benefit"):
            out[c] = 1
        elif d in ("-", -1, "negative", "cost"):
            out[c] = -1
        else:
            raise InputError.at("unknown indicator direction", column=str(c), value=d, expected="'+' or '-'")
    return out


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class NormalizationResult(ResultMixin):
    """Normalised panel.

    Attributes
    ----------
    X : DataFrame
        Normalised values, same index and columns as the input, oriented so that higher is better.
    method, reference : str
        Method and reference set used.
    shift : float
        Constant added after min–max / log scaling.
    directions : Mapping
        ``{indicator: "+" | "-"}``.
    reference_stats : DataFrame
        Scaling constants per indicator (and per year for ``reference="by_year"``):
        ``min``/``max`` (min–max, log), ``mean``/``sd`` (z-score) or ``target``.
    notes : tuple of str
        What was dropped or adjusted.
    lineage : Lineage
    """

    X: pd.DataFrame
    method: str
    reference: str
    shift: float
    directions: Mapping[Any, str]
    reference_stats: pd.DataFrame
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("macro.normalize"))

    title_en = "Normalised indicator panel"
    title_zh = "指标标准化结果"

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        yield ("方法" if zh else "method", self.method)
        yield ("参照集" if zh else "reference", self.reference)
        yield ("平移量" if zh else "shift", float(self.shift))
        yield ("观测数" if zh else "observations", int(self.X.shape[0]))
        yield ("指标数" if zh else "indicators", int(self.X.shape[1]))
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The normalised panel (wide: rows = observations, columns = indicators)."""
        return self.X


# ----------------------------------------------------------------------------- engine
def normalize(
    panel: pd.DataFrame,
    directions: Mapping[Any, str] | None = None,
    method: str = "minmax",
    *,
    reference: str = "pooled",
    shift: float = 0.0,
    targets: Mapping[Any, float] | None = None,
    log_offset: float = 0.0,
    missing: str = "raise",
    shift_mode: str = "add",
) -> NormalizationResult:
    r"""Normalise an indicator panel, orienting every indicator so that higher is better.

    Parameters
    ----------
    panel : DataFrame
        Rows = observations (a ``(region, year)`` MultiIndex for ``reference="by_year"``),
        columns = indicator codes.
    directions : mapping, optional
        ``{indicator: "+" | "-"}`` for every column; all ``"+"`` when omitted.
    method : {"minmax", "zscore", "target", "log"}
        See Notes.
    reference : {"pooled", "by_year"}
        Reference set of the scaling constants: the whole panel (default) or each year.
    shift : float, default 0
        Constant added to min–max and log scores, so that the entropy method never meets
        :math:`\ln 0`. Common choices are 0.0001 (:math:`x' + 10^{-4}`) and 0.01; the
        "0.99·x' + 0.01" variant equals ``0.99 * normalize(...).X + 0.01`` and is not built in.
        Our entropy weights use :math:`0 \ln 0 = 0`, so a shift is optional there.
    shift_mode : {"add", "rescale"}, default "add"
        ``"add"``: :math:`x' + \text{shift}`, the literature's form, with values in
        :math:`[\text{shift}, 1 + \text{shift}]`; ``"rescale"``:
        :math:`\text{shift} + (1 - \text{shift})\,x'`, values in :math:`[\text{shift}, 1]` (needs
        ``shift < 1``). Use ``"rescale"`` when the scores feed a method that requires [0, 1]
        (coupling coordination, obstacle degree); :func:`composite_index` does so by default.
    targets : mapping, optional
        ``{indicator: target value}`` for ``method="target"``.
    log_offset : float, default 0
        ``method="log"`` uses :math:`\ln(x + \text{log\_offset})`; values with
        :math:`x + \text{log\_offset} \le 0` raise :class:`InputError`.
    missing : {"raise", "drop"}
        Missing cells raise :class:`InputError` (default) or their rows are dropped (noted).

    Returns
    -------
    NormalizationResult

    Raises
    ------
    InputError
        Unknown method/reference, a column without direction, missing cells (``missing="raise"``),
        an all-missing indicator, non-positive values under ``log``, a missing or zero target.
    MethodError
        A constant indicator in a reference set (min = max, or sd = 0).

    Notes
    -----
    With direction :math:`s_j = \pm 1` and reference set :math:`R` (pooled or one year):

    * min–max: :math:`x'_{ij} = (x_{ij} - \min_R x_j)/(\max_R x_j - \min_R x_j)` for "+",
      :math:`(\max_R x_j - x_{ij})/(\max_R x_j - \min_R x_j)` for "−"; plus ``shift``.
    * z-score: :math:`z_{ij} = s_j (x_{ij} - \bar x_j^R)/\sigma_j^R` with the sample standard
      deviation (ddof = 1).
    * distance to a target :math:`t_j > 0` (the handbook's "distance to a reference"):
      :math:`x_{ij}/t_j` for "+", :math:`t_j/x_{ij}` for "−"; 1 means the target is met.
    * log: min–max (with direction, plus ``shift``) of :math:`\ln(x_{ij} + \text{log\_offset})`,
      which damps the right skew of size indicators.

    References
    ----------
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*.
    OECD Publishing, Paris, section 5 (Normalisation), Table 3, pp. 27–31.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"a": [1.0, 2.0, 5.0], "b": [10.0, 20.0, 30.0]})
    >>> normalize(p, {"a": "+", "b": "-"}).X.round(4).values.tolist()
    [[0.0, 1.0], [0.25, 0.5], [1.0, 0.0]]

    ``a``: (2 − 1)/(5 − 1) = 0.25; ``b`` is a cost: (30 − 20)/(30 − 10) = 0.5.
    """
    if method not in NORMALIZATIONS:
        raise InputError.at(
            "unknown normalisation method", column="method", value=method, expected=" / ".join(NORMALIZATIONS)
        )
    if reference not in REFERENCES:
        raise InputError.at(
            "unknown reference set", column="reference", value=reference, expected=" / ".join(REFERENCES)
        )
    if missing not in ("raise", "drop"):
        raise InputError.at(
            "unknown missing-value rule", column="missing", value=missing, expected="'raise' or 'drop'"
        )
    shift = as_number(shift, "shift")
    if not np.isfinite(shift) or shift < 0:
        raise InputError.at("shift must be finite and >= 0", column="shift", value=shift)
    if shift_mode not in SHIFT_MODES:
        raise InputError.at(
            "unknown shift mode", column="shift_mode", value=shift_mode, expected=" / ".join(SHIFT_MODES)
        )
    if shift_mode == "rescale" and shift >= 1:
        raise InputError.at(
            "shift must be < 1 with shift_mode='rescale'",
            column="shift",
            value=shift,
            expected="0 <= shift < 1",
        )
    scale = 1.0 - shift if shift_mode == "rescale" else 1.0
    X = check_panel(panel)
    signs = check_directions(X.columns, directions)
    notes: list[str] = []
    if X.isna().any().any():
        if missing == "raise":
            check_complete(X)
        keep = ~X.isna().any(axis=1)
        dropped = X.index[~keep]
        notes.append(
            f"dropped {len(dropped)} incomplete row(s): "
            + ", ".join(map(str, dropped[:5]))
            + (" …" if len(dropped) > 5 else "")
        )
        X = X.loc[keep]
        if X.empty:
            raise InputError.at(
                "no complete row left after dropping missing values",
                expected="at least one complete observation",
            )
    A = X.to_numpy(dtype="float64")
    s = np.array([signs[c] for c in X.columns], dtype="float64")
    groups = reference_groups(X, reference)
    year_lvl = year_level(X.index)
    group_keys = (
        ["pooled"] if reference == "pooled" else [X.index.get_level_values(year_lvl)[g[0]] for g in groups]
    )
    out = np.empty_like(A)
    stats_rows: list[dict[str, Any]] = []

    if method == "log":
        B = A + float(log_offset)
        bad = np.argwhere(B <= 0)
        if len(bad):
            i, j = bad[0]
            raise InputError.at(
                f"log transform of a non-positive value at row {X.index[i]!r}",
                column=str(X.columns[j]),
                value=float(A[i, j]),
                expected=f"x + log_offset > 0 (log_offset={log_offset})",
            )
        A = np.log(B)
    if method == "target":
        if targets is None:
            raise InputError.at(
                "method='target' needs targets", column="targets", expected="{indicator: target value}"
            )
        t = np.empty(A.shape[1])
        for j, c in enumerate(X.columns):
            if c not in targets:
                raise InputError.at("indicator has no target", column=str(c), expected="a positive number")
            t[j] = float(targets[c])
            if not np.isfinite(t[j]) or t[j] <= 0:
                raise InputError.at("target must be positive", column=str(c), value=t[j])
        if ((A <= 0) & (s < 0)).any():
            i, j = np.argwhere((A <= 0) & (s < 0))[0]
            raise InputError.at(
                f"distance to target of a cost indicator needs x > 0; row {X.index[i]!r}",
                column=str(X.columns[j]),
                value=float(A[i, j]),
            )
        out = np.where(s > 0, A / t, t / np.where(A == 0, 1.0, A))
        stats = pd.DataFrame({"target": t}, index=pd.Index(X.columns, name="indicator"))
        stats.insert(0, "reference", "pooled")
        res_stats = stats
    else:
        for key, g in zip(group_keys, groups):
            sub = A[g]
            if method in ("minmax", "log"):
                lo, hi = sub.min(axis=0), sub.max(axis=0)
                rng = hi - lo
                _check_constant(rng, X.columns, key, "max = min")
                z = (sub - lo) / rng
                out[g] = scale * np.where(s > 0, z, 1.0 - z) + shift
                for j, c in enumerate(X.columns):
                    stats_rows.append({"reference": key, "indicator": c, "min": lo[j], "max": hi[j]})
            else:  # zscore
                if len(g) < 2:
                    raise MethodError(f"z-score needs at least 2 observations in reference set {key!r}")
                mu, sd = sub.mean(axis=0), sub.std(axis=0, ddof=1)
                _check_constant(sd, X.columns, key, "sd = 0")
                out[g] = s * (sub - mu) / sd
                for j, c in enumerate(X.columns):
                    stats_rows.append({"reference": key, "indicator": c, "mean": mu[j], "sd": sd[j]})
        res_stats = pd.DataFrame(stats_rows).set_index(["reference", "indicator"])
    Xn = pd.DataFrame(out, index=X.index, columns=X.columns)
    readonly(Xn)
    dirs = {c: ("+" if signs[c] > 0 else "-") for c in X.columns}
    lin = Lineage.make(
        "macro.normalize",
        {
            "method": method,
            "reference": reference,
            "shift": shift,
            "shift_mode": shift_mode,
            "directions": dirs,
            "targets": dict(targets) if targets is not None else None,
            "log_offset": log_offset,
            "missing": missing,
            "n_rows": int(X.shape[0]),
            "n_indicators": int(X.shape[1]),
        },
    )
    return NormalizationResult(
        X=Xn,
        method=method,
        reference=reference,
        shift=shift,
        directions=dirs,
        reference_stats=res_stats,
        notes=tuple(notes),
        lineage=lin,
    )


def _check_constant(spread: np.ndarray, columns: pd.Index, key: Any, what: str) -> None:
    bad = np.flatnonzero(~(spread > 0))
    if len(bad):
        where = "" if key == "pooled" else f" in year {key}"
        raise MethodError(
            f"indicator '{columns[bad[0]]}' is constant{where} ({what}): it cannot be normalised and "
            "carries no information; drop it from the index system"
        )
