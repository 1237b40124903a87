"""The read-only SPARQL 1.1 endpoint: ``sse-graph serve``."""
from __future__ import annotations

from .server import EndpointSettings, create_app

__all__ = ["EndpointSettings", "create_app", "run_serve"]


def run_serve(dataset_path, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0,
              max_rows: int = 10000, workers: int = 2, cache_size: int = 512, log_level: str = "info") -> None:
    """Serve the built dataset until interrupted."""
    import logging

    import uvicorn

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = EndpointSettings(dataset_path, timeout=timeout, max_rows=max_rows, workers=workers, cache_size=cache_size)
    # uvicorn's access log prints the query string, i.e. the query text: ours logs without it.
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level=log_level)
