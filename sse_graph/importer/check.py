"""Check every cell and turn it into what the graph needs: typed XLSX cells
(numbers, dates, booleans) read as a spreadsheet user means them, names and ids
resolved against the graph, each problem kept with its row, column and value."""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field

from ..dates import period
from ..names import LabelIndex, normalise
from .columns import REQUIRED

__all__ = ["Problem", "Vocabulary", "check_rows", "ISO_3166_ALPHA2", "LEVELS"]

ID = "https://w3id.org/sse-graph/id/"
SSE = "https://w3id.org/sse-graph/ontology#"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
DATE_PATTERN = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
LEVELS = {"local": "local", "regional": "regional", "national": "national", "european": "european",
          "europeen": "european", "international": "international"}
ISO_3166_ALPHA2 = set((
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO "
    "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR "
    "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO "
    "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV "
    "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW").split())
TRUE = {"true", "yes", "y", "oui", "o", "x", "1", "vrai"}
FALSE = {"false", "no", "n", "non", "0", "faux"}
DEFAULT_ROLE = {"memberships": "member", "seats": "seat-member", "partnerships": "partner"}


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    column: str | None  # the header as written
    message: str

    def where(self, file: str) -> str:
        return ":".join([file, *([str(self.row)] if self.row else []), *([self.column] if self.column else [])])


class CellError(ValueError):
    """A cell that cannot be read: the message names the value."""


@dataclass
class Vocabulary:
    """What the graph offers the import: kinds, roles, known resources, names."""

    kinds: dict[str, str]  # normalised class name or label → class local name
    roles: dict[str, str]  # normalised role id or label → role id (member, board-member ...)
    agents: set[str]  # organisations and people
    representative: set[str]  # representative bodies (what a membership may be of)
    known: set[str]  # every typed resource of the graph, but the import's own graph
    labels: LabelIndex
    sources: dict[str, str] = field(default_factory=dict)  # file name, id or IRI → source document IRI

    @classmethod
    def from_store(cls, store, own_graph: str) -> "Vocabulary":
        def named(query: str, prefix: str) -> dict[str, str]:
            out: dict[str, str] = {}
            for r in store.select(query).dicts():
                local = r["x"].rsplit(prefix, 1)[-1]
                out[normalise(local)] = local
                if r.get("l"):
                    out.setdefault(normalise(r["l"]), local)
            return out

        kinds = named("SELECT ?x ?l WHERE { ?x a <https://w3id.org/sse-graph/ontology#Kind> "
                      "OPTIONAL { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l } }", "#")
        roles = named("SELECT ?x ?l WHERE { ?x a <http://www.w3.org/ns/org#Role> FILTER(CONTAINS(STR(?x), '#role-')) "
                      "OPTIONAL { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }", "#role-")
        derived = ("https://w3id.org/sse-graph/graph/inferred", "https://w3id.org/sse-graph/graph/metrics", own_graph)
        # looked up id by id (a row names a few), not read whole: at 1M triples reading
        # every typed resource and every label took minutes on the on-disk store
        known = _Ask(store, "ASK { GRAPH ?g { ?x_param a ?t } FILTER(STRSTARTS(STR(?x_param), 'https://w3id.org/sse-graph/id/') "
                            f"&& ?g NOT IN ({', '.join(f'<{g}>' for g in derived)})) }}")
        agents = _Ask(store, "ASK { { ?x_param a <https://w3id.org/sse-graph/ontology#Organisation> } UNION "
                             "{ ?x_param a <https://w3id.org/sse-graph/ontology#Person> } }")
        rep = _Ask(store, "ASK { ?x_param a <https://w3id.org/sse-graph/ontology#RepresentativeBody> }")
        sources = {}
        for r in store.select("SELECT ?x ?f WHERE { GRAPH ?g { ?x a <https://w3id.org/sse-graph/ontology#SourceDocument> ; "
                              "<https://w3id.org/sse-graph/ontology#fileName> ?f } "
                              # the seed's sources, not those another import described for itself:
                              # each import stays self-contained, so that it can be undone alone
                              "FILTER(!STRSTARTS(STR(?g), 'https://w3id.org/sse-graph/graph/import-')) }").dicts():
            for key in (r["x"], r["f"], r["x"].rsplit("/", 1)[-1], r["f"].rsplit(".", 1)[0]):
                sources[key] = r["x"]
        from ..name_index import open_labels

        return cls(kinds, roles, agents, rep, known, open_labels(store), sources)


