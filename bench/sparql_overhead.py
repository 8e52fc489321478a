"""How much the HTTP layer adds to each example query (run with ``make bench-sparql``).

Each example query (server/sparql/examples/*.rq) runs many times two ways on the same store:
directly in pyoxigraph (query, then serialise as SPARQL JSON: the work the endpoint must do
anyway), and through the real service (gunicorn, 2 web processes, worker pool) over a
keep-alive HTTP connection. Prints p50 and p95 of each, and the p50 difference. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from cls_kg.graph.build import build
from cls_kg.graph.datadir import current_version
from cls_kg.server.sparql.examples import Example, examples

WARMUP = 20
JSON = "application/sparql-results+json"


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) in milliseconds."""
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(run: Callable[[], object], rounds: int) -> list[float]:
    """Seconds of each of ``rounds`` runs, after a warm-up."""
    for _ in range(WARMUP):
        run()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def direct(store: ox.Store, query: str) -> Callable[[], object]:
    """The query in pyoxigraph, results serialised as SPARQL JSON."""
    return lambda: store.query(query, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON
    )


def over_http(connection: http.client.HTTPConnection, query: str) -> Callable[[], object]:
    """The query POSTed to the endpoint on a kept-alive connection."""
    headers = {"Content-Type": "application/sparql-query", "Accept": JSON}

    def run() -> bytes:
        connection.request("POST", "/sparql", body=query.encode(), headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
        return body

    return run


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """gunicorn through ``serve()``, rate limiting off, until /health answers."""
    code = (
        "import sys, pathlib; from cls_kg.server.wsgi.serve import serve; "
        "serve('127.0.0.1', int(sys.argv[1]), pathlib.Path(sys.argv[2]), None, 2)"
    )
    env = {**os.environ, "CLS_KG_RATE_LIMIT": "0"}
    server = subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        time.sleep(0.1)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            continue
    server.kill()
    raise SystemExit("the server did not start")


def report(example: Example, store: ox.Store, port: int, rounds: int) -> tuple[str, ...]:
    """One line of the table."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    inside = timed(direct(store, example.query), rounds)
    through = timed(over_http(connection, example.query), rounds)
    connection.close()
    p50_in, p50_http = percentile(inside, 50), percentile(through, 50)
    return (
        example.name,
        f"{p50_in:.2f}",
        f"{percentile(inside, 95):.2f}",
        f"{p50_http:.2f}",
        f"{percentile(through, 95):.2f}",
        f"{p50_http - p50_in:+.2f}",
    )


def main() -> None:
    """Build (or reuse) a data folder, start the server, time every example."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="a built data folder (default: build one)")
    parser.add_argument("--rounds", type=int, default=200, help="timed runs per query and way")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="cls-kg-bench-"))
    if not (data_dir / "current").exists():
        build(data_dir)
    store = ox.Store.read_only(str(current_version(data_dir) / "store"))
    port = free_port()
    server = start_server(data_dir, port)
    try:
        head = ("query", "direct p50", "p95", "HTTP p50", "p95", "added p50 (ms)")
        rows = [head] + [report(e, store, port, args.rounds) for e in examples()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
        for row in rows:
            print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        added = [float(row[-1]) for row in rows[1:]]
        print(
            f"\nadded at p50: median {statistics.median(added):+.2f} ms, max {max(added):+.2f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
