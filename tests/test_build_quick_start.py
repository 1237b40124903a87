"""`python -m sse_graph build … --json` run by a script starts without typer and rich
(``sse_graph.__main__.quick_build``): its stdout, stderr and exit code must be those of
the full command line (``sse_graph.cli.main``), run on the same cache, for an answer,
a build with violations, a bad input and a bad option; anything not that simple goes
to the full command line."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sse_graph.__main__ import build_options

ROOT = Path(__file__).resolve().parent.parent


def _env(cache: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SSE_GRAPH_CACHE": str(cache)}
    for k in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        env.pop(k, None)
    return env


def _quick(args, cache: Path, importtime: bool = False):
    return subprocess.run([sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "sse_graph", *args],
                          env=_env(cache), cwd=ROOT, capture_output=True, text=True, timeout=600)


def _full(args, cache: Path):
    code = "import sys; from sse_graph.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], env=_env(cache), cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_the_quick_start_prints_what_the_command_line_prints(tmp_path):
    cache = tmp_path / "c"
    args = ["build", "--engine", "fast", "--json"]
    first = _quick([*args, "--force"], cache)
    assert first.returncode == 0, first.stderr
    quick, full = _quick(args, cache), _full(args, cache)  # the cached build: the same report, timings included
    assert (quick.returncode, quick.stdout, quick.stderr) == (full.returncode, full.stdout, full.stderr)
    assert '"cached": true' in quick.stdout
    timed = _quick(args, cache, importtime=True)
    imported = {line.split("|")[-1].strip() for line in timed.stderr.splitlines() if line.startswith("import time:")}
    assert "sse_graph.build" in imported or "sse_graph.store" in imported
    assert not {m for m in imported if m.split(".")[0] in ("typer", "rich", "click", "rdflib")}


@pytest.mark.parametrize("case", ["violation", "parse error", "no dataset", "bad engine", "bad option"])
def test_errors_read_the_same_and_exit_alike(case, dataset_copy, tmp_path):
    f = dataset_copy / "graph" / "001_a8e3a8c5c264d9e4.ttl"
    args = ["build", "--engine", "fast", "--force", "--json", "--data", str(dataset_copy)]
    if case == "violation":
        f.write_text(f.read_text(encoding="utf-8") + "\nid:orphan a org:Membership ; org:member id:labo-ess .\n",
                     encoding="utf-8")
    elif case == "parse error":
        f.write_text(f.read_text(encoding="utf-8") + "\nthis is not turtle .\n", encoding="utf-8")
    elif case == "no dataset":
        args[-1] = str(tmp_path / "nothing")
    elif case == "bad engine":
        args[2] = "bogus"
    else:
        args.append("--bogus")
    quick, full = _quick(args, tmp_path / "c1"), _full(args, tmp_path / "c2")
    expected = {"violation": 1, "parse error": 2, "no dataset": 2, "bad engine": 2, "bad option": 2}[case]
    assert quick.returncode == full.returncode == expected
    assert quick.stdout == full.stdout == ""
    # the cache folders differ, and a violation names the rejected build's folder only through the last good one
    assert quick.stderr.replace(str(tmp_path / "c1"), "C") == full.stderr.replace(str(tmp_path / "c2"), "C")
    assert "Traceback" not in quick.stderr and quick.stderr.strip()


def test_only_simple_build_command_lines_start_quickly():
    assert build_options(["--engine", "fast", "--force", "--json"]) == {"engine": "fast", "force": True, "json": True}
    assert build_options(["--json", "--data=x", "--no-measures"]) == {"json": True, "data": "x", "measures": False}
    for args in (["--engine", "fast"],  # no --json: the table is rich's
                 ["--json", "--help"], ["--json", "--force", "--force"], ["--json", "--measures", "--no-measures"],
                 ["--json", "--data"], ["--json", "--data", "--force"], ["--json", "--data="], ["--json", "x"],
                 ["--json", "--engin", "fast"]):
        assert build_options(args) is None, args
