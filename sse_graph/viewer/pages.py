"""The pages of the Streamlit explorer; ``app.py`` wires them with st.navigation.

Every text that comes from the data is shown as text (tables, st.text, or
escaped Markdown), never as HTML; the graph is loaded once (st.cache_resource).
"""
from __future__ import annotations

import json
import os

import pandas as pd
import streamlit as st

from ..spreadsheet import csv_text
from . import isolate, md_escape, md_text, tr

# ------------------------------------------------------------------ loading (once)
@st.cache_resource(show_spinner="Building the graph (first run only)…")
def load(data_dir: str | None):
    from sse_graph import Store, build
    from sse_graph.questions import Questions

    result = build(data_dir)
    store = Store(result.dataset_path)
    en = Questions(store, lang="en")
    return result, store, {"en": en, "fr": Questions(store, lang="fr", labels=en.labels)}


def _data_dir() -> str | None:
    """The dataset folder (SSE_GRAPH_DATA), part of every cache key: one cache never serves another dataset."""
    return os.environ.get("SSE_GRAPH_DATA")


def _result():
    return load(os.environ.get("SSE_GRAPH_DATA"))[0]


def _store():
    return load(os.environ.get("SSE_GRAPH_DATA"))[1]


def _q(lang: str):
    return load(os.environ.get("SSE_GRAPH_DATA"))[2][lang]


@st.cache_data(show_spinner=False)
def picture_html(focus: str | None, depth: int, projection: str, lang: str, nodes: tuple[str, ...] | None,
                 data_dir: str | None = None) -> tuple[str, int, int, list[str]]:
    from sse_graph.draw import draw_html

    pic = draw_html(_store(), focus=focus, depth=depth, projection=projection, lang=lang,
                    labels=_q(lang).labels, nodes=set(nodes) if nodes is not None else None)
    return pic.html, pic.nodes, pic.edges, pic.iris


@st.cache_data(show_spinner=False)
def picture_file(fmt: str, focus: str | None, depth: int, projection: str, lang: str, nodes: tuple[str, ...] | None,
                 data_dir: str | None = None) -> bytes:
    """The same picture as an A4 SVG or PNG, drawn server-side, for a report."""
    from sse_graph.draw import build_scene
    from sse_graph.draw_static import render_png, render_svg

    scene = build_scene(_store(), focus=focus, depth=depth, projection=projection, lang=lang,
                        labels=_q(lang).labels, nodes=set(nodes) if nodes is not None else None)
    return render_svg(scene) if fmt == "svg" else render_png(scene)


@st.cache_data(show_spinner=False)
def attributes(lang: str, data_dir: str | None = None) -> pd.DataFrame:
    from sse_graph.analysis.projections import _attributes

    rows = []
    for iri, a in _attributes(_store(), _q(lang).labels, lang).items():
        rows.append({"iri": iri, "kinds": sorted(a["kinds"]), "rank": a["rank"], "countries": sorted(a["countries"])})
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False)
def ranked(projection: str, metrics: tuple[str, ...], lang: str, data_dir: str | None = None) -> pd.DataFrame:
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
    """A select box of organisations, following ?org= when present.

    A name that designates no organisation (or several) shows a warning with
    suggestions and selects nothing: never another organisation, and the URL
    is left as the user wrote it."""
    from sse_graph.errors import AmbiguousNameError, NotFoundError, SSEGraphError

    L = lang()
    opts = org_options()
    iris = list(opts)
    asked = st.query_params.get("org")
    wanted = asked or default_name
    index = None
    if wanted:
        try:
            iri = _q(L).resolve(wanted)
            index = iris.index(iri) if iri in iris else None
        except AmbiguousNameError as e:
            st.warning(md_text(tr("ambiguous", L, name=shorten_name(wanted))))
            iris = [i for i, _label in e.candidates if i in opts] or iris
        except NotFoundError as e:
            st.warning(md_text(tr("not_found", L, name=shorten_name(wanted))))
            if e.suggestions:
                st.text(tr("did_you_mean", L) + " : " + " · ".join(isolate(n, 80) for n in e.suggestions))
        except SSEGraphError:
            st.warning(md_text(tr("not_found", L, name=shorten_name(wanted))))
    label = lambda i: isolate(opts[i], 120)  # noqa: E731
    if key in st.session_state and st.session_state[key] not in iris:
        del st.session_state[key]
    choice = st.selectbox(tr("pick", L), iris, index=index, format_func=label, key=key)
    if choice and index is not None and choice == iris[index]:
        return choice  # what the URL asked for: leave the URL as written
    if choice and asked != choice:
        st.query_params["org"] = choice
    return choice


