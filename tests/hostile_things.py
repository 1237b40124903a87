"""The seed graph plus one made-up source whose places, projects, events, documents,
laws and organisations carry hostile names: HTML and script, ``javascript:``,
Markdown links and images, spreadsheet formulas (also behind spaces), bidi
controls and isolates, zero-width joiners, line ends, a NUL, a 3,000-character
name, names that collide with others or look like a command-line option.

Written as a complete dataset folder (ontology/, graph/) so that the real build,
the CLI and the explorer read it as they read the seed graph.  Test data only:
nothing here goes into graph/ of the repository.
"""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVIL = "evil.example"
RUN = "document.title='XSS';window.__xss=1"
LONG = "Projet " + "très long " * 300  # ~3,000 characters

# name -> (local id, class); every class that the cards and name resolution know as a thing
THINGS = {
    "place": (f"<img src=x onerror=\"{RUN}\">Ville\u202eLIVE", "sse:City"),
    "project": (f'=HYPERLINK("http://{EVIL}/","Projet")', "sse:Project"),
    "event": (f"<script>{RUN}</script> Forum [click](http://{EVIL}/)", "sse:Event"),
    "publication": (f"![pixel](http://{EVIL}/p.png) Rapport\r\nFAKE LINE", "sse:Publication"),
    "law": ("  @SUM(1+1)*cmd|' /C calc'!A0 Loi", "sse:LegalAct"),
    "help": ("--help", "sse:Project"),
    "zwj": ("Zéro\u200d\u200bLargeur\u2066isolé\u2069\ufeff", "sse:Project"),
    "long": (LONG, "sse:Project"),
    "nul": ("Null\x00Byte\x1b[31mRED", "sse:Event"),
    "tab": ("\t-1+1 Tabbed", "sse:Event"),
    "lf": ("\n=1+1 LF first", "sse:Project"),
    "bilbao": ("Bilbao", "sse:Project"),  # collides with the place Bilbao of the seed graph
}
ORGS = {
    "org-formula": (f' =HYPERLINK("http://{EVIL}/","Coop")', "sse:Cooperative"),
    "org-md": (f"[Official](javascript:{RUN}) <b>b</b>", "sse:Federation"),
    "org-bidi": ("Coop \u2067\u202egnp.exe\u2069 Est", "sse:Cooperative"),
    "org-cr": ("\r@cmd Coop", "sse:Cooperative"),
}
SRC_TITLE = f'=HYPERLINK("http://{EVIL}/","src") <b>t</b>'
WORDING = "=cmd|' /C calc'!A0"
SRC = "https://w3id.org/sse-graph/source/999_hostile"
ID = "https://w3id.org/sse-graph/id/hostile-"


def lit(text: str) -> str:
    """A Turtle string literal (every control character escaped)."""
    out = []
    for c in text:
        if c in '\\"':
            out.append("\\" + c)
        elif ord(c) < 0x20 or c == "\x7f":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def iri(key: str) -> str:
    return ID + key


def write_dataset(folder: Path) -> Path:
    """Copy the seed graph into ``folder`` and add graph/999_hostile.ttl; return the folder."""
    for name in ("ontology", "graph"):
        shutil.copytree(ROOT / name, folder / name, dirs_exist_ok=True)
    note = "https://w3id.org/sse-graph/evidence/hostile-note"
    lines = ["@prefix sse: <https://w3id.org/sse-graph/ontology#> .", "@prefix org: <http://www.w3.org/ns/org#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .", "@prefix dcterms: <http://purl.org/dc/terms/> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
             f"<{SRC}> a sse:SourceDocument ; dcterms:title {lit(SRC_TITLE)}@en ; "
             f"dcterms:language \"en\" ; sse:fileName \"999_hostile.ttl\" .",
             f'<{note}> a sse:CuratorNote ; rdfs:comment {lit("made-up test data <script>" + RUN + "</script>")} .']
    why = f"dcterms:source <{SRC}> ; prov:wasDerivedFrom <{note}>"
    for key, (name, cls) in THINGS.items():
        lines.append(f"<{iri(key)}> a {cls} ; skos:prefLabel {lit(name)}@en ; {why} .")
    for key, (name, cls) in ORGS.items():
        lines.append(f"<{iri(key)}> a {cls} ; skos:prefLabel {lit(name)}@en ; skos:altLabel {lit(name + ' alt')}@en ; "
                     f"sse:basedIn <{iri('place')}> ; {why} .")
    # what the cards show: located here, created/published by, part of, made in a project
    lines += [
        f"<{iri('event')}> sse:heldIn <{iri('place')}> ; dcterms:isPartOf <{iri('project')}> .",
        f"<{iri('project')}> dcterms:creator <{iri('org-md')}> ; sse:activeIn <{iri('place')}> .",
        f"<{iri('publication')}> dcterms:publisher <{iri('org-formula')}> ; prov:wasGeneratedBy <{iri('project')}> .",
        f"<{iri('law')}> dcterms:creator <{iri('org-bidi')}> .",
        f"<{iri('org-formula')}-m> a org:Membership ; org:member <{iri('org-formula')}> ; org:organization <{iri('org-md')}> ; "
        f"org:role sse:role-member ; sse:sourceWording {lit(WORDING)} ; {why} .",
        f"<{iri('org-bidi')}-m> a org:Membership ; org:member <{iri('org-bidi')}> ; org:organization <{iri('org-md')}> ; "
        f"org:role sse:role-member ; {why} .",
        f"<{iri('org-cr')}-m> a org:Membership ; org:member <{iri('org-cr')}> ; org:organization <{iri('org-md')}> ; "
        f"org:role sse:role-member ; {why} .",
    ]
    (folder / "graph" / "999_hostile.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
