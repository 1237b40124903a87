"""The evidence of the graph: every fact anchored to the words of its document.

docs/evidence.md is the contract.  Each fact of ``graph/NNN_*.ttl`` (a record,
an entity, an attribute of an entity as a reified ``rdf:Statement``) points with
``prov:wasDerivedFrom`` to a piece of evidence: an ``oa:SpecificResource`` with
an ``oa:TextQuoteSelector`` (exact, prefix, suffix) and an
``oa:TextPositionSelector`` (start, end in Unicode code points, end exclusive)
into one source text, or a dated ``sse:CuratorNote``.

:func:`verify` re-finds every quote in a folder of source texts (checked against
the SHA-256 that ``graph/sources.ttl`` gives) and lists the facts without an
anchor with the file and line where their subject is written.
:func:`coverage` reads the coverage lists ``graph/coverage/*.tsv``.
Nothing here writes a file.
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .config import data_paths
from .errors import InputError, ParseError
from .namespaces import DCTERMS, PREFIXES, SSE
from .queries import load_query

__all__ = [
    "OA", "PROV", "EV", "EXEMPT_PREDICATES", "MAX_EXACT", "COVERAGE_TARGET",
    "Anchor", "Fact", "QuoteCheck", "SourceSummary", "EvidenceReport", "CoverageRow", "CoverageReport",
    "default_texts_dir", "find_quote", "read_texts", "load_evidence", "verify", "coverage",
]

OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
EV = Namespace("https://w3id.org/sse-graph/evidence/")

MAX_EXACT = 200          # code points of an oa:exact (docs/evidence.md)
CONTEXT = 32             # code points of oa:prefix / oa:suffix
COVERAGE_TARGET = 0.95   # modelled share a document must reach

# Predicates of an entity that need no attribute statement (the entity's own evidence anchors its name).
EXEMPT_PREDICATES = frozenset({
    SKOS.prefLabel, RDFS.label, SSE.note, SSE.sourceWording, DCTERMS.source, PROV.wasDerivedFrom,
})
# Nodes that describe the evidence, not the world: never facts themselves.
INFRASTRUCTURE_TYPES = frozenset({
    OA.SpecificResource, OA.TextQuoteSelector, OA.TextPositionSelector, OA.FragmentSelector,
    RDF.Statement, SSE.CuratorNote, SSE.SourceDocument, SKOS.Concept, SKOS.ConceptScheme,
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Ontology, RDF.Property,
})
SOURCE_FILE = re.compile(r"^\d{3}_.*\.ttl$")


# --------------------------------------------------------------------------- the model
@dataclass
class Anchor:
    """One piece of evidence: a passage of a source text (``kind`` "passage"), a
    spreadsheet row ("row") or a curator's note ("curator")."""

    iri: str
    kind: str
    source: str | None = None
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    fragment: str | None = None
    comment: str | None = None
    date: str | None = None
    file: str = ""
    line: int = 0


@dataclass
class Fact:
    """A fact that needs an anchor: a record, an entity, or an attribute
    (``subject predicate object``) of an entity."""

    kind: str            # record | entity | attribute
    subject: str
    file: str
    line: int
    predicate: str | None = None
    object: str | None = None
    anchors: list[str] = field(default_factory=list)
    text: str = ""       # the fact in prefixed names, for a reader

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def describe(self, short=lambda t: t) -> str:
        if self.kind == "attribute":
            return f"{short(self.subject)} {short(self.predicate)} {short(self.object)}"
        return short(self.subject)


@dataclass
class QuoteCheck:
    """What re-finding one quote gave: ``exact`` (at its offsets), ``moved``
    (found elsewhere: ``new_start``/``new_end``) or ``not found``."""

    anchor: Anchor
    status: str
    new_start: int | None = None
    new_end: int | None = None


@dataclass
class SourceSummary:
    source: str
    file_name: str
    graph_file: str
    facts: int = 0
    anchored: int = 0
    exact: int = 0
    moved: int = 0
    not_found: int = 0
    curator_notes: int = 0


