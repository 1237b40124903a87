"""Pictures for reports: SVG and PNG files of the seed graph (A4, labels as text,
no two label boxes overlapping), colours that mean the relation, and
``draw --as-of`` leaving out a relation that does not count on the date
(tests/data/time/, dated memberships)."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIME = Path(__file__).resolve().parent / "data" / "time" / "graph"
ID = "https://w3id.org/sse-graph/id/"
SVG = "{http://www.w3.org/2000/svg}"


def draw(*args, data=None):
    extra = ["--data", str(data)] if data else []
    return subprocess.run([sys.executable, "-m", "sse_graph", "draw", *args, *extra], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, cwd=ROOT, timeout=300)


def boxes_overlap(boxes):
    bs = sorted(boxes)
    for i, a in enumerate(bs):
        for b in bs[i + 1:]:
            if b[0] >= a[2]:
                break
            if a[1] < b[3] and b[1] < a[3]:
                return (a, b)
    return None


@pytest.fixture(scope="module")
def seed_scene(store):
    from sse_graph.draw import build_scene

    return build_scene(store, projection="all")


@pytest.mark.parametrize("args", [["-p", "all"], ["--focus", "ConcertES"]])
def test_svg_is_a4_with_labels_as_text(built, tmp_path, args):
    out = tmp_path / "picture.svg"
    r = draw("-o", str(out), *args)
    assert r.returncode == 0, r.stderr
    root = ET.parse(out).getroot()  # well-formed XML
    assert root.get("width") == "297mm" and root.get("height") == "210mm"
    texts = [t for t in root.iter(f"{SVG}text")]
    shown = {"".join(t.itertext()).strip() for t in texts}
    assert int(root.get("font-size")) >= 12
    if "--focus" in args:
        assert "ConcertES" in "".join(shown) and "Social Economy Europe" in "".join(shown)
        assert len(list(root.iter(f"{SVG}circle"))) >= 19  # every node of the neighbourhood
    else:
        assert len(texts) > 50


def test_whole_network_svg_is_legible_on_a4(built, tmp_path):
    """The whole seed graph as an A4 SVG, read back from the file: every label at least
    7 pt on paper, no two text boxes overlapping (measured with the font the SVG names),
    the names of the biggest bodies shown, and every text inside the page (the legend too)."""
    from sse_graph.draw_static import FONT_PX, _font

    out = tmp_path / "all.svg"
    r = draw("-o", str(out), "-p", "all")
    assert r.returncode == 0, r.stderr
    root = ET.parse(out).getroot()
    _x, _y, width, height = map(float, root.get("viewBox").split())
    points_per_unit = (297 / 25.4 * 72) / width  # A4 landscape is 297 mm wide
    size = float(root.get("font-size"))
    assert size * points_per_unit >= 7
    font = _font(int(size))
    boxes, shown = [], set()
    for t in root.iter(f"{SVG}text"):
        text = "".join(t.itertext())
        x, y = float(t.get("x")), float(t.get("y"))
        assert 0 <= x and x + font.getlength(text) <= width + 1 and y <= height, text
        left, top, right, bottom = font.getbbox(text, anchor="ls")  # the ink around the baseline
        boxes.append((x + left, y + top, x + right, y + bottom))
        shown.add(text)
    assert len(boxes) > 100
    assert boxes_overlap(boxes) is None
    assert {"ConcertES", "ESS France", "C.I.T.I.E.S."} <= shown


def test_png_is_a4_at_150_dpi(built, tmp_path):
    from PIL import Image

    out = tmp_path / "picture.png"
    r = draw("-o", str(out), "--focus", "ConcertES")
    assert r.returncode == 0, r.stderr
    img = Image.open(io.BytesIO(out.read_bytes()))
    assert img.format == "PNG" and img.size == (1754, 1240)
    assert len(set(img.convert("RGB").get_flattened_data())) > 10  # something is drawn, in colours


def test_format_follows_the_option_and_refuses_others(built, tmp_path):
    out = tmp_path / "x.out"
    assert draw("-o", str(out), "--format", "svg", "--focus", "ConcertES").returncode == 0
    ET.parse(out)
    r = draw("-o", str(tmp_path / "x.gif"), "--format", "gif")
    assert r.returncode == 2 and "gif" in r.stderr and not (tmp_path / "x.gif").exists()


@pytest.mark.parametrize("org, depth, projection", [("SAW-B", 1, "all"), ("SAW-B", 2, "representation"),
                                                     ("RIPESS", 2, "all"), ("SAW-B", 2, "all")])
def test_focus_svg_names_every_node_and_fills_the_page(store, questions, org, depth, projection):
    """The A4 picture of a neighbourhood, read back from the SVG: a name for every node
    (115 for SAW-B's whole neighbourhood at depth 2), no two text boxes overlapping, every
    name inside the page, the nodes spread over the page's width and height, in rows
    (world at the top)."""
    from sse_graph.draw import build_scene
    from sse_graph.draw_static import FONT_PX, HEIGHT, WIDTH, _font, _legend_height, render_svg

    scene = build_scene(store, focus=questions.resolve(org), depth=depth, projection=projection, labels=questions.labels)
    root = ET.fromstring(render_svg(scene))
    font = _font(FONT_PX)
    names, boxes = [], []
    for g in root.iter(f"{SVG}g"):  # a node's name: a <text> with its full name as <title>
        t = g.find(f"{SVG}text")
        text = "".join(t.itertext())
        x, y = float(t.get("x")), float(t.get("y"))
        left, top, right, bottom = font.getbbox(text, anchor="ls")
        boxes.append((x + left, y + top, x + right, y + bottom))
        names.append(text)
    assert len(names) == len(scene.nodes)
    assert boxes_overlap(boxes) is None
    assert all(0 <= b[0] and b[2] <= WIDTH and 0 <= b[1] and b[3] <= HEIGHT - _legend_height(scene) + 20 for b in boxes)
    xs = [float(c.get("cx")) for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert len(xs) == len(scene.nodes)
    assert max(ys) - min(ys) >= 0.75 * (HEIGHT - _legend_height(scene))
    assert max(xs) - min(xs) >= 0.6 * WIDTH
    focus = next(n for n in scene.nodes if n["focus"])
    assert focus["label"] in names


def test_no_two_label_boxes_overlap_and_labels_are_readable(seed_scene):
    from sse_graph.draw_static import FONT_PX, _fit, _font, layout_labels

    boxes = layout_labels(seed_scene, _fit(seed_scene), _font(FONT_PX))
    assert len(boxes) > 50 and FONT_PX >= 12
    assert boxes_overlap(list(boxes.values())) is None
    assert all(b[3] - b[1] >= 12 for b in boxes.values())


def test_edge_colours_mean_the_relation(seed_scene):
    colour_of = {}
    for e in seed_scene.edges:
        colour_of.setdefault(e["relation"], set()).add(e["colour"])
    assert len(colour_of) >= 5
    assert all(len(c) == 1 for c in colour_of.values())  # one colour per relation ...
    colours = [next(iter(c)) for c in colour_of.values()]
    assert len(set(colours)) == len(colours)  # ... and a different one for each
    # and the chain of the focus does not repaint its edges
    from sse_graph.draw import EDGE_COLOURS

    assert {r: next(iter(c)) for r, c in colour_of.items()} == {r: EDGE_COLOURS[r] for r in colour_of}


# ---------------------------------------------------------------- --as-of
@pytest.fixture(scope="module")
def time_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("pictime")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(TIME, root / "graph")
    return root


def edge_pairs(scene):
    return {(e["a"], e["b"]) for e in scene.edges}


def test_as_of_leaves_out_a_relation_that_does_not_count(time_folder):
    from sse_graph import Store, build
    from sse_graph.draw import build_scene

    store = Store(build(time_folder).dataset_path)
    every = edge_pairs(build_scene(store, projection="all", size_metric=""))
    alpha_delta = (ID + "t-alpha", ID + "t-delta")  # ended 2006
    alpha_beta = (ID + "t-alpha", ID + "t-beta")  # 2010-2015
    assert alpha_delta in every and alpha_beta in every
    in_2012 = edge_pairs(build_scene(store, projection="all", size_metric="", as_of=date(2012, 6, 1)))
    assert alpha_beta in in_2012 and alpha_delta not in in_2012
    in_2016 = edge_pairs(build_scene(store, projection="all", size_metric="", as_of=date(2016, 6, 1)))
    assert alpha_beta not in in_2016
    # Mu in Delta, last attested 2005: counted in 2012 unless strict
    mu = (ID + "t-mu", ID + "t-delta")
    assert mu in in_2012
    assert mu not in edge_pairs(build_scene(store, projection="all", size_metric="", as_of=date(2012, 6, 1), strict=True))


def test_draw_as_of_on_the_command_line(time_folder, tmp_path):
    out = tmp_path / "t.svg"
    r = draw("-o", str(out), "-p", "all", "--size", "", "--focus", "Alpha", "--as-of", "2005-12-31", data=time_folder)
    assert r.returncode == 0, r.stderr
    shown = {"".join(t.itertext()).strip() for t in ET.parse(out).getroot().iter(f"{SVG}text")}
    assert "Delta" in shown and "Beta" not in shown  # Alpha joined Beta in 2010
    r = draw("-o", str(tmp_path / "bad.svg"), "--as-of", "yesterday", data=time_folder)
    assert r.returncode == 2 and not (tmp_path / "bad.svg").exists()
    r = draw("-o", str(tmp_path / "bad.svg"), "--strict", data=time_folder)
    assert r.returncode == 2


# ---------------------------------------------------------------- viewer
def test_explore_page_offers_the_picture_as_png_and_svg(built):
    from test_app import open_page

    at = open_page("explore", org="RIPESS")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Picture (PNG, A4)" in labels and "Picture (SVG, A4)" in labels
    from sse_graph.viewer.pages import picture_file

    svg = picture_file("svg", "https://w3id.org/sse-graph/id/ripess", 2, "representation", "en", None)
    shown = {"".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")}
    assert "RIPESS" in shown


def test_focus_view_is_layered_by_level(store, questions):
    """Who represents whom in rows: European above national above its members."""
    from sse_graph.draw import build_scene

    scene = build_scene(store, focus=questions.resolve("ConcertES"), labels=questions.labels)
    y = {n["label"]: n["y"] for n in scene.nodes}
    assert y["Social Economy Europe"] < y["ConcertES"] < y["SAW-B"]
    row = sorted((n["x"], n["label"]) for n in scene.nodes if n["y"] == y["SAW-B"])
    assert len(row) > 5  # a row of peers, spaced by the width of their names
    assert all(b[0] - a[0] >= 10 * (len(a[1]) + len(b[1])) / 2 for a, b in zip(row, row[1:]))


# ---------------------------------------------------------------- browser
# Where each drawn label is on screen: vis draws the text of a label at its box moved down by
# font.vadjust (a label placed above its node); a node without a label draws none.
LABEL_BOXES = """() => { const out = []; const s = network.getScale();
  for (const id of network.body.nodeIndices) { const n = network.body.nodes[id]; const l = n.labelModule;
    if (!n.options.label || !l.size || !l.size.width) continue;
    const v = n.options.font.vadjust || 0;
    const a = network.canvasToDOM({x: l.size.left, y: l.size.top + v});
    const b = network.canvasToDOM({x: l.size.left + l.size.width, y: l.size.top + l.size.height + v});
    out.push({id: id, px: n.options.font.size * s, box: [a.x, a.y, b.x, b.y]}); }
  return out; }"""


@pytest.mark.browser
@pytest.mark.parametrize("org", ["ConcertES", "Social Economy Europe", "RIPESS"])
def test_focus_picture_labels_are_12px_and_never_overlap_in_chromium(built, tmp_path, page, org):
    """Measured on the drawn vis-network canvas at the default size, after fit."""
    from conftest import offline

    out = tmp_path / "focus.html"
    r = draw("-o", str(out), "--focus", org)
    assert r.returncode == 0, r.stderr
    offline(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(out.as_uri())
    page.wait_for_function("() => typeof network !== 'undefined'")
    page.wait_for_timeout(300)
    labels = page.evaluate(LABEL_BOXES)
    assert len(labels) == page.evaluate("network.body.data.nodes.length") >= 5
    assert min(l["px"] for l in labels) >= 12
    assert boxes_overlap([l["box"] for l in labels]) is None


# ---------------------------------------------------------------- focus pictures, legible for a report
def _bench_draw():
    """benchmarks/draw.py: the focus pictures are measured there and here the same way."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_draw", ROOT / "benchmarks" / "draw.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FOCUS_PICTURES = [  # (organisation, depth, date, projection): SAW-B at depth 1 and 2, with a date, and large ones
    ("SAW-B", 1, None, "representation"), ("SAW-B", 1, None, "all"), ("SAW-B", 2, None, "representation"),
    ("SAW-B", 2, "2015-01-01", "representation"), ("RIPESS", 2, None, "all"),
    ("Social Economy Europe", 2, "2020-01-01", "all"), ("SAW-B", 2, None, "all")]


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1280, 800), (900, 600)], ids=["1280x800", "900x600"])
@pytest.mark.parametrize("case", FOCUS_PICTURES, ids=lambda c: f"{c[0]}-d{c[1]}-{c[3]}" + (f"-{c[2][:4]}" if c[2] else ""))
def test_focus_picture_fills_the_frame_with_legible_names(store, questions, tmp_path, page, case, size):
    """A focus picture at its initial view in chromium: what is drawn spans the frame (less
    than 35 % of it empty outside the box of the nodes and names, once there are more than
    five nodes; top to bottom even for two), every name at least 12 px, the edges carry no
    text (their colour is the relation, named in the legend), no two names overlap, every
    name shown in 1280x800 (nine in ten for the 115 nodes of SAW-B's whole neighbourhood at
    depth 2; in 900x600 the names of a picture of more than 30 nodes that do not fit are left
    to the tooltip and to zooming in), and nothing is asked of the network."""
    from datetime import date

    from conftest import offline

    from sse_graph.draw import draw_html

    org, depth, as_of, projection = case
    pic = draw_html(store, focus=questions.resolve(org), depth=depth, projection=projection, labels=questions.labels,
                    as_of=date.fromisoformat(as_of) if as_of else None)
    out = tmp_path / "focus.html"
    out.write_text(pic.html, encoding="utf-8")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    offline(page)
    m = _bench_draw().measure_focus(page, out, size)
    w, h = m["frame"]
    x0, y0, x1, y1 = m["bbox"]
    assert m["nodes"] == pic.nodes
    assert m["node_px"] >= 12 and m["overlaps"] == 0
    assert m["edges_labelled"] == 0  # the relation is the edge's colour, named in the legend
    if size == (1280, 800) or m["nodes"] <= 30:
        assert m["labels"] >= (0.9 * m["nodes"] if m["nodes"] > 100 else m["nodes"])
    assert (y1 - y0) >= 0.75 * h
    if m["nodes"] > 5:
        assert m["empty"] < 0.35, m
    legend = page.inner_text("#sse-legend")
    assert "member of" in legend
    assert not asked


