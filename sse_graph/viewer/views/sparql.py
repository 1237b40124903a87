"""The SPARQL page of the explorer: each query runs in one isolated worker
process (sse_graph/sandbox.py) that is killed at the time limit; SERVICE, FROM,
LOAD and updates are refused as by the endpoint; IRIs come with their labels;
every text of the page in the chosen language."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from sse_graph.viewer import isolate, md_text, tr
from sse_graph.viewer.pages import _dataset_path, _q, csv_download, lang, text_frame

# The example queries offered, each with its question in both languages.
EXAMPLES = {
    "members": {"en": "Who are the members of an organisation, with which role, since when, and according to which source?",
                "fr": "Qui sont les membres d'une organisation, avec quel rôle, depuis quand, et selon quelle source ?"},
    "represented_by": {"en": "Which organisations represent a given organisation, directly or through a chain of memberships?",
                       "fr": "Quelles organisations représentent une organisation donnée, directement ou par une chaîne d'adhésions ?"},
    "represents": {"en": "Which organisations does a given organisation represent, directly or indirectly?",
                   "fr": "Quelles organisations une organisation donnée représente-t-elle, directement ou indirectement ?"},
    "seats": {"en": "Which seats and mandates does an organisation hold on public, consultative or governance bodies?",
              "fr": "Quels sièges et mandats une organisation détient-elle dans des organes publics, consultatifs ou de gouvernance ?"},
    "body_members": {"en": "Who sits on a given body, in which role, for whom, and according to which source?",
                     "fr": "Qui siège dans un organe donné, avec quel rôle, pour qui, et selon quelle source ?"},
    "counts": {"en": "What dated counts (members, employees …) do the sources give, and as of when?",
               "fr": "Quels effectifs datés (membres, salariés …) les sources donnent-elles, et à quelle date ?"},
    "card": {"en": "What does the graph say directly about an organisation, with the source graph of each fact?",
             "fr": "Que dit le graphe directement d'une organisation, avec le graphe source de chaque fait ?"},
    "collectives": {"en": "Which nodes stand for a group a source names only collectively (e.g. “the 17 CRESS”)?",
                    "fr": "Quels nœuds représentent un groupe qu'une source ne nomme que collectivement (p. ex. « les 17 CRESS ») ?"},
}
TIME_LIMIT = 10  # seconds, by default
MAX_ROWS = 2000  # rows, by default


def _cell(term: dict | None) -> str | None:
    if term is None:
        return None
    return ("_:" + term["value"]) if term.get("type") == "bnode" else term["value"]


def solutions_frame(data: dict, labels, L: str) -> pd.DataFrame:
    """A SELECT result (SPARQL results JSON) as a table: each column of IRIs is
    followed by a column of their labels (an IRI alone is not something a person reads)."""
    variables = data["head"]["vars"]
    rows = data["results"]["bindings"]
    out: dict[str, list] = {}
    for v in variables:
        terms = [r.get(v) for r in rows]
        out[v] = [_cell(t) for t in terms]
        if any(t and t.get("type") == "uri" for t in terms):
            out[f"{v} ({tr('labels', L).lower()})"] = [labels.label(t["value"], L) if t and t.get("type") == "uri" else None
                                                        for t in terms]
    return pd.DataFrame(out, columns=list(out) or None)


def _error(outcome, L: str, limit: float) -> None:
    msg = outcome.message
    if outcome.kind == "timeout":
        st.error(tr("sq_timeout", L, s=f"{limit:g}"))
    elif outcome.kind == "unavailable":
        st.error(tr("sq_unavailable", L))
    elif msg.startswith("SERVICE"):
        st.error(tr("sq_service", L))
    elif "Update" in msg:
        st.error(tr("sq_update", L))
    elif msg.startswith("SPARQL syntax error"):
        st.error(tr("sq_syntax", L))
        st.code(msg.split(":", 1)[1].strip(), language=None)  # the engine's own words, with line and column
    elif outcome.status == 503:
        st.error(tr("sq_memory", L))
    else:
        st.error(tr("sq_refused", L))
        st.code(msg, language=None)


def page_sparql() -> None:
    from sse_graph.endpoint.server import _example
    from sse_graph.queries import competency_queries
    from sse_graph.sandbox import run_query

    L = lang()
    st.header(tr("sparql", L), anchor=False)
    queries = {q.name: q for q in competency_queries()}
    names = [n for n in EXAMPLES if n in queries]
    name = st.selectbox(tr("example", L), names, format_func=lambda n: EXAMPLES[n][L], key="sq_example",
                        placeholder=tr("choose_one", L))
    c1, c2 = st.columns(2)
    with c1:
        limit = st.number_input(tr("sq_limit", L), 1, 60, TIME_LIMIT, key="sq_limit")
    with c2:
        cap = st.number_input(tr("sq_cap", L), 1, 10000, MAX_ROWS, key="sq_cap")
    st.caption(tr("sq_rules", L))
    with st.form(f"sq_form_{name}"):
        text = st.text_area(tr("query", L), _example(queries[name].text), height=260, key=f"sq_text_{name}")
        st.form_submit_button(tr("run", L), type="primary")
    with st.spinner(tr("sq_running", L)):
        outcome = run_query(_dataset_path(), text, timeout=float(limit), max_rows=int(cap))
    if outcome.kind in ("error", "timeout", "unavailable"):
        _error(outcome, L, float(limit))
        return
    if outcome.kind == "ask":
        st.text(tr("sq_true" if outcome.json().get("boolean") else "sq_false", L))
        return
    if outcome.kind == "graph":
        turtle = outcome.body.decode("utf-8")
        st.code(turtle, language=None)
        st.download_button(tr("download_turtle", L), turtle.encode("utf-8"), "sse-graph-query.ttl", "text/turtle")
        return
    df = solutions_frame(outcome.json(), _q(L).labels, L)
    st.text(tr("rows", L, n=len(df)) + (" " + tr("sq_capped", L, n=int(cap)) if outcome.truncated else ""))
    st.dataframe(text_frame(df), hide_index=True, width="stretch")
    csv_download(df, "sse-graph-query.csv")
    st.download_button(tr("download_json", L), df.to_json(orient="records", force_ascii=False).encode("utf-8"),
                       "sse-graph-query.json", "application/json")


page_sparql()
