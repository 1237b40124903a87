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
LABEL_BOXES = """() => { const out = []; const s = network.getScale();
  for (const id of network.body.nodeIndices) { const n = network.body.nodes[id]; const l = n.labelModule;
    if (!l.size || !l.size.width) continue;
    const a = network.canvasToDOM({x: l.size.left, y: l.size.top});
    const b = network.canvasToDOM({x: l.size.left + l.size.width, y: l.size.top + l.size.height});
    out.push({px: n.options.font.size * s, box: [a.x, a.y, b.x, b.y]}); }
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
