"""How long headless chromium takes to draw the pictures of `sse-graph draw`,
and how long `draw --focus` takes end to end on a large graph.

    python benchmarks/draw.py
    python benchmarks/draw.py --ego-data /work/bench/g1m --focus gen/federation-3:1 --focus gen/chamber-0:1

Measures, in Debian's chromium (offline), from navigation to vis-network's first
`afterDrawing` event: the whole seed graph (every relation), an ego view
(SAW-B, depth 2), and a synthetic 5,000-node picture (benchmarks/generate.py).
Baseline measured in the same run: the same 5,000 nodes with pyvis's default
physics (what a plain pyvis export does), capped at 60 s.
Target (issue 6): the seed graph drawn in under 3 s.

``--ego-data DIR`` (issue 16: "draw of an ego view in under 2 s" at 1M triples):
for each ``--focus NAME:DEPTH``, a fresh ``python -m sse_graph draw --focus NAME
--depth DEPTH -o x.html --data DIR`` process (start-up, cache check, name lookup,
queries, layout, HTML: what a user waits for), beside, in the same run, the
former whole-graph path (``build_scene(whole=True)``: every relation, kind, level
and the representation projection read, then the ego graph cut out) in a fresh
process capped at ``--cap`` seconds, and ``python -c pass``.  The build of DIR
must be in the cache already (``sse-graph build --engine fast --data DIR``).

    python benchmarks/draw.py --labels

Legibility of the whole-network picture (issue 15), measured on the drawn
canvas at the default zoom in two window sizes: labels shown, smallest label on
screen (px), overlapping label pairs, share of the frame's width and height the
nodes span, and the time from navigation to the labels being placed.  Baseline
in the same run: the same page without its label placement (sse_graph/picture.js
removed: vis-network's own fit, every label drawn).  Targets: smallest label
>= 12 px, 0 overlapping pairs.

    python benchmarks/draw.py --focus-labels [--baseline TREE]

Legibility of the focus pictures (``draw --focus``, and the explorer's picture
of a neighbourhood), measured on the drawn canvas in a 1280x800 window after the
initial fit: frame size, bounding box of what is drawn (node discs, node and
edge labels), the frame's empty fraction outside that box, the smallest node
and edge label in CSS px, and overlapping label pairs (node and edge labels
together).  ``--baseline TREE``: the same pages drawn by another source tree
(e.g. ``git archive`` of main) in the same run.  Targets: empty < 35 %, node
labels >= 12 px, edge labels >= 11 px (or none: relation by colour and legend),
0 overlaps.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

HOOK = """() => new Promise(resolve => {
  const t0 = performance.timing.navigationStart;
  if (typeof network === 'undefined') { resolve(-1); return; }
  let done = false;
  network.once('afterDrawing', () => { if (!done) { done = true; resolve(performance.now()); } });
  network.redraw();
})"""


def time_page(page, path: Path, cap: float = 60.0) -> float | None:
    t0 = time.perf_counter()
    page.goto(path.as_uri())
    try:
        page.wait_for_function("() => typeof network !== 'undefined'", timeout=cap * 1000)
        if page.evaluate("() => !!(network.physics && network.physics.options.enabled)"):
            page.wait_for_function("() => network.physics.stabilized === true || network.physics.stabilizationIterations === 0",
                                   timeout=cap * 1000)
        page.evaluate(HOOK)
    except Exception:  # noqa: BLE001 - over the cap
        return None
    return time.perf_counter() - t0


LABELS = """() => { const out = []; const s = network.getScale();
  for (const id of network.body.nodeIndices) { const n = network.body.nodes[id]; const l = n.labelModule;
    if (!n.options.label || !l.size || !l.size.width) continue;
    const v = n.options.font.vadjust || 0;
    const a = network.canvasToDOM({x: l.size.left, y: l.size.top + v});
    const b = network.canvasToDOM({x: l.size.left + l.size.width, y: l.size.top + l.size.height + v});
    out.push({px: n.options.font.size * s, box: [a.x, a.y, b.x, b.y]}); }
  const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
  const pos = Object.values(network.getPositions()).map(p => network.canvasToDOM(p));
  const xs = pos.map(p => p.x), ys = pos.map(p => p.y);
  return {labels: out, span: [(Math.max(...xs) - Math.min(...xs)) / r.width, (Math.max(...ys) - Math.min(...ys)) / r.height]}; }"""


def overlapping_pairs(boxes) -> int:
    bs, n = sorted(boxes), 0
    for i, a in enumerate(bs):
        for b in bs[i + 1:]:
            if b[0] >= a[2]:
                break
            n += a[1] < b[3] and b[1] < a[3]
    return n


def label_rows() -> int:
    """The legibility table (see the module's docstring)."""
    from playwright.sync_api import sync_playwright

    from sse_graph import Store, build
    from sse_graph.draw import _picture_script, draw_html
    from sse_graph.questions import Questions

    store = Store(build(ROOT).dataset_path)
    q = Questions(store, lang="en")
    pic = draw_html(store, projection="all", labels=q.labels)
    before = pic.html.replace(f"<script>\n{_picture_script()}</script>", "")
    assert before != pic.html
    rows = []
    with tempfile.TemporaryDirectory() as d, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for name, page_html in [("before: vis fit, every label", before), ("ours: placed labels", pic.html)]:
            f = Path(d) / "p.html"
            f.write_text(page_html, encoding="utf-8")
            for size in [(1280, 800), (900, 600)]:
                page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
                t0 = time.perf_counter()
                page.goto(f.as_uri())
                page.wait_for_function("() => typeof network !== 'undefined'")
                if name.startswith("ours"):
                    page.wait_for_function("() => document.body.hasAttribute('data-labels-shown')")
                seconds = time.perf_counter() - t0
                page.wait_for_timeout(300)
                m = page.evaluate(LABELS)
                px = min(l["px"] for l in m["labels"])
                rows.append((name, f"{size[0]}x{size[1]}", pic.nodes, len(m["labels"]), px,
                             overlapping_pairs([l["box"] for l in m["labels"]]), m["span"], seconds))
                page.close()
        browser.close()
    print(f"{'whole seed graph, every relation':<32}{'window':>10}{'nodes':>7}{'labels':>8}{'min px':>8}{'overlaps':>10}"
          f"{'span w/h':>12}{'seconds':>9}")
    for name, size, n, shown, px, over, span, sec in rows:
        print(f"{name:<32}{size:>10}{n:>7}{shown:>8}{px:>8.1f}{over:>10}{f'{span[0]:.2f}/{span[1]:.2f}':>12}{sec:>9.2f}")
    return 0


FOCUS_CASES = [  # (organisation, depth, date or None, projection)
    ("SAW-B", 1, None, "representation"), ("SAW-B", 2, None, "representation"), ("SAW-B", 2, "2015-01-01", "representation"),
    ("ConcertES", 2, None, "representation"), ("ConcertES", 2, "2015-01-01", "representation"),
    ("RIPESS", 2, None, "representation"), ("ESS France", 2, None, "representation"), ("CEPES", 2, None, "representation"),
    ("SAW-B", 1, None, "all"), ("SAW-B", 2, None, "all"), ("RIPESS", 1, None, "all"), ("RIPESS", 2, None, "all"),
    ("ESS France", 1, None, "all"), ("CEPES", 2, None, "all"), ("Social Economy Europe", 1, None, "all"),
    ("Social Economy Europe", 2, "2020-01-01", "all")]

WRITE_FOCUS_PAGES = """import json, sys
from datetime import date
from pathlib import Path
from sse_graph import Store, build
from sse_graph.draw import draw_html
from sse_graph.questions import Questions
store = Store(build(Path(sys.argv[1])).dataset_path)
q = Questions(store, lang="en")
for i, (name, depth, as_of, projection) in enumerate(json.loads(sys.argv[3])):
    pic = draw_html(store, focus=q.resolve(name), depth=depth, labels=q.labels, projection=projection,
                    as_of=date.fromisoformat(as_of) if as_of else None)
    Path(sys.argv[2], f"{i}.html").write_text(pic.html, encoding="utf-8")
    # the A4 picture (draw -o x.svg): labels placed, and the page's empty share outside what is drawn
    from sse_graph.draw import build_scene
    from sse_graph.draw_static import FONT_PX, HEIGHT, WIDTH, _fit, _font, _legend_height, layout_labels
    scene = build_scene(store, focus=q.resolve(name), depth=depth, labels=q.labels, projection=projection,
                        as_of=date.fromisoformat(as_of) if as_of else None)
    pos = _fit(scene)
    boxes = list(layout_labels(scene, pos, _font(FONT_PX)).values())
    drawn = boxes + [(x - 7, y - 7, x + 7, y + 7) for x, y in pos.values()]
    area = (max(b[2] for b in drawn) - min(b[0] for b in drawn)) * (max(b[3] for b in drawn) - min(b[1] for b in drawn))
    Path(sys.argv[2], f"{i}.json").write_text(json.dumps({"labels": len(boxes), "nodes": len(scene.nodes),
        "empty": 1 - area / (WIDTH * (HEIGHT - _legend_height(scene)))}))
"""

# What is drawn, on screen (CSS px of the page): node discs, node labels, edge labels.
FOCUS_MEASURE = """() => { const s = network.getScale(), out = {nodes: [], labels: [], edges: []};
  const box = (x0, y0, x1, y1) => { const a = network.canvasToDOM({x: x0, y: y0}), b = network.canvasToDOM({x: x1, y: y1});
    return [a.x, a.y, b.x, b.y]; };
  for (const id of network.body.nodeIndices) { const n = network.body.nodes[id], r = n.options.size || 10;
    out.nodes.push(box(n.x - r, n.y - r, n.x + r, n.y + r));
    const l = n.labelModule;
    if (n.options.label && l.size && l.size.width) { const v = n.options.font.vadjust || 0;
      out.labels.push({px: n.options.font.size * s, box: box(l.size.left, l.size.top + v, l.size.left + l.size.width, l.size.top + l.size.height + v)}); } }
  for (const id of network.body.edgeIndices) { const e = network.body.edges[id], l = e.labelModule;
    if (e.options.label && l.size && l.size.width)
      out.edges.push({px: e.options.font.size * s, box: box(l.size.left, l.size.top, l.size.left + l.size.width, l.size.top + l.size.height)}); }
  const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
  out.frame = [r.width, r.height]; return out; }"""


def measure_focus(page, path: Path, size=(1280, 800)) -> dict:
    """The legibility figures of one focus picture (see the module's docstring)."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(path.as_uri())
    page.wait_for_function("() => typeof network !== 'undefined'")
    try:  # pages that place their labels say so; older ones do not
        page.wait_for_function("() => document.body.hasAttribute('data-labels-shown')", timeout=5000)
    except Exception:  # noqa: BLE001
        pass
    page.wait_for_timeout(400)
    return focus_figures(page)


def focus_figures(page) -> dict:
    """The legibility figures of the focus picture open in ``page``, as drawn now."""
    m = page.evaluate(FOCUS_MEASURE)
    w, h = m["frame"]
    boxes = m["nodes"] + [l["box"] for l in m["labels"]] + [e["box"] for e in m["edges"]]
    x0, y0 = max(0.0, min(b[0] for b in boxes)), max(0.0, min(b[1] for b in boxes))
    x1, y1 = min(w, max(b[2] for b in boxes)), min(h, max(b[3] for b in boxes))
    drawn = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    texts = [l["box"] for l in m["labels"]] + [e["box"] for e in m["edges"]]
    return {"frame": (w, h), "bbox": (x0, y0, x1, y1), "empty": 1 - drawn / (w * h), "nodes": len(m["nodes"]),
            "labels": len(m["labels"]), "node_px": min((l["px"] for l in m["labels"]), default=None),
            "edges_labelled": len(m["edges"]), "edge_px": min((e["px"] for e in m["edges"]), default=None),
            "overlaps": overlapping_pairs(texts)}


def write_focus_pages(tree: Path, out: Path, cases=FOCUS_CASES) -> None:
    import json

    out.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([sys.executable, "-c", WRITE_FOCUS_PAGES, str(ROOT), str(out), json.dumps(cases)],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree)
    if r.returncode:
        raise SystemExit(f"drawing with {tree} failed: {r.stderr[-2000:]}")


def focus_rows(baseline: Path | None = None) -> int:
    """The focus pictures' legibility table (see the module's docstring)."""
    import json

    from playwright.sync_api import sync_playwright

    trees = ([("before", baseline)] if baseline else []) + [("after", ROOT)]
    rows = []
    with tempfile.TemporaryDirectory() as d, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        for name, tree in trees:
            write_focus_pages(tree, Path(d) / name)
        static = {name: [json.loads((Path(d) / name / f"{i}.json").read_text()) for i in range(len(FOCUS_CASES))]
                  for name, _tree in trees}
        for i, (org, depth, as_of, projection) in enumerate(FOCUS_CASES):
            for name, _tree in trees:
                rows.append((name, f"{org} d{depth} {projection[:3]}" + (f" {as_of[:4]}" if as_of else ""),
                             measure_focus(page, Path(d) / name / f"{i}.html")))
        browser.close()
    print("A4 picture (draw -o x.svg, 1754x1240 at 150 dpi, labels 16 px, never overlapping by construction)")
    print(f"{'tree':<7}{'focus':<34}{'nodes':>6}{'labels':>7}{'empty':>7}")
    for i, (org, depth, as_of, projection) in enumerate(FOCUS_CASES):
        for name, _tree in trees:
            a4 = static[name][i]
            print(f"{name:<7}{org + f' d{depth} {projection[:3]}' + (f' {as_of[:4]}' if as_of else ''):<34}{a4['nodes']:>6}"
                  f"{a4['labels']:>7}{a4['empty'] * 100:>6.0f}%")
    print()
    print("HTML picture in chromium, 1280x800 window, after the initial fit")
    print(f"{'tree':<7}{'focus':<34}{'nodes':>6}{'frame':>10}{'drawn box':>22}{'empty':>7}{'labels':>7}{'node px':>8}"
          f"{'edge lbl':>9}{'edge px':>8}{'overlaps':>9}")
    fmt = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    for name, focus, m in rows:
        b = m["bbox"]
        print(f"{name:<7}{focus:<34}{m['nodes']:>6}{'%dx%d' % m['frame']:>10}{'%d,%d-%d,%d' % tuple(map(round, b)):>22}"
              f"{m['empty'] * 100:>6.0f}%{m['labels']:>7}{fmt(m['node_px']):>8}{m['edges_labelled']:>9}"
              f"{fmt(m['edge_px']):>8}{m['overlaps']:>9}")
    return 0


def main() -> int:
    if "--labels" in sys.argv:
        return label_rows()
    from playwright.sync_api import sync_playwright

    from generate import generate
    from sse_graph import Store, build
    from sse_graph.draw import draw_html
    from sse_graph.questions import Questions

    store = Store(build(ROOT).dataset_path)
    q = Questions(store, lang="fr")
    rows = []
    with tempfile.TemporaryDirectory() as d, sync_playwright() as pw:
        d = Path(d)
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        pics = {
            "seed graph, every relation": draw_html(store, projection="all", labels=q.labels),
            "ego view: SAW-B, depth 2": draw_html(store, focus=q.resolve("SAW-B"), depth=2, projection="all", labels=q.labels),
        }
        # synthetic 5,000-node picture
        lines = generate(5200, 1, materialise_types=True)
        nq = d / "g.nq"
        nq.write_text("\n".join(l[:-1] + " <urn:g> ." for l in lines) + "\n", encoding="utf-8")
        big = Store(nq)
        t0 = time.perf_counter()
        pics["synthetic, 5,000 nodes (ours, physics off)"] = draw_html(big, projection="representation", lang="fr", size_metric="reach")
        gen_time = time.perf_counter() - t0
        for name, pic in pics.items():
            f = d / (name[:10].replace(" ", "_") + ".html")
            f.write_text(pic.html, encoding="utf-8")
            rows.append((name, pic.nodes, time_page(page, f)))
        # baseline: plain pyvis with its default physics on the same 5,000 nodes
        from pyvis.network import Network

        net = Network(cdn_resources="in_line", directed=True)
        from sse_graph.analysis import project

        R = project(big, "representation")[0]
        for n in R.nodes:
            net.add_node(n, label=R.nodes[n]["label"])
        for a, b in R.edges:
            net.add_edge(a, b)
        f = d / "pyvis-default.html"
        f.write_text(net.generate_html(), encoding="utf-8")
        rows.append(("synthetic, 5,000 nodes (pyvis default physics)", R.number_of_nodes(), time_page(page, f, cap=60)))
        browser.close()
    print(f"{'picture':<52}{'nodes':>7}{'seconds':>10}")
    for name, n, t in rows:
        print(f"{name:<52}{n:>7}{('> 60' if t is None else f'{t:.2f}'):>10}")
    print(f"(HTML generation of the 5,000-node picture in Python: {gen_time:.1f} s)")
    base, ours = rows[-1][2], rows[-2][2]
    if ours:
        print("ours vs pyvis default: " + ("> " + f"{60 / ours:.0f}x" if base is None else f"{base / ours:.0f}x") + " faster")
    return 0


WHOLE = """import sys
from pathlib import Path
from sse_graph.cli.context import _questions
from sse_graph.draw import build_scene, scene_html
from sse_graph.fileio import write_atomic
q = _questions(Path(sys.argv[1]), "en")
scene = build_scene(q.store, focus=q.resolve(sys.argv[2]), depth=int(sys.argv[3]), labels=q.labels, whole=True)
write_atomic(Path(sys.argv[4]), scene_html(scene).html.encode("utf-8"))
print(len(scene.nodes), "nodes", len(scene.edges), "edges")
"""


def _timed(cmd: list[str], cap: float) -> tuple[float | None, float | None, str]:
    """Wall and CPU (user + system) seconds of a fresh process (None: over ``cap`` or
    failed) and its last stderr/stdout line.  On a shared machine the CPU time is the
    better estimate of what the same run takes alone."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=cap, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return None, None, f"over {cap:.0f} s"
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    said = (r.stderr.strip() or r.stdout.strip()).splitlines()
    ok = r.returncode == 0
    return (wall if ok else None), (cpu if ok else None), (said[-1] if said else ("" if ok else f"exit {r.returncode}"))


