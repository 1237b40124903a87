"""The time commands: why (the dated, sourced chains by which one speaks for
another) and changes (who joined, left or changed role between two dates)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape as _escape_markup

from ..errors import InputError
from ..questions.format import chain_heading, chain_step_lines, not_counted_words, words
from ..plaintext import visible
from .context import AsOfOpt, DataOpt, LangOpt, StrictOpt, _emit_json, _questions, _when, app, out


def escape(text) -> str:
    """Text from the data for rich markup: markup escaped, line ends shown as ⏎."""
    return _escape_markup(visible(text))


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
    fr = lang == "fr"
    words = {"joined": "a rejoint" if fr else "joined", "left": "a quitté" if fr else "left",
             "role_changed": "rôle changé" if fr else "role changed",
             "first_attested": "attesté seulement à la 2e date" if fr else "attested on the second date only",
             "no_longer_attested": "attesté seulement à la 1re date" if fr else "attested on the first date only"}
    for key, word in words.items():
        for e in answer[key]:
            extra = f" (was: {', '.join(e['roles_before'])})" if key == "role_changed" else ""
            extra += f" ({e['status_before']} on {d1})" if e.get("status_before") else ""
            extra += f" ({e['status_after']} on {d2})" if e.get("status_after") else ""
            where = "" if answer["org"] else f"{e['of']['label']}: "
            out.print(f"  {escape(where)}{word}: {escape(e['label'])} — {escape(', '.join(e['roles']))}{escape(extra)} [{', '.join(e['sources'])}]",
                      highlight=False)
    if answer["first_attested"] or answer["no_longer_attested"]:
        out.print("  (attested on one date only: the sources give no start or end, so no join or leave is claimed)"
                  if not fr else "  (attesté à une seule date : les sources ne donnent ni début ni fin, aucune arrivée ni départ n'est affirmé)")
    for m in answer["counts_moved"]:
        vals = "; ".join(f"{(v['qualifier'] + ' ') if v.get('qualifier') else ''}{v['value']} ({'as of' if v['dated_by'] == 'as of' else 'source of about'} {v['date'][:10] if v['dated_by'] == 'as of' else v['date'][:4]}, {', '.join(v['sources'])})"
                         for v in m["values"])
        out.print(f"  count moved: {escape(m['measure'])}: {escape(vals)}", highlight=False)
    if not any(answer[k] for k in ("joined", "left", "role_changed", "counts_moved", "first_attested", "no_longer_attested")):
        out.print("no change known between these dates (unknown is not none: the sources may not say)")
