"""Wall and CPU of the whole `sse-graph build --engine fast`, two checkouts alternated.

    python benchmarks/build_ab.py --triples 10000 100000 --runs 5 \\
        --code before=/tmp/main-copy --code after=.     [--data 1m=/work/bench/g1m]

For each size, generates the graph once, as ``run.py`` does (``generate.py``, one
triple a line), then runs ``python -m sse_graph build --engine fast --force --json
--data DIR`` in a fresh process with each checkout in turn — **working folder and
PYTHONPATH both that checkout** (``python -m`` puts the working folder first on
``sys.path``, before ``$PYTHONPATH``: ``build_overlap.py`` on the overlap branch ran
every checkout from its own folder, so it timed one code twice) and its own cache
folder — ``--runs`` rounds, alternating the order within each round so that both see
the same neighbours.  Each run first checks which ``sse_graph`` the child imports.
Prints one row per run and a median table: wall seconds, CPU seconds (user + system,
every thread), peak MB, and the 1-minute load average when the run started.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402
from run import ORGS_PER_TRIPLE, compile_bytecode, data_folder, fresh_process  # noqa: E402


def imported_from(code: Path, env: dict) -> Path:
    """The folder of the sse_graph package a ``python -m`` child started in ``code`` imports."""
    out = subprocess.run([sys.executable, "-m", "timeit", "-n1", "-r1", "-s",
                          "import sse_graph; print(sse_graph.__file__)", "pass"],
                         cwd=code, env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return Path(out.stdout.splitlines()[0]).parent.parent


def one_build(code: Path, data: Path, cache: Path, cap: float):
    env = {"SSE_GRAPH_CACHE": str(cache), "PYTHONPATH": str(code)}
    if imported_from(code, env).resolve() != code:
        raise SystemExit(f"a child started in {code} does not import its sse_graph")
    compile_bytecode(code)  # each checkout read compiled, as installed
    load = os.getloadavg()[0]
    dt, mb, _text = fresh_process([sys.executable, "-m", "sse_graph", "build", "--engine", "fast", "--force", "--json",
                                   "--data", str(data)], cap, env, cwd=code)
    return dt, fresh_process.cpu, mb, load


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, nargs="*", default=[10000, 100000])
    ap.add_argument("--data", action="append", default=[], help="NAME=DIR: an existing data folder")
    ap.add_argument("--code", action="append", required=True, help="NAME=DIR: a checkout to time")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cap", type=float, default=900.0)
    ap.add_argument("--one-line", action="store_true",
                    help="write the generated graph on one line, as build_overlap.py did (same triples)")
    args = ap.parse_args()
    codes = [(n, Path(d).resolve()) for n, d in (c.split("=", 1) for c in args.code)]
    work = Path(tempfile.mkdtemp(prefix="build-ab-"))
    datas = []
    for n in args.triples:
        nt = work / f"g{n}.nt"
        lines = generate(max(50, int(n * ORGS_PER_TRIPLE)), 1)
        nt.write_text("".join(lines) if args.one_line else "\n".join(lines) + "\n", encoding="utf-8")
        (work / f"w{n}").mkdir()
        datas.append((f"{n // 1000}k", data_folder(nt, work / f"w{n}")))
    datas += [(n, Path(d).resolve()) for n, d in (x.split("=", 1) for x in args.data)]
    rows: dict[tuple[str, str], list] = {}
    print("size  code    run  wall_s  cpu_s  peak_MB  load1", flush=True)
    for size, data in datas:
        for r in range(args.runs):
            order = codes if r % 2 == 0 else codes[::-1]
            for name, code in order:
                cache = work / f"cache-{name}-{size}"
                wall, cpu, mb, load = one_build(code, data, cache, args.cap)
                rows.setdefault((size, name), []).append((wall, cpu, mb, load))
                print(f"{size:5} {name:7} {r + 1:3}  {wall:6.2f}  {cpu:5.2f}  {mb:7.0f}  {load:5.2f}", flush=True)
    print("\nmedians:\nsize  code    wall_s  cpu_s  peak_MB  load1")
    for (size, name), runs in rows.items():
        med = [statistics.median(x[i] for x in runs) for i in range(4)]
        print(f"{size:5} {name:7} {med[0]:6.2f}  {med[1]:5.2f}  {med[2]:7.0f}  {med[3]:5.2f}")
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
