"""Memory and size bombs, and heavy clients from several addresses (issue 13, items 2 and 5).

One served instance (``cls-kg serve``'s gunicorn, one web process so that every request meets
the same query pool and its fair shares) with a 1 MB result cap, the default memory cap, two
query processes (one heavy-lane slot) and a 0.3 s light threshold. Each test speaks from a
loopback address of its own (127.0.0.x): the service tells clients apart by address.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph

from ..server.test_pool import MEMORY_BOMB
from ..server.test_safety import PATHOLOGICAL
from ..support.hostile import alive, assert_clean
from ..support.served import ENVIRONMENT, LIGHT_QUERY, LiveServer, free_port

BYTE_LIMIT = 1_000_000
SERVED = {
    **ENVIRONMENT,
    "CLS_KG_MAX_RESULT_BYTES": str(BYTE_LIMIT),
    "CLS_KG_QUERY_LIGHT_SECONDS": "0.3",
}
DEFAULT_MEMORY_MB = 512
JSON = "application/sparql-results+json"
ERROR_JSON = "application/json"


def doublings(count: int) -> str:
    """BINDs making ?x{count}: a 1 KiB string doubled ``count`` times."""
    binds = [f'BIND("{"a" * 1024}" AS ?x0)']
    binds += [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(count)]
    return "\n".join(binds)


#: 100 rows of 16 KiB each: 1.6 MB, past the 1 MB cap.
ROWS = (
    f"SELECT ?i ?v WHERE {{ {doublings(4)} VALUES ?i {{ {' '.join(map(str, range(100)))} }} "
    "BIND(CONCAT(STR(?i), ?x4) AS ?v) }"
)
TRIPLES = (
    f"CONSTRUCT {{ ?s <http://example.org/v> ?v }} WHERE {{ {doublings(4)} "
    f"VALUES ?i {{ {' '.join(map(str, range(100)))} }} BIND(CONCAT(STR(?i), ?x4) AS ?v) "
    'BIND(IRI(CONCAT("http://example.org/r", STR(?i))) AS ?s) }'
)
#: One row of 2 MiB: nothing of it fits 1 MB.
ONE_HUGE_ROW = f"SELECT ?x11 WHERE {{ {doublings(11)} }}"


@pytest.fixture(scope="module")
def capped(built_data_dir: Path) -> Iterator[LiveServer]:
    """The seed build under gunicorn with one web process and a 1 MB result cap."""
    port = free_port()
    code = (
        "import sys, pathlib; from cls_kg.server.wsgi.serve import serve; "
        "serve('127.0.0.1', int(sys.argv[1]), pathlib.Path(sys.argv[2]), None, 1)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(built_data_dir)],
        env={**os.environ, **SERVED},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LiveServer(f"http://127.0.0.1:{port}")
    for _ in range(400):
        try:
            if server.request("GET", LIGHT_QUERY)[0] == 200:
                break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("the server did not start")
    yield server
    process.terminate()
    process.wait(timeout=30)


def ask(
    server: LiveServer,
    query: str,
    source: str,
    accept: str = JSON,
    language: str = "fr",
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """POST a query from the loopback address ``source``."""
    port = int(server.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, 60, source_address=(source, 0))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": accept,
        "Accept-Language": language,
    }
    try:
        connection.request("POST", "/sparql", urlencode({"query": query}), headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def error_of(body: bytes) -> dict[str, str]:
    """The error object of a JSON error body."""
    error: dict[str, str] = json.loads(body)["error"]
    return error


# --- item 2: memory ---------------------------------------------------------------------------


def test_a_memory_bomb_is_stopped_with_the_designed_answer(capped: LiveServer) -> None:
    status, _, body = ask(capped, MEMORY_BOMB, "127.0.0.5", f"{JSON}, {ERROR_JSON};q=0.9")
    assert_clean(status, body, 503)
    error = error_of(body)
    assert error["code"] == "memory-limit"
    assert f"{DEFAULT_MEMORY_MB} Mio" in error["message"]
    assert "CLS_KG_QUERY_MEMORY_MB" in error["message"]
    started = time.monotonic()
    alive(capped)  # the process was replaced; the others kept serving
    assert time.monotonic() - started < 2
    status, _, body = ask(capped, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "127.0.0.5")
    assert status == 200, body[:300]


def test_the_memory_message_is_english_on_request(capped: LiveServer) -> None:
    status, _, body = ask(capped, MEMORY_BOMB, "127.0.0.7", "text/csv", "en")
    assert_clean(status, body, 503)
    assert f"{DEFAULT_MEMORY_MB} MiB of memory" in body.decode()
    alive(capped)


# --- item 2: result bytes ---------------------------------------------------------------------


def assert_cut(headers: http.client.HTTPMessage, body: bytes) -> None:
    """Announced as cut, within the limit."""
    assert headers["X-CLS-Byte-Limit"] == str(BYTE_LIMIT)
    assert headers["X-CLS-Result-Truncated"] == "true"
    assert 0 < len(body) <= BYTE_LIMIT


def test_select_json_is_cut_within_the_byte_limit_and_says_so(capped: LiveServer) -> None:
    status, headers, body = ask(capped, ROWS, "127.0.0.6")
    assert status == 200, body[:300]
    assert_cut(headers, body)
    document = json.loads(body)
    assert (document["truncated"], document["byteLimit"]) == (True, BYTE_LIMIT)
    rows = document["results"]["bindings"]
    assert 40 <= len(rows) < 100
    assert all(len(row["v"]["value"]) == len(row["i"]["value"]) + 16 * 1024 for row in rows)


def test_select_csv_is_cut_at_a_whole_row(capped: LiveServer) -> None:
    status, headers, body = ask(capped, ROWS, "127.0.0.6", "text/csv")
    assert status == 200, body[:300]
    assert_cut(headers, body)
    table = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert table[0] == ["i", "v"]
    assert 40 <= len(table) - 1 < 100
    assert all(len(value) == len(number) + 16 * 1024 for number, value in table[1:])


def test_construct_is_cut_to_the_triples_that_fit(capped: LiveServer) -> None:
    status, headers, body = ask(capped, TRIPLES, "127.0.0.6", "text/turtle")
    assert status == 200, body[:300]
    assert_cut(headers, body)
    graph = Graph().parse(data=body.decode(), format="turtle")
    assert 40 <= len(graph) < 100


def test_a_result_under_the_limit_is_whole(capped: LiveServer) -> None:
    status, headers, body = ask(capped, "SELECT * { ?s ?p ?o } LIMIT 5", "127.0.0.6")
    assert status == 200
    assert headers["X-CLS-Byte-Limit"] == str(BYTE_LIMIT)
    assert headers["X-CLS-Result-Truncated"] == "false"
    assert len(json.loads(body)["results"]["bindings"]) == 5


def test_a_first_row_past_the_limit_is_refused_with_a_message(capped: LiveServer) -> None:
    status, _, body = ask(capped, ONE_HUGE_ROW, "127.0.0.6", ERROR_JSON, "en")
    assert_clean(status, body, 503)
    error = error_of(body)
    assert error["code"] == "result-too-large"
    assert f"{BYTE_LIMIT} bytes" in error["message"]
    alive(capped)


# --- item 5: heavy clients --------------------------------------------------------------------


def in_thread(server: LiveServer, query: str, source: str) -> tuple[threading.Thread, list[int]]:
    """Send a query from ``source`` in a thread; its status lands in the list."""
    statuses: list[int] = []
    thread = threading.Thread(target=lambda: statuses.append(ask(server, query, source)[0]))
    thread.start()
    return thread, statuses


def test_a_heavy_client_waits_its_turn_and_gets_it(capped: LiveServer) -> None:
    first, second, light = "127.0.0.2", "127.0.0.3", "127.0.0.4"
    marking = [in_thread(capped, PATHOLOGICAL, source) for source in (first, second)]
    for thread, statuses in marking:  # both ran long (one stopped for lack of a long slot)
        thread.join()
        assert statuses == [503]
    running, statuses = in_thread(capped, PATHOLOGICAL, first)  # the one heavy-lane slot
    time.sleep(0.5)
    status, headers, body = ask(capped, "ASK {}", first, ERROR_JSON)
    assert (status, error_of(body)["code"]) == (429, "client-heavy-busy")
    assert headers["Retry-After"] == "1"
    status, headers, body = ask(capped, "ASK {}", second, ERROR_JSON)
    assert (status, error_of(body)["code"]) == (503, "heavy-busy")
    assert int(headers["Retry-After"]) >= 1
    started = time.monotonic()
    assert ask(capped, "ASK {}", light)[0] == 200  # a client that never ran long: no wait
    assert time.monotonic() - started < 2
    answered = None
    for _ in range(20):  # the second heavy client comes back as told, and gets its turn
        time.sleep(0.5)
        status = ask(capped, "ASK {}", second)[0]
        if status == 200:
            answered = time.monotonic()
            break
        assert status == 503
    running.join()
    assert statuses == [503]  # the heavy query reached its deadline
    assert answered is not None, "the second heavy client never got its turn"