@pytest.mark.browser
def test_focus_picture_is_laid_out_again_for_a_resized_window(store, questions, tmp_path, page):
    """From 1280x800 to 900x600 and to 1600x1000: the rows are wrapped again for the new frame."""
    from conftest import offline

    from sse_graph.draw import draw_html

    out = tmp_path / "focus.html"
    out.write_text(draw_html(store, focus=questions.resolve("SAW-B"), depth=2, labels=questions.labels).html,
                   encoding="utf-8")
    offline(page)
    bench = _bench_draw()
    first = bench.measure_focus(page, out, (1280, 800))
    for width, height in [(900, 600), (1600, 1000)]:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function("w => document.querySelector('#mynetwork canvas').getBoundingClientRect().width === w",
                               arg=width)
        page.wait_for_timeout(800)  # laid out and labelled again after a resize
        m = bench.focus_figures(page)
        assert m["frame"][0] == width and m["frame"][1] < height
        assert m["labels"] == m["nodes"] == first["nodes"]
        assert m["node_px"] >= 12 and m["overlaps"] == 0 and m["empty"] < 0.35
        x0, y0, x1, y1 = m["bbox"]
        assert x1 <= width and y1 <= m["frame"][1] and x0 >= 0 and y0 >= 0


# ---------------------------------------------------------------- the whole network in the browser
NODE_POINTS = """() => { const pos = network.getPositions(); const out = {};
  for (const id in pos) { const p = network.canvasToDOM(pos[id]); out[id] = [p.x, p.y]; } return out; }"""
