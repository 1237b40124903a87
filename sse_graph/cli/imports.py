"""The import commands: a partner's spreadsheet into the graph, all or nothing;
the list of imports; undoing one."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .context import DataOpt, _emit_json, _progress, _table, app, out

SHOWN = 20  # triples shown by --dry-run, each way


@app.command("import")
def import_(
    file: Optional[Path] = typer.Argument(None, help="A .csv or .xlsx file, first row = column names (any order)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="organisations, memberships, seats or partnerships "
                                                            "(columns and their aliases in the README)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check everything and show what would change; write nothing."),
    undo: Optional[str] = typer.Option(None, "--undo", help="Undo the import with this ID (see `sse-graph imports`)."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Reasoning engine of the staging build: owlrl (default) "
                                                                "or fast (large graphs); default from $SSE_GRAPH_ENGINE."),
    data: Optional[Path] = DataOpt,
):
    """Import a partner's spreadsheet, all or nothing: every cell checked, then the graph validated."""
    from ..errors import InputError
    from ..importer import import_table, undo_import

    if undo is not None:
        if file is not None or kind is not None or dry_run:
            raise InputError("--undo ID takes no file, --kind or --dry-run")
        with _Progress() as say:
            entry = undo_import(undo, data=data, progress=say, engine=engine)
        out.print(f"undid import {entry.id} ({entry.file}): {entry.target} is as it was before", highlight=False, markup=False)
        return
    if file is None or kind is None:
        raise InputError("give a FILE and --kind (or --undo ID)")
    with _Progress() as say:
        result = import_table(file, kind, data=data, progress=say, engine=engine, dry_run=dry_run)
    if result.changed:
        out.print(f"imported {result.rows} row(s) from {file} into {result.target} ({result.triples} triples); "
                  f"import {result.id} (`sse-graph import --undo {result.id}` undoes it)", highlight=False, markup=False)
    elif result.dry_run and not result.messages[0].startswith("unchanged"):
        out.print(f"{file}: {result.rows} row(s) would go into {result.target}: +{len(result.added)} triple(s), "
                  f"-{len(result.removed)}; the graph would validate. Nothing was written.", highlight=False, markup=False)
        for sign, triples in (("+", result.added), ("-", result.removed)):
            for t in triples[:SHOWN]:
                out.print(f"  {sign} {t}", highlight=False, markup=False)
            if len(triples) > SHOWN:
                out.print(f"  {sign} … and {len(triples) - SHOWN} more", highlight=False, markup=False)
    else:
        out.print(f"{file}: " + "; ".join(result.messages), highlight=False, markup=False)


@app.command("imports")
def imports(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array: id, when, file, sha256, kind, rows, target, "
                                                       "previous, undone."),
    data: Optional[Path] = DataOpt,
):
    """The imports of the dataset: when, which file (and its SHA-256), how many rows, which graph; undone ones say so."""
    from dataclasses import asdict

    from ..importer import list_imports

    entries = list_imports(data)
    if as_json:
        _emit_json([asdict(e) for e in entries])
        return
    t = _table("Imports", "id", "when (UTC)", "file", "sha256", "kind", "rows", "graph file", "undone")
    for e in entries:
        t.add_row(e.id, e.when, e.file, e.sha256[:16] + "…", e.kind, str(e.rows), e.target, e.undone or "")
    out.print(t)
    if not entries:
        out.print("no import yet")


class _Progress:
    """The progress bar around a long step (a no-op off a terminal)."""

    def __enter__(self):
        self.progress, say = _progress()
        return say

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()
        return False
