"""Benchmark: score and benchmark 1,000,000 SYNTHETIC enterprises × 60 answers.

Run:  .venv/bin/python benchmarks/bench_assess.py [n]

Times (a) scoring with full per-cell validation and GB 32100 checks of every USCC, (b) percentile
and rank within sector, region and size class, (c) sector × region aggregates with small-cell
suppression; compares the scoring's matrix work with the bare numpy product it reduces to
(S @ M, D @ W) and prints rows/s, time and peak RSS. Target: (a)+(b)+(c) < 10 s, < 4 GB.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # Linux: kB


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    from industrial_brain.micro.benchmarking import aggregate, compare_with_reference, percentile_rank
    from industrial_brain.micro.model import load_model
    from industrial_brain.micro.population import simulate_population
    from industrial_brain.micro.scoring import score_answers

    m = load_model("digital_transformation_maturity")
    t0 = time.perf_counter()
    pop = simulate_population(n, seed=0)
    t_gen = time.perf_counter() - t0
    answers = pop.answers
    print(
        f"synthetic population: {n:,} enterprises × {len(m.questions)} base questions "
        f"(+{len(m.all_questions) - len(m.questions)} sector-variant) generated in {t_gen:.1f} s "
        f"(not timed below); peak RSS so far {peak_rss_gb():.2f} GB"
    )

    t1 = time.perf_counter()
    r = score_answers(m, answers, check_uscc=True)
    t_score = time.perf_counter() - t1
    frame = r.to_frame()
    t2 = time.perf_counter()
    pr = percentile_rank(frame, by=("sector", "region", "size_class"))
    t_pct = time.perf_counter() - t2
    t3 = time.perf_counter()
    agg = aggregate(frame, ("sector", "region"), k=3)
    cmp_ = compare_with_reference(frame)
    t_agg = time.perf_counter() - t3
    total = t_score + t_pct + t_agg

    # bare numpy reference: the two matrix products only, on an already-built question-score matrix
    S = np.asfortranarray(r.question_scores.to_numpy())
    C = m.compiled()
    t4 = time.perf_counter()
    D = S @ C.M[0]
    T = D @ C.W[0]
    t_np = time.perf_counter() - t4

    print(f"score (validate + USCC + levels): {t_score:6.2f} s   {n / t_score:12,.0f} rows/s")
    print(f"percentile & rank (3 groupings):  {t_pct:6.2f} s   {n / t_pct:12,.0f} rows/s")
    print(
        f"aggregate + suppression + ref:    {t_agg:6.2f} s   {n / t_agg:12,.0f} rows/s "
        f"({len(agg.frame)} cells, {agg.n_primary} primary / {agg.n_complementary} complementary)"
    )
    print(
        f"TOTAL scoring + benchmarking:     {total:6.2f} s   {n / total:12,.0f} rows/s   "
        f"target < 10 s: {'OK' if total < 10 else 'MISSED'}"
    )
    print(f"bare numpy S@M, D@W:              {t_np:6.2f} s   ratio score/bare = {t_score / t_np:,.1f}×")
    print(f"peak RSS: {peak_rss_gb():.2f} GB   target < 4 GB: {'OK' if peak_rss_gb() < 4 else 'MISSED'}")
    print(cmp_[["n", "mean", "published_mean", "difference"]].round(2).to_string())
    assert pr.shape[0] == n
