"""What the national benchmark and soak test share: processes, HTTP, memory, percentiles."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BIN = Path(sys.executable).parent
LIGHT = "ASK {}"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (share in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Http:
    """One keep-alive connection to a server on loopback."""

    port: int
    timeout: float = 120
    #: The loopback address the client speaks from (127.0.0.x: a client address of its own).
    source: str | None = None

    def __post_init__(self) -> None:
        address = (self.source, 0) if self.source else None
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout, source_address=address
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET ``path``; reconnects once if the server closed the connection."""
        for attempt in (1, 2):
            try:
                self.connection.request("GET", path, headers=headers or {})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def query(self, endpoint: str, query: str) -> tuple[int, bytes, float]:
        """Run a query (GET, results as JSON or N-Triples): status, body, seconds."""
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
        started = time.perf_counter()
        status, body = self.get(f"{endpoint}?{urlencode({'query': query})}", {"Accept": accept})
        return status, body, time.perf_counter() - started


def wait_for(port: int, path: str, seconds: float = 120) -> float:
    """Seconds until ``path`` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if Http(port, 5).get(path)[0] == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"nothing answered {path} on port {port} within {seconds} s")


def tree_memory(pid: int, file: str, field: str) -> int:
    """A memory figure (``field`` of ``/proc/<pid>/<file>``, in kB) summed over a process and
    all its descendants, in bytes."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            text = Path(f"/proc/{current}/{file}").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        value = next((line.split()[1] for line in text.splitlines() if line.startswith(field)), "0")
        total += int(value) * 1024
        pending.extend(int(child) for child in children)
    return total


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    return tree_memory(pid, "status", "VmRSS")


def tree_pss(pid: int) -> int:
    """Proportional memory of a process and its descendants, in bytes: each shared page
    (a fork server's code, shared by the query processes it forked) counted once overall."""
    return tree_memory(pid, "smaps_rollup", "Pss:")


def start_ours(data_dir: Path, port: int, workers: int = 2, **env: str) -> subprocess.Popen[bytes]:
    """Our gunicorn on a built data folder, rate limit off (``cls-kg serve`` would rebuild)."""
    code = (
        "import sys, pathlib; from cls_kg.server.wsgi.serve import serve; "
        "serve('127.0.0.1', int(sys.argv[1]), pathlib.Path(sys.argv[2]), None, int(sys.argv[3]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(data_dir), str(workers)],
        env={**os.environ, "CLS_KG_RATE_LIMIT": "0", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def load_oxigraph(version: Path, location: Path) -> None:
    """An Oxigraph store loaded from the version's dumps (records etc. + reference data)."""
    shutil.rmtree(location, ignore_errors=True)
    plain = location.parent / "reference.nq"
    with gzip.open(version / "dumps" / "reference.nq.gz") as packed, plain.open("wb") as out:
        shutil.copyfileobj(packed, out)
    for dump in (version / "dumps" / "cls-kg.nq", plain):
        command = [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    plain.unlink()


def start_oxigraph(location: Path, port: int, timeout: int = 60) -> subprocess.Popen[bytes]:
    """``oxigraph serve-read-only`` with the union of the named graphs as default graph."""
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location)]
    command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", str(timeout)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server this script started."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def resource_paths(port: int, limit: int = 200) -> list[str]:
    """Paths of contracts, axes, actions and territories to fetch as pages."""
    query = (
        "SELECT ?s WHERE { VALUES ?t { <https://w3id.org/cls-sante/def#Contract> "
        "<https://w3id.org/cls-sante/def#Axis> <https://w3id.org/cls-sante/def#Territory> "
        "<https://w3id.org/cls-sante/def#Action> } ?s a ?t } ORDER BY MD5(STR(?s)) "
        f"LIMIT {limit}"
    )
    _, body, _ = Http(port).query("/sparql", query)
    rows = json.loads(body)["results"]["bindings"]
    base = "https://w3id.org/cls-sante/"
    return ["/" + row["s"]["value"][len(base) :] for row in rows]
