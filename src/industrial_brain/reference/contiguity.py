"""Provincial contiguity (shared borders) from a boundary GeoJSON, with island links by convention.

Queen contiguity: two regions are neighbours when their boundaries share at least one point (an
edge or a corner). The ECharts-derived province map overlaps slightly along shared borders
(PROVENANCE §5 #14: 65 of 68 pairs, up to 0.0077 deg²), so "share a point" is tested as "lie within
``tolerance`` degrees of each other" (:func:`shapely.dwithin`), which counts touching and slightly
overlapping polygons alike and is insensitive to the tolerance over many orders of magnitude.
Candidate pairs come from a :class:`shapely.STRtree` spatial index.

Islands have no land neighbour; spatial weights built on contiguity leave them isolated, which
breaks row standardisation and Moran's I. The usual convention for China's provinces links Hainan
(460000) to Guangdong (440000); such links are kept apart from real borders (``kind='convention'``).

Why not libpysal's ``Queen``: it needs geopandas for GeoJSON input and has no notion of a labelled
convention link; shapely's STRtree does the geometry in a dozen lines.

References
----------
Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer, §3.1 (contiguity matrices,
rook and queen criteria).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage

#: The embedded province boundaries (31 mainland provinces, Taiwan, Hong Kong, Macao).
DEFAULT_GEOJSON = files("industrial_brain") / "data" / "geo" / "china_provinces_clean.geojson"
#: Codes outside the 31 mainland provinces (used when features carry no ``mainland_31`` property).
NON_MAINLAND = frozenset({"710000", "810000", "820000"})
KINDS = ("shared_border", "convention")


@dataclass(frozen=True)
class ContiguityResult(ResultMixin):
    """Queen contiguity of a set of regions.

    Attributes
    ----------
    codes : tuple of str
        Region codes in the fixed (sorted) order of :meth:`to_sparse`.
    pairs : DataFrame
        One row per unordered pair: ``code_a < code_b``, ``kind`` ``'shared_border'`` or ``'convention'``.
    neighbours : Mapping[str, tuple[str, ...]]
        Each code's neighbours (both kinds), sorted; read-only.
    names : Mapping[str, tuple[str, str]]
        ``code -> (name_zh, name_en)`` from the features' properties where present.
    tolerance : float
        Distance (degrees) within which two boundaries count as touching.
    lineage : Lineage
    """

    codes: tuple[str, ...]
    pairs: pd.DataFrame
    neighbours: Mapping[str, tuple[str, ...]]
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    tolerance: float = 0.0
    lineage: Lineage | None = None

    title_en = "Queen contiguity"
    title_zh = "邻接关系（Queen 邻接）"

    def to_sparse(self, *, row_standardise: bool = False):
        """The n × n contiguity matrix W in the order of :attr:`codes` (scipy.sparse CSR, float64).

        Binary and symmetric; with ``row_standardise=True`` each row is divided by its sum (rows of
        isolated regions stay zero).

        Examples
        --------
        >>> r = contiguity_from_geojson(_demo_squares(), mainland_only=False, island_links={})
        >>> r.to_sparse().toarray().tolist()
        [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
        >>> r.to_sparse(row_standardise=True).toarray()[1].tolist()
        [0.5, 0.0, 0.5]
        """
        from scipy import sparse

        index = {c: k for k, c in enumerate(self.codes)}
        a = self.pairs["code_a"].map(index).to_numpy()
        b = self.pairs["code_b"].map(index).to_numpy()
        n = len(self.codes)
        rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
        W = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n), dtype="float64")
        if row_standardise:
            s = np.asarray(W.sum(axis=1)).ravel()
            inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)
            W = sparse.diags(inv) @ W
            W = sparse.csr_matrix(W)
        return W

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Pairs as a tidy frame indexed by ``code_a`` with names in ``lang``."""
        check_lang(lang)
        k = 0 if lang == "zh" else 1
        df = self.pairs.copy()
        df["name_a"] = [self.names.get(c, ("", ""))[k] for c in df["code_a"]]
        df["name_b"] = [self.names.get(c, ("", ""))[k] for c in df["code_b"]]
        return df.set_index("code_a")[["code_b", "kind", "name_a", "name_b"]]

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        isolated = [c for c in self.codes if not self.neighbours.get(c)]
        border = int((self.pairs["kind"] == "shared_border").sum())
        border_pairs = self.pairs.loc[self.pairs.kind == "shared_border", ["code_a", "code_b"]]
        bordered = set(border_pairs.to_numpy().ravel())
        no_border = [c for c in self.codes if c not in bordered]
        return [
            ("地区数" if zh else "regions", len(self.codes)),
            ("共享边界的地区对" if zh else "shared-border pairs", border),
            ("约定连接" if zh else "convention links", int((self.pairs["kind"] == "convention").sum())),
            ("无陆地邻居" if zh else "without a land neighbour", ", ".join(no_border) or "-"),
            ("孤立地区" if zh else "isolated", ", ".join(isolated) or "-"),
            (
                "平均邻居数" if zh else "mean neighbours",
                float(2 * len(self.pairs) / len(self.codes)) if self.codes else 0.0,
            ),
        ]


def _load(path_or_dict: str | Path | Mapping[str, Any] | Any) -> tuple[dict, str]:
    if isinstance(path_or_dict, Mapping):
        return dict(path_or_dict), "<dict>"
    name = str(path_or_dict)
    try:
        text = (
            Path(path_or_dict).read_text(encoding="utf-8")
            if not hasattr(path_or_dict, "read_text")
            else path_or_dict.read_text(encoding="utf-8")
        )
    except FileNotFoundError:
        raise InputError.at("file not found", file=name, expected="a GeoJSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(
            f"cannot read file ({exc.__class__.__name__})", file=name, expected="a UTF-8 GeoJSON file"
        ) from None
    try:
        return json.loads(text), name
    except json.JSONDecodeError as exc:
        raise InputError.at(
            "not valid JSON", file=name, row=exc.lineno, value=exc.msg, expected="a GeoJSON FeatureCollection"
        ) from None


def _code(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def contiguity_from_geojson(
    path_or_dict: str | Path | Mapping[str, Any] = DEFAULT_GEOJSON,
    *,
    codes_property: str = "adcode",
    mainland_only: bool = True,
    island_links: Mapping[str, Sequence[str]] | None = None,
    tolerance: float = 1e-6,
) -> ContiguityResult:
    """Queen contiguity of the regions of a GeoJSON FeatureCollection.

    Parameters
    ----------
    path_or_dict : path or mapping
        A GeoJSON file or its parsed content; default the embedded province map.
    codes_property : str
        Feature property holding the region code (GB/T 2260 ``adcode``); numbers become strings.
    mainland_only : bool
        Keep the 31 mainland provinces only (features with ``mainland_31 == 1`` if that property
        exists, else every code but 710000, 810000 and 820000).
    island_links : mapping, optional
        ``code -> [codes]`` links added by convention (``kind='convention'``) unless the two already
        share a border; default ``{"460000": ["440000"]}`` (Hainan–Guangdong). ``{}`` adds none.
    tolerance : float
        Boundaries within this distance (degrees; default 1e-6 ≈ 0.1 m) touch.

    Returns
    -------
    ContiguityResult

    Notes
    -----
    Regions :math:`i \\ne j` are queen neighbours when :math:`d(P_i, P_j) \\le` ``tolerance``, with
    :math:`d` the planar distance between the polygons (0 when they touch or overlap). The matrix
    :math:`W` has :math:`w_{ij} = w_{ji} = 1` for neighbours, 0 otherwise; row standardisation
    divides each row by :math:`\\sum_j w_{ij}`.

    References
    ----------
    Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer, §3.1.

    Examples
    --------
    Three unit squares in a row, the third only touching the second at a corner: queen contiguity
    links A–B (shared edge) and B–C (shared corner), not A–C:

    >>> r = contiguity_from_geojson(_demo_squares(), mainland_only=False, island_links={})
    >>> r.pairs.values.tolist()
    [['A', 'B', 'shared_border'], ['B', 'C', 'shared_border']]
    >>> dict(r.neighbours)["B"]
    ('A', 'C')
    """
    import shapely
    from shapely.geometry import shape

    if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or not 0 <= tolerance < 1:
        raise InputError.at(
            "tolerance must be a number in [0, 1) degrees", column="tolerance", value=tolerance
        )
    doc, name = _load(path_or_dict)
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list) or not feats:
        raise InputError.at(
            "no features",
            file=name,
            column="features",
            expected="a GeoJSON FeatureCollection with one feature per region",
        )
    geoms, codes, names = [], [], {}
    for k, f in enumerate(feats):
        props = (f or {}).get("properties") or {}
        if codes_property not in props or props[codes_property] in (None, ""):
            raise InputError.at(
                f"feature {k} has no '{codes_property}' property",
                file=name,
                column=codes_property,
                expected="a region code on every feature",
            )
        code = _code(props[codes_property])
        if mainland_only:
            flag = props.get("mainland_31")
            if (flag is not None and int(flag) != 1) or (flag is None and code in NON_MAINLAND):
                continue
        try:
            g = shape(f["geometry"])
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            IndexError,
            shapely.errors.ShapelyError,
        ) as exc:
            raise InputError.at(
                f"feature {k} ({code}) has invalid geometry ({exc.__class__.__name__})",
                file=name,
                column="geometry",
                expected="a Polygon or MultiPolygon",
            ) from None
        if code in names:
            raise InputError.at(
                "duplicate region code",
                file=name,
                column=codes_property,
                value=code,
                expected="one feature per region",
            )
        if not g.is_valid:
            g = shapely.make_valid(g)
        geoms.append(g)
        codes.append(code)
        names[code] = (str(props.get("name_zh", props.get("name", ""))), str(props.get("name_en", "")))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance)
    pairs = {
        (codes[i], codes[j]) if codes[i] < codes[j] else (codes[j], codes[i])
        for i, j in zip(left.tolist(), right.tolist())
        if i != j
    }
    rows = [(a, b, "shared_border") for a, b in sorted(pairs)]
    links = {"460000": ["440000"]} if island_links is None else island_links
    for src, targets in links.items():
        for tgt in targets:
            s, t = _code(src), _code(tgt)
            for c in (s, t):
                if c not in names:
                    raise InputError.at(
                        "island link names a region not in the map",
                        column="island_links",
                        value=c,
                        expected="codes of the kept features",
                    )
            a, b = min(s, t), max(s, t)
            if a != b and (a, b) not in pairs:
                rows.append((a, b, "convention"))
                pairs.add((a, b))
    frame = pd.DataFrame(rows, columns=["code_a", "code_b", "kind"]).sort_values(
        ["code_a", "code_b"], ignore_index=True
    )
    nb: dict[str, list[str]] = {c: [] for c in codes}
    for a, b in pairs:
        nb[a].append(b)
        nb[b].append(a)
    order = tuple(sorted(codes))
    neighbours = MappingProxyType({c: tuple(sorted(nb[c])) for c in order})
    lineage = Lineage.make(
        "reference.contiguity_from_geojson",
        {
            "source": name,
            "codes_property": codes_property,
            "mainland_only": mainland_only,
            "island_links": {k: list(v) for k, v in links.items()},
            "tolerance": tolerance,
        },
    )
    return ContiguityResult(order, frame, neighbours, MappingProxyType(names), float(tolerance), lineage)


def _demo_squares() -> dict:
    """A synthetic 3-region map for the examples: unit squares A, B and C (C touches B at a corner)."""

    def sq(x: float, y: float) -> dict:
        return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}

    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"adcode": c}, "geometry": sq(x, y)}
            for c, x, y in (("A", 0, 0), ("B", 1, 0), ("C", 2, 1))
        ],
    }
