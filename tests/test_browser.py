"""The pictures and the explorer in a real browser (Debian's chromium, every
non-loopback request aborted): the seed graph is searched, shown and drawn;
a dataset of XSS payloads is drawn and shown on every page, and hovered, with
``document.title`` as the tripwire."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from sse_graph.plaintext import shorten

from conftest import free_port, offline, wait_until_up
from xss import PAYLOADS, write_dataset

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "screenshots"
PAGES = ["explore", "organisation", "represent", "analysis", "sparql", "about"]
pytestmark = pytest.mark.browser



def start_app(env: dict, log: Path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if wait_until_up(base + "/_stcore/health", 90):
        return proc, base
    proc.kill()
    raise RuntimeError("streamlit did not start: " + log.read_text())


@pytest.fixture(scope="module")
def seed_app(built, tmp_path_factory):
    proc, base = start_app(dict(os.environ), tmp_path_factory.mktemp("app") / "streamlit.log")
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def xss_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xss")
    iris = write_dataset(folder)
    cache = tmp_path_factory.mktemp("xss-cache")
    env = {**os.environ, "SSE_GRAPH_DATA": str(folder), "SSE_GRAPH_CACHE": str(cache)}
    r = subprocess.run([sys.executable, "-m", "sse_graph", "build"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return folder, env, iris


def wait_app(page, text: str | None = None):
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h2', timeout=60000)
    if text:
        page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=60000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)


def hover_all_nodes(frame_or_page, mouse, offset=(0, 0)):
    """Move the mouse over every node of the vis network, so tooltips open."""
    points = frame_or_page.evaluate("""() => {
        const pos = network.getPositions(); const out = [];
        for (const id in pos) { const p = network.canvasToDOM(pos[id]); out.push([p.x, p.y]); }
        return out; }""")
    box = frame_or_page.evaluate("() => { const r = document.getElementById('mynetwork').getBoundingClientRect(); return [r.x, r.y]; }")
    for x, y in points:
        mouse.move(offset[0] + box[0] + x, offset[1] + box[1] + y)
        time.sleep(0.45)  # longer than the tooltip delay, so that every tooltip opens
    return len(points)


def picture_frame(page):
    """The frame that draws the picture: the scripts-only sandbox (sse_graph/viewer/picture.py)."""
    page.wait_for_selector("iframe", timeout=60000)
    deadline = time.time() + 30
    while time.time() < deadline:
        inner = [f for f in page.frames if f.parent_frame is not None]
        if inner:
            inner[0].wait_for_function("() => typeof network !== 'undefined'", timeout=30000)
            return inner[0]
        time.sleep(0.2)
    raise AssertionError("no picture frame")


def iframe_offset(page):
    """Where the picture frame's (0, 0) is on the page (the inner frame fills the outer one)."""
    el = page.query_selector("iframe").bounding_box()
    return el["x"], el["y"]


def assert_clean(page):
    assert page.evaluate("document.title") != "XSS"
    for frame in page.frames:
        assert frame.evaluate("() => (typeof window.__xss === 'undefined') && document.title !== 'XSS'")


# ------------------------------------------------------------------ the seed graph
def test_search_an_organisation_see_its_card_and_chain(seed_app, page):
    blocked = offline(page)
    page.goto(seed_app + "/organisation?org=saw-b")
    wait_app(page, "Social Economy Europe")
    body = page.inner_text("body")
    assert "SAW-B" in body and "003_6530fe94a40990bb.txt" in body
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "app-organisation.png"), full_page=True)
    assert not [u for u in blocked if "127.0.0.1" in u]


def test_the_picture_draws_with_the_expected_node_count(seed_app, page):
    offline(page)
    page.goto(seed_app + "/explore?org=RIPESS")
    wait_app(page)
    frame = picture_frame(page)
    assert frame.evaluate("network.body.data.nodes.length") == 6  # RIPESS and its five continental networks
    # the picture runs in an opaque origin: it cannot read or change the app around it
    assert frame.evaluate("() => window.origin") == "null"
    assert frame.evaluate("() => { try { return parent.document.title; } catch (e) { return 'blocked'; } }") == "blocked"
    page.screenshot(path=str(SHOTS / "app-explore.png"), full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_offline(seed_app, page, name):
    blocked = offline(page)
    page.goto(f"{seed_app}/{name}")
    wait_app(page)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=60000)
    time.sleep(2.0)  # let the last elements paint before the screenshot (a CI artefact)
    page.screenshot(path=str(SHOTS / f"app-{name}.png"), full_page=True)
    assert not page.locator('[data-testid="stException"]').count()
    assert all(urllib.parse.urlsplit(u).hostname not in ("127.0.0.1", "localhost") for u in blocked)


