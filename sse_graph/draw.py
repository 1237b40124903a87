"""Pictures of who represents whom, drawn with pyvis — the only module that touches pyvis.

The HTML is self-contained (vis.js inlined), written as UTF-8 by us, laid out in
Python with a seeded spring layout (physics off: the picture is the same every
time; a focus picture's rows are wrapped to the window by picture.js), coloured
and shaped by kind of organisation with a legend, sized by a measure, with edges
coloured by relation (named in the legend and in each edge's tooltip) and the
representation chain of the focused organisation highlighted.

Nothing from the data runs as code: node ids are integers; labels and
tooltips reach the page only through Jinja's ``tojson`` (``<``, ``>``, ``&``
and quotes escaped) and are shown by vis-network as text; the substring
``href`` is broken with a zero-width joiner so that pyvis never switches its
tooltips to ``innerHTML`` (``Network.write_html`` sets its popup mode when a title contains "href"); ``heading`` and
``select_menu`` (rendered raw by pyvis) are never used; a Content-Security-Policy
forbids loading or sending anything.
"""
from __future__ import annotations

import html
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from .names import LabelIndex
from .plaintext import isolate, shorten

__all__ = ["draw_html", "build_scene", "scene_html", "annotate_cards", "spread_positions", "Scene", "Picture", "KIND_STYLE",
           "safe_text", "pyvis_network"]

# legend group -> (colour, shape, kinds (en labels) it covers); the first group that matches wins.
KIND_GROUPS = [
    ("network", "#1f77b4", "triangle", {"network"}),
    ("umbrella body", "#9467bd", "diamond", {"umbrella body"}),
    ("SSE chamber", "#8c564b", "square", {"SSE chamber", "regional SSE chamber (CRESS)"}),
    ("federation", "#17becf", "dot", {"federation"}),
    ("council, commission or committee", "#e377c2", "star",
     {"council, commission or committee", "consultative body", "approval commission", "committee", "expert group",
      "joint governance or steering body"}),
    ("public body", "#7f7f7f", "square", {"public body"}),
    ("research, think tank, observatory", "#bcbd22", "hexagon",
     {"research or training institution", "research chair", "think tank", "observatory"}),
    ("SSE enterprise or organisation", "#2ca02c", "dot", {"SSE enterprise or organisation"}),
    ("funder", "#ff7f0e", "dot", {"funder"}),
    ("person", "#d62728", "dot", {"person"}),
    ("project", "#aec7e8", "square", {"project"}),
    ("event", "#ffbb78", "square", {"event"}),
]
KIND_STYLE = [(name, colour, shape) for name, colour, shape, _k in KIND_GROUPS]
OTHER = ("other", "#c7c7c7", "dot")
LEGEND_FR = {
    "network": "réseau", "umbrella body": "faîtière", "SSE chamber": "chambre de l'ESS", "federation": "fédération",
    "public body": "organisme public", "council, commission or committee": "conseil, commission, comité",
    "research, think tank, observatory": "recherche, think tank, observatoire", "SSE enterprise or organisation": "entreprise de l'ESS",
    "funder": "financeur", "person": "personne", "project": "projet", "event": "événement", "other": "autre",
    "representation chain": "chaîne de représentation",
}
RELATION_FR = {"member of": "membre de", "sits on": "siège à", "sits for": "siège pour", "nominates members to": "propose des membres à",
               "takes part in": "participe à", "holds a post in": "poste à", "part of": "fait partie de", "led by": "porté par"}
EDGE_COLOURS = {"member of": "#1f77b4", "sits on": "#e377c2", "sits for": "#9e3d8f", "nominates members to": "#f4a6d7",
                "takes part in": "#aaaaaa", "holds a post in": "#d62728", "part of": "#8c564b", "led by": "#b15928"}
CHAIN_COLOUR = "#d62728"
LABEL_LIMIT = 40  # characters of a name drawn beside its node (the full name is in the tooltip)
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
       "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")


def safe_text(text) -> str:
    """Text for vis-network: shown as text; ``href`` broken so pyvis keeps innerText.

    >>> safe_text('<a href="javascript:alert(1)">x</a>')
    '<a hre\\u200df="javascript:alert(1)">x</a>'
    """
    s = "" if text is None else str(text)
    out, low = [], s.lower()
    i = 0
    while True:
        j = low.find("href", i)
        if j < 0:
            out.append(s[i:])
            break
        out.append(s[i:j + 3] + "\u200d" + s[j + 3:j + 4])
        i = j + 4
    return "".join(out)