@dataclass
class EvidenceReport:
    texts_dir: str
    sources: list[SourceSummary]
    unanchored: list[Fact]
    quotes: list[QuoteCheck]
    problems: list[str]      # dangling anchors, evidence without a source or a selector, too-long quotes

    @property
    def moved(self) -> list[QuoteCheck]:
        return [q for q in self.quotes if q.status == "moved"]

    @property
    def not_found(self) -> list[QuoteCheck]:
        return [q for q in self.quotes if q.status == "not found"]

    @property
    def ok(self) -> bool:
        return not (self.unanchored or self.not_found or self.problems)

    def as_dict(self) -> dict:
        return {
            "texts_dir": self.texts_dir,
            "ok": self.ok,
            "sources": [asdict(s) for s in self.sources],
            "unanchored": [{"kind": f.kind, "fact": f.text, "subject": f.subject, "predicate": f.predicate, "object": f.object,
                            "file": f.file, "line": f.line} for f in self.unanchored],
            "moved": [_quote_dict(q) for q in self.moved],
            "not_found": [_quote_dict(q) for q in self.not_found],
            "problems": self.problems,
        }


def _quote_dict(q: QuoteCheck) -> dict:
    a = q.anchor
    return {"evidence": a.iri, "source": a.source, "exact": a.exact, "start": a.start, "end": a.end,
            "new_start": q.new_start, "new_end": q.new_end, "file": a.file, "line": a.line}


# --------------------------------------------------------------------------- texts
def default_texts_dir(root=None) -> Path | None:
    """``../shared/seeds`` next to the data root, when that folder exists (the
    project never ships the documents' text)."""
    candidate = data_paths(root).root.parent / "shared" / "seeds"
    return candidate if candidate.is_dir() else None


def _sources(graph: Graph) -> dict[str, dict]:
    out = {}
    for s in graph.subjects(RDF.type, SSE.SourceDocument):
        out[str(s)] = {
            "file_name": str(graph.value(s, SSE.fileName) or ""),
            "sha256": str(graph.value(s, SSE.sha256) or ""),
            "title": _best_literal(graph.objects(s, DCTERMS.title)),
            "date": str(graph.value(s, DCTERMS.date) or ""),
            "date_qualifier": str(graph.value(s, SSE.dateQualifier) or ""),
        }
    return out


def _best_literal(values) -> str:
    values = sorted(values, key=lambda v: (getattr(v, "language", None) != "en", str(v)))
    return str(values[0]) if values else ""


def read_texts(texts_dir: Path, sources: dict[str, dict]) -> dict[str, str]:
    """The text of each source (by IRI), decoded from UTF-8 without touching line
    ends, after checking its SHA-256; a missing or wrong file is an InputError."""
    texts_dir = Path(texts_dir)
    if not texts_dir.is_dir():
        raise InputError(f"{texts_dir}: no such folder of source texts")
    texts = {}
    for iri, s in sorted(sources.items()):
        if not s["file_name"]:
            continue
        path = texts_dir / s["file_name"]
        if not path.is_file():
            raise InputError(f"{path}: the text of {iri} is not there (graph/sources.ttl names it)")
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if s["sha256"] and digest != s["sha256"]:
            raise InputError(f"{path}: SHA-256 {digest} is not the {s['sha256']} that graph/sources.ttl gives "
                             f"for {iri}: the wrong file, or another version of it")
        try:
            texts[iri] = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: not UTF-8 ({e})") from None
    return texts


def find_quote(text: str, exact: str, prefix: str = "", suffix: str = "", hint: int | None = None):
    """``(start, end)`` of ``exact`` in ``text`` in code points, or None.  Among
    several occurrences, the one whose surroundings best match ``prefix`` and
    ``suffix``, then the one nearest ``hint``."""
    if not exact:
        return None
    found = []
    i = text.find(exact)
    while i != -1:
        found.append(i)
        i = text.find(exact, i + 1)
    if not found:
        return None

    def score(i: int):
        before, after = text[max(0, i - len(prefix)):i], text[i + len(exact):i + len(exact) + len(suffix)]
        context = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        return (-context, abs(i - hint) if hint is not None else 0, i)

    best = min(found, key=score)
    return best, best + len(exact)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


