"""Plots of the macro pipeline: kernel-density ridge plot (PNG via matplotlib, and a self-contained
interactive HTML page with inline SVG), a province choropleth drawn from the shipped GeoJSON
(shapely geometry → matplotlib patches), and Moran's I by year. Functions return matplotlib
Figures (Agg) or, for the HTML, a string; nothing here touches the store or the network.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.ticker  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from industrial_brain.errors import InputError  # noqa: E402

__all__ = [
    "GEOJSON",
    "province_shapes",
    "choropleth",
    "INSET_LABEL",
    "kernel_density_ridge",
    "kernel_density_html",
    "moran_by_year",
    "contribution_bars",
    "rank_interval_chart",
    "similarity_heatmap",
    "write_macro_figures",
]

#: The shipped province boundaries (ECharts China map, see data/PROVENANCE.md).
GEOJSON = files("industrial_brain") / "data" / "geo" / "china_provinces_clean.geojson"


@lru_cache(maxsize=2)
def _features(path: str | None = None) -> tuple[tuple[str, dict, Any], ...]:
    from shapely.geometry import shape

    src = GEOJSON if path is None else path
    text = (
        src.read_text(encoding="utf-8") if hasattr(src, "read_text") else open(src, encoding="utf-8").read()
    )
    gj = json.loads(text)
    out = []
    for f in gj.get("features", []):
        props = f.get("properties", {})
        code = str(props.get("adcode", ""))
        out.append((code, props, shape(f["geometry"])))
    return tuple(out)


def province_shapes(path: str | None = None) -> dict[str, Any]:
    """``{GB/T 2260 code: shapely geometry}`` of the shipped (or a given) province GeoJSON."""
    return {code: geom for code, _, geom in _features(path)}


def _polygon_path(geom: Any) -> MplPath:
    """A matplotlib Path of a (Multi)Polygon: every ring closed, holes included (even–odd fill)."""
    polys = getattr(geom, "geoms", [geom])
    verts, codes = [], []
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            verts.append(xy)
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            codes.append(c)
    return MplPath(np.concatenate(verts), np.concatenate(codes))


#: Regions the provincial panels do not cover (Taiwan, Hong Kong, Macao): keyed "not covered", never
#: "no data this year".
NOT_COVERED = ("710000", "810000", "820000")
#: Extent (lon min, lon max, lat min, lat max) of the South China Sea inset (南海诸岛) and the southern
#: edge of the main map above it, as on China's standard maps.
SOUTH_CHINA_SEA = (105.0, 124.0, 2.5, 24.5)
MAIN_MAP_SOUTH = 17.0
#: Label of the inset axes (a test and a reader find it by this).
INSET_LABEL = "south_china_sea_inset"
_KEY = {
    "en": ("no data", "not covered (Taiwan, Hong Kong, Macao)", "South China Sea Islands"),
    "zh": ("无数据", "未覆盖（台湾、香港、澳门）", "南海诸岛"),
}


def _draw_provinces(ax, vals, cm, norm, path, with_lines: bool = True) -> tuple[int, int, int]:
    patches, colours, empty, uncovered = [], [], [], []
    for code, _, geom in _features(path):
        p = PathPatch(_polygon_path(geom))
        x = vals.get(code, np.nan)
        if np.isfinite(x):
            patches.append(p)
            colours.append(cm(norm(x)))
        elif code in NOT_COVERED:
            uncovered.append(p)
        else:
            empty.append(p)
    lw = 0.4 if with_lines else 0.2
    ax.add_collection(PatchCollection(empty, facecolor="#e6e6e6", edgecolor="white", linewidth=lw))
    ax.add_collection(
        PatchCollection(uncovered, facecolor="white", edgecolor="#999999", hatch="////", linewidth=lw)
    )
    ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="white", linewidth=lw))
    return len(patches), len(empty), len(uncovered)


def choropleth(
    values: pd.Series,
    *,
    title: str = "",
    cmap: str = "YlGnBu",
    vmin: float | None = None,
    vmax: float | None = None,
    label: str = "",
    missing_label: str | None = None,
    bins: Any = None,
    path: str | None = None,
    lang: str = "en",
    inset: bool = True,
):
    """Province map coloured by ``values`` (indexed by GB/T 2260 code), with the South China Sea
    (南海诸岛) in an inset box at the lower right, as on China's standard maps.

    Provinces without a value are light grey, keyed "no data" (``missing_label`` overrides); Taiwan,
    Hong Kong and Macao, which the provincial panels do not cover (:data:`NOT_COVERED`), are hatched
    and keyed "not covered". ``bins`` (e.g. ``np.arange(0, 1.01, 0.1)`` for the ten coordination
    classes) gives a stepped colour scale; the colour bar's label ``label`` should carry the unit, and
    the data's minimum and maximum are written under it. ``lang`` (en, zh) is the language of the keys.
    The inset (axes labelled :data:`INSET_LABEL`) shows the sea from 2.5° N at the map's scale; the
    shipped boundaries (data/geo, ECharts' China map) hold no island or nine-dash-line geometry, so
    only the coasts around the sea are drawn in it.
    """
    if not isinstance(values, pd.Series):
        raise InputError.at("map values must be a Series indexed by region code", value=type(values).__name__)
    keys = _KEY["zh" if lang == "zh" else "en"]
    vals = values.copy()
    vals.index = vals.index.map(str)
    v = vals.to_numpy(dtype=float)
    if not np.isfinite(v).any():
        raise InputError.at("no finite value to map", column=str(values.name))
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    vmin = lo if vmin is None else vmin
    vmax = hi if vmax is None else vmax
    norm = (
        matplotlib.colors.BoundaryNorm(bins, plt.get_cmap(cmap).N)
        if bins is not None
        else matplotlib.colors.Normalize(vmin=vmin, vmax=vmax)
    )
    cm = plt.get_cmap(cmap)
    fig, ax = plt.subplots(figsize=(8.0, 6.4))
    _, n_empty, n_uncovered = _draw_provinces(ax, vals, cm, norm, path)
    ax.autoscale_view()
    aspect = 1.0 / np.cos(np.radians(35.0))  # equirectangular at China's mean latitude
    ax.set_aspect(aspect)
    ax.set_axis_off()
    if inset:
        x0, x1 = ax.get_xlim()
        ax.set_ylim(MAIN_MAP_SOUTH, ax.get_ylim()[1])
        lon0, lon1, lat0, lat1 = SOUTH_CHINA_SEA
        w = (lon1 - lon0) / (x1 - x0)
        h = (lat1 - lat0) / (ax.get_ylim()[1] - MAIN_MAP_SOUTH)
        box = ax.inset_axes([1.0 - w * 0.62, 0.0, w * 0.62, h * 0.62])  # at 0.62 of the map's scale
        box.set_label(INSET_LABEL)
        _draw_provinces(box, vals, cm, norm, path, with_lines=False)
        box.set_xlim(lon0, lon1)
        box.set_ylim(lat0, lat1)
        box.set_aspect(aspect, adjustable="datalim")
        box.set_xticks([])
        box.set_yticks([])
        box.set_facecolor("white")
        for sp in box.spines.values():
            sp.set_edgecolor("#333333")
            sp.set_linewidth(0.8)
        box.text(0.5, 0.04, keys[2], transform=box.transAxes, ha="center", va="bottom", fontsize=7)
    sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cm)
    cb = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.01)
    rng = ("最小 {} · 最大 {}" if lang == "zh" else "min {} · max {}").format(f"{lo:.3g}", f"{hi:.3g}")
    cb.set_label(f"{label}\n{rng}" if label else rng)
    handles = []
    if n_empty:
        handles.append(
            matplotlib.patches.Patch(facecolor="#e6e6e6", edgecolor="#bbbbbb", label=missing_label or keys[0])
        )
    if n_uncovered:
        handles.append(
            matplotlib.patches.Patch(facecolor="white", edgecolor="#999999", hatch="////", label=keys[1])
        )
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def kernel_density_ridge(kde: Any, *, title: str = "", xlabel: str = "D", overlap: float = 0.6):
    """Ridge plot of a :class:`~industrial_brain.macro.kernel_density.KernelDensityResult`: one
    density per year, stacked upwards, with the main peak marked."""
    dens = kde.density
    years = list(dens.index)
    grid = np.asarray(kde.grid)
    top = float(dens.to_numpy().max())
    step = top * (1.0 - overlap)
    fig, ax = plt.subplots(figsize=(7.0, 1.2 + 0.45 * len(years)))
    colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.9, len(years)))
    for i, y in enumerate(years):
        base = i * step
        f = dens.loc[y].to_numpy()
        ax.fill_between(grid, base, base + f, color=colours[i], alpha=0.55, lw=0, zorder=len(years) - i)
        ax.plot(grid, base + f, color="k", lw=0.6, zorder=len(years) - i)
        k = int(np.argmax(f))
        ax.plot([grid[k]], [base + f[k]], "o", ms=2.5, color="k", zorder=len(years) - i)
        ax.text(grid[0], base + 0.05 * top, str(y), fontsize=8, va="bottom")
    ax.set_yticks([])
    ax.set_xlabel(xlabel)
    ax.spines[["left", "right", "top"]].set_visible(False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def kernel_density_html(
    kde: Any, *, title: str = "Kernel density", xlabel: str = "D", width: int = 760, height: int = 420
) -> str:
    """A self-contained interactive page (inline SVG and a few lines of script, no network): one
    density curve per year; hover shows the year and peak, the legend toggles years on and off."""
    dens = kde.density
    grid = np.asarray(kde.grid, dtype=float)
    years = [str(y) for y in dens.index]
    ml, mr, mt, mb = 50, 110, 30, 40
    x0, x1 = float(grid.min()), float(grid.max())
    ymax = float(dens.to_numpy().max()) * 1.05
    sx = lambda x: ml + (x - x0) / (x1 - x0) * (width - ml - mr)  # noqa: E731
    sy = lambda y: height - mb - y / ymax * (height - mt - mb)  # noqa: E731
    cols = plt.get_cmap("viridis")(np.linspace(0.05, 0.95, len(years)))
    hexes = [matplotlib.colors.to_hex(c) for c in cols]
    lines, legend = [], []
    for i, y in enumerate(years):
        f = dens.iloc[i].to_numpy(dtype=float)
        pts = " ".join(f"{sx(a):.1f},{sy(b):.1f}" for a, b in zip(grid, f))
        k = int(np.argmax(f))
        tip = html.escape(f"{y}: peak at {grid[k]:.3f} (density {f[k]:.2f})")
        lines.append(
            f'<polyline class="kd y{y}" points="{pts}" fill="none" stroke="{hexes[i]}" '
            f'stroke-width="1.6"><title>{tip}</title></polyline>'
        )
        ly = mt + 14 * i
        legend.append(
            f'<g class="lg" data-y="{y}" style="cursor:pointer">'
            f'<rect x="{width - mr + 12}" y="{ly}" width="10" height="10" fill="{hexes[i]}"/>'
            f'<text x="{width - mr + 26}" y="{ly + 9}" font-size="11">{y}</text></g>'
        )
    ticks = []
    for t in np.linspace(x0, x1, 6):
        ticks.append(
            f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{height - mb}" y2="{height - mb + 4}" '
            f'stroke="#333"/><text x="{sx(t):.1f}" y="{height - mb + 16}" font-size="10" '
            f'text-anchor="middle">{t:.2f}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="system-ui,sans-serif">'
        f'<line x1="{ml}" x2="{width - mr}" y1="{height - mb}" y2="{height - mb}" stroke="#333"/>'
        f'<line x1="{ml}" x2="{ml}" y1="{mt}" y2="{height - mb}" stroke="#333"/>'
        + "".join(ticks)
        + "".join(lines)
        + "".join(legend)
        + f'<text x="{(ml + width - mr) / 2}" y="{height - 6}" font-size="12" text-anchor="middle">'
        f'{html.escape(xlabel)}</text><text x="14" y="{(mt + height - mb) / 2}" font-size="12" '
        f'transform="rotate(-90 14 {(mt + height - mb) / 2})" text-anchor="middle">density</text></svg>'
    )
    script = (
        "document.querySelectorAll('.lg').forEach(function(g){g.addEventListener('click',function(){"
        "var y=g.getAttribute('data-y');var off=g.classList.toggle('off');g.style.opacity=off?0.3:1;"
        "document.querySelectorAll('.kd.y'+y).forEach(function(l){l.style.display=off?'none':'';});});});"
        "document.querySelectorAll('.kd').forEach(function(l){l.addEventListener('mouseenter',function(){"
        "l.setAttribute('stroke-width','3.2');});l.addEventListener('mouseleave',function(){"
        "l.setAttribute('stroke-width','1.6');});});"
    )
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f'<body style="font-family:system-ui,sans-serif"><h3>{html.escape(title)}</h3>'
        f'<p style="color:#555;font-size:13px">Hover a curve for its year and main peak; click a year in '
        f"the legend to hide or show it.</p>{svg}<script>{script}</script></body></html>"
    )


def moran_by_year(table: pd.DataFrame, *, title: str = "", alpha: float = 0.05, lang: str = "en"):
    """Moran's I by year with E[I]; filled markers where the permutation p-value (or, without
    permutations, the normal-approximation p-value) is at most ``alpha``; labels in ``lang``."""
    zh = lang == "zh"
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    yrs = table["year"].to_numpy()
    I = table["I"].to_numpy(dtype=float)  # noqa: E741
    pcol = "p_sim" if "p_sim" in table and table["p_sim"].notna().all() else "p_norm"
    sig = table[pcol].to_numpy(dtype=float) <= alpha
    ax.plot(yrs, I, color="#1f6feb", lw=1.5)
    p_name = ("置换p值" if pcol == "p_sim" else "正态p值") if zh else pcol
    ax.scatter(yrs[sig], I[sig], color="#1f6feb", zorder=3, label=f"{p_name} ≤ {alpha}")
    ax.scatter(
        yrs[~sig], I[~sig], facecolor="white", edgecolor="#1f6feb", zorder=3, label=f"{p_name} > {alpha}"
    )
    ax.axhline(
        float(table["EI"].iloc[0]), color="#888", ls="--", lw=1, label="E[I]（期望值）" if zh else "E[I]"
    )
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel("年份" if zh else "year")
    ax.set_ylabel("莫兰指数 I" if zh else "Moran's I")
    ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def contribution_bars(
    contributions: pd.DataFrame, *, top: int = 10, title: str = "", label: str = "name", lang: str = "en"
):
    """Stacked horizontal bars of each indicator's contribution to the score of the ``top`` provinces
    (rows of an audit's contributions table: ``region_code``, ``name``, ``score``, ``indicator``,
    ``contribution``), highest score on top; under arithmetic aggregation a bar's length is the score.
    The legend shows the ``indicator`` column as given: pass indicator names, not codes."""
    wide = contributions.pivot_table(index=label, columns="indicator", values="contribution", sort=False)
    order = contributions.drop_duplicates(label).sort_values("score", ascending=False)[label].head(top)
    wide = wide.reindex(order)[list(dict.fromkeys(contributions["indicator"]))]
    fig, ax = plt.subplots(figsize=(7.2, 0.35 * len(wide) + 2.2))
    colours = plt.get_cmap("tab20")(np.linspace(0, 1, 20))
    left = np.zeros(len(wide))
    pos = np.arange(len(wide))
    for k, col in enumerate(wide.columns):
        v = np.nan_to_num(wide[col].to_numpy(dtype=float))
        ax.barh(pos, v, left=left, color=colours[k % 20], label=str(col), height=0.7)
        left += v
    ax.set_yticks(pos, [str(i) for i in wide.index])
    ax.invert_yaxis()
    ax.set_xlabel(
        "对得分的贡献（w_j · x'_ij）" if lang == "zh" else "contribution to the score (w_j · x'_ij)"
    )
    ax.legend(fontsize=6.5, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def rank_interval_chart(intervals: pd.DataFrame, *, title: str = "", label: str = "name", lang: str = "en"):
    """Monte Carlo rank intervals (5th–95th percentile, median dot, nominal rank cross) per province,
    ordered by the nominal rank (rows of an audit's rank-interval table)."""
    ri = intervals.sort_values(["nominal", label], kind="stable")
    fig, ax = plt.subplots(figsize=(6.4, 0.22 * len(ri) + 1.6))
    y = np.arange(len(ri))
    zh = lang == "zh"
    ax.hlines(y, ri["p05"], ri["p95"], color="#1f6feb", lw=2.2, label="5%–95% 区间" if zh else "5–95 %")
    ax.scatter(ri["median"], y, color="#1f6feb", zorder=3, s=14, label="中位数" if zh else "median")
    ax.scatter(
        ri["nominal"], y, color="#d1242f", marker="x", zorder=4, s=16, label="基准排名" if zh else "nominal"
    )
    ax.set_yticks(y, [str(v) for v in ri[label]], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("排名（1 = 第一）" if zh else "rank (1 = first)")
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def similarity_heatmap(
    S: pd.DataFrame,
    *,
    names: dict[str, str] | None = None,
    title: str = "",
    threshold: float | None = 0.9,
    cluster: bool = True,
):
    """Heat-map of a regions × regions structure-similarity matrix ``S`` (values in [0, 1]).

    ``names`` labels the codes; with ``cluster`` the regions are ordered by average-linkage
    clustering on ``1 − S`` (scipy), so groups of near-duplicate structures show as blocks; cells at or
    above ``threshold`` are outlined."""
    codes = list(S.index)
    A = S.to_numpy(dtype=float)
    if cluster and len(codes) > 2:
        from scipy.cluster.hierarchy import leaves_list, linkage
        from scipy.spatial.distance import squareform

        D = np.clip(1.0 - A, 0.0, None)
        np.fill_diagonal(D, 0.0)
        order = leaves_list(linkage(squareform((D + D.T) / 2, checks=False), method="average"))
        codes = [codes[i] for i in order]
        A = A[np.ix_(order, order)]
    n = len(codes)
    size = max(5.0, 0.22 * n + 2.0)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    im = ax.imshow(A, cmap="viridis", vmin=float(np.floor(A.min() * 10) / 10), vmax=1.0)
    labels = [(names or {}).get(c, c) for c in codes]
    ax.set_xticks(range(n), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(n), labels, fontsize=7)
    if threshold is not None:
        rr, cc = np.nonzero((A >= threshold) & ~np.eye(n, dtype=bool))
        for r, c in zip(rr, cc):
            ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec="white", lw=0.6))
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03, label="S")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def write_macro_figures(run: Any, folder: Path) -> list[Path]:
    """Write the plots of a macro run (:class:`~industrial_brain.services.macro.MacroRun`, fresh or
    reloaded) into ``folder``: map of D in the last year, kernel density of D (PNG and self-contained
    HTML) and Moran's I by year. Returns the written paths, sorted."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    y1 = run.years[-1]
    written = []
    fig = choropleth(
        run.D[y1],
        bins=np.arange(0.0, 1.0001, 0.1),
        cmap="RdYlGn",
        label="D",
        title=f"Coupling coordination degree D, {y1}",
    )
    figs = [("map_D.png", fig), ("moran_D.png", moran_by_year(run.moran_table(), title="Moran's I of D"))]
    if run.kde is not None:
        figs.append(("kde_D.png", kernel_density_ridge(run.kde, title="Kernel density of D")))
        html_path = folder / "kde_D.html"
        html_path.write_text(kernel_density_html(run.kde, title="Kernel density of D"), encoding="utf-8")
        written.append(html_path)
    for name, f in figs:
        f.savefig(folder / name, dpi=120, bbox_inches="tight")
        plt.close(f)
        written.append(folder / name)
    return sorted(written)
