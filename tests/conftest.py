"""Shared fixtures: one build of the real seed graph per test session, in a
private cache folder, and a store and question set over it."""
from __future__ import annotations

import contextlib

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Every test builds into a cache of its own, never the user's."""
    cache = tmp_path_factory.mktemp("cache")
    old = os.environ.get("SSE_GRAPH_CACHE")
    os.environ["SSE_GRAPH_CACHE"] = str(cache)
    os.environ.pop("SSE_GRAPH_DATA", None)
    yield cache
    if old is None:
        os.environ.pop("SSE_GRAPH_CACHE", None)
    else:
        os.environ["SSE_GRAPH_CACHE"] = old


@pytest.fixture(scope="session")
def built(private_cache):
    from sse_graph import build

    return build(ROOT, engine="owlrl")  # the reference, whatever other tests cached first


@pytest.fixture(scope="session")
def store(built):
    from sse_graph import Store

    return Store(built.dataset_path)


@pytest.fixture(scope="session")
def questions(store):
    from sse_graph.questions import Questions

    return Questions(store, lang="en")


@pytest.fixture
def dataset_copy(tmp_path):
    """A copy of the real ontology/ and graph/ that a test may break."""
    for name in ("ontology", "graph"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def free_port() -> int:
    """A free TCP port on 127.0.0.1, for the servers the tests start."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float) -> bool:
    """Poll ``url`` until it answers 200 (a server the tests started); False on time-out."""
    import time
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


# --- tests that need something pip does not install ------------------------------------
# A test marked with one of these skips, with one line naming what to install, when it
# is missing; under CI=true (.ci/run) a missing one fails the session instead, so CI
# cannot pass by skipping.
SEEDS = ROOT.parent / "shared" / "seeds"


def find_chromium() -> str | None:
    """Debian's chromium, looked up on PATH only (hide it from PATH to see the skips)."""
    return shutil.which("chromium")


def find_oxigraph() -> str | None:
    """The Oxigraph server binary (pip install oxigraph), on PATH or beside this Python."""
    import sys

    beside = Path(sys.executable).parent / "oxigraph"  # a virtual environment that is not activated
    return shutil.which("oxigraph") or (str(beside) if beside.exists() else None)


NEEDS = {  # marker: (what is missing, how to look for it, what to install)
    "browser": ("chromium", find_chromium, "apt-get install chromium"),
    "oxigraph": ("the oxigraph server", find_oxigraph, "pip install oxigraph"),
    "virtuoso": ("Virtuoso (virtuoso-t)", lambda: shutil.which("virtuoso-t"), "apt-get install virtuoso-opensource"),
    "seeds": ("the seed texts", lambda: SEEDS if SEEDS.is_dir() else None, f"put the source texts in {SEEDS}"),
}


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for marker, (what, find, install) in NEEDS.items():
        if item.get_closest_marker(marker) and not find():
            reason = f"needs {what}: {install}"
            if on_ci():
                pytest.fail(f"CI runs every test, but this one {reason}", pytrace=False)
            pytest.skip(reason)


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true any skipped test fails the session."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if on_ci() and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; CI must run them all", red=True)


# --- browser tests: Debian's chromium driven by pytest-playwright (never `playwright install`)
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": find_chromium() or "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--no-first-run"],
    }


def offline(page, allowed=("127.0.0.1", "localhost")):
    """Abort every request that does not go to loopback; return the list of aborted URLs."""
    from urllib.parse import urlsplit

    blocked: list[str] = []

    def route(r):
        host = urlsplit(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:", "about:", "file:")) or host in allowed:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


def running_virtuoso(built, folder):
    """A Virtuoso on loopback in ``folder`` holding the build ``built``: yields its
    SPARQL URL, stops it afterwards (for module fixtures: ``yield from``)."""
    from sse_graph import virtuoso

    http_port, isql_port = free_port(), free_port()
    while isql_port == http_port:
        isql_port = free_port()
    base = virtuoso.start(folder, http_port, isql_port)
    try:
        virtuoso.load(folder, built.nquads())
        yield base + virtuoso.QUERY_PATH
    finally:
        virtuoso.stop(folder)


@contextlib.contextmanager
def serving(args: list[str], log_path, wait: float = 60, command: list[str] | None = None):
    """A real ``sse-graph serve --port PORT ARGS`` on 127.0.0.1, its output in ``log_path``;
    yields its base URL, stops it after (the test fails with its log if it does not start).
    ``command``: another argv serving on 127.0.0.1 instead (e.g. the app with the parser
    check off, reachable from Python only), its "PORT" replaced by the port."""
    import os
    import subprocess
    import sys

    port = free_port()
    argv = command or [sys.executable, "-m", "sse_graph", "serve", "--port", "PORT", *args]
    with open(log_path, "w", encoding="utf-8") as log_file:
        proc = subprocess.Popen([str(port) if a == "PORT" else a for a in argv],
                                stdout=log_file, stderr=subprocess.STDOUT, env=os.environ, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            if not wait_until_up(base + "/health", wait):
                pytest.fail("the endpoint did not start: " + open(log_path, encoding="utf-8").read())
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def oxigraph_serving(location):
    """A real ``oxigraph serve`` (read-write, empty or not) on 127.0.0.1 storing in
    ``location``; yields its base URL, stops it after.  Tests using it are marked oxigraph."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([find_oxigraph(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def ask(capsys, *args) -> list | dict:
    """A question through the command line (in this process), its --json answer (exit 0)."""
    import json

    from sse_graph.cli import main

    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def said(capsys, *args) -> str:
    """A question through the command line (in this process), what it prints (exit 0)."""
    from sse_graph.cli import main

    assert main(list(args)) == 0
    return capsys.readouterr().out


def read_response(f, method: str = "GET") -> tuple[int, dict, bytes] | None:
    """One HTTP/1.1 response from a socket's file: (status, lower-case headers, body), the
    body read by its Content-Length (none for HEAD, 100, 204, 304); None at end of file."""
    status_line = f.readline()
    if not status_line:
        return None
    assert status_line.startswith(b"HTTP/1.1 "), status_line
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        k, _, v = line.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    if method == "HEAD" or status in (100, 204, 304):
        return status, headers, b""
    return status, headers, f.read(int(headers.get("content-length", 0)))