# --------------------------------------------------------------------------- reading the graph
@dataclass
class _GraphFile:
    path: Path
    graph: Graph
    prefixes: dict[str, str]
    lines: list[str]


@dataclass
class EvidenceData:
    """The graph files read one by one (to know where each fact is written) and together."""

    root: Path
    files: list[_GraphFile]
    union: Graph
    sources: dict[str, dict]
    anchors: dict[str, Anchor]
    record_classes: set

    def short(self, term) -> str:
        if term is None:
            return ""
        text = str(term)
        for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])) + [("ev", str(EV)), ("oa", str(OA))]:
            if text.startswith(ns) and isinstance(term, (URIRef, str)) and not isinstance(term, Literal):
                return f"{p}:{text[len(ns):]}"
        return text


def _parse(path: Path) -> Graph:
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as e:  # noqa: BLE001 - rdflib raises many kinds; all mean "not Turtle"
        m = re.search(r"line (\d+)", str(e))
        raise ParseError(path, int(m.group(1)) if m else None, None, str(e).splitlines()[0] if str(e) else type(e).__name__) from None
    return g


def _declared_prefixes(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"(?im)^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", text)}


def load_evidence(root=None) -> EvidenceData:
    """Read ``graph/`` (and the ontology, for the classes of records) of the dataset at ``root``."""
    paths = data_paths(root)
    ontology = Graph()
    for f in paths.ontology_files():
        ontology += _parse(f)
    records = {SSE.Record} | set(ontology.transitive_subjects(RDFS.subClassOf, SSE.Record))
    files, union = [], Graph()
    for path in paths.graph_files():
        text = path.read_text(encoding="utf-8")
        g = _parse(path)
        files.append(_GraphFile(path, g, _declared_prefixes(text), text.splitlines()))
        union += g
    described = next((f.graph for f in files if f.path.name == "sources.ttl"), Graph())
    data = EvidenceData(paths.root, files, union, _sources(described), {}, records)
    data.anchors = _anchors(data)
    return data


def _anchors(data: EvidenceData) -> dict[str, Anchor]:
    anchors: dict[str, Anchor] = {}
    for row in data.union.query(load_query("evidence_anchors").text):
        iri = str(row.ev)
        a = anchors.get(iri)
        if a is None:
            a = anchors[iri] = Anchor(iri, "curator" if str(row.kind) == "curator" else "passage")
        if row.source is not None:
            a.source = str(row.source)
        if row.exact is not None:
            a.exact, a.prefix, a.suffix = str(row.exact), str(row.prefix or ""), str(row.suffix or "")
        if row.start is not None:
            a.start, a.end = int(row.start), int(row.end)
        if row.fragment is not None:
            a.fragment, a.kind = str(row.fragment), "row"
        if row.comment is not None:
            a.comment = str(row.comment)
        if row.date is not None:
            a.date = str(row.date)
    for f in data.files:
        for iri, a in anchors.items():
            if not a.file and (URIRef(iri), None, None) in f.graph:
                a.file, a.line = _rel(data.root, f.path), _subject_line(f, URIRef(iri))
    return anchors


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _names(f: _GraphFile, iri: URIRef) -> list[str]:
    """How ``iri`` may be written in the file: in full, or with one of its prefixes."""
    text = str(iri)
    names = [f"<{text}>"]
    for p, ns in f.prefixes.items():
        if text.startswith(ns) and ns:
            names.append(f"{p}:{text[len(ns):]}")
    return names


