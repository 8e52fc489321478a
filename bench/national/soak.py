"""The soak test (``make soak``): clients on loopback mixing pages, light and pathological
queries against our gunicorn for a while; it stops by itself and prints a report.

Designed answers are not errors: 503 for a query past its deadline, a long query refused
(every long-query slot taken), a heavy client's turn not come (``heavy-busy``: the client
then waits the second Retry-After says) or a busy store, and 429 for the rate limit or a
heavy client's second query at once. Anything else (5xx, refused connections, wrong statuses)
is counted and listed. Light-query latency (p50/p99, target < 100 ms) and the server's memory
are sampled over time. Each client speaks from a loopback address of its own (127.0.x.y), as
the service tells clients apart by address: a client whose pathological query ran long is a
heavy client for the next minute, and its light queries and resource pages share the heavy
clients' part of the query processes (``server/sparql/fairness.py``).

Then the flood (issue 13, item 5): for N in ``--flood`` (2, 6, 16), N addresses send
pathological queries back to back on two connections each, ignoring Retry-After, for
``--flood-seconds``, while one address sends light queries and another fetches pages, each a
few times a second; the light-query and page latency p50/p95 are printed per N (target: p95
within a few hundred ms). The flood runs against a server with the default rate limit, as
deployed (the mixed soak turns it off).

    python -m bench.national.soak [--data-dir DIR | --seed-only] [--minutes 10] [--clients 6]
        [--flood 2,6,16] [--flood-seconds 60]

Without ``--data-dir`` it generates the synthetic national records
(``tests/support/national.py``) and builds them with the full reference data in a temporary
folder (a few minutes); with ``--seed-only`` it builds the shipped seed records instead
(seconds). Pages include resources of the served data (contracts, territories ...), picked at
random once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.national.common import (
    Http,
    free_port,
    percentile,
    start_ours,
    stop,
    tree_pss,
    tree_rss,
    wait_for,
)
from cls_kg.graph.build import build
from cls_kg.graph.reference import divisions
from cls_kg.graph.sources import default_sources
from tests.support.national import generate, write

VALUES_10 = " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(10))
PATHOLOGICAL = f"SELECT (COUNT(*) AS ?n) WHERE {{ {VALUES_10} }}"  # 10^10 rows: times out
LIGHT = [
    "ASK { ?s ?p ?o }",
    "SELECT ?c WHERE { ?c a <https://w3id.org/cls-sante/def#Contract> } LIMIT 10",
    "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/cls-sante/def#Contract> }",
]
PAGES = ["/", "/def", "/catalog", "/sparql", "/id/contract/besancon-2016-2018", "/nothing/here"]
DESIGNED = {200, 404, 429, 503}
MB = 1 << 20
GIB = 1 << 30
LIGHT_P99_TARGET = 0.1
#: Classes whose resource pages are added to PAGES, and how many of each.
RESOURCE_CLASSES = ("Contract", "Territory", "Action")
PER_CLASS = 4
BASE = "https://w3id.org/cls-sante/"
#: Query answers as JSON, so that a 503 says which designed answer it is (its ``code``).
ACCEPT_JSON = "application/sparql-results+json, application/json;q=0.9"
#: Loopback addresses: the mixed soak's clients, the flood's probes, the flooders.
SOAK_ADDRESS, PROBE_ADDRESS, FLOOD_ADDRESS = "127.0.1.{}", "127.0.2.{}", "127.0.3.{}"
#: Seconds a flood probe waits between two requests (a few a second, under the rate limit).
PROBE_PAUSE = 0.25
FLOOD_CONNECTIONS = 2


@dataclass
class Results:
    """What the clients saw, shared between threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    light: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    memory: list[tuple[float, int, int]] = field(default_factory=list)
    stopped_pages: Counter[str] = field(default_factory=Counter)
    pages: list[float] = field(default_factory=list)

    def record(self, kind: str, status: int, seconds: float, what: str) -> None:
        """One answer (``kind`` may carry the error code of a 503: ``heavy timeout``)."""
        with self.lock:
            self.statuses[(kind, status)] += 1
            if kind.startswith("page ") and status == 503:
                self.stopped_pages[f"{what[:80]} ({kind.split()[1]})"] += 1
            kind = kind.split()[0]
            if kind == "light" and status == 200:
                self.light.append(seconds)
            if status not in DESIGNED and len(self.problems) < 50:
                self.problems.append(f"{kind} {status} {what[:80]}")


