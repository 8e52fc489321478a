"""Serving in production: gunicorn, several web processes, each with its query workers.

Each gunicorn worker process builds its own app (no preloading: the query pools must start
after the fork) and warms its pool before taking requests. A web process takes as many
requests at once as it has query workers (QUERY_WORKERS): one means gunicorn's plain "sync"
worker, the fastest (measured: about 0.9 ms less per request than "gthread" on 2 cores);
more means "gthread" with that many threads. More concurrency: more ``--workers``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from . import create_app
from .store import warm

MAX_REQUEST_LINE = 8190  # gunicorn's ceiling: long GET queries


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured from a mapping instead of its command line."""

    def __init__(self, settings: dict[str, Any], options: dict[str, Any]) -> None:
        self.settings, self.options = settings, options
        super().__init__()

    def load_config(self) -> None:
        """Hand the options to gunicorn (those this version of gunicorn knows)."""
        for name, value in self.options.items():
            if name in self.cfg.settings:
                self.cfg.set(name, value)

    def load(self) -> Flask:
        """Build the app in the worker process."""
        return create_app(self.settings)


def post_worker_init(worker: Any) -> None:
    """gunicorn hook: start the query workers before the first request."""
    warm(worker.wsgi)


def options(host: str, port: int, workers: int, threads: int, timeout: float) -> dict[str, Any]:
    """gunicorn's settings for the service."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync" if threads == 1 else "gthread",
        "threads": threads,
        "timeout": int(timeout) + 30,  # a query is stopped first, by its own deadline
        "limit_request_line": MAX_REQUEST_LINE,
        "post_worker_init": post_worker_init,
        "accesslog": "-",
        "control_socket_disable": True,  # gunicorn >= 24 opens one in $HOME otherwise
    }


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    data_dir: Path | None = None,
    base_uri: str | None = None,
    workers: int = 2,
    store_url: str = "",
) -> None:
    """Serve the built graph until stopped (the ``cls-kg serve`` command)."""
    settings: dict[str, Any] = {"STORE_URL": store_url} if store_url else {}
    if data_dir is not None:
        settings["DATA_DIR"] = data_dir
    if base_uri is not None:
        settings["BASE_URI"] = base_uri
    config = create_app(settings).config  # fails early on a bad setting
    threads, timeout = config["QUERY_WORKERS"], config["QUERY_TIMEOUT"]
    Server(settings, options(host, port, workers, threads, timeout)).run()
