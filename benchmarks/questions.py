"""Every question command end to end (a fresh `python -m sse_graph …` process, start-up
included) on a large generated graph: p50 of 5 runs, beside `python -c pass` and
`python -c "import rdflib"` measured in the same run (issue 16, part 1: each < 0.5 s at 1M);
wall time and CPU time (user + system: what the process itself costs, whatever else runs).

    python benchmarks/questions.py --data /work/bench/g1m      # a folder already built (its cache:
                                                               # $SSE_GRAPH_CACHE, e.g. a copy of the 1M build)
    python benchmarks/questions.py --orgs 10000                # generate, `build --engine fast`, then time
    python benchmarks/questions.py --data /work/bench/g1m --code /work/main   # another checkout's code
                                                               # (its PYTHONPATH), same data: before / after

Then `draw --focus` of a national chamber and a federation, depth 1 and 2 (the generator's
`gen/chamber-0` and `gen/federation-3`; issue 16: an ego picture in under 2 s), the page
written to a temporary file.

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
GEN = "https://w3id.org/sse-graph/id/gen/"
DRAWS = [(focus, depth) for focus in ("chamber-0", "federation-3") for depth in (1, 2)]


def draw_commands(out: Path) -> list[tuple[str, list[str]]]:
    """(row name, arguments) of each `draw --focus` timed."""
    return [(f"sse-graph draw --focus {focus} --depth {depth}",
             ["draw", "--focus", GEN + focus, "--depth", str(depth), "-o", str(out / f"{focus}-{depth}.html")])
            for focus, depth in DRAWS]


def timed(argv: list[str], env: dict, runs: int, cwd: Path = ROOT) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run of ``argv`` as a fresh process.  The CPU time (user + system,
    from wait4) hardly depends on what else the machine runs; the wall time does."""
    out = []
    for _ in range(runs):
        with tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)  # -m looks in cwd first
            _pid, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            if os.waitstatus_to_exitcode(status) != 0:
                err.seek(0)
                raise SystemExit(f"{' '.join(argv)}: exit {os.waitstatus_to_exitcode(status)}: {err.read().decode()[-500:]}")
        out.append((wall, usage.ru_utime + usage.ru_stime))
    return out


def generated(orgs: int) -> Path:
    from generate import generate
    from run import build_generated

    work = Path(tempfile.mkdtemp(prefix="sse-questions-bench-"))
    nt = work / "generated.nt"
    nt.write_text("\n".join(generate(orgs)) + "\n", encoding="utf-8")
    report, root = build_generated(nt, work)
    print(f"generated {orgs:,} organisations and built them (engine fast) in {report['timings']['total']:.1f} s, cache {work / 'cache'}")
    return root


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="a dataset folder already built in $SSE_GRAPH_CACHE")
    ap.add_argument("--orgs", type=int, default=10000, help="without --data: organisations to generate")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose sse_graph runs (default: this one)")
    ap.add_argument("--no-draw", action="store_true", help="leave out the draw --focus rows")
    args = ap.parse_args()
    data = args.data or generated(args.orgs)
    env = {**os.environ, "PYTHONPATH": str(args.code.resolve())}
    if not args.data:  # built just now, in its own cache
        env["SSE_GRAPH_CACHE"] = str(data.parent / "cache")
    py = [sys.executable, "-m", "sse_graph"]
    pages = Path(tempfile.mkdtemp(prefix="sse-questions-draw-"))
    commands = [("sse-graph " + " ".join(cmd), cmd) for cmd in COMMANDS]
    commands += [] if args.no_draw else draw_commands(pages)
    code = args.code.resolve()
    for _name, cmd in commands:  # warm: the OS cache, and the stat key each later run finds
        timed(py + cmd + ["--data", str(data)], env, 1, code)
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    rows = [("(baseline) python -c pass", timed([sys.executable, "-c", "pass"], env, args.runs)),
            ("(baseline) python -c 'import rdflib'", timed([sys.executable, "-c", "import rdflib"], env, args.runs))]
    rows += [(name, timed(py + cmd + ["--data", str(data)], env, args.runs, code)) for name, cmd in commands]
    with open("/proc/loadavg") as fh:
        load += " → " + " ".join(fh.read().split()[:3])
    base = statistics.median(w for w, _c in rows[0][1])
    print(f"code {args.code.resolve()}; data {data}; {args.runs} fresh processes each, warm; "
          f"load average (1/5/15 min) {load}; {os.cpu_count()} CPUs")
    print(f"{'command':<64}{'wall p50':>9}{'min':>7}{'max':>7}{'× pass':>8}{'CPU p50':>9}")
    for name, runs in rows:
        walls, cpus = [w for w, _c in runs], [c for _w, c in runs]
        p50 = statistics.median(walls)
        print(f"{name:<64}{p50:>9.3f}{min(walls):>7.3f}{max(walls):>7.3f}{p50 / base:>8.1f}{statistics.median(cpus):>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
