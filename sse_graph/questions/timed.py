"""The time-aware answers: chains with their links, statuses and intervals;
``why``; ``changes``.  Plain dicts, the shape of the CLI's ``--json``."""
from __future__ import annotations

from datetime import date

from ..chains import Chain, Link, Links, chains_between, pick, reachable_chains
from ..names import normalise
from ..timeline import Timing, counts, status_on

__all__ = ["chain_answers", "why", "changes", "RELATION_WORDS"]

# A step in plain words: (kind, role-agnostic), in English and French.
RELATION_WORDS = {
    "membership": {"en": "is a member of", "fr": "est membre de"},
    "mandate": {"en": "is spoken for by (a seat held on its behalf by)", "fr": "est représenté par (un siège tenu en son nom par)"},
}


def link_dict(fmt, link: Link, on: date | None, lang: str) -> dict:
    d = {
        "from": link.frm, "from_label": fmt.label(link.frm), "to": link.to, "to_label": fmt.label(link.to),
        "kind": link.kind, "relation": RELATION_WORDS[link.kind][lang if lang in ("en", "fr") else "en"],
        "roles": sorted({fmt.label(r) for r in link.roles}),
        "via_body": sorted({fmt.label(r["body"]) for r in link.records if r.get("body")}),
        "records": [r["record"] for r in link.records if r.get("record")],
        "timing": link.timing.as_dict(), "dates": link.timing.describe(lang),
        "passages": sorted({r["wording"] for r in link.records if r.get("wording")}),
        "sources": link.sources,
    }
    if on is not None:
        d["status"] = status_on(link.timing, on)
    return d


def chain_dict(fmt, chain: Chain, on: date | None, lang: str, *, from_top: bool = False) -> dict:
    """A chain's answer: ``chain`` lists the nodes from the one asked about (from the
    representative down when ``from_top``); ``links`` go member → representative."""
    span = chain.interval()
    nodes = list(reversed(chain.nodes)) if from_top else chain.nodes
    d = {
        "chain": [fmt.label(n) for n in nodes], "chain_iris": nodes,
        "relation": "direct" if len(chain.links) == 1 else f"through {len(chain.links) - 1} intermediate(s)",
        "links": [link_dict(fmt, l, on, lang) for l in chain.links],
        "interval": span.as_dict() if span else None,
        "held_together": span is not None,
        "together": chain.together(),
        "has_undated_links": chain.has_undated,
        "sources": sorted(set().union(*(set(l.sources) for l in chain.links))),
    }
    if on is not None:
        d["status"] = chain.status(on)
    return d


def chain_answers(fmt, edges: Links, org: str, *, up: bool, on: date | None, strict: bool,
                  lang: str) -> tuple[list[dict], list[dict]]:
    """Every organisation reached from ``org`` by a chain that counts (on ``on``, else that
    held together), shortest first; and apart those reached only by chains that do not."""
    answers, apart = [], []
    for iri, chains in reachable_chains(edges, org, up=up).items():
        if iri == org:
            continue
        best, other = pick(chains, on, strict)
        if best is not None:
            answers.append({**fmt.entity(iri), **chain_dict(fmt, best, on, lang, from_top=not up)})
        elif other is not None:
            why_not = "links never held together" if not other.possible() else f"not on {on}"
            apart.append({**fmt.entity(iri), **chain_dict(fmt, other, on, lang, from_top=not up), "why_not": why_not})
    key = lambda a: (len(a["chain"]), normalise(a["label"]))  # noqa: E731
    return sorted(answers, key=key), sorted(apart, key=key)


def why(fmt, up: Links, org: str, representative: str, *, on: date | None, strict: bool, lang: str) -> dict:
    """Every chain by which ``representative`` speaks for ``org``, shortest first."""
    chains = chains_between(up, org, representative)
    held, never = [], []
    for c in chains:
        (held if c.counts(on, strict) else never).append(chain_dict(fmt, c, on, lang))
    return {"org": fmt.entity(org), "representative": fmt.entity(representative),
            "as_of": on.isoformat() if on else None, "chains": held,
            "not_counted": never}


def _member_state(rows: list[dict], on: date) -> dict[str, dict]:
    """Who is a member on ``on`` (the status counts), with roles and sources."""
    state: dict[str, dict] = {}
    for r in rows:
        t = Timing.of(start=r.get("start"), end=r.get("end"), attested=r.get("attested"),
                      during=r.get("during"), source_date=r.get("sourcedate"))
        if not counts(status_on(t, on), strict=True):
            continue
        e = state.setdefault(r["member"], {"roles": set(), "sources": set()})
        if r.get("role"):
            e["roles"].add(r["role"])
        if r.get("file"):
            e["sources"].add(r["file"])
    return state


def changes(fmt, member_rows: list[dict], count_rows: list[dict], d1: date, d2: date) -> dict:
    """Between ``d1`` and ``d2``: who joined, who left, whose role changed (memberships
    that hold or are attested on each date), and the declared counts that moved."""
    a, b = _member_state(member_rows, d1), _member_state(member_rows, d2)

    def entry(iri, e, extra=None):
        return {**fmt.entity(iri), "roles": sorted(fmt.label(r) for r in e["roles"]),
                "sources": sorted(e["sources"]), **(extra or {})}

    joined = [entry(m, b[m]) for m in b if m not in a]
    left = [entry(m, a[m]) for m in a if m not in b]
    role_changed = [entry(m, b[m], {"roles_before": sorted(fmt.label(r) for r in a[m]["roles"]),
                                    "sources": sorted(a[m]["sources"] | b[m]["sources"])})
                    for m in a if m in b and a[m]["roles"] != b[m]["roles"]]
    moved = []
    by_measure: dict[str, list[dict]] = {}
    for c in count_rows:
        p = Timing.of(attested=c.get("asof")).span()
        if p is not None and (p.end.year <= d2.year and p.start.year >= d1.year):
            by_measure.setdefault(c["measure"], []).append(c)
    for measure, cs in by_measure.items():
        values = sorted(cs, key=lambda c: str(c["asof"]))
        if len({c["value"] for c in values}) > 1:
            moved.append({"measure": fmt.label(measure), "values": [
                {"value": c["value"], "as_of": c["asof"], "sources": [c["file"]] if c.get("file") else []} for c in values]})
    key = lambda e: normalise(e["label"])  # noqa: E731
    return {"from": d1.isoformat(), "to": d2.isoformat(), "joined": sorted(joined, key=key),
            "left": sorted(left, key=key), "role_changed": sorted(role_changed, key=key), "counts_moved": moved}


def _short(files) -> str:
    return ", ".join(sorted({f[:3] if f[:3].isdigit() else f for f in files}))


def declared_vs_observed(declared: list[dict], members: list[dict]) -> list[str]:
    """Each declared member count beside the members the graph knows by name; the
    known part is never presented as the whole."""
    if not declared:
        return []
    files = sorted({f for m in members for f in m["sources"]})
    dates = sorted({m["attested"] for m in members if m.get("attested")})
    known = f"{len(members)} known by name" + (f" ({_short(files)}" + (f", {', '.join(dates)}" if dates else "") + ")" if files else "")
    out = []
    for c in declared:
        q = f"{c['qualifier']} " if c.get("qualifier") else ""
        when = c["as_of"] or (f"source of about {str(c['source_date'])[:4]}" if c.get("source_date") else "undated")
        out.append(f"declares {q}{c['value']} members ({_short(c['sources'])}, {when}); {known}")
    return out
