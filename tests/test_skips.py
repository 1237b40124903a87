"""A fresh machine without chromium: the browser tests skip with one line naming
what to install, and under CI=true (how .ci/run runs) the same run fails."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROWSER_TESTS = ["tests/test_endpoint_browser.py", "tests/test_browser.py"]


def run_without_chromium(tmp_path, ci: bool):
    """pytest on the browser tests in a subprocess whose PATH holds no chromium."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(PATH=str(empty), SSE_GRAPH_CACHE=str(tmp_path / "cache"), **({"CI": "true"} if ci else {}))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *BROWSER_TESTS],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_without_chromium_the_browser_tests_skip_saying_what_to_install(tmp_path):
    run = run_without_chromium(tmp_path, ci=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in run.stdout.lower().split("short test summary")[-1]
    skips = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skips and all("needs chromium: apt-get install chromium" in line for line in skips)
    assert " passed" not in run.stdout  # every browser test was skipped, none ran


def test_under_ci_a_missing_chromium_fails_the_session(tmp_path):
    run = run_without_chromium(tmp_path, ci=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "CI runs every test, but this one needs chromium: apt-get install chromium" in run.stdout
    assert "SKIPPED" not in run.stdout
