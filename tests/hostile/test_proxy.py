"""The reverse proxy the README recommends (``docs/deploy/nginx.conf``), run as shipped in front
of a served instance (issue 13, item 3), and what a client reaches through any front:
rate limits on every route but the probes (item 6), the ``Host`` header never echoed into
pages, a remote store's address never shown (item 7).

nginx is Debian's (``make test`` installs it when missing, like chromium); without it the
proxy tests are skipped, saying so. The configuration is used as it is, with only the ports
and the deadlines shortened, on 127.0.0.1. Clients come from distinct loopback addresses
(127.0.0.x), so that the rate limit can be checked per client.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.server import create_app

from ..support.hostile import alive
from ..support.served import LIGHT_QUERY, LiveServer, free_port, start

SHIPPED = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
)
RATE_LIMIT = 20  # requests a minute per client (the start-up probes come from 127.0.0.1)
HEADER_TIMEOUT = 2  # seconds, in nginx's configuration for the test
BODY_TIMEOUT = 2
MARGIN = 1.5
CONTRACTS = "PREFIX cls: <https://w3id.org/cls-sante/def#> SELECT ?c { ?c a cls:Contract } LIMIT 1"

#: Lines of the shipped configuration changed for the test: (as shipped, in the test).
EDITS = (
    ("listen 80;", "listen 127.0.0.1:{proxy};"),
    ("server 127.0.0.1:8000;", "server 127.0.0.1:{app};"),
    ("client_header_timeout 10s;", f"client_header_timeout {HEADER_TIMEOUT}s;"),
    ("client_body_timeout 10s;", f"client_body_timeout {BODY_TIMEOUT}s;"),
)
#: The rest of nginx's configuration: what Debian's /etc/nginx/nginx.conf gives, in a folder.
MAIN = """daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/cls-kg.conf;
}}
"""


def configured(folder: Path, proxy: int, app: int) -> Path:
    """The shipped configuration with the test's ports and deadlines, and nginx's main file."""
    text = SHIPPED.read_text(encoding="utf-8")
    for shipped, test in EDITS:
        assert text.count(shipped) == 1, f"docs/deploy/nginx.conf no longer says {shipped!r}"
        text = text.replace(shipped, test.format(proxy=proxy, app=app))
    (folder / "cls-kg.conf").write_text(text, encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(MAIN.format(folder=folder), encoding="utf-8")
    return main


def client(server: LiveServer, address: str) -> http.client.HTTPConnection:
    """A connection to ``server`` from a loopback address of its own."""
    port = int(server.url.rsplit(":", 1)[1])
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))


def get(
    server: LiveServer, path: str, address: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One request from ``address``: status and body."""
    connection = client(server, address)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def app_server(built_data_dir: Path) -> Iterator[LiveServer]:
    """The seed build under ``cls-kg serve`` (one web process: one set of rate buckets),
    trusting one proxy, as the shipped configuration says to serve it."""
    process, server = start(
        built_data_dir,
        workers=1,
        CLS_KG_RATE_LIMIT=str(RATE_LIMIT),
        CLS_KG_TRUSTED_PROXIES="1",
    )
    yield server
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def proxy(app_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Debian's nginx with docs/deploy/nginx.conf in front of the served instance."""
    if NGINX is None:
        pytest.skip("nginx is not installed (make test installs Debian's nginx-light)")
    folder = tmp_path_factory.mktemp("nginx")
    port, app = free_port(), int(app_server.url.rsplit(":", 1)[1])
    main = configured(folder, port, app)
    checked = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(main)], capture_output=True)
    assert checked.returncode == 0, checked.stderr.decode()
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LiveServer(f"http://127.0.0.1:{port}")
    for _ in range(200):
        try:
            if get(server, "/healthz", "127.0.0.1")[0] == 200:
                break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError((folder / "error.log").read_text())
    yield server
    process.terminate()
    process.wait(timeout=10)


# --- through the proxy ------------------------------------------------------------------------


def test_pages_and_sparql_through_the_proxy(proxy: LiveServer) -> None:
    address = "127.0.0.20"
    assert get(proxy, "/", address)[0] == 200
    assert get(proxy, LIGHT_QUERY, address) == (200, b'{"head": {}, "boolean": true}')
    connection = client(proxy, address)
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    connection.request("POST", "/sparql", body=f"query={quote(CONTRACTS)}", headers=form)
    response = connection.getresponse()
    rows = json.loads(response.read())["results"]["bindings"]
    assert response.status == 200 and rows
    path = "/" + rows[0]["c"]["value"].removeprefix(DEFAULT_BASE)
    status, page = get(proxy, path, address, {"Accept": "text/html"})
    assert status == 200 and b"application/ld+json" in page


