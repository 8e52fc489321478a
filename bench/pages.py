"""How long the linked-data pages take to render on the seed data (``make bench-pages``).

Builds the seed graph into a temporary folder (or uses ``--data-dir``), then asks each page
many times through the app's test client (the whole Flask stack and the query workers, no
network) and prints p50 and p95 per page. The target is a p50 under 50 ms. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from cls_kg.graph.build import build
from cls_kg.server import create_app

WARMUP = 5
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
TURTLE = {"Accept": "text/turtle"}
PAGES: list[tuple[str, dict[str, str]]] = [
    ("/", HTML),
    ("/?status=signe&kind=pays", HTML),
    ("/id/contract/pays-vosges-saonoises-2023-2027", HTML),
    ("/id/contract/pays-vosges-saonoises-2023-2027/axis/1/action/1", HTML),
    ("/id/territory/pays-vosges-saonoises", HTML),
    ("/id/organisation/ars-bourgogne-franche-comte", HTML),
    ("/id/region/27", HTML),
    ("/id/region/27?page=40", HTML),
    ("/def", HTML),
    ("/def/shapes", HTML),
    ("/def/theme", HTML),
    ("/def/theme/sante-mentale", HTML),
    ("/catalog", HTML),
    ("/id/contract/pays-vosges-saonoises-2023-2027", TURTLE),
    ("/def", TURTLE),
]


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) in milliseconds."""
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    """Build (or reuse) the data, time every page, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="a folder with a build (else one is made)")
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="cls-kg-bench-"))
    if args.data_dir is None:
        build(data_dir)
    client = create_app({"DATA_DIR": data_dir, "RATE_LIMIT": 0}).test_client()
    medians = []
    print(f"{'page':<66} {'p50 ms':>8} {'p95 ms':>8}")
    for path, headers in PAGES:
        for _ in range(WARMUP):
            assert client.get(path, headers=headers).status_code == 200, path
        samples = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            client.get(path, headers=headers)
            samples.append(time.perf_counter() - started)
        kind = "html" if headers is HTML else "ttl"
        medians.append(percentile(samples, 50))
        print(f"{path + ' (' + kind + ')':<66} {medians[-1]:8.1f} {percentile(samples, 95):8.1f}")
    print(f"median of the p50s: {statistics.median(medians):.1f} ms (target: < 50 ms at p50)")


if __name__ == "__main__":
    main()