CANVAS = """() => { const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
  return {w: r.width, h: r.height, top: r.top, bottom: r.bottom, window: window.innerHeight}; }"""


def open_picture(page, path, width, height):
    from conftest import offline

    offline(page)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(path.as_uri())
    page.wait_for_function("() => typeof network !== 'undefined' && document.body.hasAttribute('data-labels-shown')")
    page.wait_for_timeout(400)


@pytest.fixture(scope="module")
def whole_network(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "all.html"
    r = draw("-o", str(out), "-p", "all")
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1280, 800), (900, 600)])
def test_whole_network_labels_are_12px_never_overlap_and_fill_the_frame(whole_network, page, size):
    """The seed graph, every relation (253 nodes): measured on the drawn canvas at the default zoom."""
    open_picture(page, whole_network, *size)
    labels = page.evaluate(LABEL_BOXES)
    nodes = page.evaluate("network.body.data.nodes.length")
    assert nodes > 200
    assert len(labels) >= 20 and len(labels) == int(page.evaluate("document.body.getAttribute('data-labels-shown')"))
    assert min(l["px"] for l in labels) >= 12
    assert boxes_overlap([l["box"] for l in labels]) is None
    # the names that matter most are shown: the five biggest nodes (by reach)
    sizes = page.evaluate("network.body.data.nodes.get().map(n => [n.id, n.size])")
    biggest = {i for i, _s in sorted(sizes, key=lambda x: -x[1])[:5]}
    assert biggest <= {l["id"] for l in labels}
    # every other name is on hover: each node keeps its whole name as a tooltip
    titles = page.evaluate("network.body.data.nodes.get().map(n => n.title)")
    assert all(t and t.split("\n")[0] for t in titles)
    # the graph fills the frame: nodes reach within 10 % of each side
    canvas = page.evaluate(CANVAS)
    xs, ys = zip(*page.evaluate(NODE_POINTS).values())
    assert min(xs) < 0.1 * canvas["w"] and max(xs) > 0.9 * canvas["w"]
    assert min(ys) < 0.1 * canvas["h"] and max(ys) > 0.9 * canvas["h"]
    # and the frame follows the window: the drawing and its legend take the window's height
    legend = page.evaluate("document.getElementById('sse-legend').getBoundingClientRect().height")
    assert abs(canvas["h"] + legend - size[1]) <= 2