@dataclass
class Picture:
    html: str
    nodes: int
    edges: int
    iris: list[str] = field(default_factory=list)  # node i of the page is iris[i] (what a click opens)


def _style(kinds: list[str]) -> tuple[str, str, str]:
    for name, colour, shape, covered in KIND_GROUPS:
        if covered & set(kinds):
            return name, colour, shape
    return OTHER


def _kinds_by_node(store, labels) -> dict[str, list[str]]:
    q = """PREFIX sse: <https://w3id.org/sse-graph/ontology#>
    SELECT ?x ?kind WHERE {
      { ?x a ?k . ?k a sse:Kind } UNION { ?x a sse:Body . BIND(sse:Body AS ?k) }
      UNION { ?x a sse:Person . BIND(sse:Person AS ?k) } UNION { ?x a sse:Project . BIND(sse:Project AS ?k) }
      UNION { ?x a sse:Event . BIND(sse:Event AS ?k) }
      BIND(?k AS ?kind) }"""
    out: dict[str, list[str]] = {}
    for r in store.select(q).dicts():
        out.setdefault(r["x"], []).append(labels.label(r["kind"], "en"))
    return out


ROW_GAP = 150  # vis units between two levels
ROW_WIDTH = 1400  # a level with more names than fit is wrapped onto sub-rows
SUB_ROW_GAP = 70
CHAR_WIDTH = 10  # vis units per character of a 16 px label (generous average)


def layered_rows(ranks: dict[str, int | None], order: dict[str, float], focus: str | None = None,
                 links: Iterable[tuple[str, str]] = ()) -> list[tuple[int, list[str]]]:
    """The rows of a focus picture, top to bottom, as (level, nodes): one per
    level (5 world at the top … 1 local, then unknown levels, 0, at the
    bottom), nodes in the left-to-right order of ``order``.  Within a level,
    the bodies that others of the same level link to (``links``: (from, to))
    have a row of their own at its top, then ``focus`` has one: the links of
    their peers to them do not run along a row, through the names.  How a row
    is wrapped depends on the frame it is drawn in (picture.js for the HTML
    picture, :func:`layered_positions` otherwise).

    >>> layered_rows({"a": 5, "b": 1, "c": 1, "d": None, "e": 1}, {"a": 0, "b": 1, "c": -1, "d": 0, "e": 0}, "b",
    ...              [("c", "e"), ("b", "a")])
    [(5, ['a']), (1, ['e']), (1, ['b']), (1, ['c']), (0, ['d'])]
    """
    levels: dict[int, list[str]] = {}
    for node, rank in ranks.items():
        levels.setdefault(int(rank) if rank else 0, []).append(node)
    out: list[tuple[int, list[str]]] = []
    for rank in sorted(levels, key=lambda r: -r if r else 1):  # 5, 4, 3, 2, 1, then unknown (0)
        nodes = sorted(levels[rank], key=lambda n: (order.get(n, 0.0), n))
        here = set(nodes)
        hubs = {b for a, b in links if a in here and b in here and a != b and b != focus}
        for group in ([n for n in nodes if n in hubs], [focus] if focus in here else [],
                      [n for n in nodes if n not in hubs and n != focus]):
            if group:
                out.append((rank, group))
    return out


def _cut(widths: list[float], limit: float) -> list[int]:
    """Where each line starts when items of ``widths`` fill lines no wider than ``limit``."""
    starts: list[int] = []
    width = 0.0
    for i, w in enumerate(widths):
        if not starts or (width + w > limit and width > 0):
            starts.append(i)
            width = 0.0
        width += w
    return starts


def even_lines(widths: list[float], limit: float) -> list[int]:
    """Where each line starts when a row of items (``widths``) is wrapped at ``limit``,
    into as few lines as a greedy wrap needs but of even widths (not a full line and
    a short one); picture.js does the same in the browser.

    >>> even_lines([10] * 16, 140)
    [0, 8]
    """
    starts = _cut(widths, limit)
    if len(starts) < 2:
        return starts
    width = max(sum(widths) / len(starts), max(widths))
    while width < limit:
        even = _cut(widths, width)
        if len(even) <= len(starts):
            return even
        width *= 1.03
    return starts


