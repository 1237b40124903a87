"""How long headless chromium takes to draw the pictures of `sse-graph draw`.

    python benchmarks/draw.py

Measures, in Debian's chromium (offline), from navigation to vis-network's first
`afterDrawing` event: the whole seed graph (every relation), an ego view
(SAW-B, depth 2), and a synthetic 5,000-node picture (benchmarks/generate.py).
Baseline measured in the same run: the same 5,000 nodes with pyvis's default
physics (what a plain pyvis export does), capped at 60 s.
Target (issue 6): the seed graph drawn in under 3 s.
"""
from __future__ import annotations

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


def main() -> int:
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


if __name__ == "__main__":
    sys.exit(main())
