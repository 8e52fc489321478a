"""Done-when of the publishers' issue: empty template -> filled -> POST -> job -> queryable.

Then the history shows the publication, the new version's dumps answer, and a rollback
serves the previous version again.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask.testing import FlaskClient

from cls_kg.cli import main
from cls_kg.graph.datadir import current_version
from cls_kg.graph.history import publication_of
from cls_kg.server.core.store import Versions

from ..support.admin import AUTH, app_on, fill_template, outcome

CONTRACT = "https://w3id.org/cls-sante/id/contract/val-d-exemple-2024-2028"
ASK = f"ASK {{ <{CONTRACT}> a <https://w3id.org/cls-sante/def#Contract> }}"
HISTORY = (
    "ASK { GRAPH <https://w3id.org/cls-sante/graph/history> { ?a a "
    "<http://www.w3.org/ns/prov#Activity> ; <http://www.w3.org/ns/prov#wasAssociatedWith> "
    '[ <http://www.w3.org/2000/01/rdf-schema#label> "Alice" ] } }'
)


def ask(client: FlaskClient, query: str) -> bool:
    """An ASK through the public endpoint."""
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    return bool(response.get_json()["boolean"])


def test_template_to_published_contract(data_dir: Path, tmp_path: Path) -> None:
    before = current_version(data_dir).name
    workbook = fill_template(tmp_path / "val-d-exemple.xlsx")
    client = app_on(data_dir).test_client()
    assert not ask(client, ASK)
    with workbook.open("rb") as handle:
        accepted = client.post(
            "/admin/records", data={"file": (handle, workbook.name)}, headers=AUTH
        )
    response = outcome(client, accepted)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["state"] == "published"
    version = response.get_json()["version"]
    assert current_version(data_dir).name == version != before

    time.sleep(Versions.TTL)  # the server picks up a new version within a second
    assert ask(client, ASK)
    assert ask(client, HISTORY)
    page = client.get("/id/contract/val-d-exemple-2024-2028", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Val d&#39;Exemple" in page.get_data(as_text=True)

    changes = publication_of(current_version(data_dir))["changes"]
    assert CONTRACT in changes["added"] and changes["triples_added"] > 0
    history = client.get("/history", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert version in history and "Alice" in history and "val-d-exemple-2024-2028" in history
    assert client.get(f"/versions/{version}/dumps/cls-kg.ttl").status_code == 200
    assert client.get(f"/versions/{before}/dumps/cls-kg.nq").status_code == 200
    assert client.get(f"/versions/{version}/dumps/manifest.json").status_code == 404
    report = client.get("/id/report/val-d-exemple.json").get_json()
    assert report["published"] is True and report["version"] == version

    assert main(["rollback", "--data-dir", str(data_dir)]) == 0
    assert current_version(data_dir).name == before
    time.sleep(Versions.TTL)
    assert not ask(client, ASK)
    assert main(["rollback", version, "--data-dir", str(data_dir)]) == 0
    assert main(["rollback", "0000000000000000", "--data-dir", str(data_dir)]) == 2