def layered_positions(ranks: dict[str, int | None], order: dict[str, float], names: dict[str, str],
                      focus: str | None = None, links: Iterable[tuple[str, str]] = ()) -> dict[str, tuple[float, float]]:
    """Positions with one row per level (see :func:`layered_rows`); within a
    row, nodes are spaced by the width of their names, so that no two labels
    of a row overlap; a long row wraps onto sub-rows.

    >>> p = layered_positions({"a": 5, "b": 1, "c": 1}, {"a": 0, "b": 1, "c": -1}, {"a": "A", "b": "B", "c": "C"})
    >>> p["a"][1] < p["b"][1] == p["c"][1] and p["c"][0] < p["b"][0]
    True
    """
    out: dict[str, tuple[float, float]] = {}
    y = 0.0
    rows = layered_rows(ranks, order, focus, links)
    for i, (rank, nodes) in enumerate(rows):
        widths = [CHAR_WIDTH * len(names.get(node, "")) + 40 for node in nodes]
        starts = even_lines(widths, ROW_WIDTH)
        lines = [list(zip(nodes[a:b], widths[a:b])) for a, b in zip(starts, [*starts[1:], len(nodes)])]
        for k, line in enumerate(lines):
            total = sum(w for _n, w in line)
            x = -total / 2
            for node, w in line:
                out[node] = (x + w / 2, y + k * SUB_ROW_GAP)
                x += w
        same_level_next = i + 1 < len(rows) and rows[i + 1][0] == rank  # the focus, then its peers
        y += (SUB_ROW_GAP if same_level_next else ROW_GAP) + SUB_ROW_GAP * (len(lines) - 1)
    return out


def _legend(used: list[tuple[str, str, str]], lang: str, focus_label: str | None,
            relations: list[tuple[str, str]] = (), hint: str | None = None, notes: tuple[str, str] | None = None) -> str:
    items = []
    for name, colour, _shape in used:
        text = LEGEND_FR.get(name, name) if lang == "fr" else name
        items.append(f'<span class="lg"><i style="background:{colour}"></i>{html.escape(text)}</span>')
    for relation, colour in relations:
        items.append(f'<span class="lg"><i style="background:{colour};height:3px;vertical-align:3px"></i>'
                     f'{html.escape(relation)}</span>')
    if focus_label is not None:
        text = LEGEND_FR["representation chain"] if lang == "fr" else "representation chain"
        items.append(f'<span class="lg"><i style="background:#333;height:5px;vertical-align:2px"></i>{html.escape(text)}: '
                     f"{html.escape(isolate(focus_label, LABEL_LIMIT))}</span>")
    if hint:
        items.append(f'<span class="lg hint">{html.escape(hint)}</span>')
    if notes:  # the caption, short (the window's height is for the picture): the date; hover: the sources
        short, full = notes
        items.append(f'<span class="lg note" title="{html.escape(full)}">{html.escape(short)}</span>')
    return ('<style>#sse-legend{font:13px system-ui,sans-serif;padding:6px 10px;border-top:1px solid #ddd}'
            '#sse-legend .lg{margin-right:14px;white-space:nowrap}#sse-legend i{display:inline-block;width:11px;'
            'height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}#sse-legend .note{font-weight:600}</style>'
            f'<div id="sse-legend">{"".join(items)}</div>')


def draw_html(store, *, focus: str | None = None, depth: int = 2, projection: str = "representation",
              lang: str = "en", size_metric: str = "reach", seed: int = 42, height: str = "100%",
              labels: LabelIndex | None = None, nodes: set[str] | None = None,
              as_of=None, strict: bool = False) -> Picture:
    """The picture as a self-contained HTML page.

    ``projection``: ``representation`` (memberships in representative bodies),
    ``governance`` (seats), ``affiliation`` (memberships, partnerships, seats) or
    ``all`` (every sourced relation); ``focus`` (an IRI) keeps the ego graph of
    radius ``depth`` around it and highlights its representation chain;
    ``nodes`` (IRIs) keeps only those (a filter by country, kind or level);
    ``as_of`` (a date) keeps only the relations that count on it (undated ones
    unless ``strict``), as ``Questions.path`` does.
    """
    scene = build_scene(store, focus=focus, depth=depth, projection=projection, lang=lang, size_metric=size_metric,
                        seed=seed, labels=labels, nodes=nodes, as_of=as_of, strict=strict)
    annotate_cards(scene, store, labels or LabelIndex.from_store(store), lang)
    return scene_html(scene, height=height, seed=seed)