def test_rate_limit_keys_on_the_real_client(proxy: LiveServer) -> None:
    """Past its allowance a client gets 429, whatever X-Forwarded-For it writes itself;
    another client behind the same proxy is not affected."""
    statuses = [
        get(
            proxy,
            "/healthz" if n % 2 else "/history",
            "127.0.0.21",
            {"X-Forwarded-For": f"10.0.0.{n}"},
        )[0]
        for n in range(2 * RATE_LIMIT + 4)
    ]
    assert 429 in statuses, statuses
    assert statuses.count(200) >= RATE_LIMIT  # the probes are never limited
    assert get(proxy, "/history", "127.0.0.22")[0] == 200


def test_slow_clients_are_cut_off_by_the_proxy(proxy: LiveServer) -> None:
    port = int(proxy.url.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as slow_head:
        slow_head.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        slow_head.settimeout(0.5)
        while time.monotonic() - started < HEADER_TIMEOUT + 10:
            try:
                if not slow_head.recv(4096):
                    break
            except TimeoutError:
                slow_head.sendall(b"X")
            except OSError:
                break
    assert time.monotonic() - started <= HEADER_TIMEOUT + MARGIN
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as stalled:
        stalled.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nquery=")
        answer = stalled.recv(4096)  # nothing more is sent: nginx gives up after its deadline
    assert time.monotonic() - started <= BODY_TIMEOUT + MARGIN
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]


def dribble(port: int, first: bytes, stop: threading.Event) -> None:
    """A slow client: a byte every half second (nginx's per-read deadline never passes)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(first)
            while not stop.wait(0.5):
                sock.sendall(b"a")
    except OSError:
        return


def test_slow_clients_through_the_proxy_leave_the_service_answering(proxy: LiveServer) -> None:
    port = int(proxy.url.rsplit(":", 1)[1])
    body = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nquery="
    stop = threading.Event()
    attackers = [
        threading.Thread(target=dribble, args=(port, first, stop), daemon=True)
        for first in [body] * 40 + [b"GET / HTTP/1.1\r\nHost: x\r\n"] * 40
    ]
    for attacker in attackers:
        attacker.start()
    try:
        time.sleep(0.5)
        for number in range(6):
            started = time.monotonic()
            assert get(proxy, "/healthz" if number % 2 else LIGHT_QUERY, "127.0.0.23")[0] == 200
            assert time.monotonic() - started < 1.0
            time.sleep(0.2)
    finally:
        stop.set()
        for attacker in attackers:
            attacker.join(timeout=5)


# --- every front: rate limits, Host, remote store ------------------------------------------


#: Routes the attack pass found unlimited, and others; each tested from an address of its own.
LIMITED = [
    ("GET", "/history"),
    ("GET", "/dumps/cls.ttl"),
    ("GET", "/versions/0123456789abcdef/dumps/cls.ttl"),
    ("GET", "/id/report/some-record"),
    ("POST", "/admin/records"),
    ("GET", "/id/nowhere"),
]


@pytest.mark.parametrize(("method", "path"), LIMITED)
def test_every_route_is_rate_limited(app_server: LiveServer, method: str, path: str) -> None:
    address = f"127.0.1.{LIMITED.index((method, path)) + 1}"
    statuses = []
    for _ in range(RATE_LIMIT + 1):
        connection = client(app_server, address)
        connection.request(method, path, body=b"" if method == "POST" else None)
        statuses.append(connection.getresponse().status)
        connection.close()
    assert statuses[-1] == 429, statuses
    assert 429 not in statuses[:RATE_LIMIT], statuses


def test_probes_are_never_rate_limited(app_server: LiveServer) -> None:
    for path in ("/healthz", "/readyz"):
        statuses = {get(app_server, path, "127.0.0.30")[0] for _ in range(RATE_LIMIT + 5)}
        assert statuses == {200}, (path, statuses)


def test_host_header_is_not_echoed_into_pages(app_server: LiveServer) -> None:
    address = "127.0.0.31"
    status, body = get(
        app_server, f"/sparql?query={quote(CONTRACTS)}", address, {"Accept": "application/json"}
    )
    iri = json.loads(body)["results"]["bindings"][0]["c"]["value"]
    path = "/" + iri.removeprefix(DEFAULT_BASE)
    status, page = get(app_server, path, address, {"Accept": "text/html", "Host": "evil.example"})
    assert status == 200
    found = re.search(rb'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    assert json.loads(found.group(1))["url"] == iri
    assert b"evil.example" not in found.group(1)
    alive(app_server)


@pytest.fixture
def remote_down(serve_app: Callable[[Flask], LiveServer], tmp_path: Path) -> LiveServer:
    """A server on a remote store that does not answer (nothing listens on its port)."""
    store = f"http://127.0.0.1:{free_port()}/internal-store/query"
    app = create_app({"STORE_URL": store, "DATA_DIR": tmp_path, "RATE_LIMIT": 0})
    return serve_app(app)


def test_remote_store_address_is_not_shown(remote_down: LiveServer) -> None:
    for path in (LIGHT_QUERY, "/readyz", "/"):
        for accept in ("application/json", "*/*"):
            status, _, body = remote_down.request("GET", path, headers={"Accept": accept})
            assert status == 503, (path, body[:300])
            assert b"internal-store" not in body and b"127.0.0.1" not in body, body[:300]
            assert body.strip()
