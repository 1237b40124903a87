"""The pages of the Streamlit explorer; ``app.py`` wires them with st.navigation.

Every text that comes from the data is shown as text (tables, st.text, or
escaped Markdown), never as HTML; the graph is loaded once (st.cache_resource).
Cold start: pandas and the library are imported where first used, so that a
page's heading and search box are painted before they load.
"""
from __future__ import annotations

import json
import os

import streamlit as st

from ..spreadsheet import csv_text
from . import colon, isolate, md_escape, md_text, sentence, tr, word
from .state import bound, follow, push

# ------------------------------------------------------------------ loading (once)
@st.cache_resource(show_spinner=False)  # the pages say "loading" in the reader's language
def load(data_dir: str | None):
    """The built dataset's path, its store and the questions in each language.

    Cold start: the current build is found by its stat key (``sse_graph.quick_open``,
    as the question commands do: no input re-read, no rdflib import); only when none is
    recorded is the build checked (and made) by :func:`built`, then remembered."""
    from sse_graph.questions import Questions
    from sse_graph.quick_open import remember_dataset, remembered_dataset
    from sse_graph.store import Store

    dataset = remembered_dataset(data_dir)
    if dataset is None:
        dataset = built(data_dir).dataset_path
        remember_dataset(data_dir, dataset)
    store = Store(dataset)
    en = Questions(store, lang="en")
    return dataset, store, {"en": en, "fr": Questions(store, lang="fr", labels=en.labels)}


@st.cache_resource(show_spinner=False)
def built(data_dir: str | None):
    """The build's report (counts, validation) for the About page: checks the inputs' hashes."""
    from sse_graph import build

    return build(data_dir)


def _data_dir() -> str | None:
    """The dataset folder (SSE_GRAPH_DATA), part of every cache key: one cache never serves another dataset."""
    return os.environ.get("SSE_GRAPH_DATA")


def _result():
    return built(_data_dir())


def _dataset_path():
    return load(_data_dir())[0]


def _store():
    return load(_data_dir())[1]


def _q(lang: str):
    return load(_data_dir())[2][lang]


@st.cache_data(show_spinner=False)
def picture_html(focus: str | None, depth: int, projection: str, lang: str, nodes: tuple[str, ...] | None,
                 data_dir: str | None = None, as_of=None) -> tuple[str, int, int, list[str]]:
    """The picture; ``as_of`` (a date) keeps only the relations that count on it."""
    from sse_graph.draw import draw_html

    pic = draw_html(_store(), focus=focus, depth=depth, projection=projection, lang=lang,
                    labels=_q(lang).labels, nodes=set(nodes) if nodes is not None else None, as_of=as_of)
    return pic.html, pic.nodes, pic.edges, pic.iris


@st.cache_data(show_spinner=False)
def picture_file(fmt: str, focus: str | None, depth: int, projection: str, lang: str, nodes: tuple[str, ...] | None,
                 data_dir: str | None = None, as_of=None) -> bytes:
    """The same picture as an A4 SVG or PNG, drawn server-side, for a report."""
    from sse_graph.draw import build_scene
    from sse_graph.draw_static import render_png, render_svg

    scene = build_scene(_store(), focus=focus, depth=depth, projection=projection, lang=lang,
                        labels=_q(lang).labels, nodes=set(nodes) if nodes is not None else None, as_of=as_of)
    return render_svg(scene) if fmt == "svg" else render_png(scene)


@st.cache_data(show_spinner=False)
def attributes(lang: str, data_dir: str | None = None) -> pd.DataFrame:
    import pandas as pd

    from sse_graph.analysis.projections import _attributes

    rows = []
    for iri, a in _attributes(_store(), _q(lang).labels, lang).items():
        rows.append({"iri": iri, "kinds": sorted(a["kinds"]), "rank": a["rank"], "countries": sorted(a["countries"])})
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False)
def ranked(projection: str, metrics: tuple[str, ...], lang: str, data_dir: str | None = None) -> pd.DataFrame:
    import pandas as pd

    from sse_graph.analysis import analyse

    rows = analyse(_store(), projection, list(metrics), top=None, lang=lang)
    df = pd.DataFrame(rows)
    df["alt_labels"] = df["alt_labels"].map(lambda v: " · ".join(v))
    return df


