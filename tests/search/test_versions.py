"""The server reads the index of the version served, and the next one once ``current`` moves."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from cls_kg.graph.search import FILE, FOLDER
from cls_kg.graph.search.index import Document, write
from cls_kg.server import create_app

BASE = "https://w3id.org/cls-sante/id/"


def version(data_dir: Path, name: str, label: str) -> None:
    """A version folder holding a manifest and an index of one territory named ``label``."""
    folder = data_dir / "versions" / name
    (folder / FOLDER).mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"version": name}), encoding="utf-8")
    doc = Document(f"{BASE}territory/{name}", "territory", labels={"fr": label})
    doc.fields["title"].append(label)
    doc.facets.add(("kind", "territory"))
    doc.context = {"fr": "", "en": ""}
    write(folder / FOLDER / FILE, [doc], [])


def point(data_dir: Path, name: str) -> None:
    """Make ``current`` name a version, atomically, as the build does."""
    (data_dir / "tmp").symlink_to(Path("versions") / name)
    os.replace(data_dir / "tmp", data_dir / "current")


def test_a_new_version_is_searched_within_a_second(tmp_path: Path) -> None:
    """After ``current`` moves, the next searches read the new version's index."""
    version(tmp_path, "a", "Alpha")
    version(tmp_path, "b", "Bêta")
    point(tmp_path, "a")
    client = create_app({"DATA_DIR": tmp_path, "RATE_LIMIT": 0}).test_client()
    found = client.get("/recherche?q=alpha&format=json").get_json()
    assert found["groups"][0]["results"][0]["url"] == "/id/territory/a"
    point(tmp_path, "b")
    time.sleep(1.1)  # the server looks at ``current`` at most once a second
    assert client.get("/recherche?q=alpha&format=json").get_json()["total"] == 0
    found = client.get("/recherche?q=BETA&format=json").get_json()
    assert found["groups"][0]["results"][0]["url"] == "/id/territory/b"
