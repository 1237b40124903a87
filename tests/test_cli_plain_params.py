"""Plain str/bool/Path option values are coerced without pydantic (a fixed cost of
every command) and exactly as typer's own coercion does."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from sse_graph.cli import app
from sse_graph.cli.plain_params import plain_coercion

ROOT = Path(__file__).resolve().parent.parent


def _params(command):
    for p in command.params:
        yield command, p
    for sub in getattr(command, "commands", {}).values():
        yield from _params(sub)


def _coerce(param, value, ctx):
    return param.get_runtime_param().coerce(value, param=param, ctx=ctx)


def test_plain_values_are_coerced_as_typer_does(tmp_path):
    ours, theirs = typer.main.get_command(app), typer.main.get_command(app)
    plain_coercion(ours)
    values = ["", "x", "fast", "  spaced  ", "a/b", str(tmp_path), "-", "é/ü", True, False, None]
    checked = 0
    for (cmd, mine), (_c, ref) in zip(_params(ours), _params(theirs)):
        assert mine.name == ref.name
        ctx = typer.Context(cmd)
        for v in values:
            try:
                want = ("ok", _coerce(ref, v, ctx))
            except Exception as e:  # typer's own error for this value
                want = ("error", type(e).__name__, str(e))
            try:
                got = ("ok", _coerce(mine, v, ctx))
            except Exception as e:
                got = ("error", type(e).__name__, str(e))
            assert got == want, (cmd.name, mine.name, v)
            if want[0] == "ok":
                assert type(got[1]) is type(want[1])
            checked += 1
    assert checked > 500


def test_build_command_does_not_import_pydantic(tmp_path):
    """The whole `sse-graph build` of the seed data, as a fresh process: its answer,
    and no pydantic among the modules it loaded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SSE_GRAPH_CACHE": str(tmp_path / "cache")}
    code = ("import sys\n"
            "sys.argv = ['sse-graph', 'build', '--engine', 'fast', '--json']\n"
            "from sse_graph.cli import main\n"
            "rc = main(sys.argv[1:])\n"
            "print('PYDANTIC' if 'pydantic' in sys.modules else 'NO-PYDANTIC', file=sys.stderr)\n"
            "sys.exit(rc)\n")
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 0, p.stderr
    assert '"asserted_triples"' in p.stdout
    assert p.stderr.strip().splitlines()[-1] == "NO-PYDANTIC"


def test_a_bad_value_still_gets_typers_message(tmp_path):
    """A value typer refuses (a --data folder that the path checks reject is not
    plain: here, an int option) keeps typer's exit 2 and message."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SSE_GRAPH_CACHE": str(tmp_path / "cache")}
    p = subprocess.run([sys.executable, "-m", "sse_graph", "analyse", "--top", "many"], env=env,
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 2
    assert "--top" in p.stderr
