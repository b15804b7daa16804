"""Benchmark: the firm-network engines (leaders, 30-day cascade) on a synthetic 1-million-firm graph.

Cases (each in its own process, so that peak memory — ru_maxrss — is clean; "data" is the process
that only generates the graph, so the engines' own memory is the difference):

* ``data``     — generate 1,000,000 firms and ~5,000,000 edges and build the ``FirmGraph`` (CSR);
* ``leaders``  — ``chain_leaders`` (two weighted PageRanks + output at risk) on that graph;
* ``bare``     — one bare scipy PageRank (csr mat-vec loop, same stopping rule) on the same Z, the floor
  that ``pagerank`` can reach: ratio = our one PageRank / bare;
* ``cascade``  — ``firm_cascade`` over 30 days, the 10 largest firms (by output) stopping on day 1;
* ``nx``       — at 100,000 firms (~500,000 edges): ``networkx.pagerank`` (graph build and PageRank) against
  our ``pagerank`` on the same graph.

The synthetic graph is seeded and marked synthetic: 31 regions × 40 sectors, Pareto sizes (α = 1.2),
sellers drawn in proportion to size, buyers in the next sector tier with probability ½ (a chain) else
any firm, amounts log-normal × the seller's size. It only serves to time the engines.

Usage::

    .venv/bin/python benchmarks/bench_network_engines.py                   # 1 M firms, 5 M edges
    .venv/bin/python benchmarks/bench_network_engines.py --firms 200000 --edges 1000000
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

SEED = 20261204
REGIONS = 31
SECTORS = 40


def synthetic(n_firms: int, n_edges: int, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded synthetic firms and edges (SYNTHETIC: for timing only)."""
    rng = np.random.default_rng(seed)
    region = rng.integers(0, REGIONS, n_firms)
    sector = rng.integers(0, SECTORS, n_firms)
    size = (rng.pareto(1.2, n_firms) + 1.0) * 1e6
    uscc = np.char.add("F", np.arange(n_firms).astype("U7"))
    firms = pd.DataFrame(
        {
            "uscc": uscc,
            "region_code": np.char.add("R", region.astype("U2")),
            "sector_code": np.char.add("S", sector.astype("U2")),
            "revenue": size,
        }
    )
    p = size / size.sum()
    seller = rng.choice(n_firms, n_edges, p=p)
    # a chain: half the buyers in the next sector tier, the rest anywhere
    by_sector = [np.flatnonzero(sector == s) for s in range(SECTORS)]
    buyer = rng.integers(0, n_firms, n_edges)
    tier = rng.random(n_edges) < 0.5
    nxt = (sector[seller[tier]] + 1) % SECTORS
    pick = rng.random(tier.sum())
    counts = np.array([len(b) for b in by_sector])
    buyer_t = np.empty(tier.sum(), dtype=np.int64)
    for s in range(SECTORS):
        m = nxt == s
        buyer_t[m] = by_sector[s][(pick[m] * counts[s]).astype(np.int64)]
    buyer[tier] = buyer_t
    keep = buyer != seller
    seller, buyer = seller[keep], buyer[keep]
    amount = rng.lognormal(0.0, 1.0, len(seller)) * size[seller] / 20.0
    edges = pd.DataFrame({"seller": uscc[seller], "buyer": uscc[buyer], "amount": amount})
    return firms, edges


def build(n_firms: int, n_edges: int):
    from industrial_brain.network import firm_graph

    firms, edges = synthetic(n_firms, n_edges)
    t0 = time.perf_counter()
    g = firm_graph(firms, edges)
    g.Z  # built once (cached)
    g.output, g.sales, g.purchases
    dt = time.perf_counter() - t0
    del firms, edges
    return g, dt


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def reset_peak() -> float:
    """Drop what generation left behind, reset the peak RSS (Linux clear_refs 5); returns the RSS now (MB)."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux: the peak then includes the generation
        pass
    return _status_mb("VmRSS")


def bare_pagerank(W: sp.csr_array, alpha: float = 0.85, tol: float = 1e-10, max_iter: int = 1000):
    """The floor: scipy CSR power iteration with networkx's rule, nothing else."""
    n = W.shape[0]
    out = np.asarray(W.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out))
    PT = sp.csr_array((sp.diags_array(inv) @ W).T)
    x = np.full(n, 1.0 / n)
    for i in range(max_iter):
        new = alpha * (PT @ x) + alpha * x[dangling].sum() / n + (1 - alpha) / n
        if np.abs(new - x).sum() < n * tol:
            return new, i + 1
        x = new
    return x, max_iter


