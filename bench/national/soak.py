"""The soak test (``make soak``): clients on loopback mixing pages, light and pathological
queries against our gunicorn for a while; it stops by itself and prints a report.

Designed answers are not errors: 503 for a query past its deadline (or a busy store) and
429 for the rate limit. Anything else (5xx, refused connections, wrong statuses) is counted
and listed. Light-query latency (p50/p99) and the server's memory are sampled over time.

    python bench/national/soak.py [--data-dir DIR] [--minutes 10] [--clients 6]

Without ``--data-dir`` it serves the seed build in a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from common import Http, free_port, percentile, start_ours, stop, tree_rss, wait_for

from cls_kg.graph.build import build

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


@dataclass
class Results:
    """What the clients saw, shared between threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    light: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    memory: list[tuple[float, int]] = field(default_factory=list)

    def record(self, kind: str, status: int, seconds: float, what: str) -> None:
        """One answer."""
        with self.lock:
            self.statuses[(kind, status)] += 1
            if kind == "light" and status == 200:
                self.light.append(seconds)
            if status not in DESIGNED and len(self.problems) < 50:
                self.problems.append(f"{kind} {status} {what[:80]}")


def client(port: int, number: int, deadline: float, results: Results) -> None:
    """One client: mostly pages and light queries, every tenth request a pathological one."""
    http, n = Http(port, timeout=60), number
    while time.monotonic() < deadline:
        n += 1
        if n % 10 == 0:
            kind, path = "heavy", "/sparql?query=" + quote(PATHOLOGICAL)
        elif n % 2:
            kind, path = "light", "/sparql?query=" + quote(LIGHT[n % len(LIGHT)])
        else:
            kind, path = "page", PAGES[n % len(PAGES)]
        started = time.perf_counter()
        try:
            status, _ = http.get(path, {"Accept": "text/html" if kind == "page" else "*/*"})
        except OSError as error:
            status = 0
            path = f"{path} ({type(error).__name__})"
        results.record(kind, status, time.perf_counter() - started, path)


def watch(pid: int, deadline: float, results: Results, every: float) -> None:
    """Sample the server's resident memory until the deadline."""
    started = time.monotonic()
    while time.monotonic() < deadline:
        results.memory.append((time.monotonic() - started, tree_rss(pid)))
        time.sleep(every)


def report(results: Results, seconds: float) -> None:
    """Print the statuses, the light-query latency, memory over time and any problem."""
    print("| kind | status | count |\n|---|---|---|")
    for (kind, status), count in sorted(results.statuses.items()):
        print(f"| {kind} | {status} | {count} |")
    light = results.light
    if light:
        print(
            f"\nlight queries: {len(light)}, p50 {percentile(light, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(light, 0.99) * 1000:.1f} ms (target < 100 ms)"
        )
    total = sum(results.statuses.values())
    print(f"requests: {total} in {seconds:.0f} s ({total / seconds:.0f}/s)")
    memory = results.memory
    if memory:
        marks = [*memory[:: max(1, len(memory) // 6)], memory[-1]]
        print("memory (MiB): " + ", ".join(f"{t:.0f}s {rss / MB:.0f}" for t, rss in marks))
    print(f"undesigned answers: {len(results.problems)}")
    for problem in results.problems:
        print(f"  {problem}")


def main() -> None:
    """Serve, soak, stop, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--timeout", type=float, default=2.0, help="query deadline (s)")
    parser.add_argument("--query-workers", type=int, default=1, help="per web process")
    args = parser.parse_args()
    data_dir, scratch = args.data_dir, None
    if data_dir is None:
        data_dir = scratch = Path(tempfile.mkdtemp(prefix="cls-kg-soak-"))
        build(data_dir)
    port = free_port()
    server = start_ours(
        data_dir,
        port,
        CLS_KG_QUERY_TIMEOUT=str(args.timeout),
        CLS_KG_QUERY_WORKERS=str(args.query_workers),
    )
    results = Results()
    try:
        wait_for(port, "/sparql?query=ASK%7B%7D")
        seconds = args.minutes * 60
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=watch, args=(server.pid, deadline, results, 5.0))]
        threads += [
            threading.Thread(target=client, args=(port, n, deadline, results))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
    finally:
        stop(server)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    report(results, seconds)


if __name__ == "__main__":
    main()