# ------------------------------------------------------------------ shared widgets
def lang() -> str:
    return st.session_state.get("lang", "fr")


def org_options() -> dict[str, str]:
    q = _q(lang())
    opts = {iri: q.labels.label(iri, lang()) for iri in q.labels.organisations}
    return dict(sorted(opts.items(), key=lambda kv: kv[1].casefold()))


def pick_org(key: str, default_name: str | None = None) -> str | None:
    """A select box of organisations that follows ?org= (Back and Forward
    included); a pick writes ?org= as a new history entry.

    A name that designates no organisation (or several) shows a warning with
    suggestions and selects nothing: never another organisation, and the URL
    is left as the user wrote it."""
    L = lang()
    opts = org_options()
    asked = st.query_params.get("org")
    iri, iris = resolve_asked(asked or default_name, list(opts), shown=bool(asked))
    follow(key, "org", lambda _value: iri)
    if st.session_state.get(key) not in iris:
        st.session_state[key] = None
    return st.selectbox(tr("pick", L), iris, index=None, format_func=lambda i: isolate(opts[i], 120),
                        placeholder=tr("choose", L), **bound(key, "org"))


def resolve_asked(wanted: str | None, iris: list[str], shown: bool = True) -> tuple[str | None, list[str]]:
    """The organisation a name designates, and the options to offer: for a name
    that designates several, only those; for none, a warning and suggestions
    (when ``shown``: the name came from the address)."""
    from sse_graph.errors import AmbiguousNameError, NotFoundError, SSEGraphError

    L = lang()
    if not wanted:
        return None, iris
    try:
        iri = _q(L).resolve(wanted)
        if iri not in iris and shown:  # a person, a project, an event …: say so rather than show an empty page
            st.warning(md_text(tr("not_an_org", L, name=shorten_name(wanted), label=shorten_name(_q(L).labels.label(iri, L)))))
        return (iri if iri in iris else None), iris
    except AmbiguousNameError as e:
        if shown:
            st.warning(md_text(tr("ambiguous", L, name=shorten_name(wanted))))
        return None, [i for i, _label in e.candidates if i in iris] or iris
    except NotFoundError as e:
        if shown:
            st.warning(md_text(tr("not_found", L, name=shorten_name(wanted))))
            if e.suggestions:
                st.text(tr("did_you_mean", L) + " · ".join(isolate(n, 80) for n in e.suggestions))
    except SSEGraphError:
        if shown:
            st.warning(md_text(tr("not_found", L, name=shorten_name(wanted))))
    return None, iris


def shorten_name(text: str) -> str:
    return isolate(text, 120)


def csv_download(df: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A CSV download whose cells cannot start a spreadsheet formula."""
    body = csv_text(list(map(str, df.columns)), df.itertuples(index=False, name=None))
    st.download_button(tr("download_csv", lang()), body.encode("utf-8"), file_name, "text/csv", key=key)


def text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A data frame whose text cells are isolated (no bidi control reaches the page)."""
    import pandas as pd

    out = df.copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].map(lambda v: isolate(v) if isinstance(v, str) else v)
    out.columns = [isolate(c) for c in out.columns]
    return out


def column_name(c: str, L: str) -> str:
    """A column's header in ``L`` (the library's keys are not something a person reads)."""
    from . import TEXT

    return tr(f"col_{c}", L) if f"col_{c}" in TEXT else c


