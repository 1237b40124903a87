"""The read-only SPARQL 1.1 endpoint: ``sse-graph serve``."""
from __future__ import annotations

from .server import EndpointSettings, create_app

__all__ = ["EndpointSettings", "create_app", "run_serve", "is_loopback"]


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(settings: EndpointSettings, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Serve the built dataset until interrupted (``settings.front``: the lean HTTP server
    of http.py with worker processes, or direct.py's front workers; on uvloop where it is
    installed)."""
    import asyncio
    import logging

    from .http import LOG_FORMAT

    if settings.front == "direct":  # front workers answer queries themselves (direct.py)
        from .direct import serve
    else:  # this process serves HTTP, queries hop to worker processes (http.py, pool.py)
        from .http import serve

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO), format=LOG_FORMAT)
    # what the log line (one per request) need not cost: the caller's frame, thread and
    # process names, none of which the format prints (the logging module's documented
    # "Optimization" switches): about half of a log call
    logging._srcfile = None  # noqa: SLF001
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    try:
        import uvloop
    except ImportError:
        uvloop = None
    try:
        if uvloop is not None:
            uvloop.run(serve(settings, host, port))
        else:
            asyncio.run(serve(settings, host, port))
    except OSError as e:  # the port was taken between the check and the bind
        from ..errors import EnvironmentProblem

        raise EnvironmentProblem(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
