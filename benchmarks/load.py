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
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


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
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import rdflib_queries

    base = rdflib_queries(str(result.dataset_path), queries)

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sse_graph", "serve", "--port", str(port), "--workers", str(args.workers),
                             "--cache-size", str(args.cache_size),
                             # every client is 127.0.0.1 here: lift the per-client budget and the queue
                             "--per-client", str(args.clients + 8), "--max-queue", str(2 * args.clients)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        latencies: dict[str, list[float]] = {n: [] for n, _ in queries}
        errors = []
        stop = time.perf_counter() + args.seconds
        lock = threading.Lock()

        def client(i: int):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            k = i
            while time.perf_counter() < stop:
                name, text = queries[k % len(queries)]
                k += 1
                body = urllib.parse.urlencode({"query": text}).encode()
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                          "Accept": "application/sparql-results+json"})
                    r = conn.getresponse()
                    r.read()
                    ok = r.status == 200
                except OSError:
                    ok = False
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                dt = time.perf_counter() - t0
                with lock:
                    (latencies[name].append(dt) if ok else errors.append(name))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(10)

    every = [x for v in latencies.values() for x in v]
    print(f"sse-graph endpoint load test: {args.clients} clients, {args.seconds:g} s, {args.workers} workers, "
          f"answer cache {args.cache_size}, {result.asserted_triples + result.inferred_triples} triples")
    print(f"{'query':<22}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'rdflib ms':>11}{'rdflib/p50':>12}")
    for name, _ in queries:
        v = latencies[name]
        p50 = pct(v, 50) * 1000
        print(f"{name:<22}{len(v):>9}{p50:>9.1f}{pct(v, 99) * 1000:>9.1f}{base[name] * 1000:>11.1f}{base[name] * 1000 / p50:>11.1f}x")
    p99 = pct(every, 99) * 1000
    print(f"{'all':<22}{len(every):>9}{pct(every, 50) * 1000:>9.1f}{p99:>9.1f}")
    print(f"throughput: {len(every) / elapsed:.0f} requests/s; errors: {len(errors)}; "
          f"target p99 < 100 ms and 0 errors: {'met' if p99 < 100 and not errors else 'NOT met'}")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
