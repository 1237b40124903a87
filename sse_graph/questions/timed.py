"""The time-aware answers: chains with their links, statuses and intervals;
``why``; ``changes``.  Plain dicts, the shape of the CLI's ``--json``."""
from __future__ import annotations

from datetime import date

from ..chains import Chain, Link, Links, chains_between, pick, reachable_chains
from ..names import normalise
from ..timeline import EXCLUDED, Timing, counts, status_on

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


def _member_timings(rows: list[dict]) -> dict[tuple[str, str], list[tuple[Timing, dict]]]:
    """Each (organisation, member) pair's records: the timing of each, with its row."""
    out: dict[tuple[str, str], list[tuple[Timing, dict]]] = {}
    for r in rows:
        t = Timing.of(start=r.get("start"), end=r.get("end"), attested=r.get("attested"),
                      during=r.get("during"), source_date=r.get("sourcedate"))
        out.setdefault((r["org"], r["member"]), []).append((t, r))
    return out


def _state_on(records: list[tuple[Timing, dict]], on: date) -> tuple[str, dict]:
    """A member's state on ``on`` — ``in`` (a record holds or is attested then), ``out`` (every
    record is known not to hold: ended or not yet started) or ``unknown`` (only earlier or later
    evidence, or undated) — with the roles and sources of the records that count."""
    statuses = [status_on(t, on) for t, _r in records]
    held = [r for (t, r), st in zip(records, statuses) if counts(st, strict=True)]
    e = {"roles": {r["role"] for r in held if r.get("role")}, "sources": {r["file"] for r in held if r.get("file")},
         "statuses": sorted(set(statuses))}
    if held:
        return "in", e
    e["sources"] = {r["file"] for _t, r in records if r.get("file")}
    return ("out" if all(st in EXCLUDED for st in statuses) else "unknown"), e


def changes(fmt, member_rows: list[dict], count_rows: list[dict], d1: date, d2: date) -> dict:
    """Between ``d1`` and ``d2``: who joined, who left, whose role changed, and the declared
    counts that moved.  A join or a leave needs a dated start or end: a member attested on
    one date only is listed apart (``first_attested`` / ``no_longer_attested``) — the
    sources do not say that it joined or left."""
    entries: dict[str, list[dict]] = {k: [] for k in ("joined", "left", "role_changed", "first_attested",
                                                       "no_longer_attested")}

    def entry(iri, e, extra=None):
        return {**fmt.entity(iri), "of": fmt.entity(org), "roles": sorted(fmt.label(r) for r in e["roles"]),
                "sources": sorted(e["sources"]), **(extra or {})}

    for (org, member), records in _member_timings(member_rows).items():
        (s1, a), (s2, b) = _state_on(records, d1), _state_on(records, d2)
        if s1 == "out" and s2 == "in":
            entries["joined"].append(entry(member, b))
        elif s1 == "in" and s2 == "out":
            entries["left"].append(entry(member, a))
        elif s1 == "in" and s2 == "in" and a["roles"] != b["roles"]:
            entries["role_changed"].append(entry(member, b, {"roles_before": sorted(fmt.label(r) for r in a["roles"]),
                                                             "sources": sorted(a["sources"] | b["sources"])}))
        elif s1 == "unknown" and s2 == "in":
            entries["first_attested"].append(entry(member, b, {"status_before": ", ".join(a["statuses"])}))
        elif s1 == "in" and s2 == "unknown":
            entries["no_longer_attested"].append(entry(member, a, {"status_after": ", ".join(b["statuses"])}))
    key = lambda e: (normalise(e["of"]["label"]), normalise(e["label"]))  # noqa: E731
    return {"from": d1.isoformat(), "to": d2.isoformat(), **{k: sorted(v, key=key) for k, v in entries.items()},
            "counts_moved": _counts_moved(fmt, count_rows, d1, d2)}


def _count_when(c: dict) -> tuple[str, str] | None:
    """When a declared count is dated: its own date, else (marked) its source's date."""
    if c.get("asof"):
        return str(c["asof"]), "as of"
    if c.get("sourcedate"):
        return str(c["sourcedate"]), "source dated"
    return None


def _counts_moved(fmt, count_rows: list[dict], d1: date, d2: date) -> list[dict]:
    """Per measure, the declared values dated within [d1, d2] (by their own date or, marked,
    their source's), when they differ."""
    by_measure: dict[str, list[tuple[str, str, dict]]] = {}
    for c in count_rows:
        when = _count_when(c)
        span = Timing.of(attested=when[0]).span() if when else None
        if span is not None and span.end.year <= d2.year and span.start.year >= d1.year:
            by_measure.setdefault(c["measure"], []).append((when[0], when[1], c))
    moved = []
    for measure, cs in by_measure.items():
        cs.sort(key=lambda x: x[0])
        if len({c["value"] for _w, _k, c in cs}) > 1:
            moved.append({"measure": fmt.label(measure), "values": [
                {"value": c["value"], "as_of": c["asof"], "dated_by": kind, "date": w,
                 "qualifier": fmt.label(c["qualifier"]) if c.get("qualifier") else None,
                 "sources": [c["file"]] if c.get("file") else []} for w, kind, c in cs]})
    return moved


def _short(files) -> str:
    return ", ".join(sorted({f[:3] if f[:3].isdigit() else f for f in files}))


def declared_vs_observed(declared: list[dict], members: list[dict]) -> list[str]:
    """Each declared member count beside the members the graph knows by name; the
    known part is never presented as the whole."""
    if not declared:
        return []
    named = [m for m in members if not m.get("collective")]
    files = sorted({f for m in named for f in m["sources"]})
    dates = sorted({m["attested"] for m in named if m.get("attested")})
    known = f"{len(named)} known by name" + (f" ({_short(files)}" + (f", {', '.join(dates)}" if dates else "") + ")" if files else "")
    if len(named) < len(members):  # "the 17 regional SSE Chambers": named only as a group, never counted as one
        known += f", {len(members) - len(named)} named only collectively"
    out = []
    for c in declared:
        q = f"{c['qualifier']} " if c.get("qualifier") else ""
        when = c["as_of"] or (f"source of about {str(c['source_date'])[:4]}" if c.get("source_date") else "undated")
        out.append(f"declares {q}{c['value']} members ({_short(c['sources'])}, {when}); {known}")
    return out