# ------------------------------------------------------------------ XSS
def test_drawn_payloads_stay_text_when_loaded_and_hovered(xss_data, page, tmp_path):
    folder, env, _iris = xss_data
    out = tmp_path / "xss.html"
    r = subprocess.run([sys.executable, "-m", "sse_graph", "draw", "-p", "all", "-o", str(out)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    offline(page)
    page.goto(out.as_uri())
    page.wait_for_function("() => typeof network !== 'undefined'")
    assert page.evaluate("network.body.data.nodes.length") == len(PAYLOADS) + 1
    hovered = hover_all_nodes(page, page.mouse)
    assert hovered == len(PAYLOADS) + 1
    assert_clean(page)
    assert not dialogs
    labels = page.evaluate("network.body.data.nodes.get().map(n => n.label)")
    # shown as the very text (shortened to 40 characters on the canvas, whole on hover), not interpreted
    assert shorten(PAYLOADS[0], 40) in labels
    titles = page.evaluate("network.body.data.nodes.get().map(n => n.title)")
    assert any(PAYLOADS[0] in str(t) for t in titles)


@pytest.fixture(scope="module")
def xss_app(xss_data, tmp_path_factory):
    _folder, env, _iris = xss_data
    proc, base = start_app(env, tmp_path_factory.mktemp("xss-app") / "streamlit.log")
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.mark.parametrize("name", PAGES)
def test_app_pages_show_payloads_as_text(xss_data, xss_app, page, name):
    _folder, _env, iris = xss_data
    base = xss_app
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    offline(page)
    page.goto(f"{base}/{name}?org=" + urllib.parse.quote(iris[1], safe=""))
    wait_app(page)
    time.sleep(1.0)
    if name == "explore":
        frame = picture_frame(page)
        assert hover_all_nodes(frame, page.mouse, offset=iframe_offset(page)) >= 2
    if name == "organisation":
        assert PAYLOADS[1] in page.inner_text("body")  # the payload is there, as text
    page.mouse.move(5, 5)
    assert_clean(page)
    assert not dialogs
    page.screenshot(path=str(SHOTS / f"xss-{name}.png"), full_page=True)


# ------------------------------------------------------------------ hostile names (Markdown, bidi, 5,000 characters)
@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    from test_hostile_names import HOSTILE

    folder = tmp_path_factory.mktemp("hostile")
    iris = write_dataset(folder, HOSTILE)
    env = {**os.environ, "SSE_GRAPH_DATA": str(folder), "SSE_GRAPH_CACHE": str(tmp_path_factory.mktemp("hostile-cache"))}
    r = subprocess.run([sys.executable, "-m", "sse_graph", "build"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    proc, base = start_app(env, tmp_path_factory.mktemp("hostile-app") / "streamlit.log")
    yield base, iris
    proc.terminate()
    proc.wait(10)


@pytest.mark.parametrize("name", ["organisation", "explore", "analysis"])
def test_hostile_names_make_no_link_no_image_no_request(hostile_app, page, name):
    from test_hostile_names import EVIL, HOSTILE

    base, iris = hostile_app
    blocked = offline(page)
    page.goto(f"{base}/{name}?org=" + urllib.parse.quote(iris[0], safe=""))
    wait_app(page)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=60000)
    time.sleep(1.5)
    main = page.main_frame
    assert main.evaluate(f"document.querySelectorAll('a[href*=\"{EVIL}\"], img[src*=\"{EVIL}\"]').length") == 0
    assert main.evaluate("document.querySelectorAll('[data-testid=\"stMain\"] img').length") == 0
    body = page.inner_text("body")
    assert "\u202e" not in body and "\u202d" not in body
    if name == "organisation":
        assert HOSTILE[0] in body.replace("\u200b", "")  # the Markdown link, as its very text (autolinks broken by a zero-width space)
        assert page.locator("h3").first.bounding_box()["height"] < 400  # the heading is shortened
    page.screenshot(path=str(SHOTS / f"hostile-{name}.png"), full_page=True)
    assert blocked == [], blocked  # no request left the machine
    assert not page.locator('[data-testid="stException"]').count()


def test_journey_search_then_card_then_chain_as_of_a_date(seed_app, page):
    """Search "SAW-B" from the bare page, the card shows on top who it is and who
    represents it in 2018, with the chain and each step's status."""
    blocked = offline(page)
    page.goto(seed_app + "/organisation?as_of=2018&lang=en")
    wait_app(page, "Who it is")
    box = page.get_by_label("Search an organisation")
    box.fill("SAW-B")
    box.press("Enter")
    wait_app(page, "SAW-B → ConcertES → Social Economy Europe")
    body = page.inner_text("body")
    assert "SAW-B → ConcertES → Social Economy Europe   [status: attested]" in body
    assert "org=" in page.url and "as_of=2018" in page.url
    picker = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stSelectbox"]').first.evaluate(
        "e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")
    assert "SAW-B" in picker and "ConcertES" not in picker, picker  # the picker shows what the card shows
    page.get_by_text("Source passages").first.click()
    time.sleep(1.0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "app-card-journey.png"), full_page=True)
    page.get_by_text("SAW-B → ConcertES → Social Economy Europe").first.scroll_into_view_if_needed()
    time.sleep(0.5)
    page.screenshot(path=str(SHOTS / "app-card-chain.png"))
    assert not blocked