def text_table(rows: list[dict], columns: list[str]) -> None:
    """A static table of text from the data (cells are rendered as text, and can be
    read, selected and printed: these are the tables that go into reports)."""
    import pandas as pd

    if not rows:
        st.text(tr("none", lang()))
        return
    L = lang()

    def cell(c, v):
        text = "" if v is None else ", ".join(map(str, v)) if isinstance(v, list) else str(v)
        return md_text(word(text, L, status=c.startswith("status")) if c in ("relation", "status", "status_before", "status_after") else text)

    df = pd.DataFrame([{column_name(c, L): cell(c, r.get(c)) for c in columns} for r in rows])
    columns = list(df.columns)
    st.table(df.set_index(columns[0]) if len(df) else df)


# ------------------------------------------------------------------ pages
def page_explore():
    L = lang()
    st.header(tr("explore", L), anchor=False)
    attrs = attributes(L, _data_dir())
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        projection = st.selectbox(tr("projection", L), ["representation", "governance", "affiliation", "all"], key="ex_proj",
                                  format_func=lambda p: tr(f"proj_{p}", L), placeholder=tr("choose_one", L))
    with c2:
        countries = sorted({c for cs in attrs["countries"] for c in cs})
        country = st.selectbox(tr("country", L), [tr("all", L), *countries], key="ex_country", placeholder=tr("choose_one", L))
    with c3:
        kinds = sorted({k for ks in attrs["kinds"] for k in ks})
        kind = st.selectbox(tr("kind", L), [tr("all", L), *kinds], key="ex_kind", placeholder=tr("choose_one", L))
    with c4:
        level = st.selectbox(tr("level", L), [tr("all", L), 1, 2, 3, 4, 5], key="ex_level", placeholder=tr("choose_one", L))
    with c5:
        # the picture as of a date (the card's slider and ?as_of=): relations that do not count on
        # it are left out (undated ones stay, as in the card's chains)
        on = as_of_picker("ex_as_of")
    focus_on = st.toggle(tr("search", L), value=bool(st.query_params.get("org")), key="ex_focus_on")
    focus, depth = None, 2
    if focus_on:
        f1, f2 = st.columns([3, 1])
        with f1:
            focus = pick_org("ex_org")
        with f2:
            depth = st.slider(tr("depth", L), 1, 4, 2, key="ex_depth")
    keep = attrs
    if country != tr("all", L):
        keep = keep[keep["countries"].map(lambda cs: country in cs)]
    if kind != tr("all", L):
        keep = keep[keep["kinds"].map(lambda ks: kind in ks)]
    if level != tr("all", L):
        keep = keep[keep["rank"] == level]
    filtered = keep is not attrs
    nodes = tuple(sorted(keep["iri"])) if filtered else None
    from sse_graph.errors import SSEGraphError

    try:
        html, n, e, iris = picture_html(focus, depth, projection, L, nodes, _data_dir(), on)
    except SSEGraphError as err:
        st.info(md_text(str(err), 300))
        return
    st.caption(tr("nodes_edges", L, n=n, e=e))
    from .picture import picture_frame

    # the frame follows the window; a click on a node opens that organisation's card (a deep link)
    kept = {"lang": L, **({"as_of": as_of_param()} if as_of_param() != "any" else {})}
    picture_frame(html, iris, key="ex_picture", query=kept)
    d1, d2, _rest = st.columns([1, 1, 4])
    args = (focus, depth, projection, L, nodes, _data_dir(), on)
    with d1:
        st.download_button(tr("download_png", L), lambda: picture_file("png", *args), "sse-graph.png", "image/png",
                           key="ex_png", on_click="ignore")
    with d2:
        st.download_button(tr("download_svg", L), lambda: picture_file("svg", *args), "sse-graph.svg", "image/svg+xml",
                           key="ex_svg", on_click="ignore")


YEARS = list(range(2010, 2025))


def as_of_value(asked: str | None) -> str:
    """The deep link's ?as_of= (a year 2010–2024), else "any"."""
    asked = str(asked or "any")
    return asked if asked.isdigit() and int(asked) in YEARS else "any"


def as_of_param() -> str:
    """The address's ?as_of= (a year 2010–2024), else "any"."""
    return as_of_value(st.query_params.get("as_of"))