class _Ask:
    """A set of IRIs of the graph, asked one at a time (``iri in it``)."""

    def __init__(self, store, query: str):
        self.store, self.query = store, query
        self._seen: dict = {}

    def __contains__(self, iri) -> bool:
        if not isinstance(iri, str) or not iri.startswith(("http://", "https://")):
            return False
        if iri not in self._seen:
            try:
                self._seen[iri] = bool(self.store.raw_query(self.query, bindings={"x_param": iri}))
            except Exception:  # noqa: BLE001 - not an IRI the store accepts: not in the graph
                self._seen[iri] = False
        return self._seen[iri]


# ------------------------------------------------------------------ cells
# What no cell of a partner's table may hold: control characters (NUL, escape, a line end
# inside a name, delete, C1) and the bidi embeddings, overrides and isolates that reorder
# the text around a name wherever it is shown.  The marks (LRM, RLM, ALM) stay allowed.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def forbidden_character(value) -> str | None:
    """A problem message when a text cell holds a character no name may hold, else None.

    >>> forbidden_character("Coop\\u202eEst")
    'U+202E (RIGHT-TO-LEFT OVERRIDE) in the cell: no name or reference may hold a control or bidi override character'
    >>> forbidden_character("Coopérative") is None
    True
    """
    m = _FORBIDDEN.search(value) if isinstance(value, str) else None
    if m is None:
        return None
    c = m.group()
    name = unicodedata.name(c, {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "TAB", "\x00": "NUL",
                                "\x1b": "ESCAPE"}.get(c, "control character"))
    return f"U+{ord(c):04X} ({name}) in the cell: no name or reference may hold a control or bidi override character"


