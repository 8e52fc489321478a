"""rdflib's own SPARQL engine on the national dumps, each query capped (SIGALRM): the peer.

Prints ``name<TAB>milliseconds`` (or ``timeout`` / ``error``) per query of the mix.

    python -m bench.national.rdflib_peer VERSION_DIR CAP_SECONDS
"""

from __future__ import annotations

import gzip
import signal
import sys
import time
from pathlib import Path
from typing import Any

from rdflib import Dataset

from bench.national.bench import queries


class Cap(Exception):
    """The query ran past the cap."""


def alarm(signum: int, frame: Any) -> None:
    """Stop the running query."""
    raise Cap


def main() -> None:
    """Load the dumps once, then run each query with the cap."""
    version, cap = Path(sys.argv[1]), float(sys.argv[2])
    dataset = Dataset(default_union=True)
    started = time.perf_counter()
    dataset.parse(version / "dumps" / "cls-kg.nq", format="nquads")
    with gzip.open(version / "dumps" / "reference.nq.gz") as packed:
        dataset.parse(packed, format="nquads")
    print(f"load\t{(time.perf_counter() - started) * 1000:.0f}", flush=True)
    signal.signal(signal.SIGALRM, alarm)
    for name, text in queries().items():
        signal.setitimer(signal.ITIMER_REAL, cap)
        started = time.perf_counter()
        try:
            list(dataset.query(text))
            print(f"{name}\t{(time.perf_counter() - started) * 1000:.0f}", flush=True)
        except Cap:
            print(f"{name}\ttimeout (>{cap:.0f} s)", flush=True)
        except Exception as error:  # noqa: BLE001 - the peer's failures are figures too
            print(f"{name}\terror {type(error).__name__}", flush=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


if __name__ == "__main__":
    main()