def as_of_picker(key: str):
    """The "as of" slider (years 2010–2024, or any date), kept in ?as_of=;
    returns the date (31 December of the year) or None."""
    from datetime import date

    L = lang()
    follow(key, "as_of", as_of_value)
    choice = st.select_slider(tr("as_of", L), ["any", *map(str, YEARS)],
                              format_func=lambda v: tr("any_date", L) if v == "any" else v,
                              **bound(key, "as_of", lambda v: None if v in (None, "any") else v))
    return None if choice == "any" else date(int(choice), 12, 31)


def evidence_block(evidence: list[dict] | None, key: str) -> None:
    """The source passages of one fact in a small expander: "prefix … exact … suffix"
    (escaped text, only the exact words bold), the source's title, date and locator.
    Nothing at all when there is no passage (never "[]")."""
    if not evidence:
        return
    with st.expander(tr("evidence", lang(), n=len(evidence))):
        for e in evidence:
            st.markdown("… " + md_text(e.get("prefix") or "") + " **" + md_text(e.get("exact") or "") + "** "
                        + md_text(e.get("suffix") or "") + " …")
            st.caption(" · ".join(md_text(e.get(k) or "", 200) for k in ("source_title", "source_date", "locator") if e.get(k)))


@st.cache_data(show_spinner=False)
def public_kinds(data_dir: str | None = None) -> frozenset[str]:
    """The kinds that are cpov:PublicOrganisation or one of its subclasses."""
    rows = _store().select("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?k WHERE { ?k rdfs:subClassOf* <http://data.europa.eu/m8g/PublicOrganisation> }""").dicts()
    return frozenset(r["k"] for r in rows)


@st.cache_data(show_spinner=False)
def levels(lang: str, data_dir: str | None = None) -> dict[str, str]:
    """The level (local … international) of every organisation that has one, in ``lang``."""
    rows = _store().select("""PREFIX sse: <https://w3id.org/sse-graph/ontology#>
        SELECT ?node ?level WHERE { ?node sse:level ?level }""").dicts()
    q = _q(lang)
    return {r["node"]: q.labels.label(r["level"], lang) for r in rows}


def _section(key: str) -> None:
    st.markdown("**" + md_escape(tr(key, lang())) + "**")


def _status_text(status: str | None) -> str:
    return f"   [{tr('status', lang())}{colon(lang())}{word(status, lang(), status=True)}]" if status else ""


def relation_text(r: dict, L: str) -> str:
    """One relation of the card in words: "→ member of ConcertES (board member)" for
    what this organisation does, "← Adrian Jehin holds a post in (…)" for what others do to it."""
    role = f" ({isolate(r['role'])})" if r.get("role") else ""
    if r.get("direction") == "in":
        return f"← {isolate(r.get('label'))} · {word(r.get('relation'), L)}{role}"
    return f"→ {word(r.get('relation'), L)} · {isolate(r.get('label'))}{role}"


def _chain_rows(answers: list[dict], title: str, key: str, level_of: dict[str, str]) -> None:
    """Chains with the level of each step and each link's passages."""
    L = lang()
    _section(title)
    if not answers:
        st.text(tr("none", L))
        return
    for i, a in enumerate(answers):
        st.text(" → ".join(isolate(label, 120) for label in a["chain"]) + _status_text(a.get("status")))

        def leveled(label, node):
            level = level_of.get(node)
            return label + (f" ({tr('level', L).lower()}{colon(L)}{level})" if level else "")

        for link in a.get("links") or []:
            st.caption(md_text(f"{leveled(link['from_label'], link['from'])} {link['relation']} {leveled(link['to_label'], link['to'])}"
                               + (f" ({', '.join(link['roles'])})" if link.get("roles") else "")
                               + (f" — {link['dates']}" if link.get("dates") else "")
                               + (f" [{word(link['status'], L, status=True)}]" if link.get("status") else ""), 400))
        evidence_block(a.get("evidence"), f"{key}_{i}")