@pytest.mark.browser
def test_the_picture_follows_a_resized_window(whole_network, page):
    open_picture(page, whole_network, 1280, 800)
    before = page.evaluate(CANVAS)
    page.set_viewport_size({"width": 1000, "height": 560})
    page.wait_for_function("h => document.querySelector('#mynetwork canvas').getBoundingClientRect().height < h", arg=before["h"])
    page.wait_for_timeout(800)  # the labels are placed again after a resize
    after = page.evaluate(CANVAS)
    assert after["h"] < before["h"] - 200 and after["bottom"] <= 560
    labels = page.evaluate(LABEL_BOXES)
    assert min(l["px"] for l in labels) >= 12 and boxes_overlap([l["box"] for l in labels]) is None
    assert all(b[2] <= after["w"] + 2 and b[3] <= after["h"] + 2 for b in (l["box"] for l in labels))


@pytest.mark.browser
def test_zooming_in_shows_more_names_still_12px_and_apart(whole_network, page):
    """Zoomed in 2.5 times on the middle: that middle shows more names than it did."""
    open_picture(page, whole_network, 1280, 800)
    canvas = page.evaluate(CANVAS)
    w, h = canvas["w"] / 2.5, canvas["h"] / 2.5
    x0, y0 = (canvas["w"] - w) / 2, (canvas["h"] - h) / 2
    points = page.evaluate(NODE_POINTS)
    middle = {int(i) for i, (x, y) in points.items() if x0 <= x <= x0 + w and y0 <= y <= y0 + h}
    before = [l for l in page.evaluate(LABEL_BOXES) if l["id"] in middle]
    page.evaluate("network.moveTo({scale: network.getScale() * 2.5})")
    page.wait_for_timeout(800)
    labels = page.evaluate(LABEL_BOXES)
    assert len(middle) > 20 and len(labels) > len(before)
    assert min(l["px"] for l in labels) >= 12 and boxes_overlap([l["box"] for l in labels]) is None


