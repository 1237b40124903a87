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
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
    page.wait_for_function("t => document.body.innerText.includes(t)", arg="003_6530fe94a40990bb.txt", timeout=60000)
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
    # RIPESS, its five continental networks and the five groups of national and sectoral networks
    # they gather in turn (004: "rassemblent à leur tour des réseaux nationaux et des réseaux sectoriels")
    assert frame.evaluate("network.body.data.nodes.length") == 11
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


# ------------------------------------------------------------------ the way through: deep links, Back and Forward, one screen
def card_state(page) -> dict:
    """What the organisation page shows: the card's heading, the picker, the date, and the address."""
    wait_app(page)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h3', timeout=60000)
    main = '[data-testid="stMainBlockContainer"]'
    return {"card": page.locator(f"{main} h3").first.inner_text(),
            "picker": page.locator(f'{main} [data-testid="stSelectbox"] input').first.input_value(),
            "as_of": page.locator(f'{main} [data-testid="stSlider"] input[type=range]').first.get_attribute("aria-valuetext"),
            "query": urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)}


def slider_shows(page, value: str) -> None:
    """Wait (up to 60 s) until the date slider shows ``value``; the assert after it says what it shows."""
    try:
        page.wait_for_function("""v => { const s = document.querySelector('[data-testid="stSlider"] input[type=range]');
                                         return s && s.getAttribute('aria-valuetext') === v; }""", arg=value, timeout=60000)
    except PlaywrightTimeout:
        pass


def search(page, term: str) -> int:
    """Search from the box as a person does; the number of actions it took."""
    box = page.get_by_label("Search an organisation")
    box.click()
    box.fill(term)
    box.press("Enter")
    return 3


def test_back_and_forward_restore_organisation_and_date(seed_app, page):
    """search → A → B → Back shows A → Forward shows B; the date slider too; each
    address is a whole deep link."""
    blocked = offline(page)
    page.goto(seed_app + "/?lang=en")
    wait_app(page, "Who it is")
    search(page, "SAW-B")
    page.wait_for_function("() => document.querySelector('h3') && document.querySelector('h3').innerText === 'SAW-B'")
    a = card_state(page)
    assert a["card"] == a["picker"] == "SAW-B" and a["query"]["org"] == ["https://w3id.org/sse-graph/id/saw-b"]
    assert a["query"]["lang"] == ["en"]
    search(page, "ConcertES")
    page.wait_for_function("() => document.querySelector('h3').innerText === 'ConcertES'")
    b = card_state(page)
    assert b["picker"] == "ConcertES"
    page.locator('[data-testid="stSlider"] input[type=range]').first.focus()
    page.keyboard.press("End")
    page.wait_for_function("() => location.search.includes('as_of=2024')")
    c = card_state(page)
    assert c["card"] == "ConcertES" and c["as_of"] == "2024"
    page.go_back()
    page.wait_for_function("() => !location.search.includes('as_of')")
    slider_shows(page, "any date")  # the address changes first; the rerun then moves the slider
    assert card_state(page)["as_of"] == "any date"
    page.go_back()
    page.wait_for_function("() => document.querySelector('h3').innerText === 'SAW-B'")
    back = card_state(page)
    assert (back["card"], back["picker"], back["query"]) == ("SAW-B", "SAW-B", a["query"])
    page.go_forward()
    page.wait_for_function("() => document.querySelector('h3').innerText === 'ConcertES'")
    fwd = card_state(page)
    assert (fwd["card"], fwd["picker"], fwd["query"]) == ("ConcertES", "ConcertES", b["query"])
    page.go_forward()
    page.wait_for_function("() => location.search.includes('as_of=2024')")
    slider_shows(page, "2024")
    assert card_state(page)["as_of"] == "2024"
    assert not blocked


def test_back_restores_the_language(seed_app, page):
    offline(page)
    page.goto(seed_app + "/?org=saw-b&lang=en")
    wait_app(page, "Who it is")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Français").click()
    wait_app(page, "Qui elle est")
    assert "lang=fr" in page.url and "org=saw-b" in page.url
    page.go_back()
    wait_app(page, "Who it is")
    assert "lang=en" in page.url and "Qui elle est" not in page.inner_text("body")


