"""Formatting: turn the rows of :mod:`.lookup` into the answers' plain dicts,
each IRI given its label in one language.

The dict shapes are the CLI's ``--json`` output (README): ``iri``, ``label``,
``alt_labels`` and the fields that apply.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..names import LabelIndex, normalise
from ..namespaces import INFERRED_GRAPH

__all__ = ["Formatter"]

SSE = "https://w3id.org/sse-graph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PLACE_PROPERTIES = (SSE + "basedIn", SSE + "activeIn", SSE + "locatedIn")
FACT_PROPERTIES = (SSE + "note", SSE + "founded", SSE + "level", SSE + "statutoryForm")


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
    def members(self, rows: list[dict]) -> list[dict]:
        """One entry per member: its roles, earliest start, latest end and attestation, sources."""
        grouped: dict[str, dict] = {}
        for row in rows:
            entry = grouped.setdefault(row["member"], {**self.entity(row["member"]), "roles": [], "start": None,
                                                       "end": None, "attested": None, "sources": []})
            if row["role"]:
                lbl = self.label(row["role"])
                if lbl not in entry["roles"]:
                    entry["roles"].append(lbl)
            for k, pick in (("start", min), ("end", max), ("attested", max)):
                if row[k]:
                    entry[k] = row[k] if entry[k] is None else pick(entry[k], row[k], key=str)
            if row["file"] and row["file"] not in entry["sources"]:
                entry["sources"].append(row["file"])
        for e in grouped.values():
            e["roles"].sort()
            e["sources"].sort()
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
    def seats(self, rows: list[dict]) -> list[dict]:
        """One entry per seat and relation, with its roles and sources."""
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
                    "start": row["start"], "end": row["end"], "attested": row["attested"], "during": row["during"],
                    "sources": [],
                }
            if row["role"]:
                lbl = self.label(row["role"])
                if lbl not in e["roles"]:
                    e["roles"].append(lbl)
            if row["file"] and row["file"] not in e["sources"]:
                e["sources"].append(row["file"])
        return sorted(grouped.values(), key=lambda e: (normalise(e["label"]), e["relation"], e["person"] or ""))

    def sitting(self, rows: list[dict]) -> list[dict]:
        out = [{
            **self.entity(row["holder"]),
            "roles": [self.label(row["role"])] if row["role"] else [],
            "on_behalf_of": self.label(row["behalf"]),
            "nominated_by": self.label(row["nominator"]),
            "start": row["start"], "end": row["end"], "attested": row["attested"], "during": row["during"],
            "sources": [row["file"]] if row["file"] else [],
        } for row in rows]
        return sorted(out, key=lambda e: normalise(e["label"]))

    # ------------------------------------------------------------------ path, search
    def path_step(self, node: str, relation: str | None, role: str | None, sources: list[str]) -> dict:
        return {**self.entity(node), "relation": relation, "role": self.label(role), "sources": sources}

    def search(self, scores: dict[str, int], limit: int) -> list[dict]:
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], normalise(self.labels.label(kv[0], self.lang))))
        return [{**self.entity(iri), "score": s} for iri, s in ranked[:limit]]

    # ------------------------------------------------------------------ card
    def card_facts(self, rows: list[dict]) -> tuple[list[dict], list[dict], dict, set[str]]:
        """From the card query's rows: kinds (asserted first), places, facts, source files."""
        types, places, facts = [], [], defaultdict(list)
        sources: set[str] = set()
        for row in rows:
            p, o, g, f = row["p"], row["o"], row["g"], row["file"]
            if f:
                sources.add(f)
            if p == RDF_TYPE:
                if o.startswith(SSE) and o not in [t["iri"] for t in types]:
                    types.append({"iri": o, "label": self.label(o), "inferred": g == str(INFERRED_GRAPH)})
            elif p in PLACE_PROPERTIES:
                entry = {"relation": p.rsplit("#", 1)[1], "iri": o, "label": self.label(o)}
                if entry not in places:
                    places.append(entry)
            elif p in FACT_PROPERTIES:
                value = self.label(o) if o.startswith("http") else o
                facts[p.rsplit("#", 1)[1]].append({"value": value, "sources": [f] if f else []})
        types.sort(key=lambda t: (t["inferred"], t["label"]))
        return types, places, dict(facts), sources

    def relation(self, n: dict) -> dict:
        return {"direction": n["direction"], "relation": n["relation"], **self.entity(n["other"]),
                "role": self.label(n["role"]), "sources": [n["file"]] if n["file"] else []}