def shorten_name(text: str) -> str:
    return isolate(text, 120)


def csv_download(df: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A CSV download whose cells cannot start a spreadsheet formula."""
    body = csv_text(list(map(str, df.columns)), df.itertuples(index=False, name=None))
    st.download_button(tr("download_csv", lang()), body.encode("utf-8"), file_name, "text/csv", key=key)


def text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A data frame whose text cells are isolated (no bidi control reaches the page)."""
    out = df.copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].map(lambda v: isolate(v) if isinstance(v, str) else v)
    out.columns = [isolate(c) for c in out.columns]
    return out


def sandboxed(page: str, height: int) -> str:
    """The picture inside an iframe sandboxed to scripts only: Streamlit's own
    iframe allows scripts and same-origin together, so a script in the picture
    could reach the app; in this inner frame it runs in an opaque origin."""
    import html as _html

    return ('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;overflow:hidden">'
            f'<iframe sandbox="allow-scripts" title="picture" srcdoc="{_html.escape(page, quote=True)}" '
            f'style="border:0;width:100%;height:{height - 8}px;display:block"></iframe></body></html>')


def text_table(rows: list[dict], columns: list[str]) -> None:
    """A static table of text from the data (cells are rendered as text, and can be
    read, selected and printed: these are the tables that go into reports)."""
    if not rows:
        st.text(tr("none", lang()))
        return
    df = pd.DataFrame([{c: md_text("" if r.get(c) is None else ", ".join(map(str, r[c])) if isinstance(r.get(c), list) else str(r.get(c)))
                        for c in columns} for r in rows])
    st.table(df.set_index(columns[0]) if len(df) else df)


# ------------------------------------------------------------------ pages
def page_explore():
    L = lang()
    st.header(tr("explore", L))
    attrs = attributes(L, _data_dir())
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        projection = st.selectbox(tr("projection", L), ["representation", "governance", "affiliation", "all"], key="ex_proj")
    with c2:
        countries = sorted({c for cs in attrs["countries"] for c in cs})
        country = st.selectbox(tr("country", L), [tr("all", L), *countries], key="ex_country")
    with c3:
        kinds = sorted({k for ks in attrs["kinds"] for k in ks})
        kind = st.selectbox(tr("kind", L), [tr("all", L), *kinds], key="ex_kind")
    with c4:
        level = st.selectbox(tr("level", L), [tr("all", L), 1, 2, 3, 4, 5], key="ex_level")
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
        html, n, e, iris = picture_html(focus, depth, projection, L, nodes, _data_dir())
    except SSEGraphError as err:
        st.info(md_text(str(err), 300))
        return
    st.caption(tr("nodes_edges", L, n=n, e=e))
    from .picture import picture_frame

    # the frame follows the window; a click on a node opens that organisation's card (a deep link)
    opened = picture_frame(html, iris, key="ex_picture")
    if opened:
        st.switch_page("sse_graph/viewer/views/organisation.py", query_params={"org": opened, "view": "card", "lang": L})
    d1, d2, _rest = st.columns([1, 1, 4])
    args = (focus, depth, projection, L, nodes, _data_dir())
    with d1:
        st.download_button(tr("download_png", L), lambda: picture_file("png", *args), "sse-graph.png", "image/png",
                           key="ex_png", on_click="ignore")
    with d2:
        st.download_button(tr("download_svg", L), lambda: picture_file("svg", *args), "sse-graph.svg", "image/svg+xml",
                           key="ex_svg", on_click="ignore")


