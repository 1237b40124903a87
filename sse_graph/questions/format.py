"""Formatting: turn the rows of :mod:`.lookup` into the answers' plain dicts,
each IRI given its label in one language.

The dict shapes are the CLI's ``--json`` output (README): ``iri``, ``label``,
``alt_labels`` and the fields that apply.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..names import LabelIndex, normalise
from ..namespaces import INFERRED_GRAPH_IRI

__all__ = ["Formatter"]

SSE = "https://w3id.org/sse-graph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PLACE_PROPERTIES = (SSE + "basedIn", SSE + "activeIn", SSE + "heldIn", SSE + "locatedIn")
FACT_PROPERTIES = (SSE + "note", SSE + "founded", SSE + "level", SSE + "statutoryForm",
                   # an event's, a project's, a document's or a law's own dates, number and address
                   SSE + "eventDate", SSE + "endEventDate", SSE + "startDate", SSE + "endDate", SSE + "homepage",
                   "http://purl.org/dc/terms/date", "http://purl.org/dc/terms/modified", "http://purl.org/dc/terms/identifier")


@dataclass
class Formatter:
    """Labels in ``lang`` for the answers' dicts."""

    labels: LabelIndex
    lang: str = "en"

    def label(self, iri: str | None) -> str | None:
        return self.labels.label(iri, self.lang) if iri else None

    def entity(self, iri: str) -> dict:
        return {"iri": iri, "label": self.labels.label(iri, self.lang), "alt_labels": self.labels.alt_labels(iri, self.lang)}

    # ------------------------------------------------------------------ members, counts
    def members(self, rows: list[dict], evidence: dict[str, list[dict]] | None = None) -> list[dict]:
        """One entry per member: its roles, earliest start, latest end and attestation, sources,
        and the evidence of its memberships (``evidence``: record IRI → evidence rows)."""
        grouped: dict[str, dict] = {}
        passages: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            entry = grouped.setdefault(row["member"], {**self.entity(row["member"]), "roles": [], "start": None,
                                                       "end": None, "attested": None, "sources": [],
                                                       "collective": _true(row.get("collective"))})
            passages[row["member"]] += (evidence or {}).get(row.get("membership") or "", [])
            if row["role"]:
                lbl = self.label(row["role"])
                if lbl not in entry["roles"]:
                    entry["roles"].append(lbl)
            for k, pick in (("start", min), ("end", max), ("attested", max)):
                if row[k]:
                    entry[k] = row[k] if entry[k] is None else pick(entry[k], row[k], key=str)
            if row["file"] and row["file"] not in entry["sources"]:
                entry["sources"].append(row["file"])
        for iri, e in grouped.items():
            e["roles"].sort()
            e["sources"].sort()
            e["evidence"] = self.evidence_list(passages[iri])
        return sorted(grouped.values(), key=lambda e: normalise(e["label"]))

    def declared_count(self, row: dict) -> dict:
        return {"value": row["value"], "qualifier": self.label(row["qualifier"]), "as_of": row["asof"],
                "wording": row["wording"], "sources": [row["file"]] if row["file"] else [],
                "source_date": row.get("sourcedate")}

    def count(self, row: dict) -> dict:
        return {"measure": self.label(row["measure"]), **self.declared_count(row)}

    # ------------------------------------------------------------------ representation
    def chain_answers(self, reached: list[str], chains: dict[str, list[tuple[str, set[str]]]]) -> list[dict]:
        answers = []
        for iri in reached:
            chain = chains.get(iri)
            if not chain:
                continue
            sources = sorted(set().union(*(src for _n, src in chain[1:])))
            answers.append({
                **self.entity(iri),
                "chain": [self.label(n) for n, _s in chain],
                "chain_iris": [n for n, _s in chain],
                "relation": "direct" if len(chain) == 2 else f"through {len(chain) - 2} intermediate(s)",
                "sources": sources,
            })
        return sorted(answers, key=lambda a: (len(a["chain"]), normalise(a["label"])))

    # ------------------------------------------------------------------ seats
    def seats(self, rows: list[dict], evidence: dict[str, list[dict]] | None = None) -> list[dict]:
        """One entry per seat (or post) and relation, with its roles, the organisation it is held for
        and the one that nominated its holder, sources and evidence."""
        grouped: dict[tuple, dict] = {}
        for row in rows:
            key = (row["seat"], row["relation"])
            e = grouped.get(key)
            if e is None:
                e = grouped[key] = {
                    **self.entity(row["body"]),
                    "body": self.label(row["body"]),
                    "relation": row["relation"],
                    "roles": [],
                    "person": self.label(row["person"]),
                    "on_behalf_of": self.label(row["behalf"]),
                    "nominated_by": self.label(row.get("nominator")),
                    "start": row["start"], "end": row["end"], "attested": None, "attestations": [], "during": row["during"],
                    "sources": [],
                    "evidence": self.evidence_list((evidence or {}).get(row["seat"], [])),
                }
            _add_attestation(e, row["attested"])
            if row["role"]:
                lbl = self.label(row["role"])
                if lbl not in e["roles"]:
                    e["roles"].append(lbl)
            if row["file"] and row["file"] not in e["sources"]:
                e["sources"].append(row["file"])
        return sorted(grouped.values(), key=lambda e: (normalise(e["label"]), e["relation"], e["person"] or ""))

    def sitting(self, rows: list[dict], evidence: dict[str, list[dict]] | None = None) -> list[dict]:
        """One entry per seat on the body (a seat attested on two dates is one seat, not two)."""
        grouped: dict[str, dict] = {}
        for row in rows:
            e = grouped.get(row["seat"])
            if e is None:
                e = grouped[row["seat"]] = {
                    **self.entity(row["holder"]),
                    "roles": [],
                    "on_behalf_of": self.label(row["behalf"]),
                    "nominated_by": self.label(row["nominator"]),
                    "start": row["start"], "end": row["end"], "attested": None, "attestations": [], "during": row["during"],
                    "sources": [],
                    "evidence": self.evidence_list((evidence or {}).get(row["seat"], [])),
                }
            _add_attestation(e, row["attested"])
            if row["role"] and self.label(row["role"]) not in e["roles"]:
                e["roles"].append(self.label(row["role"]))
            if row["file"] and row["file"] not in e["sources"]:
                e["sources"].append(row["file"])
        return sorted(grouped.values(), key=lambda e: normalise(e["label"]))

    # ------------------------------------------------------------------ path, search
    def path_step(self, node: str, relation: str | None, role: str | None, sources: list[str]) -> dict:
        return {**self.entity(node), "relation": relation, "role": self.label(role), "sources": sources}

    def search(self, scores: dict[str, int], limit: int) -> list[dict]:
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], normalise(self.labels.label(kv[0], self.lang))))
        return [{**self.entity(iri), "score": s} for iri, s in ranked[:limit]]

    # ------------------------------------------------------------------ card
    def card_facts(self, rows: list[dict], evidence: dict[tuple, list[dict]] | None = None
                   ) -> tuple[list[dict], list[dict], dict, set[str]]:
        """From the card query's rows: kinds (asserted first), places, facts, source files; each
        with the evidence of its attribute statement (``evidence``: (predicate, object) → rows)."""
        evidence = evidence or {}
        types, places, facts = [], [], defaultdict(list)
        sources: set[str] = set()
        for row in rows:
            p, o, g, f = row["p"], row["o"], row["g"], row["file"]
            if f:
                sources.add(f)
            if p == RDF_TYPE:
                if o.startswith(SSE) and o not in [t["iri"] for t in types]:
                    types.append({"iri": o, "label": self.label(o), "inferred": g == INFERRED_GRAPH_IRI,
                                  "evidence": self.evidence_list(evidence.get((p, o), []))})
            elif p in PLACE_PROPERTIES:
                entry = {"relation": p.rsplit("#", 1)[1], "iri": o, "label": self.label(o),
                         "evidence": self.evidence_list(evidence.get((p, o), []))}
                if entry not in places:
                    places.append(entry)
            elif p in FACT_PROPERTIES:
                value = self.label(o) if o.startswith("http") else o
                facts[p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]].append({"value": value, "sources": [f] if f else [],
                                                   "evidence": self.evidence_list(evidence.get((p, o), []))})
        types.sort(key=lambda t: (t["inferred"], t["label"]))
        return types, places, dict(facts), sources

    # ------------------------------------------------------------------ evidence
    @staticmethod
    def evidence(row: dict) -> dict:
        """One piece of evidence as the answers carry it: the source (file name), its title and
        date, an RFC 5147 locator (``file#char=start,end``), the quote in context and its offsets.
        A curator's note has no locator; its reason is the ``exact``."""
        date = row.get("date")
        if row.get("dateQualifier"):
            date = f"{date} ({row['dateQualifier']})" if date else row["dateQualifier"]
        start, end, file = row.get("start"), row.get("end"), row.get("fileName")
        if row.get("comment") is not None and row.get("exact") is None:
            return {"source": "curator's note", "source_title": "curator's note", "source_date": None,
                    "locator": row.get("ev"), "exact": row["comment"], "prefix": "", "suffix": "",
                    "start": None, "end": None}
        return {
            "source": file or row.get("ev"),
            "source_title": row.get("title"),
            "source_date": str(date) if date is not None else None,
            "locator": f"{file}#char={start},{end}" if file and start is not None else file,
            "exact": row.get("exact"), "prefix": row.get("prefix") or "", "suffix": row.get("suffix") or "",
            "start": int(start) if start is not None else None, "end": int(end) if end is not None else None,
        }

    def evidence_list(self, rows: list[dict]) -> list[dict]:
        """The evidence of ``rows``, each passage once, by source and position."""
        seen, out = set(), []
        for row in rows:
            e = self.evidence(row)
            key = (e["source"], e["start"], e["end"], e["exact"])
            if key not in seen:
                seen.add(key)
                out.append(e)
        return sorted(out, key=lambda e: (str(e["source"]), e["start"] if e["start"] is not None else -1))

    def relation(self, n: dict) -> dict:
        """A relation of a card, with its dates (``start``, ``end``, ``attested``: the latest,
        ``attestations``: all, ``during``) as the record gives them."""
        files = n.get("files") if "files" in n else ([n["file"]] if n.get("file") else [])
        attestations = n.get("attestations") or ([str(n["attested"])] if n.get("attested") else [])
        return {"direction": n["direction"], "relation": n["relation"], **self.entity(n["other"]),
                "role": self.label(n["role"]), "sources": list(files),
                "start": n.get("start"), "end": n.get("end"), "attested": attestations[-1] if attestations else None,
                "attestations": attestations, "during": n.get("during")}

    @staticmethod
    def merged_relations(rows: list[dict]) -> list[dict]:
        """One row per relation (direction, relation, other, role): a record attested on two dates
        gives two result rows, merged here with both dates and all sources; a row with no source
        beside a sourced one of the same relation is the reasoner's copy of it (an inferred
        inverse) and is dropped."""
        merged: dict[tuple, dict] = {}
        for r in rows:
            key = (r["direction"], r["relation"], r["other"], r["role"])
            m = merged.setdefault(key, {**r, "files": [], "attestations": []})
            if r.get("file") and r["file"] not in m["files"]:
                m["files"].append(r["file"])
            if r.get("attested") and str(r["attested"]) not in m["attestations"]:
                m["attestations"] = sorted([*m["attestations"], str(r["attested"])])
            for k, pick in (("start", min), ("end", max)):
                if r.get(k):
                    m[k] = r[k] if not m.get(k) else pick(m[k], r[k], key=str)
            if r.get("during") and not m.get("during"):
                m["during"] = r["during"]
        for m in merged.values():
            m["files"].sort()
        return list(merged.values())


