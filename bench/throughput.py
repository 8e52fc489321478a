"""Throughput with 1, 2 and 4 gunicorn web workers, embedded and remote (``make bench-throughput``).

For each backend (the embedded store; an Oxigraph server the build is published to) and each
number of web workers, the real service (``cls-kg serve``'s gunicorn) gets a fixed number of
concurrent clients for a few seconds, each on a kept-alive connection, in two scenarios:
the example SPARQL queries (``server/sparql/examples``) and contract pages (HTML). Prints requests
per second, p50 and p95 latency and errors. Clients run in their own processes, on the same
machine as the server: read the figures relative to each other. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from cls_kg.graph.build import build
from cls_kg.graph.datadir import current_version
from cls_kg.graph.push import push
from cls_kg.graph.remote import RemoteConfig
from cls_kg.server.sparql.examples import examples

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
BASE = "https://w3id.org/cls-sante/"
CONTRACTS = """SELECT ?c WHERE { ?c a <https://w3id.org/cls-sante/def#Contract> } ORDER BY ?c"""

Request = tuple[str, str, bytes | None, dict[str, str]]
Scenarios = dict[str, list[Request]]


@dataclass(frozen=True)
class Result:
    """What one client saw: latencies (seconds) and errors."""

    latencies: list[float]
    errors: int


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) in milliseconds."""
    ordered = sorted(samples) or [0.0]
    return 1000 * ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def sparql_requests() -> list[Request]:
    """The example queries, POSTed as application/sparql-query."""
    headers = {
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json",
    }
    return [("POST", "/sparql", e.query.encode(), headers) for e in examples()]


def page_requests(data_dir: Path) -> list[Request]:
    """Every contract's page, as a browser asks for it."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(current_version(data_dir) / "store"))
    rows = store.query(CONTRACTS, use_default_graph_as_union=True)
    paths = ["/" + row["c"].value[len(BASE) :] for row in rows]
    return [("GET", path, None, {"Accept": "text/html"}) for path in paths]


def client(port: int, requests: list[Request], seconds: float, offset: int) -> Result:
    """Send the requests round and round on one kept-alive connection until time is up."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors, n = [], 0, offset
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        method, path, body, headers = requests[n % len(requests)]
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
        n += 1
    connection.close()
    return Result(latencies, errors)


def load(port: int, requests: list[Request], clients: int, seconds: float) -> tuple[float, ...]:
    """Requests per second, p50, p95 (ms) and errors of ``clients`` concurrent clients."""
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        jobs = [(port, requests, seconds, n * 7) for n in range(clients)]
        results = pool.starmap(client, jobs)
    latencies = [x for r in results for x in r.latencies]
    return (
        len(latencies) / seconds,
        percentile(latencies, 50),
        percentile(latencies, 95),
        sum(r.errors for r in results),
    )


def wait_for(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    """Until ``path`` answers 200 (or the process dies)."""
    for _ in range(300):
        time.sleep(0.1)
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} stopped")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            continue
    raise SystemExit(f"nothing answers {path} on port {port}")


def free_port() -> int:
    """A free loopback port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def service(data_dir: Path, workers: int, store_url: str) -> Iterator[int]:
    """gunicorn with ``workers`` web processes, rate limiting off; its port."""
    port = free_port()
    code = (
        "import sys, pathlib; from cls_kg.server.wsgi.serve import serve; "
        "serve('127.0.0.1', int(sys.argv[1]), pathlib.Path(sys.argv[2]), None, "
        "int(sys.argv[3]), sys.argv[4])"
    )
    env = {**os.environ, "CLS_KG_RATE_LIMIT": "0"}
    command = [sys.executable, "-c", code, str(port), str(data_dir), str(workers), store_url]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(port, "/readyz", process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def oxigraph(data_dir: Path) -> Iterator[str]:
    """An in-memory Oxigraph server holding the build; its query URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(port, "/query?query=ASK%7B%7D", process)
        config = RemoteConfig.from_url(
            f"{base}/query",
            update_url=f"{base}/update",
            graph_store_url=f"{base}/store",
            timeout=600,
        )
        push(current_version(data_dir), config)
        yield config.query_url
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def embedded(data_dir: Path) -> Iterator[str]:
    """The embedded store: no store URL."""
    yield ""


BACKENDS: dict[str, Callable[[Path], AbstractContextManager[str]]] = {
    "embedded": embedded,
    "remote": oxigraph,
}
ROW = "{:9} {:>7} {:8} {:>8} {:>8} {:>8} {:>6}"


def measure(name: str, data_dir: Path, args: argparse.Namespace, scenarios: Scenarios) -> None:
    """Print one line per worker count and scenario for one backend."""
    with BACKENDS[name](data_dir) as store_url:
        for workers in args.workers:
            with service(data_dir, workers, store_url) as port:
                for scenario, requests in scenarios.items():
                    load(port, requests, 2, 1.0)  # warm up every worker's caches
                    rate, p50, p95, errors = load(port, requests, args.clients, args.seconds)
                    cells = (f"{rate:.0f}", f"{p50:.1f}", f"{p95:.1f}", f"{errors:.0f}")
                    print(ROW.format(name, workers, scenario, *cells))


def main() -> None:
    """Build (or reuse) a data folder; time each backend, worker count and scenario."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="a built data folder (default: build one)")
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per measure")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=list(BACKENDS))
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="cls-kg-bench-"))
    if not (data_dir / "current").exists():
        build(data_dir)
    scenarios = {"sparql": sparql_requests(), "pages": page_requests(data_dir)}
    print(f"{os.cpu_count()} CPU(s), {args.clients} clients, {args.seconds:g} s per measure\n")
    print(ROW.format("backend", "workers", "scenario", "req/s", "p50 ms", "p95 ms", "errors"))
    for name in args.backends:
        measure(name, data_dir, args, scenarios)


if __name__ == "__main__":
    main()