YEARS = list(range(2010, 2025))


def as_of_param() -> str:
    """The deep link's ?as_of= (a year 2010–2024), else "any"."""
    asked = str(st.query_params.get("as_of", "any"))
    return asked if asked.isdigit() and int(asked) in YEARS else "any"


def as_of_picker(key: str):
    """The "as of" slider (years 2010–2024, or any date), kept in ?as_of=;
    returns the date (31 December of the year) or None."""
    from datetime import date

    L = lang()
    options = ["any", *map(str, YEARS)]
    if key not in st.session_state:
        st.session_state[key] = as_of_param()
    choice = st.select_slider(tr("as_of", L), options, key=key,
                              format_func=lambda v: tr("any_date", L) if v == "any" else v)
    if str(st.query_params.get("as_of", "any")) != choice:
        if choice == "any":
            if "as_of" in st.query_params:
                del st.query_params["as_of"]
        else:
            st.query_params["as_of"] = choice
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
    return f"   [{tr('status', lang())}: {status}]" if status else ""


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
            return label + (f" ({tr('level', L).lower()}: {level})" if level else "")

        for link in a.get("links") or []:
            st.caption(md_text(f"{leveled(link['from_label'], link['from'])} {link['relation']} {leveled(link['to_label'], link['to'])}"
                               + (f" ({', '.join(link['roles'])})" if link.get("roles") else "")
                               + (f" — {link['dates']}" if link.get("dates") else "")
                               + (f" [{link['status']}]" if link.get("status") else ""), 400))
        evidence_block(a.get("evidence"), f"{key}_{i}")


def _fact_line(text: str, evidence: list[dict] | None, key: str, status: str | None = None) -> None:
    st.text(text + _status_text(status))
    evidence_block(evidence, key)


def _timed_status(row: dict, on) -> str | None:
    from sse_graph.timeline import Timing, status_on

    if on is None:
        return None
    return status_on(Timing.of(start=row.get("start"), end=row.get("end"), attested=row.get("attested"),
                               during=row.get("during")), on)


def search_box(key: str, term: str) -> None:
    """What was typed in the search box: its best match becomes ?org= (a fresh picker follows)."""
    L = lang()
    if term and st.session_state.get(key + "_done") != term:
        st.session_state[key + "_done"] = term
        hits = _q(L).search(term, 1)
        if hits:
            st.query_params["org"] = hits[0]["iri"]
            # a fresh picker (a new key), so that the browser shows the organisation found
            st.session_state[key + "_n"] = st.session_state.get(key + "_n", 0) + 1


def view_param() -> str:
    v = str(st.query_params.get("view", "card"))
    return v if v in ("card", "changes") else "card"