SSE = "https://w3id.org/sse-graph/ontology#"
_GENERIC_KINDS = {SSE + "Organisation", "http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/org#FormalOrganization"}


@st.cache_data(show_spinner=False)
def collective_groups(data_dir: str | None = None) -> frozenset[str]:
    """The groups a source names only collectively ("the 17 regional SSE Chambers"):
    counted apart from the organisations known by name."""
    rows = _store().select(f"SELECT ?g WHERE {{ ?g a <{SSE}UnidentifiedGroup> }}").dicts()
    return frozenset(r["g"] for r in rows)


def in_short(card: dict, up: list[dict], down: list[dict], seats: int, L: str, year: int | None,
             groups: frozenset[str] = frozenset()) -> str:
    """The card's answer in one line, above the details: "In short: federation · regional ·
    represented by ConcertES, Social Economy Europe · 1 seat(s) or mandate(s) · represents 12
    organisation(s) · as of 2018" — its kinds (but the generic "organisation"), level, the
    organisations above it in the chains that count on the date (nearest first, at most four
    named), how many seats count, how many organisations it represents (``groups``, named
    only collectively, counted apart).  Plain text: every name goes through ``isolate``."""
    parts = []
    kinds = [t["label"] for t in card["types"] if t["iri"] not in _GENERIC_KINDS]
    if kinds:
        parts.append(", ".join(isolate(k) for k in kinds))
    levels = list(dict.fromkeys(v["value"] for v in card["facts"].get("level") or []))
    if levels:
        parts.append(", ".join(isolate(v) for v in levels))
    above: dict[str, str] = {}  # nearest first: shorter chains first, each chain from its second step up
    for a in sorted(up, key=lambda a: len(a["chain_iris"])):
        for node, label in zip(a["chain_iris"][1:], a["chain"][1:]):
            above.setdefault(node, label)
    if above:
        names = list(above.values())
        more = f" ({tr('short_more', L, n=len(names) - 4)})" if len(names) > 4 else ""
        parts.append(tr("short_speaks_through", L, names=", ".join(isolate(n, 60) for n in names[:4]) + more))
    if seats:
        parts.append(tr("short_seats", L, n=seats))
    below = {node for a in down for node in a["chain_iris"][1:]}
    named, collective = len(below - groups), len(below & groups)
    if named:
        parts.append(tr("short_speaks_for", L, n=named))
    if collective:
        parts.append(tr("short_groups", L, n=collective))
    if parts and year is not None:
        parts.append(tr("short_as_of", L, year=year))
    return tr("in_short", L) + colon(L) + " · ".join(parts) if parts else ""


def _merged(evidences) -> list[dict]:
    """The passages of several facts, each passage once."""
    out, seen = [], set()
    for evidence in evidences:
        for e in evidence or []:
            key = (e.get("locator"), e.get("exact"))
            if key not in seen:
                seen.add(key)
                out.append(e)
    return out


def _fact_line(text: str, evidence: list[dict] | None, key: str, status: str | None = None) -> None:
    st.text(text + _status_text(status))
    evidence_block(evidence, key)


def _timed_status(row: dict, on) -> str | None:
    from sse_graph.timeline import Timing, status_on

    if on is None:
        return None
    return status_on(Timing.of(start=row.get("start"), end=row.get("end"), attested=row.get("attested"),
                               during=row.get("during")), on)


def searched(key: str) -> None:
    """The search box's callback: the best match becomes ?org= (a new history
    entry) and the box is emptied; a term that matches nothing stays in the box."""
    term = (st.session_state.get(key) or "").strip()
    q = _q(lang())
    hits = q.search(term, 10) if term else []
    # this page shows organisations: the best organisation first, else what matched (the page says what it is)
    hits = [h for h in hits if h["iri"] in q.labels.organisations] or hits
    if hits:
        push(org=hits[0]["iri"])
        st.session_state[key] = ""


def view_value(asked: str | None) -> str:
    return asked if asked in ("card", "changes") else "card"


