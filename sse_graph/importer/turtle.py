"""Write the checked records as the import's Turtle: its own named graph, a
source document for the spreadsheet, and for every fact its source and its
evidence — the row it came from (docs/evidence.md: an ``oa:FragmentSelector``
conforming to RFC 7111, ``row=N``) and, when the row names a source, that
document (with the page, RFC 8118 ``page=N``, or the locator as written)."""
from __future__ import annotations

import hashlib
import re

__all__ = ["import_turtle", "literal"]

ID = "https://w3id.org/sse-graph/id/"
EV = "https://w3id.org/sse-graph/evidence/"
SRC = "https://w3id.org/sse-graph/source/"
PREFIXES = """@prefix sse: <https://w3id.org/sse-graph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."""


def literal(text: str) -> str:
    """A Turtle string literal: every character that could end or break it escaped."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _date(value: str) -> str:
    return f'"{value}"^^xsd:' + {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]


class _Writer:
    def __init__(self, stem: str, file_name: str, digest: str, created: str, vocab_sources: dict[str, str]):
        self.stem, self.file_name = stem, file_name
        self.table_src = f"{SRC}import-{stem}"
        self.lines = [f"# Imported from {file_name}; sha256 {digest}.", PREFIXES, "",
                      f"<{self.table_src}> a sse:SourceDocument ; dcterms:title {literal('Imported table ' + file_name)}@en ; "
                      f"sse:fileName {literal(file_name)} ; dcterms:language \"und\" ; "
                      f"dcterms:created \"{created}\"^^xsd:date ; sse:note {literal('sha256 ' + digest)} ."]
        self.known_sources = vocab_sources
        self.cited: dict[str, str] = {}  # a source named in a row → its document IRI

    def source_of(self, name: str | None) -> str:
        """The document a row names: one of the graph's, or a new one described here."""
        if not name:
            return self.table_src
        if name in self.known_sources:
            return self.known_sources[name]
        if name not in self.cited:
            iri = f"{SRC}import-{self.stem}-{hashlib.sha1(name.encode()).hexdigest()[:12]}"
            self.cited[name] = iri
            see = f" ; rdfs:seeAlso <{name}>" if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", name) else ""
            self.lines.append(f"<{iri}> a sse:SourceDocument ; dcterms:title {literal(name)} ; sse:fileName {literal(name)} ; "
                              f"dcterms:language \"und\" ; dcterms:isReferencedBy <{self.table_src}>{see} .")
        return self.cited[name]

    def evidence(self, rec: dict) -> list[str]:
        """The row's evidence node(s), written once; returns their IRIs."""
        row = rec["row"]
        ev = f"{EV}import-{self.stem}-row-{row}"
        self.lines.append(f"<{ev}> a oa:SpecificResource ; oa:hasSource <{self.table_src}> ; oa:hasSelector "
                          f"[ a oa:FragmentSelector ; dcterms:conformsTo <http://tools.ietf.org/rfc/rfc7111> ; "
                          f"rdf:value \"row={row}\" ] .")
        out = [ev]
        if rec.get("source"):
            cited = f"{ev}-source"
            locator = rec.get("locator")
            selector = ""
            if locator and re.fullmatch(r"(?:p\.?\s*)?(\d+)", locator.strip()):
                page = re.fullmatch(r"(?:p\.?\s*)?(\d+)", locator.strip()).group(1)
                selector = (f" ; oa:hasSelector [ a oa:FragmentSelector ; dcterms:conformsTo "
                            f"<http://tools.ietf.org/rfc/rfc8118> ; rdf:value \"page={page}\" ]")
            elif locator:
                selector = f" ; oa:hasSelector [ a oa:FragmentSelector ; rdf:value {literal(locator)} ]"
            self.lines.append(f"<{cited}> a oa:SpecificResource ; oa:hasSource <{self.source_of(rec['source'])}>{selector} .")
            out.append(cited)
        return out

    def fact(self, subject: str, parts: list[str], rec: dict) -> None:
        evidence = self.evidence(rec)
        parts = [*parts, f"dcterms:source <{self.source_of(rec.get('source'))}>",
                 "prov:wasDerivedFrom " + " , ".join(f"<{e}>" for e in evidence)]
        self.lines.append(f"<{subject}> " + " ;\n    ".join(parts) + " .")
        self._last_evidence = evidence

    def attribute(self, subject: str, predicate: str, obj: str) -> None:
        """An entity's attribute as a reified statement with the row's evidence."""
        self.lines.append(f"[] a rdf:Statement ; rdf:subject <{subject}> ; rdf:predicate {predicate} ; rdf:object {obj} ; "
                          "prov:wasDerivedFrom " + " , ".join(f"<{e}>" for e in self._last_evidence) + " .")


