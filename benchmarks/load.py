"""Load test of `sse-graph serve` on loopback.

N concurrent clients (threads with keep-alive connections) run the shipped
competency queries for T seconds against a real server on 127.0.0.1; prints
throughput, p50/p99 latency and errors, beside a baseline measured in the
same run: the same queries answered in-process by rdflib's SPARQL engine over
the same reasoned dataset (what a naive rdflib endpoint would do).

    python benchmarks/load.py --clients 50 --seconds 30

Target (issue 4): 50 clients for 30 s, 0 errors, p99 under 100 ms.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clients import loop, pct, start_sse, stop  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache-size", type=int, default=512, help="the server's answer cache (0 to measure the worker path)")
    args = ap.parse_args()

    from sse_graph import build
    from sse_graph.endpoint.server import _example
    from sse_graph.queries import competency_queries

    result = build(ROOT)
    queries = [(q.name, _example(q.text)) for q in competency_queries()]

    # Baseline: rdflib's engine, in-process, on the same dataset.
    from run import rdflib_queries

    base = rdflib_queries(str(result.dataset_path), queries)

    server = start_sse(cache_size=args.cache_size, workers=args.workers, clients=args.clients // 4 + 1)
    try:
        latencies, errors, elapsed = loop(server[1], server[2], queries, args.seconds, args.clients, timeout=30)
    finally:
        stop(server)

    every = [x for v in latencies.values() for x in v]
    print(f"sse-graph endpoint load test: {args.clients} clients, {args.seconds:g} s, {args.workers} workers, "
          f"answer cache {args.cache_size}, {result.asserted_triples + result.inferred_triples} triples")
    print(f"{'query':<22}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'rdflib ms':>11}{'rdflib/p50':>12}")
    for name, _ in queries:
        v = latencies[name]
        p50 = pct(v, 50) * 1000
        print(f"{name:<22}{len(v):>9}{p50:>9.1f}{pct(v, 99) * 1000:>9.1f}{base[name] * 1000:>11.1f}{base[name] * 1000 / p50:>11.1f}x")
    p99 = pct(every, 99) * 1000
    n_errors = sum(errors.values())
    print(f"{'all':<22}{len(every):>9}{pct(every, 50) * 1000:>9.1f}{p99:>9.1f}")
    print(f"throughput: {len(every) / elapsed:.0f} requests/s; errors: {n_errors} {errors or ''}; "
          f"target p99 < 100 ms and 0 errors: {'met' if p99 < 100 and not n_errors else 'NOT met'}")
    return 0 if not n_errors else 1


if __name__ == "__main__":
    sys.exit(main())