def _subject_line(f: _GraphFile, iri: URIRef) -> int:
    """The line where ``iri`` is written as a subject (first on its line), else
    where it is first written; 0 when it cannot be found."""
    names = _names(f, iri)
    pattern = "|".join(re.escape(n) for n in names)
    at_start = re.compile(rf"^\s*(?:{pattern})(?=[\s;,.]|$)")
    anywhere = re.compile(rf"(?:^|[\s;,\[(])(?:{pattern})(?=[\s;,.\])]|$)")
    first = 0
    for n, line in enumerate(f.lines, 1):
        if line.lstrip().startswith("#"):
            continue
        if at_start.search(line):
            return n
        if not first and anywhere.search(line):
            first = n
    return first


# --------------------------------------------------------------------------- facts
def _is_source_file(path: Path) -> bool:
    return bool(SOURCE_FILE.match(path.name))


def _facts(data: EvidenceData, f: _GraphFile) -> list[Fact]:
    """The facts written in one graph file, each with its anchors (evidence IRIs)."""
    g, union = f.graph, data.union
    infrastructure = {s for t in INFRASTRUCTURE_TYPES for s in union.subjects(RDF.type, t)}
    records = {s for c in data.record_classes for s in g.subjects(RDF.type, c)}
    file = _rel(data.root, f.path)
    lines: dict = {}

    def line(s):
        if s not in lines:
            lines[s] = _subject_line(f, s) if isinstance(s, URIRef) else 0
        return lines[s]

    def anchors(s):
        return sorted(str(o) for o in union.objects(s, PROV.wasDerivedFrom))

    facts = [Fact("record", str(r), file, line(r), anchors=anchors(r)) for r in sorted(records, key=str)]
    statements: dict[tuple, list[str]] = {}
    for st in union.subjects(RDF.type, RDF.Statement):
        key = (union.value(st, RDF.subject), union.value(st, RDF.predicate), union.value(st, RDF.object))
        statements.setdefault(key, []).extend(anchors(st))
    for s in sorted({s for s in g.subjects() if isinstance(s, URIRef)}, key=str):
        if s in records or s in infrastructure or str(s).startswith(str(EV)):
            continue
        told = [(p, o) for p, o in g.predicate_objects(s) if p not in EXEMPT_PREDICATES]
        if not told:
            continue
        facts.append(Fact("entity", str(s), file, line(s), anchors=anchors(s)))
        for p, o in sorted(told, key=lambda po: (str(po[0]), str(po[1]))):
            facts.append(Fact("attribute", str(s), file, line(s), str(p), str(o),
                              anchors=sorted(set(statements.get((s, p, o), []))) if not isinstance(o, BNode) else
                              anchors(s)))
    return facts


# --------------------------------------------------------------------------- verify
def verify(root=None, texts_dir=None) -> EvidenceReport:
    """Re-find every quote of the graph in the texts of ``texts_dir`` and list the
    facts without an anchor.  Raises InputError when no folder is given and there
    is no default one, or a text is missing or not the one sources.ttl describes."""
    data = load_evidence(root)
    texts_dir = Path(texts_dir) if texts_dir is not None else default_texts_dir(root)
    if texts_dir is None:
        raise InputError(f"no folder of source texts: give DIR (the project does not ship the documents; "
                         f"they are expected in {data.root.parent / 'shared' / 'seeds'})")
    texts = read_texts(texts_dir, data.sources)
    problems: list[str] = []
    for iri, s in sorted(data.sources.items()):
        if not s["sha256"]:
            problems.append(f"graph/sources.ttl: {data.short(URIRef(iri))} has no sse:sha256: its text cannot be checked")

    quotes = [_check_quote(a, texts, data, problems) for a in data.anchors.values() if a.kind == "passage"]
    quotes = [q for q in quotes if q is not None]
    by_source: dict[str, SourceSummary] = {}
    for iri, s in sorted(data.sources.items()):
        stem = Path(s["file_name"]).stem
        by_source[iri] = SourceSummary(data.short(URIRef(iri)), s["file_name"], f"graph/{stem}.ttl")
    for q in quotes:
        summary = by_source.get(q.anchor.source or "")
        if summary is not None:
            setattr(summary, q.status.replace(" ", "_"), getattr(summary, q.status.replace(" ", "_")) + 1)

    unanchored: list[Fact] = []
    for f in data.files:
        if not _is_source_file(f.path):
            continue
        summary = next((s for s in by_source.values() if s.graph_file == f"graph/{f.path.name}"), None)
        for fact in _facts(data, f):
            good = [a for a in fact.anchors if a in data.anchors]
            for a in fact.anchors:
                if a not in data.anchors:
                    problems.append(f"{fact.where}: {fact.describe(data.short)} is derived from "
                                    f"{data.short(URIRef(a))}, which is not a piece of evidence")
            if summary is not None:
                summary.facts += 1
                summary.anchored += bool(good)
            if not good:
                fact.text = fact.describe(data.short)
                unanchored.append(fact)
        if summary is not None:
            summary.curator_notes = sum(1 for a in data.anchors.values()
                                        if a.kind == "curator" and a.file == summary.graph_file)
    return EvidenceReport(str(texts_dir), list(by_source.values()), unanchored, quotes, sorted(set(problems)))


