"""The national benchmark (``make bench``): one run, one table, each target met or missed.

Generates the synthetic national records, builds them with the full reference data (timing
parse, link, validate, publish), then measures on loopback: the query mix through our
``/sparql`` (gunicorn) and through ``oxigraph serve-read-only`` loaded with the same dumps,
same client; the same queries in rdflib's engine in a child process with a time cap per
query; linked-data page throughput with 1, 2 and 4 clients; server start time and memory.

    python -m bench.national.bench [--data-dir DIR] [--runs 5] [--rdflib-cap 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.national.common import (
    HERE,
    REPO,
    Http,
    free_port,
    load_oxigraph,
    percentile,
    resource_paths,
    start_ours,
    start_oxigraph,
    stop,
    tree_pss,
    tree_rss,
    wait_for,
)
from cls_kg.graph import build as b
from cls_kg.graph.reference import divisions
from cls_kg.graph.sources import default_sources
from tests.support.national import generate, write

GIB = 1 << 30
HEAVY_RATIO, PAGES_PER_S, BUILD_S, RSS_BYTES, START_S = 1.2, 300, 60, GIB, 3


@dataclass
class Table:
    """Rows of the printed table, and the targets met or missed."""

    lines: list[str] = field(default_factory=list)

    def row(self, *cells: object) -> None:
        """One row, pipe-separated (Markdown)."""
        self.lines.append("| " + " | ".join(str(c) for c in cells) + " |")

    def target(self, name: str, figure: str, met: bool) -> None:
        """A target row."""
        self.row(name, figure, "met" if met else "**missed**")


def build(records: Path, data_dir: Path) -> dict[str, float]:
    """``graph.build.build`` of the records, timed; returns seconds per step."""
    timings: dict[str, float] = {}
    b.build(data_dir, sources=default_sources(records), tolerance=0.05, timings=timings)
    names = {"publish": "publish (store + dumps)"}  # as the table has always named it
    return {names.get(step, step): timings[step] for step in b.STEPS if step in timings}


def queries() -> dict[str, str]:
    """The example queries and the heavy ones, by name (heavy ones prefixed ``h``)."""
    files = sorted((REPO / "server" / "sparql" / "examples").glob("*.rq"))
    files += sorted((HERE / "queries").glob("*.rq"))
    return {path.stem: path.read_text() for path in files}


def measure(ours: int, oxi: int, query: str, runs: int) -> tuple[list[float], list[float], int]:
    """Seconds of ``runs`` runs on each server after one warm-up each, the two servers taking
    turns (so that a change of background load hits both alike); our last status."""
    mine, theirs = Http(ours), Http(oxi)
    status, _, _ = mine.query("/sparql", query)
    theirs.query("/query", query)
    our_times, their_times = [], []
    for _ in range(runs):
        status, _, seconds = mine.query("/sparql", query)
        our_times.append(seconds)
        their_times.append(theirs.query("/query", query)[2])
    return our_times, their_times, status


def rdflib_times(version: Path, cap: float) -> dict[str, str]:
    """rdflib's engine on the same dumps, in a child process (it needs much memory)."""
    command = [sys.executable, "-m", "bench.national.rdflib_peer", str(version), str(cap)]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO).stdout
    return dict(line.split("\t", 1) for line in output.splitlines() if "\t" in line)


def query_table(table: Table, ours: int, oxi: int, runs: int, peer: dict[str, str]) -> bool:
    """The query rows; whether every heavy query met the ratio target."""
    table.row(
        "query",
        "ours p50 ms",
        "ours p95 ms",
        "Oxigraph p50 ms",
        "Oxigraph p95 ms",
        "ratio p50",
        "rdflib ms",
        "status",
    )
    table.row(*["---"] * 8)
    all_met = True
    for name, text in queries().items():
        mine, theirs, status = measure(ours, oxi, text, runs)
        ratio = percentile(mine, 0.5) / max(percentile(theirs, 0.5), 1e-6)
        heavy = name.startswith("h")
        all_met &= ratio <= HEAVY_RATIO or not heavy
        mark = ("met" if ratio <= HEAVY_RATIO else "**missed**") if heavy else ""
        table.row(
            name,
            *(f"{percentile(t, s) * 1000:.1f}" for t in (mine, theirs) for s in (0.5, 0.95)),
            f"{ratio:.2f} {mark}",
            peer.get(name, "-"),
            status,
        )
    return all_met