def _organisation(w: _Writer, rec: dict, countries: dict[str, str]) -> None:
    iri = rec["iri"]
    kind = f"sse:{rec['kind']}"
    attributes = [("rdf:type", kind)]
    parts = [f"a {kind}", *(f"skos:prefLabel {literal(v)}@{lang}" for lang, v in rec["labels"])]
    if rec.get("acronym"):
        obj = f"{literal(rec['acronym'])}@{rec['labels'][0][0]}"
        parts.append(f"skos:altLabel {obj}")
        attributes.append(("skos:altLabel", obj))
    if rec.get("country"):
        place = f"<{ID}place-{rec['country'].lower()}>"
        parts.append(f"sse:activeIn {place}")
        attributes.append(("sse:activeIn", place))
        countries.setdefault(rec["country"], w.source_of(rec.get("source")))
    if rec.get("level"):
        parts.append(f"sse:level sse:level-{rec['level']}")
        attributes.append(("sse:level", f"sse:level-{rec['level']}"))
    w.fact(iri, parts, rec)
    for predicate, obj in attributes:
        w.attribute(iri, predicate, obj)


def _record(w: _Writer, kind: str, rec: dict) -> None:
    keys = {k: rec.get(k) for k in ("member", "organisation", "holder", "body", "on_behalf_of", "partner", "in")}
    rid = hashlib.sha1(f"{w.stem}|{rec['row']}|{sorted((k, v) for k, v in keys.items() if v)}".encode()).hexdigest()[:12]
    subject = f"{ID}import-{w.stem}-{rid}"
    if kind == "memberships":
        parts = ["a org:Membership", f"org:member <{rec['member']}>", f"org:organization <{rec['organisation']}>"]
    elif kind == "seats":
        parts = ["a sse:Seat", f"sse:holder <{rec['holder']}>", f"sse:body <{rec['body']}>"]
        if rec.get("on_behalf_of"):
            parts.append(f"sse:onBehalfOf <{rec['on_behalf_of']}>")
    else:
        parts = ["a sse:Partnership", f"sse:partner <{rec['partner']}>", f"sse:partnerIn <{rec['in']}>"]
    parts.append(f"org:role sse:role-{rec['role']}")
    for col, prop in (("start", "startDate"), ("end", "endDate"), ("attested", "attestedOn")):
        if rec.get(col):
            parts.append(f"sse:{prop} {_date(rec[col])}")
    w.fact(subject, parts, rec)


def import_turtle(kind: str, records: list[dict], *, stem: str, file_name: str, digest: str, created: str,
                  sources: dict[str, str], known: set[str]) -> str:
    """The Turtle of the import: deterministic for the same table (but the date)."""
    w = _Writer(stem, file_name, digest, created, sources)
    countries: dict[str, str] = {}
    for rec in records:
        w.lines.append("")
        if kind == "organisations":
            _organisation(w, rec, countries)
        else:
            _record(w, kind, rec)
    for code, src in sorted(countries.items()):
        place = f"{ID}place-{code.lower()}"
        if place not in known:
            w.lines.append(f"<{place}> a sse:Country ; skos:prefLabel {literal(code)}@en ; sse:isoCode {literal(code)} ; "
                           f"dcterms:source <{src}> .")
    return "\n".join(w.lines) + "\n"