@dataclass
class Scene:
    """What a picture shows, whatever it is drawn with: nodes with positions,
    colours, shapes and short/full labels; edges with relation and colour; the legend."""
    nodes: list[dict]
    edges: list[dict]
    legend: list[tuple[str, str, str]]
    relations: list[tuple[str, str]]  # (relation shown, colour) present among the edges
    focus_label: str | None
    lang: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # a focus picture's rows (layered_rows)
    as_of: str | None = None  # the date the relations drawn count on (ISO), None: every date
    strict: bool = False


CAPTION_WORDS = {
    "en": {"as_of": "As of {date}: only the relations that count on that date",
           "strict": "As of {date}, strictly: only the relations known to hold or attested on that date",
           "all": "All dates: every relation the sources state, whatever its dates",
           "sources": "Sources", "unsourced": "{n} relation(s) drawn name no source file",
           "by": "sse-graph", "short_as_of": "as of {date}", "short_strict": "as of {date} (strict)",
           "short_all": "all dates"},
    "fr": {"as_of": "Au {date} : seules les relations qui comptent à cette date",
           "strict": "Au {date}, au sens strict : seules les relations établies ou attestées à cette date",
           "all": "Toutes dates : chaque relation que les sources énoncent, quelles que soient ses dates",
           "sources": "Sources", "unsourced": "{n} relation(s) dessinée(s) sans fichier source",
           "by": "sse-graph", "short_as_of": "au {date}", "short_strict": "au {date} (strict)",
           "short_all": "toutes dates"},
}


def short_caption(scene: Scene) -> tuple[str, str]:
    """The caption of an HTML picture: the date shown in a few words, and the whole caption
    (date and sources) for its tooltip."""
    words = CAPTION_WORDS.get(scene.lang, CAPTION_WORDS["en"])
    short = words["short_all"] if scene.as_of is None else words["short_strict" if scene.strict else "short_as_of"].format(date=scene.as_of)
    return short, " — ".join(caption(scene))


def caption(scene: Scene) -> list[str]:
    """What a picture put in a report must say of itself: the date it shows (or that it
    shows every date) and the source documents of the relations drawn."""
    words = CAPTION_WORDS.get(scene.lang, CAPTION_WORDS["en"])
    when = words["all"] if scene.as_of is None else words["strict" if scene.strict else "as_of"].format(date=scene.as_of)
    files = sorted({e["file"] for e in scene.edges if e["file"]})
    unsourced = sum(1 for e in scene.edges if not e["file"])
    line = f"{words['sources']}: " + (", ".join(files) if files else "—")
    if unsourced:
        line += "; " + words["unsourced"].format(n=unsourced)
    return [when, f"{line} ({words['by']})"]


def _counts_on(r: dict, as_of, strict: bool) -> bool:
    from .timeline import Timing, counts, status_on

    return counts(status_on(Timing.of(start=r.get("start"), end=r.get("end"), attested=r.get("attested"),
                                      during=r.get("during")), as_of), strict=strict)


