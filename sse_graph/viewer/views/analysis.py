"""The Analysis page of the explorer: network measures on one projection at a
time, every name, header and explanation in the chosen language, measures named
in words, labels before IRIs."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from sse_graph.viewer import isolate, md_escape, tr
from sse_graph.viewer.pages import _data_dir, csv_download, lang, ranked, text_frame

PROJECTIONS = ["representation", "affiliation", "governance", "coparticipation"]


def measure(m: str, L: str) -> str:
    return tr(f"m_{m}", L)


def columns(df: pd.DataFrame, metrics: list[str], L: str) -> pd.DataFrame:
    """The table as a person reads it: label first, measures in words, the IRI last."""
    out = pd.DataFrame({tr("col_label", L): df["label"], tr("col_alt", L): df["alt_labels"], tr("col_kind", L): df["kind"]})
    for m in metrics:
        out[measure(m, L)] = df[m]
    out[tr("col_iri", L)] = df["iri"]
    return out


def page_analysis() -> None:
    import altair as alt

    from sse_graph.analysis import DEFAULT_METRICS, METRICS

    L = lang()
    st.header(tr("analysis", L), anchor=False)
    c1, c2, c3 = st.columns([1, 2, 1])
    with c1:
        projection = st.selectbox(tr("projection", L), PROJECTIONS, format_func=lambda p: tr(f"proj_{p}", L), key="an_proj",
                                  placeholder=tr("choose_one", L))
    with c2:
        metrics = st.multiselect(tr("metric", L), list(METRICS), default=DEFAULT_METRICS[projection],
                                 format_func=lambda m: measure(m, L), key=f"an_metrics_{projection}",
                                 placeholder=tr("choose_one", L))
    with c3:
        top = st.number_input(tr("top", L), 5, 500, 20, key="an_top")
    st.info(tr(f"ties_{projection}", L))
    if not metrics:
        return
    df = ranked(projection, tuple(metrics), L, _data_dir())
    for m in metrics:
        st.text(f"{measure(m, L)}: {tr(f'mm_{m}', L)}")
    shown = columns(df, metrics, L)
    st.dataframe(text_frame(shown.head(int(top))), hide_index=True, width="stretch")
    csv_download(shown, "sse-graph-measures.csv")
    first = metrics[0]
    name, who = measure(first, L), tr("col_label", L)
    chart_df = pd.DataFrame({who: df["label"].map(lambda v: isolate(v, 60)), name: df[first]}).head(int(top)).dropna()
    st.altair_chart(alt.Chart(chart_df).mark_bar().encode(x=alt.X(f"{name}:Q", title=name),
                                                          y=alt.Y(f"{who}:N", sort="-x", title=None)), width="stretch")
    if "community" in df:
        sizes = df.groupby("community").size().reset_index(name="size")
        sizes.columns = [measure("community", L), tr("col_size", L)]
        st.markdown("**" + md_escape(tr("community_sizes", L)) + "**")
        st.altair_chart(alt.Chart(sizes).mark_bar().encode(x=alt.X(f"{sizes.columns[0]}:O"), y=alt.Y(f"{sizes.columns[1]}:Q")),
                        width="stretch")
    deg = ranked(projection, ("degree",), L, _data_dir())
    dist = deg.groupby("degree").size().reset_index(name="n")
    dist.columns = [measure("degree", L), tr("col_orgs", L)]
    st.markdown("**" + md_escape(tr("degree_distribution", L)) + "**")
    st.altair_chart(alt.Chart(dist).mark_bar().encode(x=alt.X(f"{dist.columns[0]}:O"), y=alt.Y(f"{dist.columns[1]}:Q")),
                    width="stretch")


page_analysis()
