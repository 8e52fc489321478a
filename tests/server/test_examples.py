"""Every example query runs on the seed graph, through the endpoint, without error."""

from __future__ import annotations

import pytest
from flask import Flask

from cls_kg.server.sparql.examples import Example, examples

#: Examples that may find nothing, with the reason.
MAY_BE_EMPTY = {
    "16-contracts-per-region": "needs the régions and départements the build derives "
    "(cls:withinUnit, graph/derived) from the reference data",
}


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_example_runs_on_the_seed_graph(seed_app: Flask, example: Example) -> None:
    response = seed_app.test_client().post(
        "/sparql", data=example.query, content_type="application/sparql-query"
    )
    assert response.status_code == 200, response.text
    found = response.get_json()["results"]["bindings"]
    assert found or example.name in MAY_BE_EMPTY, f"{example.name} finds nothing"