def page_organisation():
    from sse_graph.timeline import counts as counted

    L = lang()
    st.header(tr("organisation", L), anchor=False)
    # cold start: the header and the search box show at once; the graph is opened (once, cached) after
    term = st.text_input(tr("search", L), key="org_search", on_change=searched, args=("org_search",),
                         placeholder=tr("search_hint", L))  # in place of Streamlit's "Press Enter to apply"
    with st.spinner(tr("loading", L)):
        _q(L)
    if term.strip():
        st.warning(md_text(tr("not_found", L, name=shorten_name(term))))
    iri = pick_org("org_pick", "ConcertES")
    if not iri:
        return
    c1, c2 = st.columns([3, 1])
    with c1:
        on = as_of_picker("org_as_of")
    with c2:
        follow("org_view", "view", view_value)
        view = st.radio(tr("view", L), ["card", "changes"], horizontal=True,
                        format_func=lambda v: tr(f"view_{v}", L), **bound("org_view", "view"))
    card, (up, up_apart), (down, down_apart), members = card_answers(iri, L, on, _data_dir())
    st.subheader(md_text(card["label"], 160), anchor=False)
    if len(card["label"]) > 160:
        st.text(tr("full_name", L) + colon(L) + isolate(card["label"]))
    # the sidebar's link to Explore carries no ?org=: this one opens the picture around this organisation
    st.page_link("sse_graph/viewer/views/explore.py", label=tr("picture_link", L),
                 query_params={"org": iri, "lang": L, **({"as_of": as_of_param()} if as_of_param() != "any" else {})})
    if view == "changes":
        change_view(iri)
        return
    level_of = levels(L, _data_dir())
    public = public_kinds(_data_dir())
    counted_seats = sum(1 for x in card["seats"] if (st_ := _timed_status(x, on)) is None or counted(st_))
    short = in_short(card, up, down, counted_seats, L, on.year if on else None, collective_groups(_data_dir()))
    if short:
        st.text(short)
    # 1. who it is: kind (public body marked), level, place; each with its passages on demand
    _section("who")
    if card["alt_labels"]:
        st.text(tr("labels", L) + colon(L) + " · ".join(isolate(a) for a in card["alt_labels"]))
    evidence_block(card.get("evidence"), "ev_org")
    kinds = [isolate(t["label"]) + (f" ({tr('public_body', L)})" if t["iri"] in public else "") for t in card["types"]]
    _fact_line(tr("kinds", L) + colon(L) + ", ".join(kinds), _merged(t.get("evidence") for t in card["types"]), "ev_kinds")
    facts = card["facts"]
    level_values = list(dict.fromkeys(v["value"] for v in facts.get("level") or []))
    if level_values:  # one line, however many sources say it
        _fact_line(tr("level", L) + colon(L) + ", ".join(isolate(v) for v in level_values),
                   _merged(v.get("evidence") for v in facts["level"]), "ev_level")
    if card["places"]:
        _fact_line(tr("places", L) + colon(L) + ", ".join(f"{isolate(p['label'])} ({word(p['relation'], L)})" for p in card["places"]),
                   _merged(p.get("evidence") for p in card["places"]), "ev_places")
    # 2. who represents it, as of the date
    _chain_rows(up, "chain_up", "ev_up", level_of)
    if up_apart:
        st.caption(md_escape(tr("not_counted", L)) + colon(L) + " · ".join(
            md_text(" → ".join(a["chain"]) + (f" [{word(a['status'], L, status=True)}]" if a.get("status") else "")) for a in up_apart))
    # 3. where it sits
    _section("seats")
    seats = card["seats"]
    if not seats:
        st.text(tr("none", L))
    for i, s in enumerate(seats):
        status = _timed_status(s, on)
        if status is not None and not counted(status):
            continue
        parts = [s["body"], word(s["relation"], L), ", ".join(s.get("roles") or [])]
        if s.get("person"):
            parts.append(s["person"])
        if s.get("on_behalf_of"):
            parts.append(tr("on_behalf_of", L) + " " + s["on_behalf_of"])
        when = " ".join(str(s[k]) for k in ("start", "end", "attested", "during") if s.get(k))
        _fact_line(" · ".join(isolate(p) for p in parts if p) + (f" ({when})" if when else ""), s.get("evidence"),
                   f"ev_seat_{i}", status)
    if card["sitting"]:
        _section("sitting")
        for i, s in enumerate(card["sitting"]):
            status = _timed_status(s, on)
            if status is not None and not counted(status):
                continue
            parts = [s["label"], ", ".join(s.get("roles") or []),
                     s.get("on_behalf_of") and tr("on_behalf_of", L) + " " + s["on_behalf_of"],
                     s.get("nominated_by") and tr("nominated_by", L) + " " + s["nominated_by"]]
            _fact_line(" · ".join(isolate(p) for p in parts if p), s.get("evidence"), f"ev_sit_{i}", status)
    # 4. whom it represents
    _chain_rows(down, "chain_down", "ev_down", level_of)
    if down_apart:
        st.caption(md_escape(tr("not_counted", L)) + colon(L) + " · ".join(
            md_text(" → ".join(a["chain"]) + (f" [{word(a['status'], L, status=True)}]" if a.get("status") else "")) for a in down_apart))
    # what else the sources say of it
    other = {name: values for name, values in facts.items() if name != "level"}
    if other:
        _section("more")
    for name, values in other.items():
        for j, v in enumerate(values):
            sources = ", ".join(isolate(f) for f in v.get("sources") or [])
            _fact_line(f"{word(name, L)}: {isolate(v['value'])}" + (f"   [{sources}]" if sources else ""),
                       v.get("evidence"), f"ev_fact_{name}_{j}")
    # members, declared vs observed
    _section("members")
    if card["declared_vs_observed"]:
        st.text(tr("declared_observed", L) + colon(L) + " | ".join(isolate(sentence(x, L)) for x in card["declared_vs_observed"]))
    text_table(members, ["label", "roles", "start", "end", "attested", *(["status"] if on else []), "sources"])
    _section("relations")
    for i, r in enumerate(card["relations"]):
        _fact_line(relation_text(r, L), r.get("evidence"), f"ev_rel_{i}")
    if card["counts"]:
        _section("counts")
        for i, c in enumerate(card["counts"]):
            _fact_line(" · ".join(isolate(str(c.get(k))) for k in ("measure", "qualifier", "value", "as_of", "wording") if c.get(k)),
                       c.get("evidence"), f"ev_count_{i}")
    if card["sources"]:
        st.text(tr("sources", L) + colon(L) + ", ".join(isolate(s) for s in card["sources"]))


