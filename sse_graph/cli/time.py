"""The time commands: why (the dated, sourced chains by which one speaks for
another) and changes (who joined, left or changed role between two dates)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..errors import InputError
from ..questions.format import chain_heading, chain_step_lines, not_counted_words, words
from .context import AsOfOpt, DataOpt, LangOpt, StrictOpt, _emit_json, _questions, _when, app, out


@app.command()
def why(
    org: str = typer.Argument(..., help="The organisation spoken for."),
    representative: str = typer.Argument(..., help="The one who speaks for it."),
    as_of: Optional[str] = AsOfOpt, strict: bool = StrictOpt,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """Every chain by which REPRESENTATIVE speaks for ORG (memberships, mandates), shortest
    first, each step dated and sourced; never events or partnerships."""
    when = _when(as_of)
    q = _questions(data, lang)
    ia, ib = q.resolve(org), q.resolve(representative)
    answer = q.why(ia, ib, as_of=when, strict=strict)
    if as_json:
        _emit_json(answer)
        return
    if not answer["chains"]:
        out.print(escape(words(lang)["none"].format(a=answer["org"]["label"], b=answer["representative"]["label"])
                         + (f" ({when})" if when else "")), highlight=False)
    for i, c in enumerate(answer["chains"], 1):
        out.print(f"[bold]{escape(chain_heading(i, c, when, lang))}[/bold]", highlight=False)
        for line in chain_step_lines(c, when, lang):
            out.print(line, highlight=False, markup=False)
    for c in answer["not_counted"]:
        out.print(not_counted_words(c, when, lang), highlight=False, markup=False)


@app.command()
def changes(
    org: Optional[str] = typer.Argument(None, help="The organisation (default: every one)."),
    date_from: str = typer.Option(..., "--from", help="First date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    date_to: str = typer.Option(..., "--to", help="Second date."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """Who joined, who left, whose role changed, which declared counts moved, between two dates
    (memberships that hold or are attested on each date), each with its sources."""
    d1, d2 = _when(date_from), _when(date_to)
    if d1 > d2:
        raise InputError(f"--from {date_from} is after --to {date_to}")
    q = _questions(data, lang)
    answer = q.changes(q.resolve(org) if org else None, d1, d2)
    if as_json:
        _emit_json(answer)
        return
    title = f"Changes {d1} → {d2}" + (f" in {answer['org']['label']}" if answer["org"] else "")
    out.print(f"[bold]{escape(title)}[/bold]")
    for key, word in (("joined", "joined"), ("left", "left"), ("role_changed", "role changed")):
        for e in answer[key]:
            extra = f" (was: {', '.join(e['roles_before'])})" if key == "role_changed" else ""
            out.print(f"  {word}: {escape(e['label'])} — {escape(', '.join(e['roles']))}{escape(extra)} [{', '.join(e['sources'])}]",
                      highlight=False)
    for m in answer["counts_moved"]:
        vals = "; ".join(f"{v['value']} ({v['as_of']}, {', '.join(v['sources'])})" for v in m["values"])
        out.print(f"  count moved: {escape(m['measure'])}: {escape(vals)}", highlight=False)
    if not any(answer[k] for k in ("joined", "left", "role_changed", "counts_moved")):
        out.print("no change known between these dates (unknown is not none: the sources may not say)")
