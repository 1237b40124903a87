"""Time of each analyst command, start-up included, on the seed graph (after the first build).

    python benchmarks/cli.py

Each command runs 5 times as a fresh process (`python -m sse_graph …`); the table shows the
median wall time beside two baselines measured in the same run: a bare Python start-up, and
answering the `members` question the naive way (a fresh process that parses the cached N-Quads
with rdflib and runs the query with rdflib's engine).  Target (issue 3): well under a second.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMANDS = [["members", "ConcertES"], ["members", "ConcertES", "--role", "board"], ["represented-by", "SAW-B"],
            ["represents", "Social Economy Europe"], ["seats", "ConcertES"], ["show", "COCETA"], ["path", "SAW-B", "COCETA"],
            ["search", "cress"], ["analyse", "--top", "10"], ["members", "ConcertES", "--json"]]


def wall(argv: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    from sse_graph import build
    from sse_graph.queries import load_query

    nq = build(ROOT).dataset_path
    python = wall([sys.executable, "-c", "pass"])
    naive = wall([sys.executable, "-c",
                  "import sys; from rdflib import Dataset; ds = Dataset(default_union=True); "
                  f"ds.parse({str(nq)!r}, format='nquads'); "
                  f"list(ds.query(open({str(load_query('members').path)!r}).read().replace('?org_param', "
                  "'<https://w3id.org/sse-graph/id/concertes>')))"], runs=3)
    print(f"{'command':<44}{'seconds':>9}{'vs python':>11}{'naive/this':>12}")
    print(f"{'(baseline) python -c pass':<44}{python:>9.3f}")
    print(f"{'(baseline) rdflib: parse + members query':<44}{naive:>9.3f}")
    for cmd in COMMANDS:
        t = wall([sys.executable, "-m", "sse_graph", *cmd])
        print(f"{'sse-graph ' + ' '.join(cmd):<44}{t:>9.3f}{t / python:>10.1f}x{naive / t:>11.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