@pytest.mark.browser
def test_clicking_a_node_shows_its_card_as_text(built, store, questions, tmp_path, page):
    """The standalone picture: the card of the clicked node (name, kind, level, sources), from the graph."""
    out = tmp_path / "focus.html"
    assert draw("-o", str(out), "--focus", "ConcertES").returncode == 0
    open_picture(page, out, 1280, 800)
    assert page.is_hidden("#sse-card")
    iri = questions.resolve("SAW-B")
    node = page.evaluate("network.body.data.nodes.get().filter(n => n.title.split('\\n')[0] === 'SAW-B').map(n => n.id)")
    assert len(node) == 1
    x, y = page.evaluate(NODE_POINTS)[str(node[0])]
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_selector("#sse-card:not([hidden])")
    card = page.inner_text("#sse-card")
    assert page.inner_text("#sse-card h2") == "SAW-B"
    level = store.select(f"PREFIX sse: <https://w3id.org/sse-graph/ontology#> SELECT ?l WHERE {{ <{iri}> sse:level ?l }}").dicts()
    assert level and questions.labels.label(level[0]["l"], "en") in card
    assert "federation" in card and "003_6530fe94a40990bb.txt" in card
    # built as text: the panel holds only its own elements
    assert set(page.evaluate("[...document.querySelectorAll('#sse-card *')].map(e => e.tagName)")) <= {"BUTTON", "H2", "DL", "DT", "DD"}
    page.click("#sse-card-close")
    assert page.is_hidden("#sse-card")


