"""The serve command: the read-only SPARQL endpoint."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .context import DataOpt, _build, app, err


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    timeout: float = typer.Option(10.0, "--timeout", help="Seconds a query may run before it is stopped."),
    max_rows: int = typer.Option(10000, "--max-rows", help="Rows (or triples) at most in a result; truncation is flagged."),
    workers: int = typer.Option(2, "--workers", help="Query worker processes."),
    cache_size: int = typer.Option(512, "--cache-size", help="Answers kept in memory for identical requests (0: none)."),
    data: Optional[Path] = DataOpt,
):
    """Serve the reasoned dataset read-only over the SPARQL 1.1 protocol at /sparql (YASGUI at /)."""
    from ..errors import InputError
    from ..endpoint import run_serve

    if timeout <= 0 or max_rows <= 0 or workers <= 0 or cache_size < 0:
        raise InputError("--timeout, --max-rows and --workers must be positive")
    _check_port_free(host, port)
    result = _build(data)
    err.print(f"serving {result.dataset_path} on http://{host}:{port}/ (SPARQL at /sparql)")
    run_serve(result.dataset_path, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
              cache_size=cache_size)


def _check_port_free(host: str, port: int) -> None:
    """A port in use (or an address this machine does not have) is an environment
    problem, exit 3, said before anything is loaded."""
    import socket

    from ..errors import EnvironmentProblem

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise EnvironmentProblem(f"cannot listen on {host}: {e.strerror}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as e:
            raise EnvironmentProblem(f"cannot listen on {host}:{port}: {e.strerror or e} (choose another --port)") from None