def child(case: str, n_firms: int, n_edges: int, days: int) -> dict:
    from industrial_brain.network import chain_leaders, firm_cascade, pagerank

    if case == "nx":
        import networkx as nx

        g, _ = build(n_firms, n_edges)
        Z = sp.coo_array(g.Z)
        t0 = time.perf_counter()
        G = nx.DiGraph()
        G.add_nodes_from(range(g.n))
        G.add_weighted_edges_from(zip(Z.row.tolist(), Z.col.tolist(), Z.data.tolist()))
        t1 = time.perf_counter()
        ref = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-10, max_iter=1000)
        t2 = time.perf_counter()
        ours = pagerank(g.Z, 0.85, tol=1e-10)
        t3 = time.perf_counter()
        diff = float(np.abs(ours - np.array([ref[i] for i in range(g.n)])).max())
        return {"nx_build_s": t1 - t0, "nx_pagerank_s": t2 - t1, "ours_pagerank_s": t3 - t2, "max_diff": diff}
    g, build_s = build(n_firms, n_edges)
    out = {"firms": g.n, "edges": int(len(g.amount)), "nnz": int(g.Z.nnz), "build_s": build_s}
    out["rss_before_mb"] = reset_peak()
    if case == "leaders":
        t0 = time.perf_counter()
        r = chain_leaders(g)
        out["leaders_s"] = time.perf_counter() - t0
        out["top"] = str(r.table.index[0])
    elif case == "bare":
        t0 = time.perf_counter()
        _, iters = bare_pagerank(g.Z)
        out["bare_s"] = time.perf_counter() - t0
        out["bare_iterations"] = iters
        t0 = time.perf_counter()
        pagerank(g.Z, 0.85, tol=1e-10)
        out["ours_pagerank_s"] = time.perf_counter() - t0
    elif case == "cascade":
        shocked = g.uscc[np.argsort(-g.output)[:10]]
        t0 = time.perf_counter()
        r = firm_cascade(g, list(shocked), days=days, inventory_days=7)
        out["cascade_s"] = time.perf_counter() - t0
        out["days"] = days
        out["total_output_lost"] = r.total_output_lost
        out["firms_hit"] = len(r.firms)
    return out


def spawn(case: str, n_firms: int, n_edges: int, days: int) -> dict:
    args = [
        sys.executable,
        __file__,
        "--child",
        case,
        "--firms",
        str(n_firms),
        "--edges",
        str(n_edges),
        "--days",
        str(days),
    ]
    p = subprocess.run(args, capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": (p.stderr or p.stdout)[-1500:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=5_000_000)
    ap.add_argument("--nx-firms", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--child", default=None)
    a = ap.parse_args()
    if a.child:
        out = child(a.child, a.firms, a.edges, a.days)
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        out["engine_peak_mb"] = _status_mb("VmHWM") - out.get("rss_before_mb", float("nan"))
        print("RESULT " + json.dumps(out))
        return
    print(f"synthetic graph (seed {SEED}): {a.firms:,} firms, {a.edges:,} edges drawn; SYNTHETIC data")
    res = {c: spawn(c, a.firms, a.edges, a.days) for c in ("data", "leaders", "bare", "cascade")}
    res["nx"] = spawn("nx", a.nx_firms, a.nx_firms * a.edges // a.firms, a.days)
    for c, r in res.items():
        if "error" in r:
            print(f"{c}: FAILED\n{r['error']}")
    d, lead, bare, cas, nxr = (res[c] for c in ("data", "leaders", "bare", "cascade", "nx"))
    nan = float("nan")
    print(
        f"graph: {d.get('firms', 0):,} firms, {d.get('nnz', 0):,} distinct edges; firm_graph + CSR "
        f"{d.get('build_s', nan):.2f} s, peak {d.get('peak_mb', nan):,.0f} MB (generation included)"
    )
    print(
        f"chain_leaders (2 PageRanks + output at risk): {lead.get('leaders_s', nan):.2f} s, "
        f"+{lead.get('engine_peak_mb', nan):,.0f} MB over the graph in memory"
    )
    ours1, bare1 = bare.get("ours_pagerank_s", nan), bare.get("bare_s", nan)
    print(
        f"one PageRank: ours {ours1:.2f} s, bare scipy {bare1:.2f} s ({bare.get('bare_iterations')} "
        f"iterations); ratio ours / bare = {ours1 / bare1:.2f}"
    )
    print(
        f"firm_cascade {cas.get('days')} days, 10 largest firms stop: {cas.get('cascade_s', nan):.2f} s, "
        f"+{cas.get('engine_peak_mb', nan):,.0f} MB over the graph; {cas.get('firms_hit', 0):,} firms hit, "
        f"output lost {cas.get('total_output_lost', nan):.4g} CNY"
    )
    nb, npr, no = nxr.get("nx_build_s", nan), nxr.get("nx_pagerank_s", nan), nxr.get("ours_pagerank_s", nan)
    print(
        f"networkx at {a.nx_firms:,} firms: build {nb:.2f} s + pagerank {npr:.2f} s; ours {no:.3f} s; "
        f"ratio networkx / ours = {(nb + npr) / no:.1f} (build + pagerank), {npr / no:.1f} (pagerank alone); "
        f"max |difference| {nxr.get('max_diff', nan):.2e}"
    )
    print("RESULTS " + json.dumps(res))


if __name__ == "__main__":
    main()
