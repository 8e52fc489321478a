"""Search at national scale (``make bench-search``): index size and build time, p50/p95.

Generates and builds the national graph of ``make bench`` (``tests/support/national.py``,
600 contracts, full reference data) into ``--data-dir`` unless a build is already there;
writes the version's search index again (timed, so the figures are this code's); then runs
a fixed mix of 60 queries (themes, places, organisations, action words, filters alone, one
kind paged, misses) in-process on the index and over HTTP on ``cls-kg serve``'s gunicorn
(page cache off, so every answer is computed), and prints p50/p95. Target: p50 under 50 ms.
Not a test.

    python -m bench.search [--data-dir DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.national.common import Http, free_port, percentile, start_ours, stop, wait_for
from cls_kg.graph.build import build
from cls_kg.graph.datadir import current_version
from cls_kg.graph.reference import divisions
from cls_kg.graph.search import FOLDER, write_index
from cls_kg.graph.search.reader import Index, Query
from cls_kg.graph.sources import default_sources
from cls_kg.graph.store import OxigraphStore
from tests.support.national import generate, write

TARGET_MS = 50
DEFAULT_DIR = Path(tempfile.gettempdir()) / "cls-kg-bench-search"
#: Queries written by hand: (text, filters, kind).
FIXED: list[tuple[str, dict[str, str], str | None]] = [
    ("santé mentale", {}, None),
    ("santé mentale Bretagne", {}, None),
    ("santé mentale", {"region": "53"}, None),
    ("santé mentale", {"year": "2024", "status": "en-vigueur"}, None),
    ("Santé", {}, None),
    ("santé", {}, "action"),
    ("prévention suicide", {}, None),
    ("souffrance psychique", {}, None),
    ("addictions", {}, None),
    ("addiction jeunes", {}, None),
    ("vaccination", {"region": "84"}, None),
    ("accès aux soins", {}, None),
    ("l'accès au soin", {"departement": "59"}, None),
    ("nutrition activité physique", {}, None),
    ("périnatalité petite enfance", {}, None),
    ("vieillissement autonomie", {}, None),
    ("handicap", {}, "axis"),
    ("santé environnementale", {}, None),
    ("une seule santé", {}, None),
    ("santé au travail", {}, None),
    ("précarité accès aux droits", {}, None),
    ("médico-social", {}, None),
    ("coordination animation", {}, None),
    ("attractivité professionnels", {}, None),
    ("éducation", {}, None),
    ("parentalité", {}, None),
    ("Organiser", {}, None),
    ("Former", {}, "action"),
    ("Accompagner santé mentale", {}, None),
    ("Renforcer", {}, "axis"),
    ("CPAM", {}, None),
    ("ARS", {}, None),
    ("Préfecture", {}, None),
    ("Conseil départemental", {}, None),
    ("CLS3", {}, None),
    ("2016", {}, "contract"),
    ("", {"theme": "sante-mentale", "year": "2024"}, "contract"),
    ("", {"region": "11"}, None),
    ("", {"departement": "33", "status": "echu"}, None),
    ("xyzzy", {}, None),
]
PLACES = 20  # territory names drawn from the index, with a seed


def national(data_dir: Path) -> float:
    """Generate and build the national graph into ``data_dir``; seconds taken."""
    work = Path(tempfile.mkdtemp(prefix="cls-kg-search-records-"))
    write(generate(divisions.load()), work / "records")
    started = time.perf_counter()
    try:
        build(data_dir, sources=default_sources(work / "records", folders=False), tolerance=0.05)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return time.perf_counter() - started


def places(path: Path, count: int) -> list[tuple[str, dict[str, str], str | None]]:
    """Territory names of the index, drawn with a fixed seed."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        names = [n for (n,) in db.execute("SELECT label_fr FROM doc WHERE kind = 'territory'")]
    return [(name, {}, None) for name in random.Random(2026).sample(sorted(names), count)]


def in_process(index: Index, mix: list[Query], runs: int) -> list[float]:
    """Seconds per search on the index itself (one warm-up round first)."""
    times = []
    with index.connect() as db:
        for round_ in range(runs + 1):
            for query in mix:
                started = time.perf_counter()
                index.search(db, query)
                if round_:
                    times.append(time.perf_counter() - started)
    return times


def url(query: Query, fmt: str) -> str:
    """The search URL of a query."""
    params = {"q": query.text, **query.filters, "format": fmt}
    if query.kind:
        params["kind"] = query.kind
    return "/recherche?" + urlencode(params)


def over_http(port: int, mix: list[Query], runs: int, fmt: str) -> list[float]:
    """Seconds per search through gunicorn (one warm-up round first)."""
    http, times = Http(port), []
    for round_ in range(runs + 1):
        for query in mix:
            started = time.perf_counter()
            status, _ = http.get(url(query, fmt), {"Accept-Language": "fr"})
            assert status == 200, (status, query)
            if round_:
                times.append(time.perf_counter() - started)
    return times


def line(name: str, times: list[float]) -> str:
    """One row of the table."""
    p50, p95 = (percentile(times, share) * 1000 for share in (0.5, 0.95))
    met = "met" if p50 < TARGET_MS else "**missed**"
    return f"| {name} | {len(times)} | {p50:.1f} | {p95:.1f} | {max(times) * 1000:.1f} | {met} |"


def main() -> None:
    """Build or reuse, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}; cores: {os.cpu_count()}", flush=True)
    data_dir = args.data_dir
    ready = (data_dir / "current" / "store").is_dir()
    build_s = 0.0 if ready else national(data_dir)
    version = current_version(data_dir)
    started = time.perf_counter()
    path = write_index(version / FOLDER, OxigraphStore.open_read_only(version / "store"))
    index_s = time.perf_counter() - started
    index = Index(path)
    mix = [Query(t, f, k) for t, f, k in FIXED + places(path, PLACES)]
    print(
        f"version {version.name}: {index.size} documents; index {path.stat().st_size / 1e6:.1f}"
        f" MB, written in {index_s:.1f} s; build {'reused' if ready else f'{build_s:.0f} s'}"
    )
    rows = [line("in-process (Index.search)", in_process(index, mix, args.runs))]
    port = free_port()
    server = start_ours(data_dir, port, CLS_KG_PAGE_CACHE_BYTES="0")
    try:
        wait_for(port, "/recherche?q=sant%C3%A9")
        rows.append(line("HTTP JSON (gunicorn)", over_http(port, mix, args.runs, "json")))
        rows.append(line("HTTP HTML (gunicorn)", over_http(port, mix, args.runs, "html")))
    finally:
        stop(server)
    print(f"{len(mix)} queries x {args.runs} runs; load after: {os.getloadavg()}")
    print("| path | searches | p50 ms | p95 ms | max ms | p50 < 50 ms |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
