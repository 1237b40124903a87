"""The serve command: the read-only SPARQL endpoint."""
from __future__ import annotations

import os
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
    workers: int = typer.Option(2, "--workers", help="Queries evaluated at once: the fast lane's worker processes "
                                "(--front hop), each front worker's query threads (--front direct)."),
    fronts: Optional[int] = typer.Option(None, "--fronts", help="--front direct: processes accepting HTTP, each "
                                         "evaluating known-cheap queries inline, others in its --workers threads "
                                         "[default: 1 for a build held in memory, 2 for one read from disk]."),
    slow_workers: int = typer.Option(1, "--slow-workers", help="Query worker processes for queries that overran --fast-budget."),
    fast_budget: float = typer.Option(1.0, "--fast-budget", help="Seconds a query may run in the fast lane before it moves to the slow one (longer while it waits for a core)."),
    cache_size: int = typer.Option(512, "--cache-size", help="Answers kept in memory for identical requests (0: none)."),
    cache_mb: int = typer.Option(64, "--cache-mb", help="Megabytes at most held by the answer cache."),
    max_body: int = typer.Option(256 * 1024, "--max-body", help="Bytes at most in a request body (else 413)."),
    max_url: int = typer.Option(32 * 1024, "--max-url", help="Bytes at most in a request URL (else 414)."),
    max_queue: int = typer.Option(32, "--max-queue", help="Queries at most waiting for a worker (else 503 + Retry-After)."),
    per_client: int = typer.Option(8, "--per-client", help="Queries at most running or waiting per client address (else 429)."),
    memory_triples: int = typer.Option(200_000, "--memory-triples", help="Each query worker holds the dataset in memory "
                                       "when it has at most this many triples (0: never): small queries answer up to "
                                       "twice as fast; a bigger dataset is read from the on-disk store."),
    allow_unisolated: bool = typer.Option(False, "--allow-unisolated",
                                          help="Listen beyond loopback even where query workers cannot be cut off the network."),
    store_url: Optional[str] = typer.Option(None, "--store", help="Serve from this external SPARQL store (an Oxigraph "
                                            "server, or Virtuoso's http://127.0.0.1:PORT/sparql) instead of the build; "
                                            "--workers is then the number of queries forwarded at once."),
    front: str = typer.Option("direct", "--front", envvar="SSE_GRAPH_FRONT", help="direct: front workers accept HTTP and "
                              "answer queries themselves, behind the OS barrier; hop: this process serves HTTP and queries "
                              "hop to worker processes (always with --store)."),
    data: Optional[Path] = DataOpt,
):
    """Serve the reasoned dataset read-only over the SPARQL 1.1 protocol at /sparql (YASGUI at /)."""
    from ..endpoint import EndpointSettings, is_loopback, run_serve
    from ..endpoint.isolation import probe
    from ..errors import InputError

    if min(timeout, max_rows, workers, 1 if fronts is None else fronts, slow_workers, fast_budget, max_body, max_url, max_queue, per_client, cache_mb) <= 0 \
            or cache_size < 0 or memory_triples < 0:
        raise InputError("--timeout, --max-rows, --workers, --fronts, --slow-workers, --fast-budget, --cache-mb, --max-body, "
                         "--max-url, --max-queue and --per-client must be positive; --cache-size and "
                         "--memory-triples zero or more")
    if front not in ("direct", "hop"):
        raise InputError(f"--front {front}: choose direct or hop")
    limits = dict(timeout=timeout, max_rows=max_rows, workers=workers, slow_workers=slow_workers, fast_budget=fast_budget,
                  cache_size=cache_size, cache_bytes=cache_mb << 20, max_body=max_body, max_url=max_url,
                  max_queue=max_queue, per_client=per_client, memory_triples=memory_triples)
    if store_url:
        _serve_store(store_url, host, port, allow_unisolated, limits)
        return
    barriers = probe()
    if barriers:
        err.print(f"query workers are cut off the network: {', '.join(barriers)}")
    else:
        err.print("[bold red]query workers can NOT be cut off the network here[/] (no network namespace, no seccomp): "
                  "SERVICE is refused by the query parser only")
        if not is_loopback(host) and not allow_unisolated:
            raise InputError(f"--host {host} would expose unisolated query workers; use a loopback address "
                             "or --allow-unisolated")
    _check_port_free(host, port)
    result = _build(data)
    settings = EndpointSettings(result.dataset_path, front=front, fronts=fronts, **limits)
    where = "held in each query worker's memory" if settings.in_memory else "read from the on-disk store"
    err.print(f"serving {result.dataset_path} ({where}) on http://{host}:{port}/ (SPARQL at /sparql)",
              highlight=False, markup=False)
    run_serve(settings, host=host, port=port)


def _serve_store(store_url: str, host: str, port: int, allow_unisolated: bool, limits: dict) -> None:
    """``serve --store``: the same endpoint, its queries checked here and forwarded to the store.
    The forwarding process must reach the store, so it is never cut off the network:
    the parser check (SERVICE, LOAD, updates, unknown FROM refused) is its barrier, with
    the store's own refusals behind it (sse_graph/endpoint/remote_backend.py)."""
    import urllib.parse

    from ..endpoint import EndpointSettings, is_loopback, run_serve
    from ..errors import InputError
    from ..remote import remote_store

    if not is_loopback(host) and not allow_unisolated:
        raise InputError(f"--host {host}: with --store the endpoint forwards queries over the network and cannot be cut "
                         "off it (SERVICE is refused by the query parser only); use a loopback address behind a "
                         "reverse proxy, or --allow-unisolated")
    _check_port_free(host, port)
    store = remote_store(store_url, os.environ.get("SSE_GRAPH_QUERY_PATH"))  # exit 3 if unreachable or empty
    store_host = urllib.parse.urlsplit(store.query_url).hostname or ""
    if not is_loopback(store_host):
        err.print(f"warning: the store {store.query_url} is not on loopback: queries cross the network to it",
                  highlight=False, markup=False)
    err.print("the endpoint forwards queries to the store: SERVICE, LOAD and updates are refused by the query parser "
              "before forwarding (this process must reach the store, so it is not cut off the network)",
              highlight=False, markup=False)
    settings = EndpointSettings(None, store_url=store.query_url, **limits)
    err.print(f"serving {store.query_url} ({len(store.graph_names)} graphs) on http://{host}:{port}/ (SPARQL at /sparql)",
              highlight=False, markup=False)
    run_serve(settings, host=host, port=port)


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
