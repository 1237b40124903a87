"""The policy officer's way from a card to its picture, in Debian's chromium: the sidebar's
link to Explore carries no ?org=, so the card has its own link that opens the picture around
this organisation, on the same date and in the same language."""
from __future__ import annotations

import urllib.parse

import pytest

from test_browser import seed_app, wait_app  # noqa: F401  (the app on the seed graph, a fixture)
from test_pictures import LABEL_BOXES, boxes_overlap

pytestmark = pytest.mark.browser
SAW_B = "https://w3id.org/sse-graph/id/saw-b"


@pytest.mark.parametrize("lang, link", [("en", "Its neighbourhood in a picture"), ("fr", "Son voisinage en image")])
def test_the_card_opens_the_picture_around_its_organisation(seed_app, page, lang, link):
    from conftest import offline

    blocked = offline(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{seed_app}/organisation?org=saw-b&as_of=2018&lang={lang}")
    wait_app(page, "SAW-B → ConcertES")
    page.get_by_role("link", name=link).click()
    page.wait_for_selector("iframe.sse-picture", timeout=90000)
    page.frame_locator("iframe.sse-picture").locator("body[data-labels-shown]").wait_for(timeout=60000)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert urllib.parse.urlsplit(page.url).path == "/explore"
    assert query == {"org": [SAW_B], "as_of": ["2018"], "lang": [lang]}
    frame = next(f for f in page.frames if f.parent_frame == page.main_frame)
    # the picture is SAW-B's neighbourhood: SAW-B is its focus (drawn with a thick border)
    focus = frame.evaluate("network.body.data.nodes.get().filter(n => n.borderWidth === 4).map(n => n.title.split('\\n')[0])")
    assert len(focus) == 1 and "SAW-B" in focus[0]
    labels = frame.evaluate(LABEL_BOXES)
    assert min(l["px"] for l in labels) >= 12 and boxes_overlap([l["box"] for l in labels]) is None
    assert not [u for u in blocked if "127.0.0.1" in u]
