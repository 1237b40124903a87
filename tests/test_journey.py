"""What the three users of the README meet end to end (the journey of a newcomer on a fresh
machine): each test is a finding that was wrong or unusable, reproduced on the real seed graph
through the real command line."""
from __future__ import annotations

import io
import json

import pandas as pd

from sse_graph.cli import main
from sse_graph.queries import load_query

ID = "https://w3id.org/sse-graph/id/"


def test_the_as_of_query_gives_names_and_sources_beside_the_iris(built, capsys):
    """A researcher runs the saved "as of" query the README cites and reads its CSV with pandas:
    each row names both organisations (IRIs alone are unreadable in a paper) and the source
    documents of its links; unbound, the rows say which organisation each answers for."""
    path = str(load_query("represented_by_as_of").path)
    assert main(["query", path, "--org", "SAW-B", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    for column in ("org", "orgLabel", "representative", "representativeLabel", "length", "from", "until", "sources"):
        assert column in df.columns
    got = {(r.orgLabel, r.representativeLabel, r.length) for r in df.itertuples()}
    assert got == {("SAW-B", "ConcertES", 1), ("SAW-B", "Social Economy Europe", 2)}
    assert df["length"].dtype.kind == "i"
    assert all(s.endswith("source/003_6530fe94a40990bb") for s in df["sources"])
    assert main(["query", path, "--format", "csv"]) == 0
    every = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert every["org"].nunique() > 10 and every["orgLabel"].notna().all() and every["representativeLabel"].notna().all()
    assert every["sources"].notna().all()
    assert set(every[every["org"] == ID + "saw-b"]["representative"]) == {ID + "concertes", ID + "see"}


def test_the_links_as_of_query_names_both_ends(built, capsys):
    path = str(load_query("representation_links_as_of").path)
    assert main(["query", path, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert rows and all(r["fromLabel"]["value"] and r["toLabel"]["value"] for r in rows)
    pairs = {(r["fromLabel"]["value"], r["toLabel"]["value"]) for r in rows}
    assert ("SAW-B", "ConcertES") in pairs and ("ConcertES", "Social Economy Europe") in pairs


def test_a_picture_for_a_report_says_its_date_and_its_sources(built, tmp_path):
    """Policy staff put `draw` in a report: the page itself must say which date it shows (or
    that it shows every date) and which documents the relations come from, in SVG, PNG's
    sibling SVG text and the HTML page alike."""
    svg = tmp_path / "saw-b.svg"
    assert main(["draw", "--focus", "SAW-B", "--as-of", "2018", "-o", str(svg)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert "As of 2018-12-31" in text and "003_6530fe94a40990bb.txt" in text
    page = tmp_path / "saw-b.html"
    assert main(["draw", "--focus", "SAW-B", "--as-of", "2018", "--strict", "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert ">as of 2018-12-31 (strict)<" in html  # in the legend; the whole caption in its tooltip
    assert "As of 2018-12-31, strictly" in html and "Sources: 003_6530fe94a40990bb.txt" in html
    every = tmp_path / "concertes.svg"
    assert main(["draw", "--focus", "ConcertES", "--lang", "fr", "-o", str(every)]) == 0
    text = every.read_text(encoding="utf-8")
    assert "Toutes dates" in text and "As of" not in text
    # the files named are those of the relations drawn, no other
    assert "001_a8e3a8c5c264d9e4.txt" not in text


def test_a_png_for_a_report_has_room_for_its_caption(built, tmp_path):
    from PIL import Image

    png = tmp_path / "saw-b.png"
    assert main(["draw", "--focus", "SAW-B", "--as-of", "2018", "-o", str(png)]) == 0
    img = Image.open(png).convert("L")
    width, height = img.size
    # under the drawing, three lines of text in the left margin: the legend, the date, the sources
    band = img.crop((40, height - 150, 500, height))
    dark_rows = [y for y in range(band.size[1]) if min(band.crop((0, y, band.size[0], y + 1)).getdata()) < 100]
    lines = sum(1 for i, y in enumerate(dark_rows) if i == 0 or y > dark_rows[i - 1] + 1)
    assert lines == 3


def _count(capsys, query: str, *options: str) -> int:
    assert main(["query", *options, "-e", query, "--format", "csv"]) == 0
    return int(capsys.readouterr().out.splitlines()[1])


def test_the_readme_counts_are_those_of_the_seed_graph(built, capsys):
    """The README's paragraph on counting triples gave the counts of an older graph (4,317
    asserted, 14,560 in all) where a newcomer's build prints 13,915: every number it states is
    checked here against the real build."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("`build` reports asserted triples")
    paragraph = readme[start:readme.index("`DISTINCT`", start)]
    stated = [int(n.replace(",", "")) for n in re.findall(r"\b\d{1,3}(?:,\d{3})+\b|\(\d+ here\)|\(\d+\)", paragraph)
              for n in [n.strip("()").removesuffix(" here")]]
    graph = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/sse-graph/graph/{}> {{ ?s ?p ?o }} }}"
    everything = _count(capsys, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    distinct = _count(capsys, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    actual = [built.asserted_triples,
              _count(capsys, graph.format("inferred")), _count(capsys, graph.format("metrics")),
              _count(capsys, graph.format("representation")), everything,
              _count(capsys, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--asserted"), everything - distinct]
    assert stated == actual


def test_the_viewer_says_when_a_name_is_not_an_organisation(built):
    """A partner follows a link ?org=Sebastien Pereau (or types the name in the search box): the
    name is resolved (to the person), the organisation page had nothing to show and showed
    nothing, not a word. It now says whom the name designates and that the page shows
    organisations."""
    from test_app import open_page, unescape

    at = open_page("organisation", org="Sebastien Pereau")
    warnings = [unescape(w.value) for w in at.warning]
    assert any("Sébastien Pereau" in w and "not an organisation" in w for w in warnings), warnings
    at = open_page("organisation", org="Sebastien Pereau", lang="fr")
    assert any("n'est pas une organisation" in unescape(w.value) for w in at.warning)
    # the search box: a term matching the person only lands on the person, and says so
    at = open_page("organisation")
    at.text_input(key="org_search").input("Perea-u").run()
    assert any("not an organisation" in unescape(w.value) for w in at.warning)
    # a real organisation still shows its card, with no such warning
    at = open_page("organisation", org="febisp")
    assert unescape(at.subheader[0].value) == "FÉBISP" and not at.warning


def test_a_shipped_query_is_run_by_its_name(built, capsys, tmp_path, monkeypatch):
    """The docs cite the saved queries by name (`represented_by_as_of.rq`); a researcher outside the
    repository (an installed package) has no path to give: the name alone runs the shipped query.
    A missing file that is no shipped query still exits 2, naming it and listing the names."""
    monkeypatch.chdir(tmp_path)
    assert main(["query", "represented_by_as_of", "--org", "FÉBISP", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(df["representativeLabel"]) == {"ConcertES", "Social Economy Europe"}
    assert main(["query", "represented_by_as_of.rq", "--org", "FÉBISP", "--format", "csv"]) == 0
    assert len(pd.read_csv(io.StringIO(capsys.readouterr().out))) == 2
    assert main(["query", "no_such_query"]) == 2
    err = capsys.readouterr().err
    assert "no_such_query" in err and "represented_by_as_of" not in err.split("shipped query:")[0]
    assert "shipped query: members, represented_by" in err
    # a file of the user's own, of a shipped query's name, is the user's
    (tmp_path / "members.rq").write_text("SELECT (1 AS ?mine) {}", encoding="utf-8")
    assert main(["query", "members.rq", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["mine", "1"]


def test_why_gives_each_chain_the_passages_a_citation_needs(built, capsys):
    """"Why does SEE speak for FÉBISP?" — `why --json` gave each link's words cut short
    ("Les membres ... au nombre de dix-sept") with no position: nothing a researcher could cite
    or check. Its chains now carry `evidence` as represented-by's do (README: `chains` (as
    above)): source, title, locator with code-point offsets, the exact words."""
    assert main(["why", "FÉBISP", "Social Economy Europe", "--as-of", "2018", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    chain = answer["chains"][0]
    assert chain["chain"] == ["FÉBISP", "ConcertES", "Social Economy Europe"]
    evidence = chain["evidence"]
    assert evidence and all(e["locator"] == f"{e['source']}#char={e['start']},{e['end']}" for e in evidence)
    assert all(e["end"] - e["start"] == len(e["exact"]) for e in evidence)
    exact = " ".join(e["exact"] for e in evidence)
    assert "ConcertES est devenue depuis 2017, membre de Social Economy Europe" in exact
    assert "sont au nombre de dix-sept au 31/12/2018" in exact
    # the same passages as represented-by gives for the same chain
    assert main(["represented-by", "FÉBISP", "--as-of", "2018", "--json"]) == 0
    same = next(a for a in json.loads(capsys.readouterr().out) if a["chain"] == chain["chain"])
    assert [e["locator"] for e in same["evidence"]] == [e["locator"] for e in evidence]


def _search(capsys, text: str) -> list[tuple[str, int]]:
    assert main(["search", text, "--json"]) == 0
    return [(r["label"], r["score"]) for r in json.loads(capsys.readouterr().out)]


def test_search_finds_words_in_any_order_and_close_spellings(built, capsys):
    """A partner types "labo ess", "solidarite pour" or "Febisb": search answered nothing at
    all (it looked for the text whole, spaces dropped), while `show Febisb` suggested FEBISP.
    When no name contains the text whole, names holding each word come next (50-58), then close
    spellings (40); a text found whole keeps its scores and order."""
    assert _search(capsys, "labo ess")[0] == ("Le Labo de l'ESS", 55)
    assert _search(capsys, "solidarite pour")[0][0] == "Pour la Solidarité"
    assert _search(capsys, "Febisb") == [("FÉBISP", 40)]
    assert _search(capsys, "Sebastien Perau")[0][0] == "Sébastien Pereau"
    assert _search(capsys, "zzz") == []
    found = _search(capsys, "concertes")
    assert found[0] == ("ConcertES", 100) and all(score >= 59 for _label, score in found)


def test_the_viewer_search_box_forgives_a_typo(built):
    from test_app import open_page, unescape

    at = open_page("organisation")
    at.text_input(key="org_search").input("Febisb").run()
    assert unescape(at.subheader[0].value) == "FÉBISP" and not at.warning


def test_a_relation_a_source_states_is_drawn_once_with_its_source(built, store, tmp_path):
    """`draw --focus ConcertES -p all`: each working group's "part of" ConcertES was drawn twice,
    once from its source graph and once, without a source, from the inferred graph (unitOf ⊑
    subOrganizationOf): 8 doubled, unsourced edges, which the caption counted."""
    from collections import Counter

    from sse_graph.draw import build_scene
    from sse_graph.questions import Questions

    svg = tmp_path / "concertes.svg"
    assert main(["draw", "--focus", "ConcertES", "-p", "all", "-o", str(svg)]) == 0
    assert "no source file" not in svg.read_text(encoding="utf-8")
    q = Questions(store, lang="en")
    scene = build_scene(store, focus=ID + "concertes", projection="all", labels=q.labels)
    part_of = Counter((e["a"], e["b"]) for e in scene.edges if e["relation"] == "part of")
    assert part_of[(ID + "concertes-gt-europe", ID + "concertes")] == 1
    assert all(n == 1 for n in part_of.values())
    assert all(e["file"] for e in scene.edges)
    assert all(r["file"] for r in q.relations())
    card = [r for r in q.neighbours(ID + "concertes-gt-europe") if r["relation"] == "part of"]  # show's card too
    assert len(card) == 1 and card[0]["file"]


def test_no_node_of_a_report_picture_sits_on_an_edge_it_is_no_end_of(built, store):
    """SAW-B's picture for a report: SAW-B alone in its row straight under ConcertES, and ACFI,
    the middle of the 17 members below, too: the edge ConcertES → ACFI ran through SAW-B, and ACFI
    read as SAW-B's member."""
    from sse_graph.draw import build_scene
    from sse_graph.draw_static import RADIUS, _fit, _segment_distance
    from sse_graph.dates import parse_user_date
    from sse_graph.questions import Questions

    q = Questions(store, lang="en")
    for focus, as_of in (("saw-b", "2018"), ("concertes", None), ("febisp", "2018")):
        scene = build_scene(store, focus=ID + focus, labels=q.labels, as_of=parse_user_date(as_of) if as_of else None)
        pos = _fit(scene)
        for n in scene.nodes:
            p = pos[n["iri"]]
            for e in scene.edges:
                a, b = pos[e["a"]], pos[e["b"]]
                if n["iri"] not in (e["a"], e["b"]) and min(a[1], b[1]) < p[1] < max(a[1], b[1]):
                    assert _segment_distance(p, a, b) >= 2 * RADIUS, (focus, n["label"], e)