def build_scene(store, *, focus: str | None = None, depth: int = 2, projection: str = "representation",
                lang: str = "en", size_metric: str = "reach", seed: int = 42,
                labels: LabelIndex | None = None, nodes: set[str] | None = None,
                as_of=None, strict: bool = False, whole: bool = False) -> Scene:
    """The nodes and edges of the picture (see :func:`draw_html`).

    With a ``focus``, only the graph around it is read (:mod:`sse_graph.ego`);
    ``whole=True`` reads the whole graph and cuts the ego graph out of it (the
    former way: the benchmark's baseline, and the reference the tests compare with)."""
    import networkx as nx

    from .analysis.measures import compute
    from .analysis.projections import project
    from .errors import InputError
    from .questions import Questions

    q = Questions(store, lang=lang, labels=labels)
    labels = q.labels
    rel_filter = {
        "representation": {"member of"},
        "governance": {"sits on", "sits for", "nominates members to"},
        "affiliation": {"member of", "takes part in", "sits on"},
        "all": None,
    }
    if projection not in rel_filter:
        raise InputError(f"unknown projection '{projection}': use {', '.join(rel_filter)}")
    keep = rel_filter[projection]

    def wanted(r: dict) -> bool:
        return (keep is None or r["relation"] in keep) and (as_of is None or _counts_on(r, as_of, strict))

    around = focus is not None and not whole  # read only the graph around the focus
    if around:
        from . import ego

        G = ego.ego_graph(store, focus, depth, wanted=wanted, representation=projection == "representation", nodes=nodes)
        chain_edges = ego.chain_pairs(store, focus, as_of=as_of, strict=strict, links=q.links, shown=set(G.nodes))
    else:
        if focus is None:
            from .ego import check_whole_graph_size

            check_whole_graph_size(store, nodes)
        G, chain_edges = _whole_then_cut(q, focus, depth, projection, wanted, nodes, as_of, strict)
    # the seeded layout follows the graph's node order: a fixed order (not the order of a
    # set of strings, which changes with PYTHONHASHSEED) gives the same picture in every process
    G = _canonical(G)
    if G.number_of_nodes() == 0:
        raise InputError("nothing to draw: no relation of this projection in the graph")

    sizes = {}
    if size_metric == "reach" and around:
        sizes = ego.reach(store, G.nodes)
    elif size_metric:
        if around:
            R = ego.representation_ancestry(store, G.nodes) if size_metric in ("reach", "members", "chain") else nx.DiGraph()
        else:
            R, _B, _a = project(store, "representation", labels=labels)
        values = compute(R, [size_metric], R=R)[size_metric] if size_metric in ("reach", "members", "chain") else {}
        if not values:
            S = nx.DiGraph(G)
            values = compute(S, [size_metric], R=R)[size_metric]
        sizes = values
    kinds = ego.kinds(store, labels, G.nodes) if around else _kinds_by_node(store, labels)
    simple = nx.Graph(G.to_undirected())
    n = simple.number_of_nodes()
    pos = nx.spring_layout(simple, seed=seed, k=1.8 / math.sqrt(max(n, 1)), iterations=100)
    scale = 120 * math.sqrt(n)
    if focus is not None:  # who represents whom, in rows: world at the top, local at the bottom
        from .analysis.projections import _attributes

        attrs = ego.attributes(store, labels, lang, G.nodes) if around else _attributes(store, labels, lang)
        ranks = {node: (attrs.get(node) or {}).get("rank") for node in G}
        order = {node: pos[node][0] for node in G}
        links = sorted({(a, b) for a, b in G.edges()})
        rows = layered_rows(ranks, order, focus, links)
        pos = layered_positions(ranks, order, {node: isolate(labels.label(node, lang), LABEL_LIMIT) for node in G}, focus,
                                links)
        scale = 1.0

    scene_nodes, used = [], []
    for node in sorted(G.nodes):
        k = kinds.get(node, [])
        style = _style(k)
        if style not in used:
            used.append(style)
        label = isolate(labels.label(node, lang))
        v = sizes.get(node) or 0
        alt = [isolate(a, LABEL_LIMIT * 2) for a in labels.alt_labels(node, lang)]
        # the full name on hover, the picture shows it shortened; no IRI where a person reads
        tooltip = "\n".join([shorten(label, 600), *(["(" + ", ".join(alt) + ")"] if alt else []),
                             ", ".join(sorted(set(k))) or "", f"{size_metric}: {v}" if size_metric else ""])
        x, y = pos[node]
        scene_nodes.append({"iri": node, "label": shorten(label, LABEL_LIMIT), "full": label, "title": tooltip,
                            "colour": style[1], "shape": style[2], "group": style[0],
                            "size": 10 + 6 * math.sqrt(max(0.0, float(v))),
                            "x": float(x * scale), "y": float(y * scale), "focus": node == focus})
    scene_edges, rels = [], []
    for a, b, data in G.edges(data=True):
        on_chain = (a, b) in chain_edges
        relation = RELATION_FR.get(data["relation"], data["relation"]) if lang == "fr" else data["relation"]
        colour = EDGE_COLOURS.get(data["relation"], "#999999")
        if (relation, colour) not in rels:
            rels.append((relation, colour))
        scene_edges.append({"a": a, "b": b, "relation": relation, "file": data.get("file") or "",
                            "colour": colour, "chain": on_chain})
    return Scene(scene_nodes, scene_edges, used, rels, labels.label(focus, lang) if focus else None, lang,
                 rows if focus is not None else [], str(as_of) if as_of is not None else None, strict)


