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
    # a fragment that the data's own names contain ("the 17 federations … (represented by COCETA)",
    # a label quoted from an English source) cannot tell the interface's language
    names = " | ".join(data_names()).casefold()
    return {part for part in out if part.casefold() not in names}


def data_names() -> list[str]:
    """Every name the seed graph gives (labels, alternative and hidden labels, any language)."""
    from sse_graph import build
    from sse_graph.store import Store

    rows = Store(build().dataset_path).select("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?l WHERE { ?s rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l }""").dicts()
    return [str(r["l"]) for r in rows]


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


# Streamlit's own English that the explorer turns off or replaces (.streamlit/config.toml, app.py,
# the widgets' placeholders); what Streamlit does not let us change is listed in README.md.
STREAMLIT_ENGLISH_TEXT = ["Press Enter to apply", "Running...", "Stop", "Rerun", "Source file changed", "Always rerun",
                          "Choose an option", "Choose options", "Ask Google", "Ask ChatGPT", "Deploy"]
STREAMLIT_ENGLISH_ATTRS = ["Choose an option", "Choose options", "Link to heading", "Download as CSV", "Running..."]
VISIBLE_ATTRS = """names => {
  const seen = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const out = [];
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
    if (!seen(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title']) {
      const v = el.getAttribute(a);
      if (v && names.includes(v)) out.push(a + '=' + v);
    }
  }
  return out;
}"""


def visible_streamlit_english(page) -> list[str]:
    body = page.inner_text("body")  # what is rendered (display:none left out)
    found = [t for t in STREAMLIT_ENGLISH_TEXT if re.search(r"(?<![\w.])" + re.escape(t) + r"(?![\w])", body)]
    return found + page.evaluate(VISIBLE_ATTRS, STREAMLIT_ENGLISH_ATTRS)


@pytest.mark.browser
def test_the_french_journey_shows_none_of_streamlits_english_that_we_can_turn_off(seed_app, browser):
    """Every page, the search box typed into, a long SPARQL run (sampled while it runs): the
    running indicator ("Running...", "Stop"), "Press Enter to apply", the "Choose an option"
    placeholders, the headings' "Link to heading" and the tables' "Download as CSV" are not shown."""
    from conftest import offline
    from test_browser import wait_app

    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    offline(page)
    during_run: list[str] = []
    try:
        for name in PAGES:
            page.goto(f"{seed_app}/{name}?org=ConcertES&as_of=2018")
            wait_app(page)
            time.sleep(0.5)
            assert not visible_streamlit_english(page), name
        # the search box, typed into and not yet applied: Streamlit would say "Press Enter to apply"
        page.goto(f"{seed_app}/organisation?org=ConcertES")
        wait_app(page)
        search = page.get_by_label("Chercher une organisation")
        assert search.get_attribute("placeholder") == "Un nom ou un sigle, puis Entrée"
        search.click()
        search.type("SAW")
        time.sleep(0.5)
        assert page.query_selector('[data-testid="InputInstructions"]'), "Streamlit's instructions are there"
        assert not visible_streamlit_english(page)
        search.press("Enter")
        wait_app(page, "SAW-B")
        assert not visible_streamlit_english(page)
        # a run long enough for Streamlit to show its running indicator: a cross join on the
        # SPARQL page, stopped by its 2 s time limit
        page.goto(f"{seed_app}/sparql")
        wait_app(page)
        limit = page.get_by_label("Durée maximale (secondes)")
        limit.fill("2")
        limit.press("Enter")
        wait_app(page)
        editor = page.get_by_label("Requête", exact=True)
        editor.fill("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert not visible_streamlit_english(page)
        stopped = "arrêtée au bout de 2 s"
        assert stopped not in page.inner_text("body")
        page.get_by_role("button", name="Exécuter").click()
        samples, deadline = 0, time.time() + 90
        while stopped not in page.inner_text("body"):  # sampled until the time limit stops the run
            assert time.time() < deadline, "the cross join was not stopped at its time limit"
            during_run += visible_streamlit_english(page)
            samples += 1
            time.sleep(0.1)
        assert samples >= 5, "the run was sampled while it ran"
        assert not visible_streamlit_english(page)
    finally:
        context.close()
    assert not during_run, during_run


def test_the_french_explore_page_names_its_relations_in_french(built):
    """The picture's "Relations affichées" offered the library's keys ("representation", "all")."""
    at = open_fr("explore")
    options = [str(o) for w in at.selectbox if w.key == "ex_proj" for o in w.options]
    assert options == ["Représentation (membre → organe qui le représente)", "Gouvernance (sièges dans des organes)",
                       "Affiliation (adhésions et sièges partagés)", "Toutes les relations sourcées"]
