"""The analysis commands: analyse (network measures) and draw (an HTML picture)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape as _escape_markup

from ..plaintext import visible
from .context import AsOfOpt, DataOpt, LangOpt, StrictOpt, _when, _emit_json, _questions, _store, _table, app, err, out


def escape(text) -> str:
    """Text from the data for rich markup: markup escaped, line ends shown as ⏎."""
    return _escape_markup(visible(text))


@app.command()
def analyse(
    projection: str = typer.Option("representation", "--projection", "-p",
                                   help="representation, affiliation or governance."),
    metric: Optional[list[str]] = typer.Option(None, "--metric", "-m",
                                               help="degree, members, reach, level, chain, betweenness, constraint, "
                                                    "effective_size, pagerank, core, community, countries (repeatable)."),
    top: int = typer.Option(20, "--top", help="How many rows (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="A JSON array of objects: iri, label, alt_labels, kind and one field per metric."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV (UTF-8 with a byte order mark, for Excel; a cell that would start a formula gets a leading quote)."),
    lang: str = LangOpt, data: Optional[Path] = DataOpt,
):
    """Rank organisations by network measures (brokers, reach, levels, communities), with their meaning."""
    import sys

    from ..analysis import DEFAULT_METRICS, MEANINGS, analyse as run

    store = _store(data, memory=True)  # every edge of a projection: scans are faster in memory
    metrics = list(metric or DEFAULT_METRICS.get(projection, ["degree"]))
    rows = run(store, projection, metrics, top=top or None, lang=lang)
    if as_json:
        _emit_json(rows)
        return
    if as_csv:  # for spreadsheets: no cell may start a formula
        from ..spreadsheet import csv_text

        body = csv_text(["iri", "label", "alt_labels", "kind", *metrics],
                        ([r["iri"], r["label"], " | ".join(r["alt_labels"]), r["kind"], *[r[m] for m in metrics]] for r in rows))
        sys.stdout.buffer.write(body.encode("utf-8"))
        return
    t = _table(f"{projection} projection, ranked by {metrics[0]}", "#", "organisation", "kind", *metrics)
    for i, r in enumerate(rows, 1):
        t.add_row(str(i), escape(r["label"]), escape(r["kind"]), *["" if r[m] is None else str(r[m]) for m in metrics])
    out.print(t)
    for m in metrics:
        out.print(f"[bold]{m}[/bold]: {MEANINGS[m]}")
    out.print("Measured on the relations the graph knows by name: where a source declares more members than are "
              "named (ConcertES: 21 declared, 17 known by name), the known part is not the whole "
              "(`sse-graph members ORG` shows both).", highlight=False, markup=False)


@app.command()
def draw(
    output: Path = typer.Option(..., "-o", "--output", help="The file to write (atomically)."),
    fmt: str = typer.Option("", "--format", help="html, svg or png (default: from the file's extension, else html). "
                                               "SVG and PNG fill an A4 landscape page, for reports."),
    focus: Optional[str] = typer.Option(None, "--focus", help="An organisation: draw its neighbourhood and highlight its chain."),
    depth: int = typer.Option(2, "--depth", help="Radius of the neighbourhood around --focus."),
    projection: str = typer.Option("representation", "--projection", "-p", help="representation, governance, affiliation or all."),
    size: str = typer.Option("reach", "--size", help="The measure that sizes the nodes (reach, members, betweenness, pagerank ...)."),
    as_of: Optional[str] = AsOfOpt,
    strict: bool = StrictOpt,
    lang: str = LangOpt,
    data: Optional[Path] = DataOpt,
):
    """Draw who represents whom: a self-contained offline HTML picture (pyvis), or SVG/PNG for a report."""
    from ..draw import draw_html
    from ..errors import InputError
    from ..fileio import write_atomic

    from ..draw import build_scene, scene_html

    if depth < 0:
        raise InputError("--depth must be 0 or more")
    fmt = (fmt or output.suffix.lstrip(".") or "html").lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in ("html", "svg", "png"):
        raise InputError(f"--format: '{fmt}' is not html, svg or png")
    if strict and not as_of:
        raise InputError("--strict needs --as-of DATE")
    on = _when(as_of)
    q = _questions(data, lang)
    iri = q.resolve(focus) if focus else None
    scene = build_scene(q.store, focus=iri, depth=depth, projection=projection, lang=lang, size_metric=size,
                        labels=q.labels, as_of=on, strict=strict)
    if fmt == "html":
        from ..draw import annotate_cards

        body = scene_html(annotate_cards(scene, q.store, q.labels, lang)).html.encode("utf-8")
    else:
        from ..draw_static import render_png, render_svg

        body = render_svg(scene) if fmt == "svg" else render_png(scene)
    write_atomic(output, body)
    err.print(f"wrote {output}: {len(scene.nodes)} nodes, {len(scene.edges)} edges", highlight=False)
