"""Every question command end to end (a fresh `python -m sse_graph …` process, start-up
included) on a large generated graph: p50 of 5 runs, beside `python -c pass` and
`python -c "import rdflib"` measured in the same run (issue 16, part 1: each < 0.5 s at 1M).

    python benchmarks/questions.py --data /work/bench/g1m      # a folder already built (its cache:
                                                               # $SSE_GRAPH_CACHE, e.g. a copy of the 1M build)
    python benchmarks/questions.py --orgs 10000                # generate, `build --engine fast`, then time

What is cached (warm): the build (its on-disk pyoxigraph store, names.sqlite, the materialised
representation graph), the stat key of the inputs recorded by a first, untimed run of each
command (so no run re-hashes the inputs), and the OS page cache.  Nothing else is kept between
processes.  The subjects are the generator's names: an enterprise, its regional federation,
the world network.
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

ENTERPRISE, FEDERATION, WORLD = "Enterprise 100", "Regional federation 1", "World SSE network"
COMMANDS = [
    ["search", "National chamber France"],
    ["show", FEDERATION],
    ["members", FEDERATION],
    ["represented-by", ENTERPRISE],
    ["represented-by", ENTERPRISE, "--as-of", "2018"],
    ["represented-by", ENTERPRISE, "--as-of", "2018", "--strict"],
    ["represents", FEDERATION],
    ["seats", FEDERATION],
    ["path", ENTERPRISE, WORLD],
    ["why", ENTERPRISE, WORLD],
    ["changes", FEDERATION, "--from", "2012", "--to", "2018"],
]


def wall(argv: list[str], env: dict, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.decode()[-500:]}")
    return times


def generated(orgs: int) -> Path:
    from generate import generate
    from run import fast_build

    work = Path(tempfile.mkdtemp(prefix="sse-questions-bench-"))
    nt = work / "generated.nt"
    nt.write_text("\n".join(generate(orgs)) + "\n", encoding="utf-8")
    times, _dataset = fast_build(nt, work)
    print(f"generated {orgs:,} organisations and built them (engine fast) in {times['total']:.1f} s, cache {work / 'cache'}")
    return work / "data"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="a dataset folder already built in $SSE_GRAPH_CACHE")
    ap.add_argument("--orgs", type=int, default=10000, help="without --data: organisations to generate")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    data = args.data or generated(args.orgs)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    py = [sys.executable, "-m", "sse_graph"]
    for cmd in COMMANDS:  # warm: the OS cache, and the stat key each later run finds
        wall(py + cmd + ["--data", str(data)], env, 1)
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    rows = [("(baseline) python -c pass", wall([sys.executable, "-c", "pass"], env, args.runs)),
            ("(baseline) python -c 'import rdflib'", wall([sys.executable, "-c", "import rdflib"], env, args.runs))]
    rows += [("sse-graph " + " ".join(cmd), wall(py + cmd + ["--data", str(data)], env, args.runs)) for cmd in COMMANDS]
    with open("/proc/loadavg") as fh:
        load += " → " + " ".join(fh.read().split()[:3])
    base = statistics.median(rows[0][1])
    print(f"data {data}; {args.runs} fresh processes each, warm; load average (1/5/15 min) {load}; {os.cpu_count()} CPUs")
    print(f"{'command':<66}{'p50 s':>8}{'min s':>8}{'max s':>8}{'× pass':>8}")
    for name, times in rows:
        p50 = statistics.median(times)
        print(f"{name:<66}{p50:>8.3f}{min(times):>8.3f}{max(times):>8.3f}{p50 / base:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