def _whole_then_cut(q, focus, depth, projection, wanted, nodes, as_of, strict):
    """Every relation of the graph, then the ego graph around ``focus`` cut out of it
    (the picture of the whole graph, and the former way of drawing a focus)."""
    import networkx as nx

    G = nx.MultiDiGraph()
    for r in q.relations():
        if wanted(r):
            G.add_edge(r["a"], r["b"], relation=r["relation"], file=r["file"])
    if projection == "representation":
        # only memberships of representative bodies are representation
        bodies = {row["body"] for row in q._select("representation_edges").dicts()}
        G.remove_edges_from([(a, b, k) for a, b, k in G.edges(keys=True) if b not in bodies])
        G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0])
    if nodes is not None:
        G.remove_nodes_from([n for n in list(G) if n not in nodes and n != focus])
        G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0 and n != focus])
    chain_edges: set[tuple[str, str]] = set()
    if focus is not None:
        if focus not in G:
            G.add_node(focus)
        ego = nx.ego_graph(G.to_undirected(as_view=True), focus, radius=depth)
        G = G.subgraph(ego.nodes).copy()
        for answer in q.represented_by(focus, as_of=as_of, strict=strict):
            path = answer["chain_iris"]
            chain_edges.update(zip(path, path[1:]))
        for answer in q.represents(focus, as_of=as_of, strict=strict):
            path = answer["chain_iris"]
            chain_edges.update((b, a) for a, b in zip(path, path[1:]))
    return G, chain_edges


def _canonical(G):
    """The same graph with its nodes and edges in a fixed order: the seeded layout then
    depends on the graph only (not on the order a query or a set gave them in)."""
    import networkx as nx

    H = nx.MultiDiGraph()
    H.add_nodes_from(sorted(G.nodes))
    for a, b, data in sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2]["relation"], e[2].get("file") or "")):
        H.add_edge(a, b, relation=data["relation"], file=data.get("file"))
    return H


PX = 13  # every label is drawn at least this big on screen (pixels), whatever the zoom
CARD_WORDS = {"en": {"kind": "Kind", "level": "Level", "sources": "Sources", "close": "Close",
                     "hint": "Smaller organisations: name on hover, or zoom in. Click a node for its card."},
              "fr": {"kind": "Nature", "level": "Niveau", "sources": "Sources", "close": "Fermer",
                     "hint": "Petites organisations : nom au survol, ou zoomer. Cliquer un nœud pour sa fiche."}}
PAGE_CSS = ("html,body{margin:0;height:100%}body{display:flex;flex-direction:column;height:100vh;overflow:hidden}"
            "center{display:none}body>.card{flex:1 1 auto;min-height:0;position:relative}"
            "#mynetwork{height:100%!important;float:none!important;border:0!important}"
            "#sse-legend{flex:0 0 auto;max-height:30vh;overflow:auto}"
            "#sse-card{position:absolute;top:8px;right:8px;width:min(340px,45%);max-height:calc(100% - 16px);overflow:auto;"
            "background:#fff;border:1px solid #bbb;border-radius:6px;padding:8px 12px;font:14px system-ui,sans-serif;"
            "box-shadow:0 2px 8px rgba(0,0,0,.15);z-index:20;overflow-wrap:anywhere}"
            "#sse-card h2{font-size:16px;margin:0 24px 6px 0}#sse-card dt{font-weight:600;margin-top:4px}"
            "#sse-card dd{margin:0}#sse-card-close{position:absolute;top:4px;right:6px;border:0;background:none;"
            "font-size:18px;cursor:pointer}")