#: Words of the French error pages -> the error's code (pages are HTML, queries JSON).
PAGE_ERRORS = {
    "requête longue": "long-query-busy",
    "délai": "timeout",
    "occupé": "busy",
    "places qui leur sont réservées": "heavy-busy",
    "une à la fois par adresse": "client-heavy-busy",
}
#: The answers of the fair shares of heavy work: a mixed-soak client waits its turn as told.
TAKE_TURNS = ("heavy-busy", "client-heavy-busy")


def error_code(body: bytes) -> str:
    """The ``code`` of a JSON error body (or of a French HTML error page), or "?"."""
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        text = body.decode("utf-8", "replace")
        return next((code for words, code in PAGE_ERRORS.items() if words in text), "?")


def resource_pages(port: int, seed: int = 2026) -> list[str]:
    """A few resource pages of each class in RESOURCE_CLASSES, picked (seeded) from the data."""
    http, rng, paths = Http(port), random.Random(seed), []
    for name in RESOURCE_CLASSES:
        query = f"SELECT ?s WHERE {{ ?s a <{BASE}def#{name}> }} LIMIT 1000"
        status, body, _ = http.query("/sparql", query)
        if status != 200:
            raise RuntimeError(f"cannot list the {name} resources: {status} {body[:200]!r}")
        found = sorted(row["s"]["value"] for row in json.loads(body)["results"]["bindings"])
        chosen = rng.sample(found, min(PER_CLASS, len(found)))
        paths += ["/" + iri.removeprefix(BASE) for iri in chosen if iri.startswith(BASE)]
    return paths