def page_organisation():
    from sse_graph.timeline import counts as counted

    L = lang()
    st.header(tr("organisation", L))
    # cold start: the header and the search box show at once; the graph is opened (once, cached) after
    term = st.text_input(tr("search", L), key="org_search")
    with st.spinner(tr("loading", L)):
        _q(L)
    search_box("org_search", term)
    n = st.session_state.get("org_search_n", 0)
    iri = pick_org(f"org_pick_{n}" if n else "org_pick", "ConcertES")
    if not iri:
        return
    c1, c2 = st.columns([3, 1])
    with c1:
        on = as_of_picker("org_as_of")
    with c2:
        if "org_view" not in st.session_state:
            st.session_state["org_view"] = view_param()
        view = st.radio(tr("view", L), ["card", "changes"], key="org_view", horizontal=True,
                        format_func=lambda v: tr(f"view_{v}", L))
        if view_param() != view:
            st.query_params["view"] = view
    if "lang" not in st.query_params or st.query_params["lang"] != L:
        st.query_params["lang"] = L
    q = _q(L)
    card = q.card(iri)
    st.subheader(md_text(card["label"], 160), anchor=False)
    if len(card["label"]) > 160:
        st.text(tr("full_name", L) + ": " + isolate(card["label"]))
    if view == "changes":
        change_view(iri)
        return
    level_of = levels(L, _data_dir())
    public = public_kinds(_data_dir())
    # 1. who it is
    _section("who")
    if card["alt_labels"]:
        st.text(tr("labels", L) + ": " + " · ".join(isolate(a) for a in card["alt_labels"]))
    evidence_block(card.get("evidence"), "ev_org")
    kinds = []
    for t in card["types"]:
        kinds.append(isolate(t["label"]) + (f" ({tr('public_body', L)})" if t["iri"] in public else ""))
    st.text(tr("kinds", L) + ": " + ", ".join(kinds))
    for i, t in enumerate(card["types"]):
        if t.get("evidence"):
            st.caption(md_text(t["label"]))
            evidence_block(t["evidence"], f"ev_type_{i}")
    for p in card["places"]:
        _fact_line(f"{tr('places', L)}: {isolate(p['label'])} ({isolate(p['relation'])})", p.get("evidence"), f"ev_place_{p['label']}")
    for name, values in card["facts"].items():
        for j, v in enumerate(values):
            sources = ", ".join(isolate(s) for s in v.get("sources") or [])
            _fact_line(f"{isolate(name)}: {isolate(v['value'])}" + (f"   [{sources}]" if sources else ""),
                       v.get("evidence"), f"ev_fact_{name}_{j}")
    # 2. who represents it, as of the date
    if on is None:
        up, up_apart = card["represented_by"], []
        down, down_apart = card["represents"], []
    else:
        up, up_apart = q.represented_by_apart(iri, as_of=on)
        down, down_apart = q.represents_apart(iri, as_of=on)
    _chain_rows(up, "chain_up", "ev_up", level_of)
    if up_apart:
        st.caption(md_escape(tr("not_counted", L)) + ": " + " · ".join(
            md_text(" → ".join(a["chain"]) + (f" [{a['status']}]" if a.get("status") else "")) for a in up_apart))
    # 3. where it sits
    _section("seats")
    seats = card["seats"]
    if not seats:
        st.text(tr("none", L))
    for i, s in enumerate(seats):
        status = _timed_status(s, on)
        if status is not None and not counted(status):
            continue
        parts = [s["body"], s["relation"], ", ".join(s.get("roles") or [])]
        if s.get("person"):
            parts.append(s["person"])
        if s.get("on_behalf_of"):
            parts.append(("on behalf of " if L == "en" else "au nom de ") + s["on_behalf_of"])
        when = " ".join(str(s[k]) for k in ("start", "end", "attested", "during") if s.get(k))
        _fact_line(" · ".join(isolate(p) for p in parts if p) + (f" ({when})" if when else ""), s.get("evidence"),
                   f"ev_seat_{i}", status)
    if card["sitting"]:
        _section("sitting")
        for i, s in enumerate(card["sitting"]):
            status = _timed_status(s, on)
            if status is not None and not counted(status):
                continue
            parts = [s["label"], ", ".join(s.get("roles") or []), s.get("on_behalf_of"), s.get("nominated_by")]
            _fact_line(" · ".join(isolate(p) for p in parts if p), s.get("evidence"), f"ev_sit_{i}", status)
    # 4. whom it represents
    _chain_rows(down, "chain_down", "ev_down", level_of)
    if down_apart:
        st.caption(md_escape(tr("not_counted", L)) + ": " + " · ".join(
            md_text(" → ".join(a["chain"]) + (f" [{a['status']}]" if a.get("status") else "")) for a in down_apart))
    # members, declared vs observed
    _section("members")
    if card["declared_vs_observed"]:
        st.text(tr("declared_observed", L) + ": " + " | ".join(isolate(x) for x in card["declared_vs_observed"]))
    text_table(q.members(iri, as_of=on), ["label", "roles", "start", "end", "attested", "sources"])
    _section("relations")
    for i, r in enumerate(card["relations"]):
        _fact_line(" · ".join(isolate(str(r.get(k))) for k in ("direction", "relation", "role", "label") if r.get(k)),
                   r.get("evidence"), f"ev_rel_{i}")
    if card["counts"]:
        _section("counts")
        for i, c in enumerate(card["counts"]):
            _fact_line(" · ".join(isolate(str(c.get(k))) for k in ("measure", "qualifier", "value", "as_of", "wording") if c.get(k)),
                       c.get("evidence"), f"ev_count_{i}")
    if card["sources"]:
        st.text(tr("sources", L) + ": " + ", ".join(isolate(s) for s in card["sources"]))


