"""Economic complexity: RCA, diversity, ubiquity, ECI, PCI, proximity and density.

For a location × product (region × sector) matrix of activity ``X_cp``::

    RCA_cp = (X_cp / Σ_p X_cp) / (Σ_c X_cp / Σ_cp X_cp)           Balassa (1965)
    M_cp   = 1 if RCA_cp >= threshold (default 1) else 0
    k_c,0  = Σ_p M_cp  (diversity),   k_p,0 = Σ_c M_cp  (ubiquity)
    M̃^C   = D⁻¹ M U⁻¹ Mᵀ,  D = diag(k_c,0), U = diag(k_p,0)

ECI is the eigenvector of ``M̃^C`` for its second-largest eigenvalue (Hidalgo & Hausmann 2009,
in the matrix form of Mealy, Farmer & Teytelboym 2019), signed to correlate positively with
diversity and standardised (mean 0, population sd 1). PCI is the matching product eigenvector
``k_p`` (scaled so that ``k_c = D⁻¹ M k_p``: a location's raw ECI is the mean raw PCI of its
products) and, by default, standardised with the ECI's mean and sd — the convention of the
Growth Lab's Stata/Python ``ecomplexity`` package, which keeps "ECI = mean PCI of the products
made" (``pci_scale="own"`` standardises PCI by its own mean and sd instead).

Numerically the eigenproblem is solved on the symmetric similar matrix
``U^{-1/2} Mᵀ D⁻¹ M U^{-1/2}`` with ``numpy.linalg.eigh``.

Proximity ``φ_pp' = (MᵀM)_pp' / max(k_p,0, k_p',0)`` (Hidalgo et al. 2007) and density
``ω_cp = Σ_p' M_cp' φ_pp' / Σ_p' φ_pp'``.

The ``ecomplexity`` package works on long data frames per year and prints progress; this module
takes one matrix, returns labelled results, and is cross-checked against it in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import nonneg_matrix

__all__ = ["ComplexityResult", "economic_complexity", "rca"]


def rca(X: Any) -> pd.DataFrame:
    """Balassa revealed comparative advantage ``RCA_cp = (X_cp/X_c)/(X_p/X)``.

    Examples
    --------
    >>> rca([[10, 30], [30, 30]]).round(4).to_numpy().tolist()
    [[0.625, 1.25], [1.25, 0.8333]]
    """
    df = nonneg_matrix(X, "X")
    A = df.to_numpy()
    xc, xp = A.sum(axis=1), A.sum(axis=0)
    if (xc <= 0).any():
        raise MethodError(f"location {df.index[np.argmax(xc <= 0)]!s} has total 0: RCA is 0/0 (drop it)")
    if (xp <= 0).any():
        raise MethodError(f"product {df.columns[np.argmax(xp <= 0)]!s} has total 0: RCA is 0/0 (drop it)")
    return pd.DataFrame((A / xc[:, None]) / (xp / A.sum())[None, :], index=df.index, columns=df.columns)


@dataclass(frozen=True)
class ComplexityResult(ResultMixin):
    """Economic complexity of locations and products.

    Attributes
    ----------
    RCA : pandas.DataFrame or None
        Balassa RCA (None when a binary ``M`` was given).
    M : pandas.DataFrame
        Binary presence matrix.
    diversity : pandas.Series
    ubiquity : pandas.Series
    ECI : pandas.Series
    PCI : pandas.Series
    proximity : pandas.DataFrame
    density : pandas.DataFrame
    eigenvalues : ndarray
        The two largest eigenvalues of ``M̃^C`` (the first is 1).
    pci_scale : str
    notes : tuple[str, ...]
    """

    RCA: pd.DataFrame | None
    M: pd.DataFrame
    diversity: pd.Series
    ubiquity: pd.Series
    ECI: pd.Series
    PCI: pd.Series
    proximity: pd.DataFrame
    density: pd.DataFrame
    eigenvalues: np.ndarray
    pci_scale: str
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.economic_complexity"))

    title_en = "Economic complexity"
    title_zh = "经济复杂度"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Locations: diversity and ECI (sorted by ECI, highest first)."""
        check_lang(lang)
        df = pd.DataFrame({"diversity": self.diversity, "ECI": self.ECI}).sort_values("ECI", ascending=False)
        if lang == "zh":
            df.columns = ["多样性", "经济复杂度指数"]
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        return [
            ("地区数" if zh else "locations", len(self.ECI)),
            ("产品/部门数" if zh else "products", len(self.PCI)),
            ("第二特征值" if zh else "second eigenvalue", float(self.eigenvalues[1])),
        ] + [("说明" if zh else "note", n) for n in self.notes]


