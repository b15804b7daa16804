"""Permutation (randomisation) inference shared by the spatial statistics.

One place for the pseudo p-value rule, the choice of alternative hypothesis and the batched
random draws, so that global and local statistics (Moran's I, local Moran, and any later
Geary/Getis–Ord module) agree on them — the role ``esda.crand`` / ``esda.significance`` play in
PySAL. It is written here rather than imported because esda draws from NumPy's global state
(global Moran) or needs numba to be fast (conditional randomisation); here every draw comes from
``np.random.default_rng(seed)`` and the work is done in a few large array operations.

Pseudo p-values follow Hope (1968) / Davison & Hinkley (1997, ch. 4): with ``R`` simulated values
``s_r`` and an observed value ``t``

* ``greater``:   p = (#{s_r >= t} + 1) / (R + 1)
* ``less``:      p = (#{s_r <= t} + 1) / (R + 1)
* ``two-sided``: p = min(1, 2 · min(p_greater, p_less))

PySAL's legacy default ("directed", the smaller of the two one-sided counts, not doubled) is
about half the two-sided value; we do not offer it because it is uniformly too small
(esda's own documentation says so).
"""

from __future__ import annotations

import numpy as np

from industrial_brain.errors import InputError

ALTERNATIVES = ("two-sided", "greater", "less")

#: Upper bound (bytes) of one batch of simulated float64 values held in memory at a time.
BATCH_BYTES = 64 * 1024 * 1024


def check_alternative(alternative: str) -> str:
    """Validate ``alternative``; raise :class:`InputError` listing the valid ones.

    Examples
    --------
    >>> check_alternative("greater")
    'greater'
    """
    if alternative not in ALTERNATIVES:
        raise InputError.at(
            "unknown alternative hypothesis",
            column="alternative",
            value=alternative,
            expected="one of " + ", ".join(repr(a) for a in ALTERNATIVES),
        )
    return alternative


def check_permutations(permutations: int) -> int:
    """Validate a number of permutations (a non-negative integer)."""
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise InputError.at(
            "number of permutations must be a non-negative integer",
            column="permutations",
            value=permutations,
            expected="0, 99, 999, …",
        )
    return int(permutations)


def pseudo_p_value(observed, sim, alternative: str = "two-sided"):
    """Pseudo p-value of ``observed`` against simulated values.

    Parameters
    ----------
    observed : float or ndarray, shape (m,)
        Observed statistic(s).
    sim : ndarray, shape (R,) or (R, m)
        Simulated statistics under the null; one column per observed value.
    alternative : {'two-sided', 'greater', 'less'}

    Returns
    -------
    float or ndarray
        ``(count + 1) / (R + 1)`` as in the module notes.

    Notes
    -----
    ``p_greater = (#{s >= t} + 1)/(R + 1)``, ``p_less = (#{s <= t} + 1)/(R + 1)``,
    two-sided ``min(1, 2 min(p_greater, p_less))``.

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*,
    Cambridge University Press, ch. 4.

    Examples
    --------
    Nine simulations, two of them at least as large as the observed 5:

    >>> float(pseudo_p_value(5.0, np.array([1, 2, 3, 4, 5, 6, 0, 1, 2]), "greater"))
    0.3
    """
    check_alternative(alternative)
    sim = np.asarray(sim, dtype=float)
    obs = np.asarray(observed, dtype=float)
    R = sim.shape[0]
    ge = (sim >= obs).sum(axis=0)
    le = (sim <= obs).sum(axis=0)
    p_g = (ge + 1.0) / (R + 1.0)
    p_l = (le + 1.0) / (R + 1.0)
    if alternative == "greater":
        p = p_g
    elif alternative == "less":
        p = p_l
    else:
        p = np.minimum(1.0, 2.0 * np.minimum(p_g, p_l))
    return float(p) if np.ndim(p) == 0 else p


def batch_sizes(total: int, row_bytes: int, max_bytes: int = BATCH_BYTES):
    """Split ``total`` rows into batches of at most ``max_bytes`` (at least one row per batch)."""
    size = max(1, int(max_bytes // max(row_bytes, 1)))
    start = 0
    while start < total:
        stop = min(total, start + size)
        yield start, stop
        start = stop


class RowShuffler:
    """Independent uniform permutations of a vector, a batch of rows at a time.

    Each row of a reused ``(batch, n)`` buffer is shuffled in place by ``Generator.shuffle``
    (Fisher–Yates). A uniform shuffle of any arrangement is a uniform permutation independent of
    that arrangement, so the buffer never needs resetting between batches. (We tried two seeded
    streams in two threads: slower, because the row loop holds the GIL.)
    """

    def __init__(self, values: np.ndarray, batch: int, seed: int | None):
        self.rng = np.random.default_rng(seed)
        self.buf = np.tile(np.asarray(values), (max(1, batch), 1))

    def draw(self, rows: int) -> np.ndarray:
        """The first ``rows`` rows of the buffer, each freshly permuted."""
        shuffle, buf = self.rng.shuffle, self.buf
        for r in range(rows):
            shuffle(buf[r])
        return buf[:rows]


def sample_without_replacement(rng: np.random.Generator, n_perm: int, pool: int, k: int) -> np.ndarray:
    """``(n_perm, k)`` matrix; each row is ``k`` distinct draws from ``0..pool-1`` in random order.

    When ``k`` is small against ``pool`` rows are drawn with replacement and the rows holding a
    repeat are drawn again until none does (rejection sampling: the accepted rows are uniform over
    ordered samples without replacement). Otherwise each row is the positions of the ``k`` smallest
    of ``pool`` independent uniforms, ordered by value — also exactly uniform.
    """
    if k > pool:
        raise InputError.at(
            "cannot draw more neighbours than there are other units", value=k, expected=f"at most {pool}"
        )
    if k == 0:
        return np.empty((n_perm, 0), dtype=np.intp)
    if k * k <= pool:  # P(row has a repeat) <= k²/(2 pool) <= 1/2
        d = rng.integers(0, pool, size=(n_perm, k), dtype=np.intp)
        while True:
            s = np.sort(d, axis=1)
            dup = (s[:, 1:] == s[:, :-1]).any(axis=1)
            if not dup.any():
                return d
            d[dup] = rng.integers(0, pool, size=(int(dup.sum()), k), dtype=np.intp)
    u = rng.random((n_perm, pool))
    if k < pool:
        part = np.argpartition(u, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(pool), (n_perm, pool)).copy()
    order = np.argsort(np.take_along_axis(u, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1).astype(np.intp, copy=False)
