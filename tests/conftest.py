"""Shared fixtures: one build of the real seed graph per test session, in a
private cache folder, and a store and question set over it."""
from __future__ import annotations

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


# --- browser tests: Debian's chromium driven by pytest-playwright (never `playwright install`)
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
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
