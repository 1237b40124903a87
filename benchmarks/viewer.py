"""Cold start of the explorer (`streamlit run app.py`), measured in Debian's chromium.

    python benchmarks/viewer.py [--runs 3] [--floor] [--baseline /work/main]

Each run starts a fresh `streamlit run app.py` (the graph already built in
SSE_GRAPH_CACHE, as after `sse-graph build`), waits for its health check, then
opens `/organisation?org=saw-b&as_of=2018&lang=en` in a new chromium page
(every non-loopback request aborted) and times:

* ready       — process start → the server answers /_stcore/health;
* first text  — page load → the page's heading is painted;
* card        — page load → the card's chain ("SAW-B → ConcertES → Social
                Economy Europe") is painted;
* start→card  — process start → card (ready + card, what a person waits);
* warm card   — a second page, same server: page load → card.

Baseline in the same run: the same measures on another checkout's app.py
(--baseline, e.g. the main branch before this change).  The floor (--floor,
on by default): a three-line Streamlit app (a page heading and the chain as
one line of text), opened the same way in the same run — Streamlit's own page
load, which no change of ours can go below.  Target (issue 15 part 7): the
first screen within 2 s of the server being ready.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = "/organisation?org=saw-b&as_of=2018&lang=en"
CHAIN = "SAW-B → ConcertES → Social Economy Europe"


FLOOR_APP = f"""import streamlit as st
st.header("Organisation")
st.text("{CHAIN}")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(base: str, seconds: float = 120) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def offline(page) -> None:
    from urllib.parse import urlsplit

    page.route("**/*", lambda r: r.continue_() if (urlsplit(r.request.url).hostname or "") in ("127.0.0.1", "localhost")
               else r.abort())


def time_page(browser, base: str) -> tuple[float, float]:
    """(first text, card) in seconds from the start of the navigation."""
    page = browser.new_page()
    offline(page)
    t0 = time.perf_counter()
    page.goto(base + URL)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h2', timeout=120000)
    first = time.perf_counter() - t0
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=CHAIN, timeout=120000)
    card = time.perf_counter() - t0
    page.close()
    return first, card


def one_run(checkout: Path, browser, cache: Path | None = None, script: str = "app.py") -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(checkout), **({"SSE_GRAPH_CACHE": str(cache)} if cache else {})}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(checkout / script), "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--browser.gatherUsageStats", "false"],
                            cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_health(base):
            raise RuntimeError(f"streamlit did not start in {checkout}")
        ready = time.perf_counter() - t0
        first, card = time_page(browser, base)
        _first, warm = time_page(browser, base)
    finally:
        proc.terminate()
        proc.wait(10)
    return {"ready": ready, "first text": first, "card": card, "start→card": ready + card, "warm card": warm}


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None, help="another checkout to measure in the same run")
    ap.add_argument("--floor", action=argparse.BooleanOptionalAction, default=True,
                    help="also measure a three-line Streamlit app (Streamlit's own page load)")
    ap.add_argument("--baseline-cache", type=Path, default=None,
                    help="the baseline's SSE_GRAPH_CACHE, already built by its own `sse-graph build`")
    args = ap.parse_args()
    checkouts = [("this tree", ROOT, None, "app.py")]
    if args.baseline:
        checkouts.append(("baseline", args.baseline, args.baseline_cache, "app.py"))
    floor_dir = None
    if args.floor:
        import tempfile

        floor_dir = tempfile.TemporaryDirectory(prefix="viewer-floor-")
        (Path(floor_dir.name) / "floor.py").write_text(FLOOR_APP, encoding="utf-8")
        checkouts.append(("three-line app", Path(floor_dir.name), None, "floor.py"))
    results: dict[str, list[dict]] = {name: [] for name, *_ in checkouts}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for _ in range(args.runs):  # interleaved, so that both see the same machine load
            for name, checkout, cache, script in checkouts:
                results[name].append(one_run(checkout, browser, cache, script))
        browser.close()
    measures = ["ready", "first text", "card", "start→card", "warm card"]
    print(f"median of {args.runs} cold starts, seconds (min–max)")
    print(f"{'measure':<14}" + "".join(f"{name:>24}" for name, *_ in checkouts))
    for m in measures:
        cells = []
        for name, *_ in checkouts:
            xs = [r[m] for r in results[name]]
            cells.append(f"{statistics.median(xs):>8.2f} ({min(xs):.2f}–{max(xs):.2f})")
        print(f"{m:<14}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
