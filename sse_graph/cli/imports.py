"""The import command: a partner's spreadsheet into the graph, all or nothing."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .context import DataOpt, _progress, app, out


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A .csv or .xlsx file, first row = column names."),
    kind: str = typer.Option(..., "--kind", help="organisations, memberships or seats (column conventions in the README)."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Reasoning engine of the staging build: owlrl (default) "
                                                                "or fast (large graphs); default from $SSE_GRAPH_ENGINE."),
    data: Optional[Path] = DataOpt,
):
    """Import a partner's spreadsheet, all or nothing: every row checked, then the graph validated."""
    from ..importer import import_table

    progress, say = _progress()
    try:
        result = import_table(file, kind, data=data, progress=say, engine=engine)
    finally:
        if progress:
            progress.stop()
    if result.changed:
        out.print(f"imported {result.rows} row(s) from {file} into {result.target} ({result.triples} triples)")
    else:
        out.print(f"{file}: " + "; ".join(result.messages))
