"""`draw` without the imports it does not need (issue 16: an ego picture in under 2 s at
1M triples): pyvis is imported without IPython, and the page it writes is the same,
byte for byte, as with pyvis imported the ordinary way (IPython loaded), for the seed
graph's foci and both depths.  (The whole graph's picture is left out: its layout
differs from one process to the next, with or without IPython.)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/sse-graph/id/"
FOCI = ["saw-b", "concertes", "febisp", "ripess", "cress"]

_PAGES = """
import json, sys
if sys.argv[1] == "with-ipython":
    import IPython  # pyvis then imports the real IPython.display
from sse_graph import Store, build
from sse_graph.draw import draw_html
store = Store(build(sys.argv[2], engine="owlrl").dataset_path)
pages = {}
for focus in json.loads(sys.argv[3]):
    for depth in (1, 2):
        pages[f"{focus} {depth}"] = draw_html(store, focus=focus, depth=depth).html
print(json.dumps({"pages": pages, "ipython": sorted(m for m in sys.modules if m.split(".")[0] == "IPython")}))
"""


def _pages(how: str, built) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", _PAGES, how, str(ROOT), json.dumps([ID + f for f in FOCI])],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def test_pages_are_the_same_without_ipython(built):
    plain, ordinary = _pages("plain", built), _pages("with-ipython", built)
    assert plain["ipython"] == []  # drawing never imported IPython
    assert "IPython.display" in ordinary["ipython"]
    assert plain["pages"].keys() == ordinary["pages"].keys()
    for key, page in ordinary["pages"].items():
        assert plain["pages"][key] == page, key
    sizes = [len(p) for p in plain["pages"].values()]
    assert min(sizes) > 10_000  # real pages (vis.js inlined), not an error text
    assert len(set(plain["pages"].values())) >= len(FOCI)  # each focus its own picture


def test_ipython_imported_later_is_the_real_one():
    """The stand-in modules exist only while pyvis is imported."""
    code = ("import sys; from sse_graph.draw import pyvis_network; N = pyvis_network(); "
            "assert 'IPython' not in sys.modules and 'IPython.display' not in sys.modules; "
            "import IPython.display; print(IPython.display.IFrame.__module__, hasattr(IPython, 'get_ipython'))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["IPython.lib.display", "True"]
