"""`represented-by --as-of` and `why` end to end (fresh processes) on a generated graph.

    python benchmarks/as_of.py --triples 100000

Builds the generated graph with `sse-graph build --engine fast` (which writes the
materialised representation graph), then times, as fresh processes, p50 of 5:
`represented-by ENTERPRISE --as-of 2018`, `represented-by … --as-of 2018 --strict`,
`why ENTERPRISE WORLD-NETWORK`; and in one process the two ways of reading the links:
the per-organisation query on the materialised graph (what the commands use) beside the
same-run baseline, reading every membership record of the graph (what a build without
the materialised graph falls back to).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402
from run import ORGS_PER_TRIPLE, build_generated  # noqa: E402

GEN = "https://w3id.org/sse-graph/id/gen/"


def wall(argv: list[str], env: dict, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def p50(fn, runs: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=100000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sse-time-bench-"))
    nt = work / "generated.nt"
    lines = generate(int(args.triples * ORGS_PER_TRIPLE))
    nt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    report, _root = build_generated(nt, work)
    dataset = Path(report["directory"]) / "dataset.nq"  # the name a build's readers are given (the store is beside it)
    build_s = time.perf_counter() - t0

    from sse_graph import Store
    from sse_graph.chains import links_from_rows, load_links_around
    from sse_graph.queries import load_query

    store = Store(dataset)
    org = store.select("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?e WHERE { ?m org:member ?e ; org:organization ?f . "
                       f"FILTER(STRSTARTS(STR(?f), '{GEN}federation-')) }} LIMIT 1").dicts()[0]["e"]
    rep = GEN + "network-0"
    env = {**os.environ, "SSE_GRAPH_CACHE": str(work / "cache"), "PYTHONPATH": str(ROOT)}
    data = ["--data", str(work / "data")]
    py = [sys.executable, "-m", "sse_graph"]
    rows = [
        ("(baseline) python -c pass", wall([sys.executable, "-c", "pass"], env), ""),
        ("represented-by --as-of 2018", wall(py + ["represented-by", org, "--as-of", "2018", *data], env), "fresh process"),
        ("represented-by --as-of 2018 --strict", wall(py + ["represented-by", org, "--as-of", "2018", "--strict", *data], env), "fresh process"),
        ("why ENTERPRISE WORLD", wall(py + ["why", org, rep, *data], env), "fresh process"),
    ]
    t_mat, around = p50(lambda: load_links_around(store, org, up=True))
    t_all, _ = p50(lambda: links_from_rows(store.select(load_query("representation_links").text).dicts()), runs=3)
    n_around = sum(len(v) for v in around[0].values())
    print(f"generated graph: {len(lines):,} triples; fast build with the representation graph "
          f"{build_s:.1f} s (its representation step is inside 'write'); build timings: "
          + ", ".join(f"{k} {v:.2f}" for k, v in times.items() if isinstance(v, float)))
    print(f"{'step':<46}{'seconds':>9}  note")
    for name, s, note in rows:
        print(f"{name:<46}{s:>9.3f}  {note}")
    print(f"{'links of one org, materialised graph':<46}{t_mat:>9.3f}  in process, {n_around} pairs reached")
    print(f"{'(baseline) every membership record, scanned':<46}{t_all:>9.3f}  in process, ratio {t_all / max(t_mat, 1e-6):.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
