"""The analyst's questions — who represents whom, who sits where — answered from
the shipped ``.rq`` queries over the reasoned graph.

Three parts, kept apart: finding an organisation by name (:mod:`sse_graph.names`),
querying (:mod:`.lookup`: the rows and paths, in IRIs) and formatting
(:mod:`.format`: labels in one language, the answers' dicts).  :class:`Questions`
puts them together over one store.

Each method takes an organisation's IRI (see :meth:`Questions.resolve`) and
returns a list of plain dicts, the shape of the CLI's ``--json`` output: ``iri``,
``label``, ``alt_labels`` and the fields that apply (``roles``, ``start``,
``end``, ``attested``, ``chain``, ``relation``, ``body``, ``person``, ``sources``) and
``evidence``: the passages each fact rests on (``{source, source_title, source_date,
locator, exact, prefix, suffix, start, end}``), fetched for all the facts of an answer in
one query.
"""
from __future__ import annotations

from contextlib import contextmanager
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..name_index import open_labels
from ..names import LabelIndex, normalise
from ..store import Store
from . import lookup, timed
from .format import SSE, Formatter

__all__ = [
    "Questions",
]


@dataclass
class Questions:
    """The questions, over one store, with labels in one language."""

    store: Store
    lang: str = "en"
    labels: LabelIndex | None = None  # built from the store unless given (it is shared by the viewer)

    def __post_init__(self):
        self._links = None
        self._link_memo: dict | None = None  # pair -> evidence rows, within one answer (card)
        self._no_evidence = False  # within a card asked without its evidence
        if self.labels is None:
            self.labels = open_labels(self.store)  # the build's name index, read lazily
        self.format = Formatter(self.labels, self.lang)

    def resolve(self, name: str) -> str:
        return self.labels.resolve(name, lang=self.lang)

    def _select(self, name: str, org: str | None = None):
        return lookup.select(self.store, name, org)

    # ------------------------------------------------------------------ evidence
    def fact_evidence(self, facts: list[str]) -> dict[str, list[dict]]:
        """Evidence rows per fact IRI (records, entities), for all of them in one query."""
        out: dict[str, list[dict]] = defaultdict(list)
        if self._no_evidence:
            return out
        for row in lookup.fact_evidence_rows(self.store, facts):
            out[row["fact"]].append(row)
        return out

    def link_evidence(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list[dict]]:
        """Evidence rows per pair ``(a, b)`` (the records and statements linking them), in one query.
        Within one answer (:meth:`card`) the pairs already read are not read again."""
        if self._no_evidence:
            return defaultdict(list)
        memo = self._link_memo
        if memo is None:
            out: dict[tuple[str, str], list[dict]] = defaultdict(list)
            for row in lookup.link_evidence_rows(self.store, pairs):
                out[(row["a"], row["b"])].append(row)
            return out
        todo = [p for p in dict.fromkeys(pairs) if p not in memo]
        found: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in lookup.link_evidence_rows(self.store, todo) if todo else []:
            found[(row["a"], row["b"])].append(row)
        memo.update({p: found.pop(p, []) for p in todo})
        out = defaultdict(list, found)  # rows of pairs not asked for, if a store gives any (as without the memo)
        out.update({p: list(memo[p]) for p in dict.fromkeys(pairs) if memo[p]})
        return out

    @contextmanager
    def _sharing_link_evidence(self):
        """Read each pair's evidence once while the block runs: a card asks for its relations'
        evidence, then for its chains' (a federation's members: the same pairs again)."""
        outer = self._link_memo
        if outer is None:
            self._link_memo = {}
        try:
            yield
        finally:
            self._link_memo = outer

    def _with_chain_evidence(self, answers: list[dict]) -> list[dict]:
        chains = [list(zip(a["chain_iris"], a["chain_iris"][1:])) for a in answers]
        found = self.link_evidence([pair for chain in chains for pair in chain])
        for a, chain in zip(answers, chains):
            a["evidence"] = self.format.evidence_list([r for pair in chain for r in found.get(pair, [])])
        return answers

    # ------------------------------------------------------------------ members
    def members(self, org: str, *, as_of: date | None = None, role: str | None = None,
                strict: bool = False) -> list[dict]:
        """The members of ``org``: one entry per member with its roles, dates and sources; with
        ``as_of``, those that count on the date, each with its ``status`` (holds, attested,
        last attested YEAR, not yet attested, undated; ``strict``: holds or attested only)."""
        rows = lookup.member_rows(self.store, self.labels, org, as_of=as_of, role=role, strict=strict)
        entries = self.format.members(rows, self.fact_evidence([r["membership"] for r in rows if r.get("membership")]))
        if as_of is not None:
            from ..timeline import Timing, status_on

            timing: dict[str, Timing] = {}
            for r in rows:
                timing.setdefault(r["member"], Timing()).add(start=r.get("start"), end=r.get("end"),
                                                             attested=r.get("attested"), during=r.get("during"))
            for e in entries:
                e["status"] = status_on(timing[e["iri"]], as_of)
        return entries

    def declared_counts(self, iri: str, measure_suffix: str = "members") -> list[dict]:
        """What the sources say the number of members (or another measure) is."""
        out = [self.format.declared_count(row) for row in self._select("counts", iri).dicts()
               if row["measure"].endswith("measure-" + measure_suffix)]
        return sorted(out, key=lambda c: (str(c["as_of"] or "9999"), c["value"]))

    # ------------------------------------------------------------------ representation
    def links(self):
        """The representation links, both ways (read once per Questions, in one query)."""
        if self._links is None:
            from ..chains import load_links

            self._links = load_links(self.store)
        return self._links

    def _links_around(self, org: str, up: bool):
        """The links a question about ``org`` needs: those reachable from it when the
        build materialised them (fast at any size), else every link."""
        from ..chains import load_links_around

        if self._links is None:
            around = load_links_around(self.store, org, up=up)
            if around is not None:
                return around
        return self.links()

    def represented_by(self, org: str, *, as_of: date | None = None, strict: bool = False) -> list[dict]:
        """Every organisation that represents ``org`` through a chain that counts on
        ``as_of`` (without a date: whose links held together), shortest chain first,
        each with its links, statuses and the interval where the chain holds."""
        return self.represented_by_apart(org, as_of=as_of, strict=strict)[0]

    def represented_by_apart(self, org: str, *, as_of: date | None = None, strict: bool = False):
        """``(answers, apart)``: apart, those reached only by chains that do not count."""
        answers, apart = timed.chain_answers(self.format, self._links_around(org, True)[0], org, up=True, on=as_of, strict=strict, lang=self.lang)
        return self._with_chain_evidence(answers), apart

    def represents(self, org: str, *, as_of: date | None = None, strict: bool = False) -> list[dict]:
        """Every organisation ``org`` represents, directly or indirectly (as :meth:`represented_by`)."""
        return self.represents_apart(org, as_of=as_of, strict=strict)[0]

    def represents_apart(self, org: str, *, as_of: date | None = None, strict: bool = False):
        answers, apart = timed.chain_answers(self.format, self._links_around(org, False)[1], org, up=False, on=as_of, strict=strict, lang=self.lang)
        return self._with_chain_evidence(answers), apart

    def why(self, org: str, representative: str, *, as_of: date | None = None, strict: bool = False) -> dict:
        """Every chain (memberships, mandates) by which ``representative`` speaks for ``org``."""
        out = timed.why(self.format, self._links_around(org, True)[0], org, representative, on=as_of, strict=strict, lang=self.lang)
        # each chain with its passages (source, locator, exact …), as represented_by's: what a citation needs
        self._with_chain_evidence([*out["chains"], *out["not_counted"]])
        return out

    def changes(self, org: str | None, d1: date, d2: date) -> dict:
        """Who joined, left or changed role in ``org`` (every organisation if None) between two dates."""
        rows = self._select("memberships_dated_of", org).dicts() if org else self._select("memberships_dated").dicts()
        counts = self._select("counts", org).dicts() if org else []
        out = timed.changes(self.format, rows, counts, d1, d2)
        out["org"] = self.format.entity(org) if org else None
        return out

    def declared_vs_observed(self, org: str) -> list[str]:
        """Sentences setting each member count a source declares beside the members known by
        name: "declares 21 members (000, about 2024); 17 known by name (003, 2018-12-31)"."""
        declared = self.declared_counts(org)
        if not declared:  # nothing to set beside: the members are not read
            return []
        return timed.declared_vs_observed(declared, self.format.members(lookup.member_rows(self.store, self.labels, org)))

    # ------------------------------------------------------------------ seats
    def is_person(self, iri: str) -> bool:
        return self.labels.is_person(iri)

    def seats(self, org: str) -> list[dict]:
        """The seats and mandates ``org`` holds on bodies, itself or through a person; for a person,
        the seats they hold (with the organisation they sit for) and the posts they hold
        (``relation`` "holds a post in", ``body`` the organisation of the post)."""
        rows = self._select("seats", org).dicts()
        if self.is_person(org):
            rows += self._select("posts_held", org).dicts()
        return self.format.seats(rows, self.fact_evidence([r["seat"] for r in rows]))

    def sitting(self, body: str) -> list[dict]:
        """Who sits on ``body``, in which role, for whom."""
        rows = self._select("body_members", body).dicts()
        return self.format.sitting(rows, self.fact_evidence([r["seat"] for r in rows]))

    # ------------------------------------------------------------------ relations, path
    def relations(self) -> list[dict]:
        from ..queries import once_with_source

        return once_with_source(self._select("relations").dicts())

    def neighbours(self, iri: str) -> list[dict]:
        """Every sourced relation touching ``iri``, both ways (two bounded queries)."""
        going, coming = lookup.relation_rows_around(self.store, [iri])
        dates = ("start", "end", "attested", "during")
        out = [{"direction": "out", "relation": r["relation"], "other": r["b"], "role": r["role"], "file": r["file"],
                **{k: r.get(k) for k in dates}} for r in going if r["a"] == iri]
        return out + [{"direction": "in", "relation": r["relation"], "other": r["a"], "role": r["role"], "file": r["file"],
                       **{k: r.get(k) for k in dates}}
                      for r in coming if r["b"] == iri and r["a"] != iri]  # a relation with itself: once, going out

    def located_here(self, place: str) -> list[dict]:
        """What the documents say is based, active or held in ``place``, as relations coming in
        (a place's card; never a step of a path: two organisations of one town are not related)."""
        names = {SSE + "basedIn": "based in", SSE + "activeIn": "active in", SSE + "heldIn": "held in",
                 SSE + "partOfPlace": "situated in"}
        return [{"direction": "in", "relation": names[r["p"]], "other": r["thing"], "role": None, "file": r["file"]}
                for r in self._select("located_here", place).dicts()]

    def card_links(self, iri: str) -> list[dict]:
        """What a document, an event or a project is linked to by what the documents say of it — its
        creator, publisher, the whole it is part of, its series, the project that made it — both ways
        (a card's rows; never a step of a path)."""
        names = {"http://purl.org/dc/terms/creator": "created by", "http://purl.org/dc/terms/publisher": "published by",
                 "http://purl.org/dc/terms/isPartOf": "part of", SSE + "inSeries": "in the series",
                 "http://www.w3.org/ns/prov#wasGeneratedBy": "made in"}
        return [{"direction": r["direction"], "relation": names[r["p"]], "other": r["other"], "role": None,
                 "file": r["file"]} for r in self._select("card_links", iri).dicts()]

    def path(self, a: str, b: str, *, as_of: date | None = None, strict: bool = False) -> list[dict]:
        """The shortest chain of sourced relations linking ``a`` and ``b`` (either direction).

        Returns the nodes in order; each after the first carries the ``relation``
        that links it to the previous one (``"member of"``, or ``"has member
        (member of, reversed)"``...), the role and the sources of that step.  Only the
        neighbourhoods the search reaches are read (:func:`lookup.bounded_shortest_path`).
        """
        keep = None
        if as_of is not None:  # only the relations that count on the date (undated ones unless strict)
            from ..timeline import Timing, counts, status_on

            def keep(r):
                return counts(status_on(Timing.of(start=r.get("start"), end=r.get("end"), attested=r.get("attested"),
                                                  during=r.get("during")), as_of), strict=strict)
        adjacency = lookup.AdjacencyReader(self.store, keep)
        steps, pairs = [], []
        for node, info in lookup.bounded_shortest_path(adjacency, a, b):
            if info is None:
                steps.append(self.format.path_step(node, None, None, []))
                pairs.append(None)
            else:
                parent, rel, role = info
                steps.append(self.format.path_step(node, rel, role, lookup.step_sources(adjacency([parent]), parent, node, rel)))
                pairs.append((parent, node))
        found = self.link_evidence([p for p in pairs if p])
        for step, pair in zip(steps, pairs):
            step["evidence"] = self.format.evidence_list(found.get(pair, []) + found.get(pair[::-1], [])) if pair else []
        return steps

    # ------------------------------------------------------------------ search
    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Organisations whose label or acronym matches ``text``, best first."""
        return self.format.search(lookup.search_scores(self.labels, text), limit)

    # ------------------------------------------------------------------ card
    def card(self, org: str, *, evidence: bool = True) -> dict:
        """Everything the graph says of ``org``, each fact with its sources and, unless
        ``evidence`` is false, its evidence (the passages: what the text card does not print
        without ``--evidence``; without, every ``evidence`` list is empty and the rest the same)."""
        outer = self._no_evidence
        self._no_evidence = not evidence
        try:
            with self._sharing_link_evidence():
                return self._card(org)
        finally:
            self._no_evidence = outer

    def _card(self, org: str) -> dict:
        attributes: dict[tuple, list[dict]] = defaultdict(list)
        for row in [] if self._no_evidence else lookup.attribute_evidence_rows(self.store, org):
            attributes[(row["p"], row["o"])].append(row)
        types, places, facts, sources = self.format.card_facts(self._select("card", org).dicts(), attributes)
        count_rows = self._select("counts", org).dicts()
        own = self.fact_evidence([org] + [r["count"] for r in count_rows])
        counts = [{**self.format.count(row), "evidence": self.format.evidence_list(own.get(row["count"], []))}
                  for row in count_rows]
        neighbours = self.format.merged_relations(self.neighbours(org) + self.located_here(org) + self.card_links(org))
        links = self.link_evidence([(org, n["other"]) for n in neighbours])
        relations = []
        for n in neighbours:
            r = self.format.relation(n)
            r["evidence"] = self.format.evidence_list(links.get((org, n["other"]), []) + links.get((n["other"], org), []))
            relations.append(r)
        relations.sort(key=lambda r: (r["direction"], r["relation"], normalise(r["label"])))
        return {
            **self.format.entity(org),
            "evidence": self.format.evidence_list(own.get(org, [])),
            "types": [{"iri": t["iri"], "label": t["label"], "evidence": t["evidence"]} for t in types],
            "asserted_types": [t["label"] for t in types if not t["inferred"]],
            "places": places,
            "facts": facts,
            "represented_by": self.represented_by(org),
            "declared_vs_observed": self.declared_vs_observed(org),
            "represents": self.represents(org),
            "seats": self.seats(org),
            "sitting": self.sitting(org),
            "relations": relations,
            "counts": sorted(counts, key=lambda c: (c["measure"], str(c["as_of"] or ""))),
            "sources": sorted(sources),
        }