def text(value) -> str:
    """A cell as text: a whole number without its '.0', a date as ISO."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        return (value.date() if isinstance(value, _dt.datetime) else value).isoformat()
    return str(value).strip()


def date_value(value) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, from a date cell, a year as a number, or text
    (also DD/MM/YYYY and MM/YYYY as a French spreadsheet writes them)."""
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    if isinstance(value, (_dt.datetime, _dt.date)):
        return text(value)
    if isinstance(value, (int, float)) and float(value).is_integer() and 1000 <= value <= 9999:
        return str(int(value))
    v = text(value)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", v) or re.fullmatch(r"(\d{1,2})/(\d{4})", v)
    if m:
        v = "-".join(reversed([g.zfill(2) for g in m.groups()]))
    if not DATE_PATTERN.fullmatch(v):
        raise CellError(f"'{text(value)}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    if period(v) is None:
        raise CellError(f"'{v}' is not a real date")
    return v


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    v = normalise(text(value))
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise CellError(f"'{text(value)}' is not yes or no (true/false, oui/non, 1/0)")


def choice(value, options: dict[str, str], what: str, example: str) -> str:
    v = options.get(normalise(text(value)))
    if v is None:
        raise CellError(f"'{text(value)}' is not {what}, e.g. {example}")
    return v


def reference(value, vocab: Vocabulary, pool: set[str], what: str) -> str:
    """An id of the graph, an IRI, or a name (label or acronym) of an organisation."""
    v = text(value)
    iri = v if v.startswith(("http://", "https://")) else ID + v if ID_PATTERN.fullmatch(v) else None
    if iri in pool:
        return iri
    from ..errors import AmbiguousNameError, NotFoundError

    try:
        found = vocab.labels.resolve(v)
    except AmbiguousNameError as e:
        raise CellError(f"'{v}' names several organisations: " + ", ".join(label for _i, label in e.candidates)) from None
    except NotFoundError:
        found = None
    if found in pool:
        return found
    raise CellError(f"unknown {what} '{v}' (not in the graph)")


# ------------------------------------------------------------------ rows
def _organisation(get, row, vocab: Vocabulary, labels: dict[str, int], new_ids: set[str]) -> dict:
    rec: dict = {}
    oid = get("id", text)
    if oid is not None:
        if not ID_PATTERN.fullmatch(oid):
            raise CellError(f"id: '{oid}' is not an id: lower-case letters, digits and hyphens")
        if ID + oid in vocab.known:
            raise CellError(f"id: '{oid}' already exists in the graph: choose another id")
        if ID + oid in new_ids:
            raise CellError(f"id: duplicate id '{oid}'")
        new_ids.add(ID + oid)
        rec["iri"] = ID + oid
    rec["kind"] = get("kind", lambda v: choice(v, vocab.kinds, "a kind of the ontology", "Federation or Cooperative"))
    rec["labels"] = [(lang, text(row.values[i])) for lang, i in sorted(labels.items()) if row.values[i] is not None]
    rec["acronym"] = get("acronym", text)
    rec["country"] = get("country", lambda v: _country(v))
    rec["level"] = get("level", lambda v: choice(v, LEVELS, "a level", "local, regional, national, european, international"))
    return rec


def _country(value) -> str:
    code = text(value).upper()
    if code not in ISO_3166_ALPHA2:
        raise CellError(f"'{text(value)}' is not an ISO 3166-1 alpha-2 code such as BE or FR")
    return code


def _record(kind: str, get, vocab: Vocabulary) -> dict:
    orgs = vocab.agents
    if kind == "memberships":
        def body(v):
            iri = reference(v, vocab, orgs, "organisation")
            if iri not in vocab.representative:
                raise CellError(f"'{text(v)}' is not a representative body (federation, chamber, umbrella, network): "
                                "import it as a partnership or a seat instead")
            return iri

        rec = {"member": get("member", lambda v: reference(v, vocab, orgs, "organisation")),
               "organisation": get("organisation", body)}
    elif kind == "seats":
        rec = {"holder": get("holder", lambda v: reference(v, vocab, orgs, "organisation or person")),
               "body": get("body", lambda v: reference(v, vocab, orgs, "body")),
               "on_behalf_of": get("on_behalf_of", lambda v: reference(v, vocab, orgs, "organisation"))}
    else:
        rec = {"partner": get("partner", lambda v: reference(v, vocab, orgs, "organisation")),
               "in": get("in", lambda v: reference(v, vocab, vocab.known, "project, event or organisation"))}
        lead = get("lead", boolean)
        if lead:
            rec["lead"] = True
    rec["role"] = get("role", lambda v: choice(v, vocab.roles, "a role of the list", "member, board-member, partner"))
    if rec.get("lead"):
        if rec["role"] not in (None, "lead-partner"):
            raise CellError(f"role: '{rec['role']}' contradicts the lead column (the lead partner's role is lead-partner)")
        rec["role"] = "lead-partner"
    rec["role"] = rec["role"] or DEFAULT_ROLE[kind]
    for col in ("start", "end", "attested"):
        rec[col] = get(col, date_value)
    return rec


def check_rows(table, kind: str, columns: dict[str, int], labels: dict[str, int], vocab: Vocabulary):
    """``(records, problems)``: one record per good row (its number, its source and
    locator, and the resolved values), one problem per bad cell."""
    problems: list[Problem] = []
    records: list[dict] = []
    new_ids: set[str] = set()
    for row in table.rows:
        bad = [Problem(row.number, table.headers[i] or f"column {i + 1}", msg)
               for i, v in enumerate(row.values) if (msg := forbidden_character(v))]

        def get(name, convert):
            i = columns.get(name)
            value = None if i is None else row.values[i]
            if value is None:
                if name in REQUIRED[kind]:
                    bad.append(Problem(row.number, table.headers[i] if i is not None else name, "a value is required"))
                return None
            try:
                return convert(value)
            except CellError as e:
                msg = str(e)
                header = table.headers[i]
                if msg.startswith(f"{name}: "):  # a message that names its column already
                    msg = msg[len(name) + 2:]
                bad.append(Problem(row.number, header, msg))
                return None

        def whole_row(build):
            try:
                return build()
            except CellError as e:
                name, _, msg = str(e).partition(": ")
                bad.append(Problem(row.number, table.headers[columns[name]] if name in columns else name, msg))
                return None

        if kind == "organisations":
            rec = whole_row(lambda: _organisation(get, row, vocab, labels, new_ids))
            if rec is not None and not rec["labels"]:
                bad.append(Problem(row.number, "label_*", "at least one label column (label_fr, label_en …) must be filled"))
        else:
            rec = whole_row(lambda: _record(kind, get, vocab))
        if rec is not None and not bad:
            rec["row"] = row.number
            rec["source"] = get("source", text)
            rec["locator"] = get("locator", text)
            records.append(rec)
        problems += bad
    if not table.rows:
        problems.append(Problem(None, None, "the table has no row"))
    return records, problems