def change_view(iri: str) -> None:
    """Who joined, left, changed role between two years; which counts moved."""
    from datetime import date

    L = lang()
    c1, c2 = st.columns(2)
    with c1:
        y1 = st.selectbox(tr("from_year", L), YEARS, index=YEARS.index(2012), key="ch_from")
    with c2:
        y2 = st.selectbox(tr("to_year", L), YEARS, index=YEARS.index(2018), key="ch_to")
    out = _q(L).changes(iri, date(y1, 12, 31), date(y2, 12, 31))
    for k in ("joined", "left", "role_changed"):
        _section(k)
        text_table(out.get(k) or [], ["label", "roles", "sources"] if k != "role_changed" else
                   ["label", *[c for c in (out.get(k) or [{}])[0].keys() if c not in ("label", "iri", "alt_labels")]])
    _section("counts_moved")
    moved = out.get("counts_moved") or []
    if not moved:
        st.text(tr("none", L))
    for m in moved:
        st.text(isolate(json.dumps(m, ensure_ascii=False, default=str), 600))


def page_represent():
    L = lang()
    st.header(tr("represent", L))
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
        body = st.selectbox(tr("body", L), list(opts), format_func=lambda i: isolate(opts[i], 120), key="rep_body")
        st.markdown("**" + md_escape(tr("sitting", L)) + "**")
        text_table(q.sitting(body) if body else [], ["label", "roles", "on_behalf_of", "nominated_by", "attested", "during", "start", "sources"])


def page_analysis():
    import altair as alt

    from sse_graph.analysis import DEFAULT_METRICS, MEANINGS, METRICS

    L = lang()
    st.header(tr("analysis", L))
    c1, c2, c3 = st.columns([1, 2, 1])
    with c1:
        projection = st.selectbox(tr("projection", L), ["representation", "affiliation", "governance"], key="an_proj")
    with c2:
        metrics = st.multiselect(tr("metric", L), list(METRICS), default=DEFAULT_METRICS[projection], key=f"an_metrics_{projection}")
    with c3:
        top = st.number_input(tr("top", L), 5, 500, 20, key="an_top")
    st.info(tr(f"ties_{projection}", L))
    if not metrics:
        return
    df = ranked(projection, tuple(metrics), L, _data_dir())
    for m in metrics:
        st.text(f"{m}: {MEANINGS[m]}")
    st.dataframe(text_frame(df.head(int(top))), hide_index=True, width="stretch")
    csv_download(df, "sse-graph-measures.csv")
    first = metrics[0]
    chart_df = df.head(int(top))[["label", first]].dropna()
    chart_df["label"] = chart_df["label"].map(lambda v: isolate(v, 60))
    st.altair_chart(alt.Chart(chart_df).mark_bar().encode(x=alt.X(f"{first}:Q"), y=alt.Y("label:N", sort="-x", title=None)),
                    width="stretch")
    if "community" in df:
        sizes = df.groupby("community").size().reset_index(name="size")
        st.markdown("**" + md_escape(tr("community_sizes", L)) + "**")
        st.altair_chart(alt.Chart(sizes).mark_bar().encode(x="community:O", y="size:Q"), width="stretch")
    deg = ranked(projection, ("degree",), L, _data_dir())
    dist = deg.groupby("degree").size().reset_index(name="organisations")
    st.markdown("**" + md_escape(tr("degree_distribution", L)) + "**")
    st.altair_chart(alt.Chart(dist).mark_bar().encode(x="degree:O", y="organisations:Q"), width="stretch")