def pages(port: int, paths: list[str], clients: int, seconds: float) -> tuple[float, float, int]:
    """Requests/s and p95 ms with ``clients`` concurrent clients fetching HTML pages."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        http, n = Http(port), offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status, _ = http.get(paths[n % len(paths)], {"Accept": "text/html"})
            with lock:
                times.append(time.perf_counter() - started)
                errors[0] += status != 200
            n += clients

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return len(times) / seconds, percentile(times, 0.95) * 1000, errors[0]


def pages_without_cache(
    data_dir: Path, paths: list[str], seconds: float
) -> tuple[float, float, int]:
    """Page throughput with 2 clients on a server whose page cache is off: every page
    rendered (the figure for pages nobody asked for yet)."""
    port = free_port()
    server = start_ours(data_dir, port, CLS_KG_PAGE_CACHE_BYTES="0")
    try:
        wait_for(port, "/sparql?query=ASK%7B%7D")
        return pages(port, paths, 2, seconds)
    finally:
        stop(server)


def main() -> None:
    """Run everything once and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="reuse this build (skip generate + build)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rdflib-cap", type=float, default=10.0)
    parser.add_argument("--page-seconds", type=float, default=8.0)
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib peer")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cls-kg-national-"))
    table = Table()
    print(f"load before: {os.getloadavg()}", flush=True)
    steps: dict[str, float] = {}
    data_dir = args.data_dir
    if data_dir is None:
        write(generate(divisions.load()), work / "records")
        data_dir = work / "data"
        steps = build(work / "records", data_dir)
    build_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    version = (data_dir / "current").resolve()
    print(f"build: {steps}", flush=True)
    ours_port, oxi_port = free_port(), free_port()
    started = time.monotonic()
    ours = start_ours(data_dir, ours_port)
    start_s = wait_for(ours_port, "/sparql?query=ASK%7B%7D")
    load_oxigraph(version, work / "oxigraph")
    oxi = start_oxigraph(work / "oxigraph", oxi_port)
    wait_for(oxi_port, "/query?query=ASK%7B%7D")
    peak_rss, peak_pss = [tree_rss(ours.pid)], [tree_pss(ours.pid)]
    sampling = True

    def sample() -> None:
        while sampling:
            peak_rss[0] = max(peak_rss[0], tree_rss(ours.pid))
            peak_pss[0] = max(peak_pss[0], tree_pss(ours.pid))
            time.sleep(0.5)

    threading.Thread(target=sample, daemon=True).start()
    try:
        print("rdflib peer ...", flush=True)
        peer = {} if args.no_rdflib else rdflib_times(version, args.rdflib_cap)
        print("queries ...", flush=True)
        heavy_met = query_table(table, ours_port, oxi_port, args.runs, peer)
        paths = resource_paths(ours_port)
        table.row("", "", "", "", "", "", "", "")
        table.row("pages (HTML)", "clients", "req/s", "p95 ms", "errors", "", "", "")
        throughput = {}
        for clients in (1, 2, 4):
            rate, p95, errors = pages(ours_port, paths, clients, args.page_seconds)
            throughput[clients] = rate
            table.row("", clients, f"{rate:.0f}", f"{p95:.1f}", errors, "", "", "")
        uncached = pages_without_cache(data_dir, paths, args.page_seconds)
        table.row(
            "", "2, cache off", f"{uncached[0]:.0f}", f"{uncached[1]:.1f}", uncached[2], "", "", ""
        )
    finally:
        sampling = False
        stop(ours)
        stop(oxi)
        shutil.rmtree(work, ignore_errors=True)
    total_build = sum(steps.values())
    table.row("", "", "", "", "", "", "", "")
    table.row("measure", "figure", "target", "", "", "", "", "")
    for name, seconds in steps.items():
        table.row(f"build: {name}", f"{seconds:.1f} s", "", "", "", "", "", "")
    rows = [
        ("heavy queries p50 ≤ 1.2x Oxigraph", "see ratios", heavy_met),
        ("pages ≥ 300/s (2 clients)", f"{throughput[2]:.0f}/s", throughput[2] >= PAGES_PER_S),
        ("build < 60 s", f"{total_build:.1f} s" if steps else "reused", total_build < BUILD_S),
        ("validation", f"{steps.get('validate', 0):.1f} s", True),
        ("build peak RSS", f"{build_peak / GIB:.2f} GiB", True),
        ("server peak PSS < 1 GB", f"{peak_pss[0] / GIB:.2f} GiB", peak_pss[0] < RSS_BYTES),
        ("server peak summed RSS", f"{peak_rss[0] / GIB:.2f} GiB", True),
        ("server start < 3 s", f"{start_s:.2f} s", start_s < START_S),
    ]
    for name, figure, met in rows:
        table.row(name, figure, "met" if met else "**missed**", "", "", "", "", "")
    elapsed = time.monotonic() - started
    print(f"load after: {os.getloadavg()}; cores: {os.cpu_count()}; {elapsed:.0f} s")
    print("\n".join(table.lines))


if __name__ == "__main__":
    main()