def _check_quote(a: Anchor, texts: dict[str, str], data: EvidenceData, problems: list[str]) -> QuoteCheck | None:
    where = f"{a.file}:{a.line}" if a.line else a.file
    if a.source not in data.sources:
        problems.append(f"{where}: {data.short(URIRef(a.iri))} points into "
                        f"{data.short(URIRef(a.source)) if a.source else 'no source'}, not a described source")
        return None
    if a.exact is None:
        problems.append(f"{where}: {data.short(URIRef(a.iri))} has no oa:TextQuoteSelector with oa:exact")
        return None
    if len(a.exact) > MAX_EXACT:
        problems.append(f"{where}: {data.short(URIRef(a.iri))} quotes {len(a.exact)} code points "
                        f"(at most {MAX_EXACT}: cite, don't copy)")
    text = texts.get(a.source)
    if text is None:
        return None
    if a.start is not None and text[a.start:a.end] == a.exact:
        return QuoteCheck(a, "exact")
    found = find_quote(text, a.exact, a.prefix, a.suffix, a.start)
    if found is None:
        return QuoteCheck(a, "not found")
    return QuoteCheck(a, "moved", *found)


# --------------------------------------------------------------------------- coverage
@dataclass
class CoverageRow:
    file: str
    row: int
    start: int | None
    end: int | None
    exact: str
    status: str
    facts: list[str]
    why: str
    problems: list[str] = field(default_factory=list)


@dataclass
class CoverageDocument:
    source: str
    file: str
    modelled: int = 0
    not_modelled: int = 0
    broken: int = 0

    @property
    def share(self) -> float:
        n = self.modelled + self.not_modelled
        return self.modelled / n if n else 0.0


@dataclass
class CoverageReport:
    documents: list[CoverageDocument]
    broken: list[CoverageRow]
    missing: list[str]       # sources without a coverage list

    @property
    def ok(self) -> bool:
        return not self.broken and not self.missing and all(d.share >= COVERAGE_TARGET for d in self.documents)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "target": COVERAGE_TARGET,
            "documents": [{**asdict(d), "share": round(d.share, 4)} for d in self.documents],
            "broken": [{"file": r.file, "row": r.row, "exact": r.exact, "problems": r.problems} for r in self.broken],
            "missing": self.missing,
        }


COVERAGE_COLUMNS = ("start", "end", "exact", "status", "facts", "why")


