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
    """Serve the built dataset until interrupted."""
    import logging

    import uvicorn

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # uvicorn's access log prints the query string, i.e. the query text: ours logs without it.
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level=log_level,
                h11_max_incomplete_event_size=settings.max_url + (16 << 10))
