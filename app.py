"""sse-graph explorer — `streamlit run app.py`.

A thin layer over the sse_graph library (pages in sse_graph/viewer/): explore
the graph, an organisation's card with its sources, who represents whom, the
network measures, SPARQL, and the sources.  Deep links:
?org=<IRI, prefixed name, label or acronym>&as_of=<year>&view=card|changes&lang=fr|en
(sse_graph/viewer/state.py: each change is a browser-history entry).  Works offline.
"""
import streamlit as st

from sse_graph.viewer import LANGS, tr
from sse_graph.viewer.state import bound, follow

st.set_page_config(page_title="sse-graph", layout="wide")
# Streamlit's own English "Press Enter to apply" under a text box, hidden (our own constant CSS,
# nothing from the data): the search box's placeholder says it in the reader's language.  The
# running indicator ("Running...", "Stop") is not drawn with client.toolbarMode = "minimal"
# (.streamlit/config.toml); what cannot be changed is listed in README.md (the explorer in French).
st.html("<style>[data-testid='InputInstructions']{display:none!important}</style>")


def lang() -> str:
    return st.session_state.get("lang", "fr")


def first_language(asked: str | None = None) -> str:
    """The deep link's ?lang=, else the browser's first language we speak
    (Accept-Language, then the browser's locale), else French."""
    if asked in LANGS:
        return asked
    header = (st.context.headers or {}).get("Accept-Language") or ""
    for part in [*header.split(","), getattr(st.context, "locale", None) or ""]:
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGS:
            return code
    return "fr"


follow("lang", "lang", first_language)  # the address's language (Back included), else the browser's
with st.sidebar:
    st.title(tr("title", lang()), anchor=False)
    st.selectbox(tr("language", lang()), list(LANGS), format_func=LANGS.get, placeholder=tr("language", lang()),
                 **bound("lang", "lang"))

VIEWS = "sse_graph/viewer/views/"
# The organisation card is the first screen ("/"); every page also answers at its own
# name (/organisation too, through a hidden alias): a shared link never says "Page not found".
pages = [
    st.Page(VIEWS + "organisation.py", title=tr("organisation", lang()), url_path="card", default=True),
    st.Page(VIEWS + "organisation.py", title=tr("organisation", lang()), url_path="organisation", visibility="hidden"),
    st.Page(VIEWS + "represent.py", title=tr("represent", lang()), url_path="represent"),
    st.Page(VIEWS + "explore.py", title=tr("explore", lang()), url_path="explore"),
    st.Page(VIEWS + "analysis.py", title=tr("analysis", lang()), url_path="analysis"),
    st.Page(VIEWS + "sparql.py", title=tr("sparql", lang()), url_path="sparql"),
    st.Page(VIEWS + "about.py", title=tr("about", lang()), url_path="about"),
]
st.navigation(pages).run()
