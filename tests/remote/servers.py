"""SPARQL servers the remote tests start on free loopback ports, and datasets published to them.

``OxigraphServer`` runs the ``oxigraph`` command of the PyPI package of that name (``oxigraph
serve``; in memory, or on disk when given a folder, so that it survives a restart).
``VirtuosoServer`` (``test_virtuoso.py``, ``make test-virtuoso``) runs Debian's
``virtuoso-t`` on a throw-away database. ``start`` starts a server of an engine the remote
tests are parametrised by; ``remote_app`` is an app reading one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask

from cls_kg.graph.datadir import current_version
from cls_kg.graph.push import push
from cls_kg.graph.remote import RemoteConfig

from ..support.apps import app_with
from ..support.served import free_port

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
HERE = Path(__file__).resolve().parent
STARTUP = 60.0  # seconds a server may take to answer its first query


def answers(url: str) -> bool:
    """Whether a SPARQL endpoint answers ``ASK {}``."""
    request = urllib.request.Request(url + "?query=ASK%7B%7D")
    request.add_header("Accept", "application/sparql-results+json")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    """A server process on a loopback port."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        """Its SPARQL query URL."""
        raise NotImplementedError

    def command(self) -> list[str]:
        """How it is started."""
        raise NotImplementedError

    def start(self) -> None:
        """Start it and wait until it answers a query."""
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + STARTUP
        while not answers(self.query_url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.command()[0]} did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        """Stop it at once (SIGKILL), as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        """Stop it cleanly."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@dataclass
class OxigraphServer(Server):
    """``oxigraph serve``: in memory, or in ``location`` (kept across restarts)."""

    location: Path | None = None

    @property
    def query_url(self) -> str:
        """Oxigraph's query URL."""
        return f"{self.base}/query"

    def command(self) -> list[str]:
        """``oxigraph serve --bind 127.0.0.1:PORT [--location DIR]``."""
        where = ["--location", str(self.location)] if self.location else []
        return [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{self.port}", *where]

    def config(self, **options: object) -> RemoteConfig:
        """Where to publish and query: /query, /update, /store."""
        return RemoteConfig.from_url(
            self.query_url,
            update_url=f"{self.base}/update",
            graph_store_url=f"{self.base}/store",
            **options,  # type: ignore[arg-type]
        )


@dataclass
class VirtuosoServer(Server):
    """Debian's ``virtuoso-t`` on a new database in ``folder`` (user dba, password dba).

    A new database takes Virtuoso 10-20 s to create; with ``template`` (the folder of a
    database created once and stopped) its files are copied instead: a few seconds.
    """

    folder: Path = Path()
    sql_port: int = field(default_factory=free_port)
    template: Path | None = None

    def start(self) -> None:
        """Copy the template database, if any, then start."""
        for name in TEMPLATE_FILES if self.template else ():
            if (self.template / name).exists() and not (self.folder / name).exists():
                shutil.copy(self.template / name, self.folder / name)
        super().start()

    @property
    def query_url(self) -> str:
        """Virtuoso's public query URL."""
        return f"{self.base}/sparql"

    def command(self) -> list[str]:
        """``virtuoso-t +foreground +configfile virtuoso.ini``."""
        values = {"folder": self.folder, "http": self.port, "sql": self.sql_port}
        text = Template((HERE / "virtuoso.ini").read_text()).substitute(values)
        (self.folder / "virtuoso.ini").write_text(text)
        binary = shutil.which("virtuoso-t") or "virtuoso-t"
        return [binary, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")]

    def config(self, **options: object) -> RemoteConfig:
        """Publishing goes to the authenticated endpoints (digest, dba)."""
        return RemoteConfig.from_url(
            self.query_url,
            update_url=f"{self.base}/sparql-auth",
            graph_store_url=f"{self.base}/sparql-graph-crud-auth",
            user="dba",
            password="dba",
            auth="digest",
            **options,  # type: ignore[arg-type]
        )


RemoteServer = OxigraphServer | VirtuosoServer
TEMPLATE_FILES = ("virtuoso.db", "virtuoso.trx")


def virtuoso_template(folder: Path) -> Path:
    """A new Virtuoso database in ``folder``, created once, stopped: the template of others."""
    if not (folder / "virtuoso.db").exists():
        folder.mkdir(parents=True, exist_ok=True)
        server = VirtuosoServer(folder=folder)
        server.start()
        server.stop()
    return folder


def with_dumps(data_dir: Path, folder: Path) -> Path:
    """A version folder with its quad dump, for data folders written without dumps."""
    version = current_version(data_dir)
    if any((version / "dumps").glob("*.nq*")):
        return version
    (folder / "dumps").mkdir(parents=True)
    shutil.copy(version / "manifest.json", folder / "manifest.json")
    store = ox.Store.read_only(str(version / "store"))
    (folder / "dumps" / "cls-kg.nq").write_bytes(store.dump(format=ox.RdfFormat.N_QUADS))
    return folder


def edited_version(source: Path, folder: Path, version: str, extra: bytes) -> Path:
    """A copy of a version with another id and some more quads (a second publication)."""
    (folder / "dumps").mkdir(parents=True)
    manifest = json.loads((source / "manifest.json").read_text())
    manifest["version"] = version
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for dump in (source / "dumps").glob("*.nq*"):
        shutil.copy(dump, folder / "dumps" / dump.name)
    quads = folder / "dumps" / "cls-kg.nq"
    quads.write_bytes(quads.read_bytes() + extra)
    return folder


def publish_data_dir(data_dir: Path, scratch: Path, config: RemoteConfig) -> str:
    """Publish the version a data folder serves; its id."""
    return push(with_dumps(data_dir, scratch), config).version


def new_virtuoso(tmp: pytest.TempPathFactory) -> VirtuosoServer:
    """A Virtuoso on a copy of the session's template database."""
    template = virtuoso_template(tmp.getbasetemp() / "virtuoso-template")
    return VirtuosoServer(folder=tmp.mktemp("virtuoso"), template=template)


#: Engine -> a new server of it (not started).
SERVERS: dict[str, Callable[[pytest.TempPathFactory], RemoteServer]] = {
    "oxigraph": lambda tmp: OxigraphServer(),
    "virtuoso": new_virtuoso,
}


def start(engine: str, tmp: pytest.TempPathFactory) -> RemoteServer:
    """A new, empty server of ``engine``, started."""
    server = SERVERS[engine](tmp)
    server.start()
    return server


def remote_app(data_dir: Path, server: RemoteServer, **settings: Any) -> Flask:
    """An app reading ``server``; dumps and cache from ``data_dir``."""
    return app_with(data_dir, STORE_URL=server.query_url, **settings)