# ---------------------------------------------------------------------- words of the time answers
# What the CLI prints for chains and statuses, in English and French; the --json output keeps the
# English status codes ("holds", "last attested 2018" …), which scripts compare.
ARROW = " → "

WORDS = {
    "en": {"none": "no representation chain from {a} to {b}", "chain": "chain {n}", "holds": "the whole chain holds {span}",
           "never": "its links never held together (not a chain)", "not_on": "it does not count on {d}",
           "role": "role", "source": "source", "status": "status on {d}", "not_counted": "not counted",
           "no_overlap": "— no date where the evidence of every link overlaps",
           "source_dated": "(source dated)"},
    "fr": {"none": "aucune chaîne de représentation de {a} à {b}", "chain": "chaîne {n}",
           "holds": "la chaîne entière tient {span}", "never": "ses maillons n'ont jamais tenu ensemble (pas une chaîne)",
           "not_on": "elle ne compte pas au {d}", "role": "rôle", "source": "source", "status": "statut au {d}",
           "not_counted": "ne compte pas", "no_overlap": "— aucune date où les attestations de tous les maillons se recouvrent",
           "source_dated": "(daté par la source)"},
}

_STATUS_FR = {"holds": "en vigueur", "attested": "attesté", "not yet attested": "pas encore attesté",
              "ended": "terminé", "not started": "pas encore commencé", "undated": "non daté"}


