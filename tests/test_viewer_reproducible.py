"""The same data gives the same picture in every process (issue 15: a picture
that goes into a report must be reproducible).  Python salts the hash of every
string per process (PYTHONHASHSEED), so the order of a set of IRIs changes from
one run to the next; the layout, the labels chosen and the colours must not."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PICTURES = {
    "whole network, every relation (HTML)": ["-p", "all", "--format", "html"],
    "whole network, every relation (SVG)": ["-p", "all", "--format", "svg"],
    "whole representation network, French (HTML)": ["--lang", "fr", "--format", "html"],
    "focus ConcertES, every relation (HTML)": ["-p", "all", "--focus", "ConcertES", "--format", "html"],
    "focus SAW-B as of 2018 (SVG)": ["--focus", "SAW-B", "--as-of", "2018", "--format", "svg"],
}


def draw_in_fresh_process(args: list[str], out: Path, hash_seed: str) -> bytes:
    r = subprocess.run([sys.executable, "-m", "sse_graph", "draw", *args, "-o", str(out)], capture_output=True,
                       text=True, cwd=ROOT, timeout=300, env={**os.environ, "PYTHONHASHSEED": hash_seed})
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


@pytest.mark.parametrize("name", list(PICTURES))
def test_two_processes_with_different_string_hashing_draw_the_same_bytes(name, built, tmp_path):
    args = PICTURES[name]
    first = draw_in_fresh_process(args, tmp_path / "a", "1")
    second = draw_in_fresh_process(args, tmp_path / "b", "2")
    assert len(first) > 5000  # a real picture, not an error page
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest(), name