def coverage(root=None, texts_dir=None) -> CoverageReport:
    """Read ``graph/coverage/*.tsv``: check each row's quote against the text and
    that each fact it lists exists; count modelled and not-modelled passages per document."""
    data = load_evidence(root)
    texts_dir = Path(texts_dir) if texts_dir is not None else default_texts_dir(root)
    if texts_dir is None:
        raise InputError(f"no folder of source texts: give DIR (expected in {data.root.parent / 'shared' / 'seeds'})")
    texts = read_texts(texts_dir, data.sources)
    by_stem = {Path(s["file_name"]).stem: iri for iri, s in data.sources.items() if s["file_name"]}
    folder = data.root / "graph" / "coverage"
    lists = sorted(folder.glob("*.tsv")) if folder.is_dir() else []
    subjects = set(data.union.subjects())
    prefixes = {**PREFIXES, "ev": str(EV), "oa": str(OA)}
    for f in data.files:
        prefixes.update(f.prefixes)
    documents, broken = [], []
    for path in lists:
        iri = by_stem.get(path.stem)
        doc = CoverageDocument(data.short(URIRef(iri)) if iri else path.stem, _rel(data.root, path))
        documents.append(doc)
        for row in _coverage_rows(path, doc.file):
            if iri is None:
                row.problems.append(f"{path.name} names no described source (expected NNN_<hash>.tsv)")
            else:
                _check_coverage_row(row, texts.get(iri), subjects, prefixes)
            if row.problems:
                doc.broken += 1
                broken.append(row)
            elif row.status == "modelled":
                doc.modelled += 1
            else:
                doc.not_modelled += 1
    covered = {d.file for d in documents}
    missing = [data.short(URIRef(iri)) for stem, iri in sorted(by_stem.items())
               if f"graph/coverage/{stem}.tsv" not in covered]
    return CoverageReport(documents, broken, missing)


def _coverage_rows(path: Path, file: str) -> list[CoverageRow]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header[:len(COVERAGE_COLUMNS)]) != COVERAGE_COLUMNS:
            raise InputError(f"{file}:1: the header must be {chr(9).join(COVERAGE_COLUMNS)} (tab-separated)")
        rows = []
        for n, cells in enumerate(reader, 2):
            if not any(c.strip() for c in cells):
                continue
            cells = cells + [""] * (len(COVERAGE_COLUMNS) - len(cells))
            row = CoverageRow(file, n, None, None, _unescape(cells[2]), cells[3].strip(), cells[4].split(), cells[5].strip())
            if len(cells) > len(COVERAGE_COLUMNS) and any(c.strip() for c in cells[len(COVERAGE_COLUMNS):]):
                row.problems.append(f"{len(cells)} cells, expected {len(COVERAGE_COLUMNS)}")
            try:
                row.start, row.end = int(cells[0]), int(cells[1])
            except ValueError:
                row.problems.append(f"start and end must be integers, not {cells[0]!r} and {cells[1]!r}")
            rows.append(row)
    return rows


def _unescape(cell: str) -> str:
    """A cell's quote: ``\\n`` and ``\\t`` stand for a line end and a tab (a TSV cell cannot hold them)."""
    return re.sub(r"\\([nt\\])", lambda m: {"n": "\n", "t": "\t", "\\": "\\"}[m.group(1)], cell)


def _check_coverage_row(row: CoverageRow, text: str | None, subjects: set, prefixes: dict[str, str]) -> None:
    if row.status not in ("modelled", "not-modelled"):
        row.problems.append(f"status must be modelled or not-modelled, not {row.status!r}")
    if row.status == "not-modelled" and not row.why:
        row.problems.append("a passage not modelled needs its why")
    if row.status == "modelled" and not row.facts:
        row.problems.append("a modelled passage needs the facts it yields")
    if len(row.exact) > MAX_EXACT:
        row.problems.append(f"the quote has {len(row.exact)} code points (at most {MAX_EXACT})")
    if text is not None and row.start is not None and text[row.start:row.end] != row.exact:
        found = find_quote(text, row.exact, hint=row.start)
        row.problems.append(f"the quote is not at {row.start}-{row.end}" +
                            (f"; it is at {found[0]}-{found[1]}" if found else "; it is not in the text"))
    for name in row.facts:
        iri = _expand(name, prefixes)
        if iri is None:
            row.problems.append(f"{name}: unknown prefix")
        elif URIRef(iri) not in subjects:
            row.problems.append(f"{name}: no such fact in graph/")


def _expand(name: str, prefixes: dict[str, str]) -> str | None:
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if not sep or prefix not in prefixes:
        return None
    return prefixes[prefix] + local