MAX_ROWS = 2000  # rows read from a result; the rest is not read (and the page says so)


def _term_text(term) -> str | None:
    return None if term is None else term.value


def solutions_frame(result, labels, lang: str) -> tuple[pd.DataFrame, bool]:
    """The first MAX_ROWS rows of a SELECT result, each IRI column followed by
    a column of labels (an IRI alone is not something a person reads)."""
    import itertools

    import pyoxigraph as ox

    variables = [v.value for v in result.variables]
    rows = list(itertools.islice(result, MAX_ROWS + 1))
    truncated = len(rows) > MAX_ROWS
    data: dict[str, list] = {}
    for v in variables:
        terms = [sol[v] for sol in rows[:MAX_ROWS]]
        data[v] = [_term_text(t) for t in terms]
        if any(isinstance(t, ox.NamedNode) for t in terms):
            data[f"{v} ({tr('labels', lang).lower()})"] = [labels.label(t.value, lang) if isinstance(t, ox.NamedNode) else None
                                                           for t in terms]
    return pd.DataFrame(data), truncated


def page_sparql():
    import pyoxigraph as ox

    from sse_graph.endpoint.server import _example
    from sse_graph.errors import SSEGraphError
    from sse_graph.queries import competency_queries

    L = lang()
    st.header(tr("sparql", L))
    examples = {q.name: q for q in competency_queries()}
    name = st.selectbox(tr("example", L), list(examples), key="sq_example")
    st.caption(md_text(examples[name].question))
    with st.form(f"sq_form_{name}"):
        text = st.text_area(tr("query", L), _example(examples[name].text), height=260, key=f"sq_text_{name}")
        st.form_submit_button(tr("run", L), type="primary")
    try:
        res = _store().raw_query(text)
        if isinstance(res, ox.QueryBoolean):
            st.text("true" if bool(res) else "false")
            return
        if isinstance(res, ox.QueryTriples):
            turtle = res.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8")
            st.code(turtle, language=None)
            st.download_button("Turtle", turtle.encode("utf-8"), "sse-graph-query.ttl", "text/turtle")
            return
        df, truncated = solutions_frame(res, _q(L).labels, L)
    except SSEGraphError as e:
        st.error(md_text(str(e), 500))
        return
    st.text(tr("rows", L, n=len(df)) + (f" (≤ {MAX_ROWS})" if truncated else ""))
    st.dataframe(text_frame(df), hide_index=True, width="stretch")
    csv_download(df, "sse-graph-query.csv")
    st.download_button(tr("download_json", L), df.to_json(orient="records", force_ascii=False).encode("utf-8"),
                       "sse-graph-query.json", "application/json")


def page_about():
    L = lang()
    st.header(tr("about", L))
    st.text(tr("tagline", L))
    sources = _store().select("""PREFIX sse: <https://w3id.org/sse-graph/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?file ?title ?date ?lang ?qualifier WHERE { ?s a sse:SourceDocument ; sse:fileName ?file ; dcterms:title ?title ;
          dcterms:language ?lang . OPTIONAL { ?s dcterms:date ?date } OPTIONAL { ?s sse:dateQualifier ?qualifier } } ORDER BY ?file""")
    st.markdown("**" + md_escape(tr("sources", L)) + "**")
    st.dataframe(text_frame(pd.DataFrame(sources.dicts())), hide_index=True, width="stretch")
    st.markdown("**" + md_escape(tr("counts_per_kind", L)) + "**")
    st.dataframe(pd.DataFrame(sorted(_result().counts.items()), columns=["kind", "count"]), hide_index=True, width="stretch")
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


