"""The analyst's commands: members, represented-by, represents, seats, show, path, search.

Each prints a readable table by default, or with ``--json`` the stable JSON
documented in the README.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..errors import InputError
from ..plaintext import visible
from ..questions.format import ARROW, chain_words, held_words, not_counted_words, span_words, status_words
from .context import AsOfOpt, StrictOpt, _when, DataOpt, JsonOpt, LangOpt, _emit_json, _questions, _table, app, out

def _dates(e: dict) -> str:
    parts = []
    if e.get("start"):
        parts.append(f"since {e['start']}")
    if e.get("end"):
        parts.append(f"until {e['end']}")
    if e.get("during"):
        parts.append(f"during {e['during']}")
    if e.get("attestations") or e.get("attested"):
        parts.append("as of " + ", ".join(e.get("attestations") or [e["attested"]]))
    return ", ".join(parts) or "undated"


def _agent(q, name: str, command: str) -> str:
    """The organisation or person ``name`` designates.  A project, event, document, law or
    place the documents name is found too (``show`` and ``search`` take them), but has no
    members, representatives or seats in them: ``command`` on one is a usage error (exit 2)
    that points to ``show``, not an empty answer that reads as "none"."""
    iri = q.resolve(name)
    if iri in q.labels.things:
        raise InputError(f"{q.labels.label(iri, q.lang)!r} is a project, event, document, law or place the documents "
                         f"name, not an organisation or a person: '{command}' does not apply to it; "
                         f"'sse-graph show {name}' lists what it is linked to")
    return iri


def _dated(e: dict) -> bool:
    return any(e.get(k) for k in ("start", "end", "attested", "attestations", "during"))


def known_by_name_words(rows: list[dict]) -> str:
    """'17 member(s) known by name'; the groups a source names only collectively ("the 17 regional
    SSE Chambers") are counted apart, never as members known by name."""
    groups = sum(1 for e in rows if e.get("collective"))
    return f"{len(rows) - groups} member(s) known by name" + (f", {groups} named only collectively" if groups else "")


def _src(e: dict) -> str:
    return ", ".join(e.get("sources") or []) or "—"


def _plain(text: str | None) -> str:
    """Text from the data made inert for rich: markup escaped, line ends shown as ⏎, control
    and bidi characters shown by their code point."""
    return escape(visible(text))


def _passage(e: dict) -> str:
    """``prefix … **exact** … suffix — title, date, locator`` in rich markup, the data escaped."""
    where = ", ".join(_plain(x) for x in (e["source_title"], e["source_date"], e["locator"]) if x)
    return f"    …{_plain(e['prefix'])}[bold]{_plain(e['exact'])}[/bold]{_plain(e['suffix'])}…  — {where}"


def _print_evidence(card: dict) -> None:
    """Each fact of the card with the passages it rests on."""
    facts = [(f"{card['label']} (named)", card.get("evidence", []))]
    facts += [(f"kind: {t['label']}", t.get("evidence", [])) for t in card["types"]
              if t["label"] in card["asserted_types"]]
    facts += [(f"{p['relation']}: {p['label']}", p.get("evidence", [])) for p in card["places"]]
    facts += [(f"{name}: {v['value']}", v.get("evidence", [])) for name, values in card["facts"].items()
              for v in values if name != "note"]
    facts += [(f"{r['direction']} {r['relation']} {r['label']}" + (f" ({r['role']})" if r["role"] else ""),
               r.get("evidence", [])) for r in card["relations"]]
    facts += [(f"{'post' if s['relation'] == 'holds a post in' else 'seat'}: {s['relation']} {s['body']}", s.get("evidence", []))
              for s in card["seats"]]  # a person's card lists their posts beside their seats
    facts += [(f"{c['measure']}: {c['qualifier'] or ''} {c['value']}", c.get("evidence", [])) for c in card["counts"]]
    out.print("[bold]Evidence[/bold]")
    for fact, passages in facts:
        out.print(_plain(fact), highlight=False)
        if not passages:
            out.print("    (no passage)", highlight=False)
        for e in passages:
            out.print(_passage(e), highlight=False)


@app.command()
def members(
    org: str = typer.Argument(..., help="IRI, prefixed name, label or acronym."),
    as_of: Optional[str] = AsOfOpt,
    role: Optional[str] = typer.Option(None, "--role", help="Keep roles whose label contains TEXT (any language), e.g. board."),
    strict: bool = StrictOpt,
    as_json: bool = JsonOpt,
    lang: str = LangOpt,
    data: Optional[Path] = DataOpt,
):
    """The members of ORG, with roles, dates and sources."""
    when = _when(as_of)
    q = _questions(data, lang)
    iri = _agent(q, org, "members")
    rows = q.members(iri, as_of=when, role=role, strict=strict)
    if as_json:
        _emit_json(rows)
        return
    name = q.labels.label(iri, lang)
    t = _table(f"Members of {name}" + (f" on {when}" if when else "") + (f", role ~ '{role}'" if role else ""),
               "member", "roles", "dates", "status", "sources")
    for e in rows:
        t.add_row(_plain(e["label"]), _plain(", ".join(e["roles"])), _dates(e), status_words(e.get("status"), lang), _src(e))
    out.print(t)
    out.print(known_by_name_words(rows))
    for sentence in q.declared_vs_observed(iri):
        out.print(sentence, highlight=False, markup=False)


def _chain_command(org, as_of, strict, as_json, lang, data, *, up: bool):
    when = _when(as_of)
    q = _questions(data, lang)
    iri = _agent(q, org, "represented-by" if up else "represents")
    rows, apart = (q.represented_by_apart if up else q.represents_apart)(iri, as_of=when, strict=strict)
    if as_json:
        _emit_json(rows)
        return
    name = q.labels.label(iri, lang)
    title = (f"Who represents {name}" if up else f"Whom {name} represents") + (f" on {when}" if when else "")
    # the arrow runs from the organisation asked about, up or down: the header says which way it reads
    arrow = "chain (each → its representative)" if up else "chain (each → whom it represents)"
    t = _table(title, "organisation", arrow, "holds together", "status", "sources")
    for e in rows:
        held = held_words(e, lang)
        t.add_row(_plain(e["label"]), _plain(chain_words(e)), held, status_words(e.get("status"), lang), _src(e))
    out.print(t)
    if not rows:
        out.print("none in the graph" + (f" on {when}" if when else "") + " (unknown is not none: the sources may not say)")
    for e in apart:
        out.print(not_counted_words(e, when, lang), highlight=False, markup=False)


@app.command("represented-by")
def represented_by(
    org: str = typer.Argument(..., help="IRI, prefixed name, label or acronym."),
    as_of: Optional[str] = AsOfOpt, strict: bool = StrictOpt,
    as_json: bool = JsonOpt, lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """Every organisation that represents ORG, directly or through a chain whose links held together."""
    _chain_command(org, as_of, strict, as_json, lang, data, up=True)


@app.command()
def represents(
    org: str = typer.Argument(..., help="IRI, prefixed name, label or acronym."),
    as_of: Optional[str] = AsOfOpt, strict: bool = StrictOpt,
    as_json: bool = JsonOpt, lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """Every organisation ORG represents, directly or indirectly."""
    _chain_command(org, as_of, strict, as_json, lang, data, up=False)


def _with_status(rows: list[dict], when, strict: bool) -> list[dict]:
    """Each row's status on ``when``; known-ended ones dropped, with --strict all but holds/attested."""
    if when is None:
        return rows
    from ..timeline import Timing, counts, status_on

    for e in rows:
        timing = Timing.of(start=e.get("start"), end=e.get("end"), attested=e.get("attested"), during=e.get("during"))
        for attested in e.get("attestations") or []:  # a seat attested on several dates
            timing.add(attested=attested)
        e["status"] = status_on(timing, when)
    return [e for e in rows if counts(e["status"], strict=strict)]


@app.command()
def seats(
    org: str = typer.Argument(..., help="IRI, prefixed name, label or acronym."),
    as_of: Optional[str] = AsOfOpt, strict: bool = StrictOpt,
    as_json: bool = JsonOpt, lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """The seats and mandates ORG holds on public or consultative bodies; for a body, who sits on it;
    for a person, the seats and posts they hold and whom they sit for."""
    when = _when(as_of)
    q = _questions(data, lang)
    iri = _agent(q, org, "seats")
    rows = _with_status(q.seats(iri), when, strict)
    if as_json:
        _emit_json(rows)
        return
    if q.is_person(iri):
        _person_seats_table(q.labels.label(iri, lang), rows, lang)
        return
    sitting = _with_status(q.sitting(iri), when, strict)
    if rows or not sitting:  # a body that only has people sitting on it: no empty table of its own seats first
        t = _table(f"Seats and mandates of {q.labels.label(iri, lang)}", "body", "how", "role", "person", "dates", "status", "sources")
        for e in rows:
            t.add_row(_plain(e["body"]), e["relation"], _plain(", ".join(e["roles"])), _plain(e["person"] or ""), _dates(e),
                      status_words(e.get("status"), lang), _src(e))
        out.print(t)
    if sitting:
        t2 = _table(f"Who sits on {q.labels.label(iri, lang)}", "holder", "role", "for", "nominated by", "dates", "sources")
        for e in sitting:
            t2.add_row(_plain(e["label"]), _plain(", ".join(e["roles"])), _plain(e["on_behalf_of"] or ""),
                       _plain(e["nominated_by"] or ""), _dates(e), _src(e))
        out.print(t2)


def _person_seats_table(name: str, rows: list[dict], lang: str) -> None:
    """A person's seats and posts: the body or organisation, how, the role, whom they sit for and
    who nominated them, with dates, status and sources."""
    t = _table(f"Seats, mandates and posts of {name}", "body or organisation", "how", "role", "for", "nominated by",
               "dates", "status", "sources")
    for e in rows:
        how = "holds a seat on" if e["relation"] == "holds" else e["relation"]
        t.add_row(_plain(e["body"]), how, _plain(", ".join(e["roles"])), _plain(e["on_behalf_of"] or ""),
                  _plain(e.get("nominated_by") or ""), _dates(e), status_words(e.get("status"), lang), _src(e))
    out.print(t)
    if not rows:
        out.print("none in the graph (unknown is not none: the sources may not say)", highlight=False, markup=False)


@app.command()
def show(
    org: str = typer.Argument(..., help="IRI, prefixed name, label or acronym."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    evidence: bool = typer.Option(False, "--evidence", help="Print each fact with its passage in context, "
                                                            "the source's title, date and locator."),
    lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """The organisation's card: labels, kinds, places, relations both ways, seats, counts, sources."""
    q = _questions(data, lang)
    card = q.card(q.resolve(org), evidence=as_json or evidence)  # the text card prints no passage without --evidence
    if as_json:
        _emit_json(card)
        return
    out.print(f"[bold]{_plain(card['label'])}[/bold]  <{_plain(card['iri'])}>")
    if card["alt_labels"]:
        out.print("also: " + _plain(" · ".join(card["alt_labels"])))
    out.print("kinds: " + _plain(", ".join(t["label"] for t in card["types"])))
    for p in card["places"]:
        out.print(f"{p['relation']}: {_plain(p['label'])}")
    for name, values in card["facts"].items():
        for v in values:
            out.print(f"{name}: {_plain(str(v['value']))}  [{_src(v)}]", highlight=False)
    if card["represented_by"]:
        out.print("represented by: " + _plain("; ".join(chain_words(e) for e in card["represented_by"])))
    if card["represents"]:
        out.print(f"represents {len(card['represents'])} organisation(s)")
    for sentence in card.get("declared_vs_observed", []):
        out.print("members: " + sentence, highlight=False, markup=False)
    t = _table("Relations", "direction", "relation", "role", "with", "dates", "sources")
    for r in card["relations"]:
        t.add_row(r["direction"], r["relation"], _plain(r["role"] or ""), _plain(r["label"]),
                  _dates(r) if _dated(r) else "", _src(r))
    out.print(t)
    if card["counts"]:
        t = _table("Dated counts", "measure", "value", "as of", "sources")
        for c in card["counts"]:
            t.add_row(_plain(c["measure"]), f"{c['qualifier'] or ''} {c['value']}", str(c["as_of"] or "undated"), _src(c))
        out.print(t)
    out.print("sources: " + ", ".join(card["sources"]))
    if evidence:
        _print_evidence(card)


@app.command()
def path(
    a: str = typer.Argument(..., help="First organisation."),
    b: str = typer.Argument(..., help="Second organisation."),
    as_of: Optional[str] = AsOfOpt, strict: bool = StrictOpt,
    as_json: bool = JsonOpt, lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """The shortest chain of relations linking two organisations, each step with its source
    (with --as-of, only relations that count on the date)."""
    when = _when(as_of)
    q = _questions(data, lang)
    ia, ib = q.resolve(a), q.resolve(b)
    steps = q.path(ia, ib, as_of=when, strict=strict)
    if as_json:
        _emit_json(steps)
        return
    if not steps:  # an answer, an empty one: exit 0
        out.print(f"no chain of relations links '{a}' and '{b}' in the graph" + (f" on {when}" if when else ""),
                  highlight=False, markup=False)
        return
    out.print(_plain(steps[0]["label"]))
    for s in steps[1:]:
        role = f" ({s['role']})" if s["role"] else ""
        out.print(f"  {ARROW.strip()} {_plain(s['relation'])}{_plain(role)}: [bold]{_plain(s['label'])}[/bold]  [{_src(s)}]")
    out.print(_plain(_route_in_words(q, ia, ib, steps)), highlight=False)


def _route_in_words(q, ia: str, ib: str, steps: list[dict]) -> str:
    """Whether the route is a representation chain, in words (`why` gives those)."""
    if q.why(ia, ib)["chains"] or q.why(ib, ia)["chains"]:
        return "This route is a representation chain (see `sse-graph why` for its dates and sources)."
    others = sorted({s["relation"] for s in steps[1:] if s["relation"] not in ("member of", "has as member")})
    return ("This route is not a representation chain: it links the two through "
            + ", ".join(f"'{r}'" for r in others) + ", which never makes one speak for the other.") if others else \
        "This route is not a representation chain (its memberships do not lead from one to the other)."


@app.command()
def search(
    text: str = typer.Argument(..., help="Part of a label or an acronym."),
    as_json: bool = JsonOpt, lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """Organisations (and persons) whose label, acronym or name matches TEXT, best first."""
    q = _questions(data, lang)
    rows = q.search(text)
    if as_json:
        _emit_json(rows)
        return
    if not rows:  # an answer, an empty one: exit 0
        out.print(f"no organisation matches '{text}'", highlight=False, markup=False)
        return
    t = _table(f"Organisations and persons matching '{text}'", "label", "also", "iri")
    for e in rows:
        t.add_row(_plain(e["label"]), _plain(", ".join(e["alt_labels"])), e["iri"])
    out.print(t)