@st.cache_data(show_spinner=False, max_entries=256)
def card_answers(iri: str, lang: str, on, data_dir: str | None = None):
    """The card, who represents it and whom it represents (each kept apart when not
    counted on ``on``), and its members on ``on``: computed once per organisation,
    language and date (a second reader, Back and Forward are served from memory)."""
    q = _q(lang)
    card = q.card(iri)
    if on is None:
        up, down = (card["represented_by"], []), (card["represents"], [])
    else:
        up, down = q.represented_by_apart(iri, as_of=on), q.represents_apart(iri, as_of=on)
    return card, up, down, q.members(iri, as_of=on)


def change_view(iri: str) -> None:
    """Who joined, left, changed role between two years; which counts moved."""
    from datetime import date

    L = lang()
    c1, c2 = st.columns(2)
    with c1:
        y1 = st.selectbox(tr("from_year", L), YEARS, index=YEARS.index(2012), key="ch_from", placeholder=tr("choose_one", L))
    with c2:
        y2 = st.selectbox(tr("to_year", L), YEARS, index=YEARS.index(2018), key="ch_to", placeholder=tr("choose_one", L))
    out = _q(L).changes(iri, date(y1, 12, 31), date(y2, 12, 31))
    for k in ("joined", "left", "role_changed", "first_attested", "no_longer_attested"):
        _section(k)
        cols = {"role_changed": ["label", "roles_before", "roles", "sources"],
                "first_attested": ["label", "roles", "status_before", "sources"],
                "no_longer_attested": ["label", "roles", "status_after", "sources"]}.get(k, ["label", "roles", "sources"])
        text_table(out.get(k) or [], cols)
    _section("counts_moved")
    moved = out.get("counts_moved") or []
    text_table([{"measure": m["measure"], "value": " ".join(str(x) for x in (v.get("qualifier"), v["value"]) if x),
                 "date": v["date"], "dated_by": v["dated_by"], "sources": v["sources"]}
                for m in moved for v in m["values"]], ["measure", "value", "date", "dated_by", "sources"])