def ego_rows(data: Path, foci: list[tuple[str, int]], cap: float, baseline: bool = True) -> int:
    """``draw --focus`` end to end on ``data``, each focus beside the whole-graph path."""
    with tempfile.TemporaryDirectory() as d:
        rows = [("(baseline) python -c pass", "", *_timed([sys.executable, "-c", "pass"], cap))]
        for name, depth in foci:
            focus = "https://w3id.org/sse-graph/id/" + name if "/" in name and not name.startswith("http") else name
            out = str(Path(d) / "ego.html")
            rows.append((f"draw --focus {name} --depth {depth}", "around the focus",
                         *_timed([sys.executable, "-m", "sse_graph", "draw", "--focus", focus, "--depth", str(depth),
                                  "-o", out, "--data", str(data)], cap)))
            if baseline:
                rows.append((f"draw --focus {name} --depth {depth}", "(baseline) whole graph, then cut",
                             *_timed([sys.executable, "-c", WHOLE, str(data), focus, str(depth), out], cap)))
    os.system("uptime")
    print(f"{'step':<48}{'path':<34}{'wall s':>9}{'CPU s':>8}  note")
    for step, path, wall, cpu, said in rows:
        print(f"{step:<48}{path:<34}{('> %.0f' % cap if wall is None else f'{wall:.2f}'):>9}"
              f"{('' if cpu is None else f'{cpu:.2f}'):>8}  {said}")
    return 0


def cli() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ego-data", type=Path, help="time draw --focus end to end on this data folder (built already)")
    ap.add_argument("--focus", action="append", default=[], help="NAME:DEPTH: a name, an IRI or a path under w3id.org/sse-graph/id/ such as gen/chamber-0 (repeatable)")
    ap.add_argument("--cap", type=float, default=600.0, help="seconds after which a run is stopped")
    ap.add_argument("--no-baseline", action="store_true", help="skip the whole-graph path")
    ap.add_argument("--focus-labels", action="store_true", help="legibility of the focus pictures (1280x800)")
    ap.add_argument("--labels", action="store_true", help="legibility of the whole-network picture")
    ap.add_argument("--baseline", type=Path, help="with --focus-labels: the same pages drawn by this source tree")
    args = ap.parse_args()
    if args.focus_labels:
        return focus_rows(args.baseline)
    if args.ego_data is None:
        return main()
    foci = [(f.rsplit(":", 1)[0], int(f.rsplit(":", 1)[1])) for f in (args.focus or ["gen/federation-3:1"])]
    return ego_rows(args.ego_data, foci, args.cap, baseline=not args.no_baseline)


if __name__ == "__main__":
    sys.exit(cli())