def client(
    port: int, number: int, deadline: float, results: Results, pages: list[str], heavy: int
) -> None:
    """One client: mostly pages and light queries, every ``heavy``-th request a pathological
    one (none when 0: a baseline of the machine's own latency)."""
    http, n = Http(port, timeout=60, source=SOAK_ADDRESS.format(1 + number)), number
    while time.monotonic() < deadline:
        n += 1
        if heavy and n % heavy == 0:
            kind, path = "heavy", "/sparql?query=" + quote(PATHOLOGICAL)
        elif n % 2:
            kind, path = "light", "/sparql?query=" + quote(LIGHT[n % len(LIGHT)])
        else:
            kind, path = "page", pages[(n // 2) % len(pages)]
        started = time.perf_counter()
        try:
            status, body = http.get(
                path, {"Accept": "text/html" if kind == "page" else ACCEPT_JSON}
            )
        except OSError as error:
            status, body = 0, b""
            path = f"{path} ({type(error).__name__})"
        seconds = time.perf_counter() - started
        if status in (429, 503):
            kind = f"{kind} {error_code(body)}"
        results.record(kind, status, seconds, path)
        if kind.endswith(TAKE_TURNS):
            time.sleep(1)  # Retry-After: 1


def timed_get(http: Http, path: str, accept: str) -> tuple[int, bytes, float]:
    """GET ``path``: status (0 when the connection failed), body and seconds."""
    started = time.perf_counter()
    try:
        status, body = http.get(path, {"Accept": accept})
    except OSError:
        status, body = 0, b""
    return status, body, time.perf_counter() - started


def flooder(port: int, source: str, deadline: float, results: Results) -> None:
    """One connection of a flooding address: pathological queries back to back."""
    http, path = Http(port, timeout=60, source=source), "/sparql?query=" + quote(PATHOLOGICAL)
    while time.monotonic() < deadline:
        status, body, seconds = timed_get(http, path, ACCEPT_JSON)
        kind = f"heavy {error_code(body)}" if status in (429, 503) else "heavy"
        results.record(kind, status, seconds, path)


def prober(port: int, source: str, deadline: float, results: Results, paths: list[str]) -> None:
    """Light requests (queries or pages) from one address, a few a second."""
    http, n = Http(port, timeout=60, source=source), 0
    while time.monotonic() < deadline:
        path, n = paths[n % len(paths)], n + 1
        kind = "page" if not path.startswith("/sparql") else "light"
        status, body, seconds = timed_get(
            http, path, ACCEPT_JSON if kind == "light" else "text/html"
        )
        results.record(
            f"{kind} {error_code(body)}" if status in (429, 503) else kind, status, seconds, path
        )
        if kind == "page" and status in (200, 404):
            with results.lock:
                results.pages.append(seconds)
        time.sleep(PROBE_PAUSE)


def flood_once(port: int, pages: list[str], count: int, seconds: float) -> Results:
    """``count`` flooding addresses against one light prober and one page prober."""
    results, deadline = Results(), time.monotonic() + seconds
    light = ["/sparql?query=" + quote(query) for query in LIGHT]
    threads = [
        threading.Thread(
            target=prober, args=(port, PROBE_ADDRESS.format(1), deadline, results, light)
        ),
        threading.Thread(
            target=prober, args=(port, PROBE_ADDRESS.format(2), deadline, results, pages)
        ),
    ]
    threads += [
        threading.Thread(
            target=flooder, args=(port, FLOOD_ADDRESS.format(1 + n), deadline, results)
        )
        for n in range(count)
        for _ in range(FLOOD_CONNECTIONS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return results


def flood(port: int, pages: list[str], counts: list[int], seconds: float) -> None:
    """Run the flood for each number of addresses and print light and page latency."""
    print(
        f"\nflood: N addresses x {FLOOD_CONNECTIONS} connections of pathological queries, "
        f"{seconds:.0f} s each; one light-query and one page prober"
    )
    print("| N | light p50 / p95 ms (n) | pages p50 / p95 ms (n) | heavy answers | undesigned |")
    print("|---|---|---|---|---|")
    for count in counts:
        results = flood_once(port, pages, count, seconds)
        heavy = ", ".join(
            f"{kind.removeprefix('heavy').strip() or 'ok'} {status}: {n}"
            for (kind, status), n in sorted(results.statuses.items())
            if kind.startswith("heavy")
        )
        print(
            f"| {count} | {latency(results.light)} | {latency(results.pages)} | {heavy} "
            f"| {len(results.problems)} |",
            flush=True,
        )
        for problem in results.problems[:10]:
            print(f"  {problem}")


def latency(values: list[float]) -> str:
    """p50 / p95 in ms, and how many."""
    if not values:
        return "none"
    p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
    return f"{p50:.0f} / {p95:.0f} ({len(values)})"


def watch(pid: int, deadline: float, results: Results, every: float) -> None:
    """Sample the server's resident memory until the deadline."""
    started = time.monotonic()
    while time.monotonic() < deadline:
        results.memory.append((time.monotonic() - started, tree_rss(pid), tree_pss(pid)))
        time.sleep(every)


def report(results: Results, seconds: float) -> None:
    """Print the statuses, the light-query latency, memory over time and any problem."""
    print("| kind | status | count |\n|---|---|---|")
    for (kind, status), count in sorted(results.statuses.items()):
        print(f"| {kind} | {status} | {count} |")
    light = results.light
    if light:
        p99 = percentile(light, 0.99)
        met = "met" if p99 < LIGHT_P99_TARGET else "MISSED"
        print(
            f"\nlight queries: {len(light)}, p50 {percentile(light, 0.5) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms, max {max(light) * 1000:.1f} ms: "
            f"target p99 < {LIGHT_P99_TARGET * 1000:.0f} ms {met}"
        )
    total = sum(results.statuses.values())
    print(f"requests: {total} in {seconds:.0f} s ({total / seconds:.0f}/s)")
    memory = results.memory
    if memory:
        marks = [*memory[:: max(1, len(memory) // 6)], memory[-1]]
        print(
            "memory (MiB, RSS sum): " + ", ".join(f"{t:.0f}s {rss / MB:.0f}" for t, rss, _ in marks)
        )
        print(
            "memory (MiB, PSS sum): " + ", ".join(f"{t:.0f}s {pss / MB:.0f}" for t, _, pss in marks)
        )
        peak = max(rss for _, rss, _ in memory)
        print(
            f"peak RSS sum {peak / MB:.0f} MiB: target < 1 GB {'met' if peak < GIB else 'MISSED'}"
        )
        slow = sum(1 for seconds in light if seconds >= LIGHT_P99_TARGET)
        print(f"light queries over {LIGHT_P99_TARGET * 1000:.0f} ms: {slow}")
    if results.stopped_pages:
        print(
            "pages answered 503: "
            + ", ".join(f"{p} x{n}" for p, n in results.stopped_pages.items())
        )
    print(f"undesigned answers: {len(results.problems)}")
    for problem in results.problems:
        print(f"  {problem}")


def prepare(args: argparse.Namespace, scratch: Path) -> Path:
    """The data folder to serve: the one given, or a national (or seed) build in ``scratch``."""
    if args.data_dir is not None:
        return Path(args.data_dir)
    data_dir = scratch / "data"
    started = time.monotonic()
    if args.seed_only:
        build(data_dir)
    else:
        records = scratch / "records"
        write(generate(divisions.load()), records)
        build(data_dir, sources=default_sources(records))
    print(f"built {data_dir} in {time.monotonic() - started:.0f} s", flush=True)
    return data_dir


def settings(args: argparse.Namespace) -> dict[str, str]:
    """The server's settings (environment variables) the options set."""
    env = {"CLS_KG_QUERY_TIMEOUT": str(args.timeout)}
    named = {"QUERY_WORKERS": args.query_workers, "QUERY_LONG_SLOTS": args.long_slots}
    named["QUERY_LIGHT_SECONDS"] = args.light_seconds
    env.update({f"CLS_KG_{name}": str(value) for name, value in named.items() if value})
    return env


def soak(args: argparse.Namespace, data_dir: Path) -> None:
    """The mixed soak: serve, run the clients for ``--minutes``, stop, report."""
    port = free_port()
    server = start_ours(data_dir, port, args.workers, **settings(args))
    results = Results()
    try:
        wait_for(port, "/sparql?query=ASK%7B%7D")
        pages = PAGES + resource_pages(port)
        print(f"pages: {pages}", flush=True)
        seconds = args.minutes * 60
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=watch, args=(server.pid, deadline, results, 5.0))]
        threads += [
            threading.Thread(
                target=client, args=(port, n, deadline, results, pages, args.heavy_every)
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
    finally:
        stop(server)
    print(f"load after: {os.getloadavg()}")
    print(f"served: {data_dir if args.data_dir else 'a fresh build'}; settings: {settings(args)}")
    report(results, seconds)


def flooded(args: argparse.Namespace, data_dir: Path) -> None:
    """The flood, on a server of its own with the default rate limit."""
    port = free_port()
    server = start_ours(data_dir, port, args.workers, CLS_KG_RATE_LIMIT="300", **settings(args))
    try:
        wait_for(port, "/sparql?query=ASK%7B%7D")
        pages = PAGES + resource_pages(port)
        counts = [int(n) for n in args.flood.split(",") if n.strip()]
        print(f"load before the flood: {os.getloadavg()}", flush=True)
        flood(port, pages, counts, args.flood_seconds)
        print(f"load after the flood: {os.getloadavg()}")
    finally:
        stop(server)


def main() -> None:
    """Serve, soak, stop, report; then the flood."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="serve this build (skip generate + build)")
    parser.add_argument("--seed-only", action="store_true", help="build the seed records only")
    parser.add_argument("--minutes", type=float, default=10.0, help="0: no mixed soak")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--heavy-every", type=int, default=10, help="0: no pathological query")
    parser.add_argument("--timeout", type=float, default=2.0, help="query deadline (s)")
    parser.add_argument("--query-workers", type=int, help="per web process (service default)")
    parser.add_argument("--long-slots", type=int, help="QUERY_LONG_SLOTS (service default)")
    parser.add_argument("--light-seconds", type=float, help="QUERY_LIGHT_SECONDS (default)")
    parser.add_argument("--flood", default="2,6,16", help="flooding addresses per run; '': none")
    parser.add_argument("--flood-seconds", type=float, default=60.0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="cls-kg-soak-"))
    print(f"load before: {os.getloadavg()}; cores: {os.cpu_count()}", flush=True)
    try:
        data_dir = prepare(args, scratch)
        if args.minutes > 0:
            soak(args, data_dir)
        if args.flood.strip():
            flooded(args, data_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
