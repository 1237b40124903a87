"""Each projection and measure of sse_graph.analysis on synthetic SSE-shaped graphs.

    python benchmarks/analysis.py --orgs 10000 100000

For each size: load (pyoxigraph), project, then every measure, with its time,
the peak of Python memory while it ran (tracemalloc) and its share of the
60-second budget per measure (issue 5's target on 2 cores).  Baseline measured
in the same run: exact betweenness at the smallest size, beside the sampled
estimate the library uses above 2,000 nodes (k = 300 sources, seeded).
Memory: the process's peak resident set so far (or, with --trace, the peak of
Python allocations per step).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BUDGET = 60.0


TRACE = False


def timed(fn):
    """(result, seconds, peak MB): with --trace, the peak of Python allocations while
    ``fn`` ran (tracemalloc, which slows networkx down 2-3x); else the process's
    peak resident memory so far."""
    import resource

    if TRACE:
        tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    if TRACE:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out, dt, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-exact", action="store_true", help="skip the exact-betweenness baseline")
    ap.add_argument("--trace", action="store_true", help="peak MB per step from tracemalloc (slower)")
    args = ap.parse_args()
    global TRACE
    TRACE = args.trace

    import networkx as nx

    from generate import generate
    from sse_graph.analysis import DEFAULT_METRICS, compute, project
    from sse_graph.analysis.measures import EXACT_BETWEENNESS_LIMIT
    from sse_graph.store import Store

    print(f"{'orgs':>7} {'step':<38}{'nodes':>9}{'edges':>10}{'seconds':>9}{'peak MB':>9}{'of 60 s':>9}")
    for n in args.orgs:
        lines = generate(n, args.seed, materialise_types=True)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "g.nq"
            path.write_text("\n".join(l[:-1] + " <urn:g> ." for l in lines) + "\n", encoding="utf-8")
            for f in ("sse.ttl", "concepts.ttl"):
                import rdflib

                g = rdflib.Graph().parse(ROOT / "ontology" / f)
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(g.serialize(format="nt").replace(" .\n", " <urn:o> .\n"))
            store, dt, peak = timed(lambda: Store(path))
            print(f"{n:>7} {'load (pyoxigraph)':<38}{len(lines):>9}{'':>10}{dt:>9.2f}{peak:>9.0f}{dt / BUDGET:>8.0%}")
        R, dt, peak = timed(lambda: project(store, "representation")[0])
        print(f"{n:>7} {'project representation':<38}{R.number_of_nodes():>9}{R.number_of_edges():>10}{dt:>9.2f}{peak:>9.0f}{dt / BUDGET:>8.0%}")
        for name in ("representation", "affiliation", "governance"):
            if name == "representation":
                G = R
            else:
                (G, _B, _a), dt, peak = timed(lambda: project(store, name))
                mode = "" if G.graph.get("one_mode", True) else " (bipartite)"
                print(f"{n:>7} {'project ' + name + mode:<38}{G.number_of_nodes():>9}{G.number_of_edges():>10}{dt:>9.2f}{peak:>9.0f}{dt / BUDGET:>8.0%}")
            for metric in DEFAULT_METRICS[name]:
                _v, dt, peak = timed(lambda: compute(G, [metric], R=R, seed=1))
                note = " (sampled)" if metric == "betweenness" and G.number_of_nodes() > EXACT_BETWEENNESS_LIMIT else ""
                print(f"{n:>7} {'  ' + name + ' ' + metric + note:<38}{'':>9}{'':>10}{dt:>9.2f}{peak:>9.0f}{dt / BUDGET:>8.0%}")
        if not args.no_exact and n == min(args.orgs):
            G = project(store, "affiliation")[0]
            _v, dt_exact, peak = timed(lambda: nx.betweenness_centrality(G))
            _s, dt_sampled, _p = timed(lambda: compute(G, ["betweenness"], seed=1))
            print(f"{n:>7} {'  baseline: exact affiliation betweenness':<38}{'':>9}{'':>10}{dt_exact:>9.2f}{peak:>9.0f}"
                  f"{dt_exact / BUDGET:>8.0%}  sampled is {dt_exact / max(dt_sampled, 1e-9):.0f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
