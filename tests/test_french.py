"""One language at a time: every page in French shows no English interface text
(the list is the English catalogue itself: each English string that differs from
its French one), with AppTest and in Debian's chromium with a French browser."""
from __future__ import annotations

import re
import time

import pytest

from sse_graph.viewer import TEXT, WORDS_EN, WORDS_FR

from test_app import APP, VIEWS, unescape
from test_browser import seed_app  # noqa: F401  (the app on the seed graph, a fixture)

PAGES = ["organisation", "represent", "explore", "analysis", "sparql", "about"]


def english_fragments() -> set[str]:
    """Every English interface string that differs from its French one, cut at its
    {placeholders}; fragments of fewer than 8 characters (names shared by both
    languages: "SPARQL", "Sources") cannot tell the languages apart."""
    out = set()
    for texts in TEXT.values():
        if texts["en"] == texts["fr"]:
            continue
        for part in re.split(r"\{[a-z_]+\}", texts["en"]):
            part = part.strip(" :()—“”")
            if len(part) >= 8 and part not in texts["fr"]:
                out.add(part)
    for en, fr in WORDS_FR.items():
        if len(en) >= 8 and en != fr and " " in en:
            out.add(WORDS_EN.get(en, en))
    out.add("Choose an option")  # Streamlit's own placeholder
    out.update({"known by name", " members ("})  # the library's sentences about counts
    return out


def shown(at) -> list[str]:
    """What a reader of the page sees: texts, headings, labels, options, headers, buttons."""
    parts = [t.value for t in at.text]
    parts += [unescape(m.value) for m in [*at.markdown, *at.caption, *at.header, *at.subheader, *at.warning, *at.info,
                                          *at.error, *at.title]]
    for kind in ("selectbox", "multiselect", "radio", "select_slider"):
        for w in getattr(at, kind):
            parts.append(w.label)
            parts += [str(o) for o in getattr(w, "options", [])]
    for kind in ("text_input", "text_area", "number_input", "toggle", "button"):
        parts += [w.label for w in getattr(at, kind)]
    parts += [b.proto.label for b in at.get("download_button")]
    parts += [e.proto.label for e in at.get("expandable")]
    for df in at.dataframe:
        parts += [str(c) for c in df.value.columns]
    for df in at.table:
        parts += [str(c) for c in [df.value.index.name, *df.value.columns]]
    return [p for p in parts if p]


def open_fr(page: str, **params):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.context = {"locale": "fr-FR"}
    at.run()
    at.switch_page(VIEWS + f"{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("org", ["ConcertES", "saw-b"])
def test_the_french_pages_show_no_english_interface_text(built, page, org):
    at = open_fr(page, org=org, as_of="2018")
    assert at.session_state["lang"] == "fr", "the browser's language"
    english = english_fragments()
    found = sorted({(e, p[:120]) for p in shown(at) for e in english if e in p})
    assert not found, found


def test_the_french_change_view_shows_no_english_interface_text(built):
    at = open_fr("organisation", org="ConcertES", view="changes")
    english = english_fragments()
    found = sorted({(e, p[:120]) for p in shown(at) for e in english if e in p})
    assert not found, found


def test_the_catalogue_is_complete():
    assert all(set(t) == {"en", "fr"} and t["en"] and t["fr"] for t in TEXT.values())


@pytest.mark.browser
def test_a_french_browser_gets_every_page_in_french(seed_app, browser):
    """Debian's chromium with locale fr-FR (Accept-Language and navigator.language):
    no ?lang= in the address, every page's visible text has no English interface text."""
    from conftest import offline
    from test_browser import wait_app

    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    blocked = offline(page)
    english = english_fragments()
    try:
        for name in PAGES:
            page.goto(f"{seed_app}/{name}?org=ConcertES&as_of=2018")
            wait_app(page)
            page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=60000)
            time.sleep(1.0)
            body = page.inner_text("body")
            found = sorted({e for e in english if e in body})
            assert not found, (name, found)
            assert "Langue" in body, name  # the French interface, chosen from the browser
    finally:
        context.close()
    assert not [u for u in blocked if "127.0.0.1" in u]
