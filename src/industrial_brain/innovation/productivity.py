"""The Malmquist productivity index (Malmquist 生产率指数) between two periods, with its
decomposition into efficiency change (EC, catching up) and technical change (TC, frontier shift).

The four distance functions are CCR (constant-returns) DEA LPs, two of them cross-period: a unit's
period-t data against the period-t+1 frontier and conversely, solved by the batched LPs of
:mod:`industrial_brain.innovation.envelopment` with the other period as reference technology (the
unit is then not in the reference set and its score may exceed 1).

References
----------
Färe, R., Grosskopf, S., Norris, M., Zhang, Z. (1994), "Productivity growth, technical progress, and
efficiency change in industrialized countries", American Economic Review 84(1), 66–83, eqs. (4)–(5).
Cooper, Seiford, Tone (2007), *Data Envelopment Analysis*, 2nd ed., §11.2 (the Malmquist index).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError
from industrial_brain.innovation.envelopment import _as_frame, envelopment
from industrial_brain.lineage import Lineage


@dataclass(frozen=True)
class MalmquistResult(ResultMixin):
    """Result of :func:`malmquist`.

    Attributes
    ----------
    MI, EC, TC : pd.Series
        Malmquist index, efficiency change, technical change per unit; MI = EC × TC exactly.
    D : pd.DataFrame
        The four CRS distances per unit: ``D_t_t``, ``D_t_t1`` (period-t+1 data, period-t frontier),
        ``D_t1_t``, ``D_t1_t1``.
    orientation : str
    periods : tuple
    """

    MI: pd.Series
    EC: pd.Series
    TC: pd.Series
    D: pd.DataFrame
    orientation: str
    periods: tuple[Any, Any]
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("innovation.malmquist"))

    title_en = "Malmquist productivity index"
    title_zh = "Malmquist生产率指数"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        f = pd.concat([self.MI, self.EC, self.TC, self.D], axis=1)
        f.index.name = "unit"
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in ("MI", "EC", "TC")}).rename_axis(
                label("unit", "zh")
            )
        return f

    def _summary_items(self, lang: str = "en"):
        g = lambda s: float(np.exp(np.log(s).mean()))  # noqa: E731 - geometric mean
        return [
            (label("period_from", lang), self.periods[0]),
            (label("period_to", lang), self.periods[1]),
            (label("units", lang), len(self.MI)),
            (label("mean MI", lang) + " (geo)", g(self.MI)),
            (label("EC", lang) + " (geo)", g(self.EC)),
            (label("TC", lang) + " (geo)", g(self.TC)),
        ]


def malmquist(
    inputs_t: Any,
    outputs_t: Any,
    inputs_t1: Any,
    outputs_t1: Any,
    *,
    orientation: str = "output",
    periods: tuple[Any, Any] = ("t", "t+1"),
) -> MalmquistResult:
    """Malmquist productivity index of each unit from period t to t+1 (CRS technology).

    Parameters
    ----------
    inputs_t, outputs_t, inputs_t1, outputs_t1 : units × measures arrays or frames (same units, rows
        aligned; frames are aligned on their index)
    orientation : ``"output"`` (Färe et al. 1994) or ``"input"``; under CRS both give the same index
    periods : labels of the two periods

    Notes
    -----
    With D^a(b) the CRS distance of the unit's period-b data to the period-a frontier (the CCR score,
    = Shephard's output distance function; > 1 possible when b ≠ a):

        MI = [ D^t(t+1)/D^t(t) · D^{t+1}(t+1)/D^{t+1}(t) ]^{1/2}
        EC = D^{t+1}(t+1) / D^t(t)
        TC = [ D^t(t+1)/D^{t+1}(t+1) · D^t(t)/D^{t+1}(t) ]^{1/2}

    so MI = EC × TC; MI > 1 is productivity growth. Under input orientation the distances are θ* (the
    same numbers under CRS).

    References
    ----------
    Färe, Grosskopf, Norris, Zhang (1994), AER 84(1), 66–83, eq. (4); CST (2007), §11.2, (11.10)–(11.12).

    Examples
    --------
    One input, one output; unit 1 doubles its output, the frontier (unit 0) grows by half:

    >>> r = malmquist([[1], [1]], [[2], [1]], [[1], [1]], [[3], [2]])
    >>> round(float(r.MI.iloc[1]), 4), round(float(r.EC.iloc[1]), 4), round(float(r.TC.iloc[1]), 4)
    (2.0, 1.3333, 1.5)
    """
    if orientation not in ("input", "output"):
        raise InputError.at(
            "parameter 'orientation': unknown orientation", value=orientation, expected="input or output"
        )
    X0 = _as_frame(inputs_t, "inputs_t")
    Y0 = _as_frame(outputs_t, "outputs_t", index=X0.index)
    X1 = _as_frame(inputs_t1, "inputs_t1", index=X0.index)
    Y1 = _as_frame(outputs_t1, "outputs_t1", index=X0.index)
    if (
        not (len(X0) == len(Y0) == len(X1) == len(Y1))
        or X0.shape[1] != X1.shape[1]
        or Y0.shape[1] != Y1.shape[1]
    ):
        raise InputError.at(
            "parameter 'inputs_t1': not the units and measures of period t", expected="same shape"
        )
    if isinstance(inputs_t1, pd.DataFrame):
        X1, Y1 = X1.reindex(X0.index), Y1.reindex(X0.index)
    for f, what in ((X0, "inputs_t"), (X1, "inputs_t1")):
        if not np.isfinite(f.to_numpy()).all() or (f.to_numpy() <= 0).any():
            raise InputError.at(f"parameter '{what}': non-positive or missing value", expected="inputs > 0")
    xs = (X0.mean().to_numpy() + X1.mean().to_numpy()) / 2
    ys = (Y0.mean().to_numpy() + Y1.mean().to_numpy()) / 2
    a0, b0 = X0.to_numpy() / xs, Y0.to_numpy() / ys
    a1, b1 = X1.to_numpy() / xs, Y1.to_numpy() / ys
    out = orientation == "output"
    own = np.arange(len(a0))

    def dist(Xe, Ye, Xr, Yr, same):
        r = envelopment(Xe, Ye, Xr, Yr, vrs=False, output=out, own=own if same else None, slacks=False)[0]
        return 1.0 / r if out else r

    D = pd.DataFrame(
        {
            "D_t_t": dist(a0, b0, a0, b0, True),
            "D_t_t1": dist(a1, b1, a0, b0, False),
            "D_t1_t": dist(a0, b0, a1, b1, False),
            "D_t1_t1": dist(a1, b1, a1, b1, True),
        },
        index=X0.index,
    )
    EC = D["D_t1_t1"] / D["D_t_t"]
    TC = np.sqrt((D["D_t_t1"] / D["D_t1_t1"]) * (D["D_t_t"] / D["D_t1_t"]))
    MI = EC * TC
    return MalmquistResult(
        MI=readonly(MI.rename("MI")),
        EC=readonly(EC.rename("EC")),
        TC=readonly(TC.rename("TC")),
        D=readonly(D),
        orientation=orientation,
        periods=tuple(periods),
        lineage=Lineage.make(
            "innovation.malmquist", {"orientation": orientation, "periods": list(map(str, periods))}
        ),
    )