def economic_complexity(
    X: Any, threshold: float = 1.0, binary: bool = False, pci_scale: str = "eci"
) -> ComplexityResult:
    """RCA, presence matrix, diversity, ubiquity, ECI, PCI, proximity and density.

    Parameters
    ----------
    X : DataFrame or array_like, shape (locations, products)
        Non-negative activity (exports, employment, value added), or a 0/1 matrix with ``binary``.
    threshold : float, default 1
        ``M_cp = 1`` where ``RCA_cp >= threshold``.
    binary : bool, default False
        ``X`` already is the presence matrix ``M``.
    pci_scale : {'eci', 'own'}
        Standardise PCI with the ECI's mean and sd (Growth Lab convention) or with its own.

    Returns
    -------
    ComplexityResult

    Raises
    ------
    InputError
        Missing/negative cells, non-binary ``M``, bad options.
    MethodError
        A location or product with zero total or zero diversity/ubiquity; a repeated second eigenvalue.

    Notes
    -----
    See the module docstring. ``ECI_c = (k_c − mean k_c)/sd(k_c)``, ``PCI_p = (k_p − mean k_c)/sd(k_c)``.

    References
    ----------
    Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*
    106(26), 10570–10575. Mealy, P., Farmer, J. D. & Teytelboym, A. (2019). Interpreting
    economic complexity. *Science Advances* 5(1), eau1705. Hidalgo, C. A., Klinger, B.,
    Barabási, A.-L. & Hausmann, R. (2007). The product space conditions the development of nations.
    *Science* 317, 482–487 (proximity, density). Balassa, B. (1965). Trade liberalisation and
    "revealed" comparative advantage. *The Manchester School* 33(2), 99–123.

    Examples
    --------
    Nested M = [[1,1,1],[1,1,0],[1,0,0]]: M̃^C has eigenvalues 1, 1/4, 1/9; the eigenvector of 1/4 is
    (2, −1, −4), so ECI = (3, 0, −3)/√6 = (1.2247, 0, −1.2247):

    >>> r = economic_complexity([[1, 1, 1], [1, 1, 0], [1, 0, 0]], binary=True)
    >>> [round(v, 4) for v in r.ECI], round(float(r.eigenvalues[1]), 6)
    ([1.2247, 0.0, -1.2247], 0.25)
    """
    if pci_scale not in ("eci", "own"):
        raise InputError.at(
            "unknown PCI scaling", column="pci_scale", value=pci_scale, expected="'eci' or 'own'"
        )
    if binary:
        df = nonneg_matrix(X, "M")
        if not np.isin(df.to_numpy(), (0.0, 1.0)).all():
            raise InputError.at("binary=True but M is not 0/1", column="M")
        R = None
        M = df
    else:
        if not (isinstance(threshold, (int, float)) and threshold > 0):
            raise InputError.at("RCA threshold must be positive", column="threshold", value=threshold)
        R = rca(X)
        M = (R >= threshold).astype(float)
    Mv = M.to_numpy()
    kc, kp = Mv.sum(axis=1), Mv.sum(axis=0)
    if (kc == 0).any():
        raise MethodError(
            f"location {M.index[np.argmax(kc == 0)]!s} has diversity 0: ECI is undefined (drop it)"
        )
    if (kp == 0).any():
        raise MethodError(
            f"product {M.columns[np.argmax(kp == 0)]!s} has ubiquity 0: PCI is undefined (drop it)"
        )
    if Mv.shape[0] < 2 or Mv.shape[1] < 2:
        raise InputError.at(
            "complexity needs at least two locations and two products", column="X", value=Mv.shape
        )
    iu = 1.0 / np.sqrt(kp)
    S = (Mv * iu[None, :]).T @ ((Mv * iu[None, :]) / kc[:, None])  # U^-1/2 M' D^-1 M U^-1/2
    vals, vecs = np.linalg.eigh(S)
    order = np.argsort(vals)[::-1]
    lam = vals[order[:2]]
    notes = []
    if abs(lam[0] - lam[1]) < 1e-10 or (len(vals) > 2 and abs(vals[order[1]] - vals[order[2]]) < 1e-10):
        raise MethodError(
            "the second eigenvalue is repeated (the location–product network is disconnected "
            "or symmetric): ECI is not unique"
        )
    kp_vec = iu * vecs[:, order[1]]  # eigenvector of M̃^P = U^-1 M' D^-1 M
    kc_vec = (Mv @ kp_vec) / kc  # k_c = D^-1 M k_p
    sign = np.sign(np.corrcoef(kc, kc_vec)[0, 1]) if np.std(kc) > 0 else 1.0
    if sign == 0:
        sign = 1.0
        notes.append("ECI uncorrelated with diversity: sign left as computed")
    kc_vec, kp_vec = sign * kc_vec, sign * kp_vec
    m, s = kc_vec.mean(), kc_vec.std()
    eci = (kc_vec - m) / s
    pci = (kp_vec - m) / s if pci_scale == "eci" else (kp_vec - kp_vec.mean()) / kp_vec.std()
    co = Mv.T @ Mv
    phi = co / np.maximum(kp[:, None], kp[None, :])
    dens = (Mv @ phi.T) / phi.sum(axis=1)[None, :]
    return ComplexityResult(
        RCA=R,
        M=M,
        diversity=pd.Series(kc, index=M.index, name="diversity"),
        ubiquity=pd.Series(kp, index=M.columns, name="ubiquity"),
        ECI=pd.Series(eci, index=M.index, name="ECI"),
        PCI=pd.Series(pci, index=M.columns, name="PCI"),
        proximity=pd.DataFrame(phi, index=M.columns, columns=M.columns),
        density=pd.DataFrame(dens, index=M.index, columns=M.columns),
        eigenvalues=lam,
        pci_scale=pci_scale,
        notes=tuple(notes),
        lineage=Lineage.make(
            "macro.economic_complexity", {"threshold": threshold, "binary": binary, "pci_scale": pci_scale}
        ),
    )
