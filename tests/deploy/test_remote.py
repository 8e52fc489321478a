"""The installed package on a remote SPARQL store: ``cls-kg build``, ``cls-kg publish --to``,
then ``cls-kg serve --store`` (an Oxigraph server stands for the remote store)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from ..remote.servers import OXIGRAPH, OxigraphServer
from .installed import Installed, Server, run, seeded

COUNT = "SELECT (COUNT(?c) AS ?n) { ?c a <https://w3id.org/cls-sante/def#Contract> }"


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphServer]:
    """An Oxigraph server, in memory."""
    if not OXIGRAPH.exists():
        pytest.skip("the oxigraph server is not installed")
    server = OxigraphServer()
    server.start()
    yield server
    server.stop()


def test_build_publish_then_serve_from_the_remote_store(
    installed: Installed, store: OxigraphServer, built_data_dir: Path, tmp_path: Path
) -> None:
    seeded(built_data_dir, tmp_path / "data")
    run(installed.command, "build", "--data-dir", "data", cwd=tmp_path)
    run(installed.command, "publish", "--to", store.query_url, "--data-dir", "data", cwd=tmp_path)
    environment = {"CLS_KG_DATA_DIR": "data", "CLS_KG_STORE_URL": store.query_url}
    server = Server(installed, tmp_path, tmp_path, environment).start()
    try:
        ready = server.get("/readyz").json()
        assert ready["store"] == "remote"
        assert "Store: " + store.query_url in server.output()
        reply = server.get(
            f"/sparql?query={quote(COUNT)}", Accept="application/sparql-results+json"
        )
        assert reply.status == 200
        assert int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]) > 0
        page = server.get("/id/contract/pays-vosges-saonoises-2012-2015", Accept="text/turtle")
        assert page.status == 200 and b"Contract" in page.body
        packed = server.get("/dumps/cls-kg.ttl", **{"Accept-Encoding": "gzip"})
        assert packed.status == 200
        assert gzip.decompress(packed.body) == server.get("/dumps/cls-kg.ttl").body
    finally:
        server.stop()