@pytest.fixture(scope="module")
def xss_picture(tmp_path_factory):
    from xss import write_dataset

    folder = tmp_path_factory.mktemp("xss-picture")
    write_dataset(folder)
    out = folder / "xss.html"
    r = subprocess.run([sys.executable, "-m", "sse_graph", "draw", "-p", "all", "-o", str(out)], capture_output=True,
                       text=True, env={**os.environ, "SSE_GRAPH_DATA": str(folder),
                                       "SSE_GRAPH_CACHE": str(tmp_path_factory.mktemp("xss-cache"))}, timeout=600)
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.browser
def test_hostile_names_stay_text_in_labels_and_cards(xss_picture, page):
    """Every node of the XSS dataset clicked: its card shows the payload as text, nothing runs."""
    from xss import PAYLOADS

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_picture(page, xss_picture, 1280, 800)
    labels = page.evaluate(LABEL_BOXES)
    assert boxes_overlap([l["box"] for l in labels]) is None
    names = []
    for node, (x, y) in page.evaluate(NODE_POINTS).items():
        page.evaluate("id => network.emit('click', {nodes: [id], edges: []})", int(node))  # what a click emits
        names.append(page.inner_text("#sse-card h2"))
    assert any(PAYLOADS[0] in n for n in names) and any(PAYLOADS[4] in n for n in names)
    assert set(page.evaluate("[...document.querySelectorAll('#sse-card *')].map(e => e.tagName)")) <= {"BUTTON", "H2", "DL", "DT", "DD"}
    assert page.evaluate("document.title") != "XSS" and page.evaluate("typeof window.__xss") == "undefined"
    assert not dialogs


def test_picture_data_cannot_close_its_script_element(store):
    """The card data sit in a JSON script element: a name holding ``</script>`` cannot end it."""
    from sse_graph.draw import build_scene, json_for_script, scene_html

    scene = build_scene(store, projection="representation")
    scene.nodes[0]["full"] = "</script><script>document.title='XSS'</script>"
    page = scene_html(scene).html
    data = page.split('<script type="application/json" id="sse-data">', 1)[1]
    assert data.index("</script>") > data.index("\\u003c/script\\u003e")
    assert "</script><script>document.title" not in page
    assert json_for_script("<&>\u2028") == '"\\u003c\\u0026\\u003e\\u2028"'


# ---------------------------------------------------------------- the click in the explorer
@pytest.fixture(scope="module")
def app(built, tmp_path_factory):
    from test_browser import start_app

    proc, base = start_app(dict(os.environ), tmp_path_factory.mktemp("pic-app") / "streamlit.log")
    yield base
    proc.terminate()
    proc.wait(10)


