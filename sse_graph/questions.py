"""The analyst's questions — who represents whom, who sits where — answered from
the shipped ``.rq`` queries over the reasoned graph.

Each function takes a :class:`~sse_graph.store.Store` and an organisation's IRI
(see :meth:`LabelIndex.resolve`) and returns a list of plain dicts, the shape
of the CLI's ``--json`` output: ``iri``, ``label``, ``alt_labels`` and the
fields that apply (``roles``, ``start``, ``end``, ``attested``, ``chain``,
``relation``, ``body``, ``person``, ``sources``).
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date

from .dates import holds_on
from .names import LabelIndex, normalise
from .queries import load_query
from .store import Store, term_value

__all__ = [
    "Questions",
]


def _v(term):
    return term_value(term)


@dataclass
class Questions:
    """The questions, over one store, with labels in one language."""

    store: Store
    lang: str = "en"
    labels: LabelIndex | None = None  # built from the store unless given (it is shared by the viewer)

    def __post_init__(self):
        if self.labels is None:
            self.labels = LabelIndex.from_store(self.store)

    # ------------------------------------------------------------------ helpers
    def resolve(self, name: str) -> str:
        return self.labels.resolve(name, lang=self.lang)

    def _entity(self, iri: str) -> dict:
        return {"iri": iri, "label": self.labels.label(iri, self.lang), "alt_labels": self.labels.alt_labels(iri, self.lang)}

    def _select(self, name: str, org: str | None = None):
        return self.store.select(load_query(name).text, bindings={"org": org} if org else None)

    def _role_labels(self, iri: str) -> list[str]:
        return sorted(set(self.labels.pref.get(iri, {}).values()))

    # ------------------------------------------------------------------ members
    def members(self, org: str, *, as_of: date | None = None, role: str | None = None) -> list[dict]:
        """The members of ``org``: one entry per member with its roles, dates and sources."""
        grouped: dict[str, dict] = {}
        for row in self._select("members", org).dicts():
            if as_of and not holds_on(as_of, start=row["start"], end=row["end"], attested=row["attested"], during=row["during"]):
                continue
            role_iri = row["role"]
            if role:
                needle = normalise(role)
                if not role_iri or not any(needle in normalise(lbl) for lbl in self._role_labels(role_iri)):
                    continue
            entry = grouped.setdefault(row["member"], {**self._entity(row["member"]), "roles": [], "start": None,
                                                       "end": None, "attested": None, "sources": [], "_records": set()})
            entry["_records"].add(row["membership"])
            if role_iri:
                lbl = self.labels.label(role_iri, self.lang)
                if lbl not in entry["roles"]:
                    entry["roles"].append(lbl)
            for k, pick in (("start", min), ("end", max), ("attested", max)):
                if row[k]:
                    entry[k] = row[k] if entry[k] is None else pick(entry[k], row[k], key=str)
            if row["file"] and row["file"] not in entry["sources"]:
                entry["sources"].append(row["file"])
        result = []
        for e in grouped.values():
            e.pop("_records")
            e["roles"].sort()
            e["sources"].sort()
            result.append(e)
        return sorted(result, key=lambda e: normalise(e["label"]))

    def declared_counts(self, iri: str, measure_suffix: str = "members") -> list[dict]:
        """What the sources say the number of members (or another measure) is."""
        out = []
        for row in self._select("counts", iri).dicts():
            if row["measure"].endswith("measure-" + measure_suffix):
                out.append({
                    "value": row["value"], "qualifier": self.labels.label(row["qualifier"], self.lang) if row["qualifier"] else None,
                    "as_of": row["asof"], "wording": row["wording"], "sources": [row["file"]] if row["file"] else [],
                })
        return sorted(out, key=lambda c: (str(c["as_of"] or "9999"), c["value"]))

    # ------------------------------------------------------------------ representation
    def _representation_edges(self):
        """Direct representation steps, both ways, each with every source that states it."""
        up: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        down: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for row in self._select("representation_edges").dicts():
            files = {row["file"]} if row["file"] else set()
            up[row["member"]][row["body"]] |= files
            down[row["body"]][row["member"]] |= files
        return up, down

    @staticmethod
    def _chains(start: str, edges) -> dict[str, list[tuple[str, set[str]]]]:
        """Shortest chain from ``start`` to every reachable node: [(node, sources of the step)]."""
        chains = {start: [(start, set())]}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in sorted(edges.get(node, {})):
                if nxt not in chains:
                    chains[nxt] = chains[node] + [(nxt, edges[node][nxt])]
                    queue.append(nxt)
        return chains

    def _chain_answers(self, org: str, reached: list[str], edges) -> list[dict]:
        chains = self._chains(org, edges)
        answers = []
        for iri in reached:
            chain = chains.get(iri)
            if not chain:
                continue
            sources = sorted(set().union(*(src for _n, src in chain[1:])))
            answers.append({
                **self._entity(iri),
                "chain": [self.labels.label(n, self.lang) for n, _s in chain],
                "chain_iris": [n for n, _s in chain],
                "relation": "direct" if len(chain) == 2 else f"through {len(chain) - 2} intermediate(s)",
                "sources": sources,
            })
        return sorted(answers, key=lambda a: (len(a["chain"]), normalise(a["label"])))

    def represented_by(self, org: str) -> list[dict]:
        """Every organisation that represents ``org``, directly or through a chain."""
        reached = [r["body"] for r in self._select("represented_by", org).dicts()]
        up, _down = self._representation_edges()
        return self._chain_answers(org, reached, up)

    def represents(self, org: str) -> list[dict]:
        """Every organisation ``org`` represents, directly or indirectly."""
        reached = [r["member"] for r in self._select("represents", org).dicts()]
        _up, down = self._representation_edges()
        return self._chain_answers(org, reached, down)

    # ------------------------------------------------------------------ seats
    def seats(self, org: str) -> list[dict]:
        """The seats and mandates ``org`` holds on bodies, itself or through a person."""
        out = []
        grouped: dict[tuple, dict] = {}
        for row in self._select("seats", org).dicts():
            key = (row["seat"], row["relation"])
            e = grouped.get(key)
            if e is None:
                e = grouped[key] = {
                    **self._entity(row["body"]),
                    "body": self.labels.label(row["body"], self.lang),
                    "relation": row["relation"],
                    "roles": [],
                    "person": self.labels.label(row["person"], self.lang) if row["person"] else None,
                    "on_behalf_of": self.labels.label(row["behalf"], self.lang) if row["behalf"] else None,
                    "start": row["start"], "end": row["end"], "attested": row["attested"], "during": row["during"],
                    "sources": [],
                }
                out.append(e)
            if row["role"]:
                lbl = self.labels.label(row["role"], self.lang)
                if lbl not in e["roles"]:
                    e["roles"].append(lbl)
            if row["file"] and row["file"] not in e["sources"]:
                e["sources"].append(row["file"])
        return sorted(out, key=lambda e: (normalise(e["label"]), e["relation"], e["person"] or ""))

    def sitting(self, body: str) -> list[dict]:
        """Who sits on ``body``, in which role, for whom."""
        out = []
        for row in self._select("body_members", body).dicts():
            out.append({
                **self._entity(row["holder"]),
                "roles": [self.labels.label(row["role"], self.lang)] if row["role"] else [],
                "on_behalf_of": self.labels.label(row["behalf"], self.lang) if row["behalf"] else None,
                "nominated_by": self.labels.label(row["nominator"], self.lang) if row["nominator"] else None,
                "start": row["start"], "end": row["end"], "attested": row["attested"], "during": row["during"],
                "sources": [row["file"]] if row["file"] else [],
            })
        return sorted(out, key=lambda e: normalise(e["label"]))

    # ------------------------------------------------------------------ relations, path
    def relations(self) -> list[dict]:
        return self._select("relations").dicts()

    def neighbours(self, iri: str) -> list[dict]:
        """Every sourced relation touching ``iri``, both ways."""
        out = []
        for r in self.relations():
            if r["a"] == iri:
                out.append({"direction": "out", "relation": r["relation"], "other": r["b"], "role": r["role"], "file": r["file"]})
            elif r["b"] == iri:
                out.append({"direction": "in", "relation": r["relation"], "other": r["a"], "role": r["role"], "file": r["file"]})
        return out

    def path(self, a: str, b: str) -> list[dict]:
        """The shortest chain of sourced relations linking ``a`` and ``b`` (either direction).

        Returns the nodes in order; each after the first carries the ``relation``
        that links it to the previous one (``"member of"``, or ``"has member
        (member of, reversed)"``...), the role and the sources of that step.
        """
        adj: dict[str, list[tuple[str, str, str | None, str | None]]] = defaultdict(list)
        for r in self.relations():
            adj[r["a"]].append((r["b"], r["relation"], r["role"], r["file"]))
            adj[r["b"]].append((r["a"], f"is linked by '{r['relation']}' from", r["role"], r["file"]))
        prev: dict[str, tuple[str, str, str | None, str | None] | None] = {a: None}
        queue = deque([a])
        while queue and b not in prev:
            node = queue.popleft()
            for nxt, rel, role, src in sorted(adj.get(node, []), key=lambda e: (e[0], e[1])):
                if nxt not in prev:
                    prev[nxt] = (node, rel, role, src)
                    queue.append(nxt)
        if b not in prev:
            return []
        steps = []
        node = b
        while node is not None:
            info = prev[node]
            entry = self._entity(node)
            if info is not None:
                parent, rel, role, src = info
                # merge every parallel relation between the two nodes, for their sources
                sources = sorted({f for n, r_, _ro, f in adj[parent] if n == node and r_ == rel and f})
                entry.update({"relation": rel, "role": self.labels.label(role, self.lang) if role else None, "sources": sources})
            else:
                entry.update({"relation": None, "role": None, "sources": []})
            steps.append(entry)
            node = info[0] if info else None
        return list(reversed(steps))

    # ------------------------------------------------------------------ search
    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Organisations whose label or acronym matches ``text``, best first."""
        key = normalise(text)
        if not key:
            return []
        scores: dict[str, int] = {}
        for iri in self.labels.organisations:
            names = list(self.labels.pref.get(iri, {}).values()) + self.labels.alt.get(iri, [])
            best = 0
            for n in names:
                norm = normalise(n)
                if norm == key:
                    best = max(best, 100)
                elif norm.startswith(key):
                    best = max(best, 80)
                elif key in norm:
                    best = max(best, 60)
            if best:
                scores[iri] = best
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], normalise(self.labels.label(kv[0], self.lang))))
        return [{**self._entity(iri), "score": s} for iri, s in ranked[:limit]]

    # ------------------------------------------------------------------ card
    def card(self, org: str) -> dict:
        """Everything the graph says of ``org``, each fact with its sources."""
        from .namespaces import INFERRED_GRAPH

        types, places, facts = [], [], defaultdict(list)
        sources: set[str] = set()
        for row in self._select("card", org).dicts():
            p, o, g, f = row["p"], row["o"], row["g"], row["file"]
            if f:
                sources.add(f)
            if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
                if o.startswith("https://w3id.org/sse-graph/ontology#") and o not in [t["iri"] for t in types]:
                    types.append({"iri": o, "label": self.labels.label(o, self.lang), "inferred": g == str(INFERRED_GRAPH)})
            elif p in ("https://w3id.org/sse-graph/ontology#basedIn", "https://w3id.org/sse-graph/ontology#activeIn",
                       "https://w3id.org/sse-graph/ontology#locatedIn"):
                entry = {"relation": p.rsplit("#", 1)[1], "iri": o, "label": self.labels.label(o, self.lang)}
                if entry not in places:
                    places.append(entry)
            elif p in ("https://w3id.org/sse-graph/ontology#note", "https://w3id.org/sse-graph/ontology#founded",
                       "https://w3id.org/sse-graph/ontology#level", "https://w3id.org/sse-graph/ontology#statutoryForm"):
                name = p.rsplit("#", 1)[1]
                value = self.labels.label(o, self.lang) if o.startswith("http") else o
                facts[name].append({"value": value, "sources": [f] if f else []})
        types.sort(key=lambda t: (t["inferred"], t["label"]))
        counts = []
        for row in self._select("counts", org).dicts():
            counts.append({
                "measure": self.labels.label(row["measure"], self.lang), "value": row["value"],
                "qualifier": self.labels.label(row["qualifier"], self.lang) if row["qualifier"] else None,
                "as_of": row["asof"], "wording": row["wording"], "sources": [row["file"]] if row["file"] else [],
            })
        relations = []
        for n in self.neighbours(org):
            relations.append({
                "direction": n["direction"], "relation": n["relation"], **self._entity(n["other"]),
                "role": self.labels.label(n["role"], self.lang) if n["role"] else None,
                "sources": [n["file"]] if n["file"] else [],
            })
        relations.sort(key=lambda r: (r["direction"], r["relation"], normalise(r["label"])))
        return {
            **self._entity(org),
            "types": [{"iri": t["iri"], "label": t["label"]} for t in types],
            "asserted_types": [t["label"] for t in types if not t["inferred"]],
            "places": places,
            "facts": dict(facts),
            "represented_by": self.represented_by(org),
            "represents": self.represents(org),
            "seats": self.seats(org),
            "sitting": self.sitting(org),
            "relations": relations,
            "counts": sorted(counts, key=lambda c: (c["measure"], str(c["as_of"] or ""))),
            "sources": sorted(sources),
        }
