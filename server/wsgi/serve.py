"""Serving in production: gunicorn, several web processes, each with its query workers.

Each gunicorn worker process builds its own app (no preloading: the query pools must start
after the fork), warms its pool before taking requests, and closes the app's state as it
exits (``core/state.py``).

Concurrency per web process (defaults: 2 web processes, ``QUERY_WORKERS=4``,
``QUERY_LONG_SLOTS=1``, ``QUERY_LIGHT_SECONDS=0.5``; see ``pool.py`` for the two lanes):

- query processes: at most ``QUERY_LONG_SLOTS`` of them run a long (reniced) query, the
  others (three) stay for light queries and pages. Three rather than one, because a
  pathological query is not known as such before its first half second: each one arriving
  while the long slot is taken holds a light process for that half second before it is
  refused. Measured under the soak on the national graph (6 clients, a pathological query
  every tenth request; 2 cores shared with other work): light p99 684 ms with 3 query
  processes, 172 ms with 4, against 5.2 s before the lanes (``docs/DEPLOYMENT.md``);
- threads: gunicorn's "gthread" worker with ``QUERY_WORKERS + EXTRA_THREADS`` threads, so
  requests that need no query process (health checks, static files, dumps, cached pages)
  are not held behind those waiting for one (one thread with ``QUERY_WORKERS=1``, and no
  separate light lane). The worker class is ``httpworker.BufferingWorker``: gthread, with
  each request head and body read by the event loop under ``HEADER_TIMEOUT`` and
  ``BODY_TIMEOUT`` before a thread serves it, so slow clients hold no thread;
- memory: each query process opens the store read-only; the OS page cache and the code
  forked from the fork server are shared. On the national graph, 2 web processes with 4
  query processes each: 0.9-0.98 GiB summing each process's RSS (shared pages counted in
  every process; the 1 GB target), 0.3-0.45 GiB of proportional memory (PSS). Five query
  processes pass 1 GB of summed RSS, hence four.

More concurrency: more ``--workers`` (about one per core on the embedded store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from .. import create_app
from ..core import state
from ..core.store import warm

MAX_REQUEST_LINE = 8190  # gunicorn's ceiling: long GET queries

#: Threads of a web process beyond its query processes: for requests that need none.
EXTRA_THREADS = 2
#: gunicorn's worker: requests are read whole by the event loop, then served by a thread.
WORKER_CLASS = "cls_kg.server.wsgi.httpworker.BufferingWorker"


def threads_for(query_workers: int) -> int:
    """gunicorn threads of a web process with ``query_workers`` query processes."""
    return 1 if query_workers == 1 else query_workers + EXTRA_THREADS


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


def worker_exit(server: Any, worker: Any) -> None:
    """gunicorn hook: stop the query workers of a web process as it exits (the master calls
    it too, for a worker it reaped: that one has no app here)."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, Flask):
        state.close(app)


def options(host: str, port: int, workers: int, threads: int, timeout: float) -> dict[str, Any]:
    """gunicorn's settings for the service."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": WORKER_CLASS,
        "threads": threads,
        "timeout": int(timeout) + 30,  # a query is stopped first, by its own deadline
        "limit_request_line": MAX_REQUEST_LINE,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
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
    threads, timeout = threads_for(config["QUERY_WORKERS"]), config["QUERY_TIMEOUT"]
    Server(settings, options(host, port, workers, threads, timeout)).run()