def explorer_picture(page, url):
    from conftest import offline

    offline(page)
    page.goto(url)
    page.wait_for_selector("iframe.sse-picture", timeout=90000)
    frame = page.frame_locator("iframe.sse-picture")
    frame.locator("body[data-labels-shown]").wait_for(timeout=60000)
    inner = next(f for f in page.frames if f.parent_frame == page.main_frame)
    page.wait_for_timeout(600)  # the frame takes its height, the picture is fitted and labelled again
    return inner


@pytest.mark.browser
def test_explorer_picture_follows_the_window_and_a_click_opens_the_card(app, page):
    heights = []
    for width, height in [(1280, 1000), (1280, 760)]:
        page.set_viewport_size({"width": width, "height": height})
        frame = explorer_picture(page, app + "/explore?lang=en")
        box = page.query_selector("iframe.sse-picture").bounding_box()
        assert abs(box["y"] + box["height"] - (height - 16)) <= 2 or box["height"] == 420  # to the window's bottom
        heights.append(box["height"])
        # the picture stays sandboxed to scripts only: an opaque origin, the app out of its reach
        assert page.get_attribute("iframe.sse-picture", "sandbox") == "allow-scripts"
        assert frame.evaluate("() => window.origin") == "null"
        labels = frame.evaluate(LABEL_BOXES)
        assert min(l["px"] for l in labels) >= 12 and boxes_overlap([l["box"] for l in labels]) is None
    assert heights[0] - heights[1] >= 200
    # click a node -> the organisation's card, by a deep link that names it by IRI
    node = frame.evaluate("network.body.data.nodes.get().filter(n => n.title.split('\\n')[0] === 'RIPESS').map(n => n.id)")
    assert len(node) == 1
    x, y = frame.evaluate(NODE_POINTS)[str(node[0])]
    box = page.query_selector("iframe.sse-picture").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + x, box["y"] + y)
    # the card is the first screen (served at "/", "/organisation" its alias): the deep link names the node
    page.wait_for_function("() => new URLSearchParams(location.search).get('view') === 'card'", timeout=60000)
    page.wait_for_function("() => document.body.innerText.includes('Who it is')", timeout=60000)
    import urllib.parse

    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["org"] == [ID + "ripess"] and query["view"] == ["card"] and query["lang"] == ["en"]
    assert "RIPESS" in page.inner_text('[data-testid="stMainBlockContainer"]')
    # the click made one history entry: one Back shows the picture again, at the explorer's own address
    page.go_back()
    page.wait_for_function("() => location.pathname.endsWith('/explore') && !location.search.includes('view=card')",
                           timeout=60000)
    page.wait_for_selector("iframe.sse-picture", timeout=60000)
    assert "Who it is" not in page.inner_text('[data-testid="stMainBlockContainer"]')


@pytest.mark.browser
def test_a_forged_message_opens_nothing(app, page):
    """Only the picture's own frame, and only a node number it drew, can open a card."""
    explorer_picture(page, app + "/explore?lang=en")
    page.evaluate("() => { window.postMessage({open: 0}, '*'); }")  # from the page itself, not the picture
    frame = next(f for f in page.frames if f.parent_frame == page.main_frame)
    frame.evaluate("() => parent.postMessage({open: 100000}, '*')")  # not a node of the picture
    frame.evaluate("() => parent.postMessage({open: 'https://evil.example/'}, '*')")
    page.wait_for_timeout(2500)
    # still the explorer, and no organisation opened (a card would put ?org=… and view=card in the address)
    assert page.evaluate("location.pathname").endswith("/explore")
    assert page.evaluate("new URLSearchParams(location.search).get('view')") != "card"


@pytest.mark.browser
def test_explorer_focus_picture_fills_its_frame_with_legible_names(app, page):
    """The explorer's picture of SAW-B's neighbourhood (depth 2), in its sandboxed frame."""
    page.set_viewport_size({"width": 1280, "height": 1000})
    frame = explorer_picture(page, app + "/explore?org=SAW-B&lang=en")
    m = _bench_draw().focus_figures(frame)
    assert m["nodes"] == 19 and m["labels"] == m["nodes"]
    assert m["node_px"] >= 12 and m["overlaps"] == 0 and m["edges_labelled"] == 0
    assert m["empty"] < 0.35, m