@pytest.mark.parametrize("query", ["", "?org=saw-b&as_of=2018&view=card&lang=fr", "?org=nonsense"])
def test_every_page_opens_at_its_own_address(seed_app, page, query):
    """A shared link to any page opens that page, never "Page not found"."""
    offline(page)
    titles = {"explore": ("Explore", "Explorer"), "organisation": ("Organisation",), "represent": ("Who represents whom", "Qui représente qui"),
              "analysis": ("Analysis", "Analyse"), "sparql": ("SPARQL",), "about": ("About the data", "À propos des données")}
    for name in ["", *PAGES]:
        page.goto(f"{seed_app}/{name}{query}")
        wait_app(page)
        time.sleep(0.5)
        assert "not found" not in page.inner_text("body").lower(), name
        assert page.locator('[data-testid="stMainBlockContainer"] h2').first.inner_text() in titles.get(name or "organisation"), name
        assert urllib.parse.urlsplit(page.url).path == f"/{name}", "the address stays the one opened"


def test_an_unknown_deep_link_suggests_and_keeps_the_address(seed_app, page):
    offline(page)
    page.goto(seed_app + "/organisation?org=Concertes%20Wallonie&lang=en")
    wait_app(page, "No organisation matches")
    time.sleep(1.0)
    body = page.inner_text("body")
    suggested = body.split("Did you mean: ", 1)[1].split("\n")[0]
    assert "concertes" in suggested.casefold(), suggested
    assert not page.locator('[data-testid="stMainBlockContainer"] h3').count(), "no other organisation's card"
    assert page.locator('[data-testid="stMainBlockContainer"] [data-testid="stSelectbox"] input').first.input_value() == ""
    assert page.url.endswith("/organisation?org=Concertes%20Wallonie&lang=en")


ONE_SCREEN = {  # what a policy officer must see, with no click after choosing, as of 2018
    "SAW-B": ["Kinds: federation", "Level: regional", "SAW-B → ConcertES → Social Economy Europe   [status: attested]",
              "ConcertES (level: regional) is a member of Social Economy Europe (level: European)",
              "Comité de suivi des achats publics responsables · holds · sitting member"],
    "ConcertES": ["Kinds: association", "Level: regional", "Places: Brussels-Capital Region (active in)",
                  "ConcertES → Social Economy Europe", "on behalf of Gouvernement wallon", "ConcertES → SAW-B"],
    "CRESS": ["the 17 regional SSE Chambers (CRESS)", "Level: regional", "→ ESS France"],
}


@pytest.mark.parametrize("name", list(ONE_SCREEN))
def test_a_policy_officer_answers_from_a_search_in_one_screen(seed_app, page, name):
    """"Who represents X, through which seats, as of 2018": from the first screen,
    click the box, type, Enter (3 actions) → kind, level, place, chains with levels,
    seats with on whose behalf, whom it represents, with no further click."""
    offline(page)
    page.goto(seed_app + "/?as_of=2018&lang=en")
    wait_app(page, "Who it is")
    steps = search(page, name)
    page.wait_for_function("n => document.querySelector('h3') && document.querySelector('h3').innerText.includes(n)", arg=name)
    wait_app(page)
    try:  # Streamlit replaces the previous card's elements one by one: wait until this run has drawn them all
        page.wait_for_function("""wants => { const t = document.querySelector('[data-testid="stMainBlockContainer"]').innerText;
                                             return wants.every(w => t.includes(w)); }""", arg=ONE_SCREEN[name], timeout=60000)
    except PlaywrightTimeout:  # the asserts below name what is missing
        pass
    body = page.inner_text('[data-testid="stMainBlockContainer"]')
    for want in ONE_SCREEN[name]:
        assert want in body, want
    sections = [body.index(s) for s in ("Who it is", "Represented by", "Seats and mandates", "Represents (chain down)")]
    assert sections == sorted(sections), "who it is, who represents it, where it sits, whom it represents: in this order"
    assert steps == 3
    assert card_state(page)["as_of"] == "2018"
    page.screenshot(path=str(SHOTS / f"one-screen-{name}.png"), full_page=True)