def words(lang: str) -> dict:
    return WORDS.get(lang, WORDS["en"])


def status_words(status: str | None, lang: str = "en") -> str:
    """A status (:func:`sse_graph.timeline.status_on`) in ``lang``'s words.

    >>> status_words("last attested 2018", "fr")
    'attesté pour la dernière fois en 2018'
    >>> status_words("holds", "en")
    'holds'
    """
    if not status or lang != "fr":
        return status or ""
    if status.startswith("last attested "):
        return "attesté pour la dernière fois en " + status.removeprefix("last attested ")
    return _STATUS_FR.get(status, status)


def span_words(span: dict | None, lang: str = "en") -> str:
    """An interval ``{start, end}`` as ``2017-01-01 – …``; ``None``: no overlap, in words."""
    if span is None:
        return words(lang)["no_overlap"]
    return f"{span['start'] or '…'} – {span['end'] or '…'}"


def held_words(chain: dict, lang: str = "en") -> str:
    """Where a chain answer holds together: its interval, marked when a link is dated only by the
    date of its document (an undated page "of about 2024" says nothing of 2024 itself), else
    whether its links were attested together."""
    if not chain.get("interval"):
        return chain["together"]
    held = span_words(chain["interval"], lang)
    if any((link.get("timing") or {}).get("basis") == "source date" for link in chain.get("links") or []):
        held += " " + words(lang)["source_dated"]
    return held


