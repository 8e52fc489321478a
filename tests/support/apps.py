"""Apps of the tests: small data folders written as a build leaves them, apps on a data folder
with the test settings, and the W3C protocol dataset.

A live server of such an app (``serve_app``, tests/conftest.py) is the real app behind
werkzeug's threaded HTTP server on a free loopback port; it answers from worker processes
exactly as under gunicorn.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask

from cls_kg.server import create_app
from cls_kg.server.core import state

from .paths import W3C

PROTOCOL_GRAPHS = {
    f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": W3C / "sparql11-protocol" / f"data{n}.nt"
    for n in (1, 2, 3)
}
#: Settings of the test apps: no rate limit unless a test sets one.
TEST_SETTINGS: dict[str, Any] = {"RATE_LIMIT": 0, "QUERY_WORKERS": 2}


def write_data_dir(folder: Path, graphs: Mapping[str, bytes]) -> Path:
    """A data folder as a build leaves it: current -> versions/test/ with store and manifest."""
    version = folder / "versions" / "test"
    version.mkdir(parents=True)
    store = ox.Store(str(version / "store"))
    for name, data in graphs.items():
        store.load(data, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(name))
    store.flush()
    del store
    manifest = {"version": "test", "built_at": "2026-01-01T00:00:00+00:00"}
    (version / "manifest.json").write_text(json.dumps(manifest))
    (folder / "current").symlink_to(Path("versions") / "test")
    return folder


def app_with(data_dir: Path, **settings: Any) -> Flask:
    """An app on ``data_dir`` with some settings changed from the test defaults."""
    return create_app({**TEST_SETTINGS, "DATA_DIR": data_dir, **settings})


def closing(app: Flask) -> Iterator[Flask]:
    """A fixture's app, its query processes stopped when the fixture ends."""
    yield app
    state.close(app)