def spread_positions(points: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Positions in the unit square that keep the left-right and top-bottom order
    of ``points`` but are spread evenly (half the position, half its rank on
    each axis): a spring layout's dense core opens up and outliers no longer
    leave most of the frame empty.

    >>> p = spread_positions({"a": (0, 0), "b": (1, 0.1), "c": (100, 50)})
    >>> p["a"][0] < p["b"][0] < p["c"][0] and p["b"][0] > 0.25
    True
    """
    keys = sorted(points)
    out = {k: [0.0, 0.0] for k in keys}
    for axis in (0, 1):
        values = [points[k][axis] for k in keys]
        lo, hi = min(values), max(values)
        ranked = sorted(keys, key=lambda k: (points[k][axis], k))
        for i, k in enumerate(ranked):
            linear = (points[k][axis] - lo) / (hi - lo) if hi > lo else 0.5
            rank = i / (len(keys) - 1) if len(keys) > 1 else 0.5
            out[k][axis] = 0.5 * linear + 0.5 * rank
    return {k: (v[0], v[1]) for k, v in out.items()}


def annotate_cards(scene: Scene, store, labels: LabelIndex, lang: str) -> Scene:
    """Adds to each node what its card in the picture shows: kinds, level, and the
    source documents of the relations drawn (all stated by the graph)."""
    from .ego import _NOT_IRI, select_around

    # only the nodes drawn, never the whole graph (and only what can be written as an IRI)
    iris = [n["iri"] for n in scene.nodes if n["iri"] and not _NOT_IRI.search(n["iri"])]
    level = {r["node"]: labels.label(r["level"], lang) for r in select_around(store, "node_levels", "node", iris)}
    kinds: dict[str, list[str]] = {}
    for r in select_around(store, "ego_node_kinds", "x", iris):
        kinds.setdefault(r["x"], []).append(labels.label(r["kind"], lang))
    sources: dict[str, set[str]] = {}
    for e in scene.edges:
        if e.get("file"):
            sources.setdefault(e["a"], set()).add(e["file"])
            sources.setdefault(e["b"], set()).add(e["file"])
    for n in scene.nodes:
        n["kinds"] = sorted({isolate(k, 120) for k in kinds.get(n["iri"], [])})
        n["level"] = isolate(level.get(n["iri"], ""), 120)
        n["sources"] = sorted(sources.get(n["iri"], ()))
    return scene


def label_order(scene: Scene) -> list[int]:
    """Node indices, the ones whose label matters most first: the focus, then
    the biggest (by measure), then the most connected."""
    degree: dict[str, int] = {}
    for e in scene.edges:
        degree[e["a"]] = degree.get(e["a"], 0) + 1
        degree[e["b"]] = degree.get(e["b"], 0) + 1
    return sorted(range(len(scene.nodes)), key=lambda i: (not scene.nodes[i]["focus"], -scene.nodes[i]["size"],
                                                         -degree.get(scene.nodes[i]["iri"], 0), scene.nodes[i]["label"]))


def json_for_script(data) -> str:
    """JSON that can sit inside a ``<script type="application/json">`` element:
    no ``<``, ``>`` or ``&`` (so no ``</script>``), no line separators.

    >>> json_for_script({"a": "</script><b>&"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    import json

    text = json.dumps(data, ensure_ascii=False)
    for c, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(c, esc)
    return text


def _picture_script() -> str:
    from importlib.resources import files

    return files("sse_graph").joinpath("picture.js").read_text(encoding="utf-8")


def _card_panel(lang: str) -> str:
    words = CARD_WORDS.get(lang, CARD_WORDS["en"])
    return (f'<aside id="sse-card" hidden><button id="sse-card-close" type="button" '
            f'aria-label="{html.escape(words["close"])}">×</button><h2></h2><dl></dl></aside>')


_PYVIS_IMPORT = threading.Lock()


class _NoNotebook:
    """What ``IPython.display.IFrame`` is to pyvis when pyvis is imported without IPython:
    pyvis uses it only to show a page inside a notebook (``Network.show`` with
    ``notebook=True``), which this package never does."""

    def __init__(self, *_args, **_kwargs):
        raise RuntimeError("pyvis was imported without IPython: no notebook display")


def pyvis_network():
    """pyvis's ``Network`` class, imported without importing IPython when IPython is not
    loaded yet: ``pyvis.network`` imports ``IPython.display.IFrame`` at its top for
    notebooks only, and importing IPython (prompt_toolkit, jedi, …) cost ~0.35 s of
    each ``draw``.  During that import only, ``IPython`` and ``IPython.display`` are
    stand-in modules whose ``IFrame`` refuses to be used; they are removed right after,
    so a later ``import IPython`` gets the real one.  The page pyvis writes is the same
    byte for byte (tests/test_draw_fast.py)."""
    import sys
    import types

    with _PYVIS_IMPORT:
        if "pyvis.network" in sys.modules or "IPython" in sys.modules:
            from pyvis.network import Network

            return Network
        package, display = types.ModuleType("IPython"), types.ModuleType("IPython.display")
        display.IFrame = _NoNotebook
        package.display = display
        sys.modules.update({"IPython": package, "IPython.display": display})
        try:
            from pyvis.network import Network
        finally:
            for name, stand_in in (("IPython", package), ("IPython.display", display)):
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
        return Network


def scene_html(scene: Scene, *, height: str = "100%", seed: int = 42) -> Picture:
    """The scene as a self-contained pyvis page (the only place that touches pyvis).

    The focus view is drawn in rows (world at the top, local at the bottom) that
    picture.js wraps and spreads over the whole frame, names at 13-16 px on
    screen; edges carry no text (a "member of" on each of forty edges reads as
    noise and covers the names): their colour is the relation, named in the
    legend and in each edge's tooltip.  The whole network is spread to fill the frame,
    and its labels are drawn at 13 px on screen, the most important first, a
    label that would overlap another being left to the tooltip (picture.js).
    The page fills its window (``height`` is the default of the drawing area
    when the page is not given one)."""
    Network = pyvis_network()

    layered = scene.focus_label is not None  # rows laid out in the frame by picture.js
    pos = {n["iri"]: (n["x"], n["y"]) for n in scene.nodes}
    if not layered and len(pos) > 2:
        unit = spread_positions(pos)
        side = 160 * math.sqrt(len(pos))
        pos = {k: (x * side, y * side) for k, (x, y) in unit.items()}
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", notebook=False)
    net.set_options('{"physics": {"enabled": false}, "layout": {"randomSeed": %d}, '
                    '"interaction": {"hover": true, "tooltipDelay": 120}, '
                    '"edges": {"smooth": false, "arrows": {"to": {"scaleFactor": %s}}}}' % (seed, 0.7 if layered else 0.5))
    ids = {}
    for i, n in enumerate(scene.nodes):
        ids[n["iri"]] = i
        x, y = pos[n["iri"]]
        net.add_node(i, label=safe_text(n["label"]), title=safe_text(n["title"]), color=n["colour"], shape=n["shape"],
                     size=n["size"], x=x, y=y, borderWidth=4 if n["focus"] else 1,
                     font={"size": (18 if n["focus"] else 16) if layered else PX})
    for e in scene.edges:
        # the chain is drawn thick in the colour of its relation: colours always mean the relation
        net.add_edge(ids[e["a"]], ids[e["b"]], title=safe_text(f"{e['relation']} — {e['file']}"), color=e["colour"], width=4 if e["chain"] else 1)
    page = net.generate_html(notebook=False)
    if "popup.innerHTML" in page:  # pragma: no cover - safe_text prevents it
        raise RuntimeError("pyvis switched its tooltips to innerHTML")
    # pyvis links bootstrap from a CDN for menus we do not use: nothing leaves the page.
    page = re.sub(r"<link[^>]*cdn\.jsdelivr\.net[^>]*>", "", page)
    page = re.sub(r"<script[^>]*cdn\.jsdelivr\.net[^>]*>\s*</script>", "", page)
    page = page.replace("<head>", f'<head>\n<meta http-equiv="Content-Security-Policy" content="{CSP}">', 1)
    words = CARD_WORDS.get(scene.lang, CARD_WORDS["en"])
    data = {"mode": "rows" if layered else "fit", "px": PX, "margin_x": 70, "margin_y": 30,
            "rows": [[level, [ids[n] for n in row]] for level, row in scene.rows] if layered else [],
            "focus": next((i for i, n in enumerate(scene.nodes) if n["focus"]), None),
            "order": label_order(scene), "words": words,
            "top": 1 if layered else max(5, round(0.03 * len(scene.nodes))),  # labels that may cover other nodes
            "cards": [{"name": n["full"], "kinds": n.get("kinds", []), "level": n.get("level", ""),
                       "sources": n.get("sources", [])} for n in scene.nodes]}
    legend = _legend(scene.legend, scene.lang, scene.focus_label, scene.relations, None if layered else words["hint"],
                     short_caption(scene))
    page = page.replace('<div id="mynetwork" class="card-body"></div>',
                        '<div id="mynetwork" class="card-body"></div>' + _card_panel(scene.lang), 1)
    page = page.replace("</body>", f"<style>{PAGE_CSS}</style>\n{legend}\n"
                        f'<script type="application/json" id="sse-data">{json_for_script(data)}</script>\n'
                        f"<script>\n{_picture_script()}</script>\n</body>", 1)
    return Picture(page, len(scene.nodes), len(scene.edges), [n["iri"] for n in scene.nodes])
