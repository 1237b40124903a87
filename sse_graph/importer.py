"""Import a partner's spreadsheet (CSV or XLSX) into the graph, all or nothing.

Column convention (first row = headers; extra columns are refused):

organisations
    ``id`` (required, unique: lower-case letters, digits and hyphens, e.g. ``coop-du-val``),
    ``label_fr`` / ``label_en`` / ``label_es`` / ``label_ko`` … (one label column per language, at
    least one filled), ``acronym``, ``kind`` (required: an ontology kind such as ``Federation``,
    ``Cooperative``, ``Network``), ``country`` (ISO 3166-1 alpha-2, e.g. ``BE``), ``level``
    (local, regional, national, european, international), ``source`` (a note on where the row comes from).
memberships
    ``member`` and ``organisation`` (required: an id of the graph or of an imported organisations
    file, or a full IRI; the organisation must be a representative body), ``role`` (default
    ``member``: a role of the controlled list, e.g. ``board-member``), ``start``, ``end``, ``attested``
    (YYYY, YYYY-MM or YYYY-MM-DD), ``source``.
seats
    ``holder`` and ``body`` (required, ids or IRIs), ``on_behalf_of``, ``role`` (default
    ``seat-member``), ``start``, ``end``, ``attested``, ``source``.

Every row is checked first (frictionless Table Schema: required cells, patterns, enumerations,
unique ids), then references are resolved against the graph, then the resulting graph is reasoned
and validated with the SHACL shapes in a staging copy.  Only when all of that passes is the file
``graph/import-<name>.ttl`` written (atomically): it is its own named graph, with a source
description (file name, SHA-256, date).  Re-importing the same file changes nothing; importing a
corrected file of the same name replaces its named graph.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import DataPaths, data_paths
from .errors import InputError

__all__ = ["import_table", "ImportResult", "ImportError_", "KINDS_OF_TABLE"]

KINDS_OF_TABLE = ("organisations", "memberships", "seats")
ID = "https://w3id.org/sse-graph/id/"
SSE = "https://w3id.org/sse-graph/ontology#"
ID_PATTERN = "[a-z0-9][a-z0-9-]*"
DATE_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
LEVELS = ["local", "regional", "national", "european", "international"]
ISO_3166_ALPHA2 = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO "
    "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR "
    "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO "
    "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV "
    "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
).split()


class ImportError_(InputError):
    """A spreadsheet that cannot be imported; ``errors`` lists (row, column, message)."""

    def __init__(self, path: Path, errors: list[tuple[int | None, str | None, str]]):
        self.path, self.errors = Path(path), errors
        lines = [f"{self.path.name}: " + (f"row {r}, " if r else "") + (f"column '{c}': " if c else "") + m for r, c, m in errors]
        super().__init__(f"{len(errors)} error(s); nothing was imported\n" + "\n".join(lines))


@dataclass
class ImportResult:
    path: Path
    target: Path
    rows: int
    changed: bool
    triples: int = 0
    messages: list[str] = field(default_factory=list)


def _vocabulary(store) -> tuple[list[str], list[str], set[str], dict[str, set[str]], set[str]]:
    """Kinds, roles, every known IRI (by graph), representative bodies."""
    kinds = [r["k"].rsplit("#", 1)[1] for r in store.select(
        "SELECT ?k WHERE { ?k a <https://w3id.org/sse-graph/ontology#Kind> }").dicts()]
    roles = [r["r"].rsplit("#role-", 1)[1] for r in store.select(
        "SELECT ?r WHERE { ?r a <http://www.w3.org/ns/org#Role> }").dicts() if "#role-" in r["r"]]
    by_graph: dict[str, set[str]] = {}
    for r in store.select("SELECT DISTINCT ?g ?x WHERE { GRAPH ?g { ?x a ?t } "
                          "FILTER(STRSTARTS(STR(?x), 'https://w3id.org/sse-graph/id/')) }").dicts():
        by_graph.setdefault(r["g"], set()).add(r["x"])
    agents = {r["x"] for r in store.select(
        "SELECT ?x WHERE { { ?x a <https://w3id.org/sse-graph/ontology#Organisation> } UNION "
        "{ ?x a <https://w3id.org/sse-graph/ontology#Person> } }").dicts()}
    rep = {r["x"] for r in store.select(
        "SELECT ?x WHERE { ?x a <https://w3id.org/sse-graph/ontology#RepresentativeBody> }").dicts()}
    return sorted(kinds), sorted(roles), agents, by_graph, rep


def _schema(kind: str, headers: list[str], kinds: list[str], roles: list[str]):
    from frictionless import Schema

    def f(name, required=False, pattern=None, enum=None):
        c = {}
        if required:
            c["required"] = True
        if pattern:
            c["pattern"] = pattern
        if enum:
            c["enum"] = enum
        return {"name": name, "type": "string", **({"constraints": c} if c else {})}

    dates = [f("start", pattern=DATE_PATTERN), f("end", pattern=DATE_PATTERN), f("attested", pattern=DATE_PATTERN)]
    if kind == "organisations":
        labels = [f(h) for h in headers if re.fullmatch(r"label_[a-z]{2,3}", h)]
        fields = [f("id", True, ID_PATTERN), *labels, f("acronym"), f("kind", True, enum=kinds),
                  f("country", enum=ISO_3166_ALPHA2), f("level", enum=LEVELS), f("source")]
        d = {"fields": fields, "primaryKey": ["id"]}
    elif kind == "memberships":
        d = {"fields": [f("member", True), f("organisation", True), f("role", enum=roles), *dates, f("source")]}
    else:
        d = {"fields": [f("holder", True), f("body", True), f("on_behalf_of"), f("role", enum=roles), *dates, f("source")]}
    d["fields"] = [x for x in d["fields"] if x["name"] in headers or x.get("constraints", {}).get("required")]
    return Schema.from_descriptor(d)


def _read_rows(path: Path) -> tuple[list[str], list[dict]]:
    from frictionless import Resource

    with Resource(path=path.name, basepath=str(path.parent)) as res:
        headers = list(res.header)
        rows = [dict(r) for r in res.row_stream]
    return headers, rows


def _lit(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _date_lit(value: str) -> str:
    dt = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#{dt}>'


def import_table(path: str | Path, kind: str, *, data=None, progress=None, engine: str | None = None) -> ImportResult:
    """Import ``path`` as a table of ``kind``; raise :class:`ImportError_` (exit 2)
    with every row-level error, writing nothing, when anything is wrong.  ``engine``
    reasons the graph and the staging copy (see :func:`~sse_graph.build.build`)."""
    from frictionless import Resource

    from .build import build
    from .errors import ParseError, ValidationFailed
    from .fileio import write_atomic
    from .store import Store

    path = Path(path)
    say = progress or (lambda _m: None)
    if kind not in KINDS_OF_TABLE:
        raise InputError(f"unknown --kind '{kind}': use {', '.join(KINDS_OF_TABLE)}")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"{path}: only .csv and .xlsx files can be imported")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    paths: DataPaths = data_paths(data)
    stem = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "table"
    target = paths.graph / f"import-{stem}.ttl"
    own_graph = f"https://w3id.org/sse-graph/graph/import-{stem}"

    say("reading the graph's vocabulary")
    current = build(paths.root, progress=progress, engine=engine)
    engine = engine or current.engine  # the staging build reasons as the current one did
    store = Store(current.dataset_path)
    kinds, roles, agents, by_graph, rep = _vocabulary(store)
    derived = ("https://w3id.org/sse-graph/graph/inferred", "https://w3id.org/sse-graph/graph/metrics")
    known = set().union(*(v for g, v in by_graph.items() if g != own_graph and g not in derived)) if by_graph else set()

    say(f"checking the rows of {path.name}")
    try:
        headers, rows = _read_rows(path)
    except Exception as e:  # noqa: BLE001 - any unreadable file is the user's input error
        raise ImportError_(path, [(None, None, f"cannot be read as a table: {e}")]) from None
    errors: list[tuple[int | None, str | None, str]] = []
    schema = _schema(kind, headers, kinds, roles)
    allowed = {x.name for x in schema.fields}
    extra = [h for h in headers if h not in allowed and not re.fullmatch(r"label_[a-z]{2,3}", h)]
    for h in extra:
        errors.append((1, h, "unknown column (see the column convention in `sse-graph import --help`)"))
    report = Resource(path=path.name, basepath=str(path.parent), schema=schema).validate()
    hints = {"country": "an ISO 3166-1 alpha-2 code such as BE or FR", "kind": "a kind of the ontology, e.g. Federation",
             "level": "local, regional, national, european or international", "role": "a role of the controlled list, e.g. member",
             "id": "lower-case letters, digits and hyphens", "start": "YYYY, YYYY-MM or YYYY-MM-DD",
             "end": "YYYY, YYYY-MM or YYYY-MM-DD", "attested": "YYYY, YYYY-MM or YYYY-MM-DD"}
    seen = set()
    for row, col, cell, etype, note, message in report.flatten(["rowNumber", "fieldName", "cell", "type", "note", "message"]):
        if etype == "primary-key":
            col = "id"
            text = "an id is required" if "None" in (note or "") else "duplicate id: " + (note or "")
        elif etype == "constraint-error" and "required" in (note or ""):
            text = "a value is required"
        elif etype == "constraint-error":
            text = f"'{cell}' is not allowed: expected {hints.get(col, note)}"
        elif etype == "unique-error":
            text = f"duplicate value '{cell}': {note}"
        else:
            text = note if col else message
        if (row, col) not in seen:
            seen.add((row, col))
            errors.append((row, col, text))

    def ref(value: str) -> str:
        v = value.strip()
        return v if v.startswith(("http://", "https://")) else ID + v

    lines = ["@prefix sse: <https://w3id.org/sse-graph/ontology#> .", "@prefix org: <http://www.w3.org/ns/org#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .", "@prefix dcterms: <http://purl.org/dc/terms/> ."]
    src = f"https://w3id.org/sse-graph/source/import-{stem}"
    new_ids = set()
    from .dates import period

    for i, row in enumerate(rows, start=2):
        def cell(name):
            v = row.get(name)
            return "" if v is None else str(v).strip()

        for col in ("start", "end", "attested"):
            if cell(col) and re.fullmatch(DATE_PATTERN, cell(col)) and period(cell(col)) is None:
                errors.append((i, col, f"'{cell(col)}' is not a real date"))
        note = f" ; sse:note {_lit(cell('source'))}" if cell("source") else ""
        if kind == "organisations":
            oid = cell("id")
            if not oid:
                continue
            iri = ID + oid
            if iri in known:
                errors.append((i, "id", f"'{oid}' already exists in the graph: choose another id"))
            new_ids.add(iri)
            labels = [(h.split("_", 1)[1], cell(h)) for h in headers if re.fullmatch(r"label_[a-z]{2,3}", h) and cell(h)]
            if not labels:
                errors.append((i, "label_*", "at least one label column (label_fr, label_en …) must be filled"))
            parts = [f"<{iri}> a sse:{cell('kind') or 'Organisation'}"]
            parts += [f"skos:prefLabel {_lit(v)}@{lang}" for lang, v in labels]
            if cell("acronym"):
                parts.append(f"skos:altLabel {_lit(cell('acronym'))}@{labels[0][0] if labels else 'fr'}")
            if cell("country"):
                parts.append(f"sse:activeIn <{ID}place-{cell('country').lower()}>")
            if cell("level"):
                parts.append(f"sse:level sse:level-{cell('level')}")
            parts.append(f"dcterms:source <{src}>")
            lines.append(" ; ".join(parts) + note + " .")
        else:
            cols = ("member", "organisation") if kind == "memberships" else ("holder", "body", "on_behalf_of")
            refs = {}
            for col in cols:
                if not cell(col):
                    continue
                iri = ref(cell(col))
                refs[col] = iri
                if iri not in agents or iri not in (known | new_ids):
                    errors.append((i, col, f"unknown organisation '{cell(col)}' (not in the graph)"))
            if kind == "memberships" and "organisation" in refs and refs["organisation"] in agents and refs["organisation"] not in rep:
                errors.append((i, "organisation", f"'{cell('organisation')}' is not a representative body (federation, chamber, "
                                                  "umbrella, network): record a partnership or a seat instead"))
            if len(refs) < (2 if kind == "memberships" else 2):
                continue
            rid = hashlib.sha1(f"{stem}|{i}|{sorted(refs.items())}".encode()).hexdigest()[:12]
            rec = f"{ID}import-{stem}-{rid}"
            role = cell("role") or ("member" if kind == "memberships" else "seat-member")
            if kind == "memberships":
                parts = [f"<{rec}> a org:Membership", f"org:member <{refs['member']}>", f"org:organization <{refs['organisation']}>"]
            else:
                parts = [f"<{rec}> a sse:Seat", f"sse:holder <{refs['holder']}>", f"sse:body <{refs['body']}>"]
                if "on_behalf_of" in refs:
                    parts.append(f"sse:onBehalfOf <{refs['on_behalf_of']}>")
            parts.append(f"org:role sse:role-{role}")
            for col, prop in (("start", "startDate"), ("end", "endDate"), ("attested", "attestedOn")):
                if cell(col) and re.fullmatch(DATE_PATTERN, cell(col)) and period(cell(col)):
                    parts.append(f"sse:{prop} {_date_lit(cell(col))}")
            parts.append(f"dcterms:source <{src}>")
            lines.append(" ; ".join(parts) + note + " .")
    if kind == "organisations":
        for code in sorted({str(r.get("country") or "").strip().upper() for r in rows} - {""}):
            place = f"{ID}place-{code.lower()}"
            if code in ISO_3166_ALPHA2 and place not in known:
                lines.append(f"<{place}> a sse:Country ; skos:prefLabel {_lit(code)}@en ; sse:isoCode {_lit(code)} ; dcterms:source <{src}> .")
    if not rows:
        errors.append((None, None, "the table has no row"))
    if errors:
        errors.sort(key=lambda e: (e[0] or 0, e[1] or ""))
        raise ImportError_(path, errors)

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    header = [f"# Imported from {path.name} (--kind {kind}); sha256 {digest}.",
              f"<{src}> a sse:SourceDocument ; dcterms:title {_lit('Imported table ' + path.name)}@en ; "
              f"sse:fileName {_lit(path.name)} ; dcterms:language \"und\" ; "
              f"dcterms:created \"{_dt.date.today().isoformat()}\"^^<http://www.w3.org/2001/XMLSchema#date> ; "
              f"sse:note {_lit('sha256 ' + digest)} ."]
    text = "\n".join([header[0], *lines[:4], header[1], *lines[4:]]) + "\n"
    old = target.read_text(encoding="utf-8") if target.exists() else None
    if old is not None and _without_date(old) == _without_date(text):
        return ImportResult(path, target, len(rows), changed=False, messages=["unchanged: the same table is already imported"])

    say("reasoning and validating the graph with the import (staging copy)")
    with tempfile.TemporaryDirectory(prefix="sse-import-") as tmp:
        stage = Path(tmp)
        shutil.copytree(paths.ontology, stage / "ontology")
        shutil.copytree(paths.graph, stage / "graph")
        (stage / "graph" / target.name).write_text(text, encoding="utf-8")
        try:
            result = build(stage, progress=progress, engine=engine)
        except ValidationFailed as e:
            raise ImportError_(path, [(None, None, f"{v.rule} {v.focus}: {v.message}") for v in e.report.violations]) from None
        except ParseError as e:  # a value that made invalid RDF
            raise ImportError_(path, [(None, None, f"the rows make invalid RDF: {e.message}")]) from None
    write_atomic(target, text)
    return ImportResult(path, target, len(rows), changed=True, triples=result.graphs.get(own_graph, 0))


def _without_date(text: str) -> str:
    return re.sub(r'dcterms:created "[0-9-]+"', "", text)
