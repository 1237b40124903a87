"""A dataset whose labels, alternative labels and identifiers are XSS payloads.

Every payload tries to run ``document.title='XSS'; window.__xss=1``: a test that
loads a page built from this data and finds the title changed (or the flag
set) has found a hole.  Written to a folder as a complete dataset (ontology,
one source file, sources.ttl) so that the real build, ``draw`` and the app
read it like the seed graph.
"""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = "document.title='XSS';window.__xss=1"
PAYLOADS = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror=\"{RUN}\">",
    f"<img src=x onerror='{RUN}'>",
    f"<svg onload=\"{RUN}\">",
    f"</script><script>{RUN}</script>",
    f"<a href=\"javascript:{RUN}\">click</a>",
    f"a href title <img src=x onerror=\"{RUN}\">",
    f"javascript:{RUN}",
    f"\"><img src=x onerror={RUN}>",
    f"'><img src=x onerror={RUN}>",
    f"`${{{RUN}}}`",
    f"<iframe srcdoc=\"<script>parent.{RUN}</script>\"></iframe>",
    f"<body onload=\"{RUN}\">",
    f"<details open ontoggle=\"{RUN}\">",
    f"<input autofocus onfocus=\"{RUN}\">",
    f"<marquee onstart=\"{RUN}\">x</marquee>",
    f"<video><source onerror=\"{RUN}\"></video>",
    f"<math><mtext><table><mglyph><style><img src=x onerror=\"{RUN}\">",
    f"[click](javascript:{RUN})",
    f"![x](javascript:{RUN})",
    f"<object data=\"javascript:{RUN}\"></object>",
    f"<embed src=\"javascript:{RUN}\">",
    f"<form action=\"javascript:{RUN}\"><button>x</button></form>",
    f"<style>@import 'javascript:{RUN}';</style>",
    f"<div style=\"background:url(javascript:{RUN})\">x</div>",
    f"{{{{constructor.constructor('{RUN}')()}}}}",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"&lt;script&gt;{RUN}&lt;/script&gt;",
    f"\\u003cscript\\u003e{RUN}\\u003c/script\\u003e",
    f"<a href=x onmouseover=\"{RUN}\">hover href</a>",
    f"<span title=\"</span><img src=x onerror={RUN}>\">t</span>",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{RUN}\">",
]
# Identifiers: valid IRIs that carry what an IRI may carry.
IDS = ["javascript:document.title='XSS'", "x'onmouseover='document.title=1", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
       "x(document.title='XSS')", "x;document.title='XSS'//"]


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def write_dataset(folder: Path, payloads: list[str] | None = None) -> list[str]:
    """Write the XSS dataset into ``folder`` (its names taken from ``payloads``,
    the XSS payloads by default); return the organisation IRIs."""
    PAYLOADS = payloads or globals()["PAYLOADS"]
    shutil.copytree(ROOT / "ontology", folder / "ontology", dirs_exist_ok=True)
    graph = folder / "graph"
    graph.mkdir(parents=True, exist_ok=True)
    src = "https://w3id.org/sse-graph/source/000_xss"
    (graph / "sources.ttl").write_text(
        "@prefix sse: <https://w3id.org/sse-graph/ontology#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f"<{src}> a sse:SourceDocument ; dcterms:title {_lit(PAYLOADS[0])}@en ; dcterms:language \"en\" ; "
        f"sse:fileName {_lit(PAYLOADS[1])} .\n", encoding="utf-8")
    lines = ["@prefix sse: <https://w3id.org/sse-graph/ontology#> .", "@prefix org: <http://www.w3.org/ns/org#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .", "@prefix dcterms: <http://purl.org/dc/terms/> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             # shape S12: every made-up fact rests on one curator's note
             '<https://w3id.org/sse-graph/evidence/xss-note> a sse:CuratorNote ; rdfs:comment "made-up test data" .']
    iris = []
    hub = "https://w3id.org/sse-graph/id/" + IDS[0]
    for i, payload in enumerate(PAYLOADS):
        iri = "https://w3id.org/sse-graph/id/" + (IDS[i] if i < len(IDS) else f"xss-{i}")
        iris.append(iri)
        kind = "sse:Network" if i == 0 else ("sse:Federation" if i % 3 else "sse:Cooperative")
        lines.append(f"<{iri}> a {kind} ; skos:prefLabel {_lit(payload)}@en ; skos:altLabel {_lit(PAYLOADS[(i + 1) % len(PAYLOADS)])}@en ; "
                     f"dcterms:source <{src}> ; prov:wasDerivedFrom <https://w3id.org/sse-graph/evidence/xss-note> .")
        if i:
            lines.append(f"<{iri}-m> a org:Membership ; org:member <{iri}> ; org:organization <{hub if i % 3 else iris[i - 1]}> ; "
                         f"org:role sse:role-member ; sse:sourceWording {_lit(payload)} ; dcterms:source <{src}> ; prov:wasDerivedFrom <https://w3id.org/sse-graph/evidence/xss-note> .")
    # a body with a seat, so that the seat pages show payloads too
    body = "https://w3id.org/sse-graph/id/xss-body"
    lines.append(f"<{body}> a sse:ConsultativeBody ; skos:prefLabel {_lit(PAYLOADS[5])}@fr ; dcterms:source <{src}> ; prov:wasDerivedFrom <https://w3id.org/sse-graph/evidence/xss-note> .")
    lines.append(f"<{body}-s> a sse:Seat ; sse:holder <{iris[2]}> ; sse:body <{body}> ; org:role sse:role-seat-member ; dcterms:source <{src}> ; prov:wasDerivedFrom <https://w3id.org/sse-graph/evidence/xss-note> .")
    (graph / "000_xss.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return iris