def chain_words(chain: dict) -> str:
    """The nodes of a chain answer, ``A → B → C``."""
    return ARROW.join(chain["chain"])


def not_counted_words(chain: dict, when, lang: str = "en") -> str:
    """Why a chain is set apart, in one line: its links never held together, or (on a
    date) it does not count there — with its links' dates."""
    w = words(lang)
    never = chain.get("together") == "never held together" or chain.get("why_not") == "links never held together"
    why = w["never"] if never or when is None else w["not_on"].format(d=when)
    dates = "; ".join(l["dates"] for l in chain.get("links", []))
    return f"{w['not_counted']} ({why}): {chain_words(chain)}" + (f" [{dates}]" if dates else "")


def chain_step_lines(chain: dict, when, lang: str = "en") -> list[str]:
    """Each link of a chain answer in words: who, relation, whom, dates, status, role, source,
    then its passages — plain text (the caller makes it inert for its output)."""
    w = words(lang)
    lines = []
    for l in chain["links"]:
        role = f"; {w['role']}: {', '.join(l['roles'])}" if l["roles"] else ""
        body = f" ({', '.join(l['via_body'])})" if l["via_body"] else ""
        status = f"; {status_words(l['status'], lang)}" if "status" in l else ""
        lines.append(f"  {l['from_label']} {l['relation']} {l['to_label']}{body} — {l['dates']}{status}{role}; "
                     f"{w['source']}: {', '.join(l['sources']) or '—'}")
        lines += [f"      « {p} »" for p in l["passages"]]
    return lines


def chain_heading(i: int, chain: dict, when, lang: str = "en") -> str:
    """``chain 1: A → B (the whole chain holds 2018-01-01 – 2018-12-31; status on D: holds)``."""
    w = words(lang)
    status = f"; {w['status'].format(d=when)}: {status_words(chain.get('status'), lang)}" if when else ""
    return f"{w['chain'].format(n=i)}: {chain_words(chain)}  ({w['holds'].format(span=span_words(chain['interval'], lang))}{status})"


def _add_attestation(entry: dict, attested) -> None:
    """Keep every date a seat is attested on (``attestations``, sorted); ``attested`` is the latest,
    as for members."""
    if attested and str(attested) not in entry["attestations"]:
        entry["attestations"] = sorted([*entry["attestations"], str(attested)])
        entry["attested"] = entry["attestations"][-1]


def _true(value) -> bool:
    """A SPARQL boolean as the stores give it (True, "true", a typed literal's text)."""
    return str(value).lower() in ("true", "1")
