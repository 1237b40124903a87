"""Where the CPU of one whole `sse-graph build --engine fast` goes, step by step.

    python benchmarks/build_cpu.py DATA_FOLDER          # e.g. a folder made by run.py's data_folder

Runs the command as ``python -m sse_graph build --engine fast --force --json
--data DATA_FOLDER`` does, in this fresh process (``sse_graph.__main__.quick_build``,
which a script's ``--json`` build takes, else ``cli.main``), with the build's
step clock (``time.perf_counter`` in ``sse_graph/build.py``) replaced by the
process's CPU clock (``time.process_time``: user + system of every thread), so
the report's ``timings`` come out in CPU seconds.  CPU seconds, because on a
shared machine wall time measures the neighbours.  Prints one line per part:
interpreter start (with site-packages' ``.pth`` hooks), imports, the command
line, each build step, what lies between the steps (compiling the rules and
the shapes, the counts, the manifest and the report), and the whole process
(``getrusage``).  The build cache goes to a temporary folder unless
``$SSE_GRAPH_CACHE`` is set.
"""
from __future__ import annotations

import time

START = time.process_time()  # the interpreter's start, before this module's imports

import contextlib  # noqa: E402
import importlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    data = sys.argv[1]
    own_cache = "SSE_GRAPH_CACHE" not in os.environ
    cache = tempfile.mkdtemp(prefix="build-cpu-") if own_cache else os.environ["SSE_GRAPH_CACHE"]
    os.environ["SSE_GRAPH_CACHE"] = cache
    t = time.process_time()
    entry = importlib.import_module("sse_graph.__main__")  # the quick start (typer and rich only if it declines)
    t_cli = time.process_time() - t
    t = time.process_time()
    build = importlib.import_module("sse_graph.build")  # imported by the command on its first use
    t_build = time.process_time() - t
    build.time = types.SimpleNamespace(perf_counter=time.process_time)
    entered = {}
    real_build = build.build

    def timed_build(*args, **kwargs):
        entered["at"] = time.process_time()
        return real_build(*args, **kwargs)

    build.build = timed_build
    real_key = build.cache_key

    def timed_key(*args, **kwargs):
        t = time.process_time()
        try:
            return real_key(*args, **kwargs)
        finally:
            entered["key"] = time.process_time() - t

    build.cache_key = timed_key
    started = time.process_time()
    out = io.StringIO()
    args = ["build", "--engine", "fast", "--force", "--json", "--data", data]
    with contextlib.redirect_stdout(out):
        rc = entry.quick_build(args[1:])
        if rc is None:
            rc = importlib.import_module("sse_graph.cli").main(args)
    ended = time.process_time()
    if rc != 0:
        print(f"the build exited {rc}", file=sys.stderr)
        return rc
    report = json.loads(out.getvalue())
    steps = report["timings"]
    total = steps.pop("total")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rows = [("interpreter start (site hooks included)", START), ("import sse_graph.__main__ (the quick start)", t_cli),
            ("import sse_graph.build (rdflib, pyoxigraph)", t_build),
            ("command line until the build starts", entered["at"] - started),
            *((f"step: {k}", v) for k, v in steps.items()),
            ("between the steps (rules, shapes, counts, manifest)", total - sum(steps.values())),
            ("cache key (hash of the inputs and the code)", entered["key"]),
            ("the rest: printing the JSON", ended - entered["at"] - total - entered["key"]),
            ("WHOLE PROCESS (getrusage, every thread)", usage.ru_utime + usage.ru_stime)]
    print(f"{report['asserted_triples']:,} asserted, {report['inferred_triples']:,} inferred triples; CPU seconds:")
    for name, seconds in rows:
        print(f"  {name:52s} {seconds:7.3f}")
    if own_cache:
        import shutil

        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