def page_represent():
    L = lang()
    st.header(tr("represent", L), anchor=False)
    left, right = st.columns(2)
    q = _q(L)
    with left:
        iri = pick_org("rep_org", "SAW-B")
        on = as_of_picker("rep_as_of")
        cols = ["chain", "relation", "status", "sources"] if on else ["chain", "relation", "sources"]
        rows = q.represented_by(iri, as_of=on) if iri else []
        st.markdown("**" + md_escape(tr("chain_up", L)) + "**")
        text_table([{**a, "chain": " → ".join(a["chain"])} for a in rows], cols)
        down = q.represents(iri, as_of=on) if iri else []
        st.markdown("**" + md_escape(tr("chain_down", L)) + "**")
        text_table([{**a, "chain": " → ".join(a["chain"])} for a in down], cols)
    with right:
        bodies = _store().select("""PREFIX sse: <https://w3id.org/sse-graph/ontology#>
            SELECT DISTINCT ?b WHERE { ?s a sse:Seat ; sse:body ?b }""").dicts()
        opts = {r["b"]: q.labels.label(r["b"], L) for r in bodies}
        opts = dict(sorted(opts.items(), key=lambda kv: kv[1].casefold()))
        body = st.selectbox(tr("body", L), list(opts), format_func=lambda i: isolate(opts[i], 120), key="rep_body",
                            placeholder=tr("choose", L))
        st.markdown("**" + md_escape(tr("sitting", L)) + "**")
        text_table(q.sitting(body) if body else [], ["label", "roles", "on_behalf_of", "nominated_by", "attested", "during", "start", "sources"])


def page_about():
    import pandas as pd

    L = lang()
    st.header(tr("about", L), anchor=False)
    st.text(tr("tagline", L))
    sources = _store().select("""PREFIX sse: <https://w3id.org/sse-graph/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?file ?title ?date ?lang ?qualifier WHERE { ?s a sse:SourceDocument ; sse:fileName ?file ; dcterms:title ?title ;
          dcterms:language ?lang . OPTIONAL { ?s dcterms:date ?date } OPTIONAL { ?s sse:dateQualifier ?qualifier } } ORDER BY ?file""")
    st.markdown("**" + md_escape(tr("sources", L)) + "**")
    table = pd.DataFrame(sources.dicts())
    table.columns = [column_name(c, L) for c in table.columns]
    st.dataframe(text_frame(table), hide_index=True, width="stretch")
    st.markdown("**" + md_escape(tr("counts_per_kind", L)) + "**")
    st.dataframe(pd.DataFrame(sorted(_result().counts.items()), columns=[tr("col_kind", L), tr("col_count", L)]),
                 hide_index=True, width="stretch")
    st.text(tr("triples", L, a=_result().asserted_triples, i=_result().inferred_triples))
    st.markdown("**" + md_escape(tr("validation", L)) + "**")
    violations = _result().validation.get("violations", [])
    if violations:
        st.dataframe(text_frame(pd.DataFrame(violations)), hide_index=True)
    else:
        st.text(tr("conforms", L))
    st.markdown("**" + md_escape(tr("cite", L)) + "**")
    st.code("sse-graph: a sourced knowledge graph of the Social and Solidarity Economy (version 0.1.0), "
            "built from five source documents; each fact cites its document (graph/sources.ttl).", language=None)


