"""The content-negotiation matrix of a resource: Accept headers, q-values, ?format, extensions.

Every row asks the same contract of the seed data; the answer's media type (or status) is
what the row expects, and the headers follow the one pattern: 200 at the IRI's own path,
``Vary: Accept``, ``Content-Location`` naming the format's document, ``Link`` alternates.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from .checks import RDF_PARSERS, check_html, parse_rdf, same_graph

CONTRACT = "/id/contract/pays-vosges-saonoises-2023-2027"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
OLD_IE = "image/gif, image/jpeg, application/x-ms-application, */*"
HTML, TTL, JSONLD, NT, RDFXML = (
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
)
EXTENSIONS = {HTML: "html", TTL: "ttl", JSONLD: "jsonld", NT: "nt", RDFXML: "rdf"}

#: (Accept header or None, query string, path suffix) -> media type, or a status code.
MATRIX: list[tuple[str | None, str, str, str | int]] = [
    (None, "", "", TTL),
    ("*/*", "", "", TTL),
    ("*", "", "", TTL),
    (FIREFOX, "", "", HTML),
    (CHROME, "", "", HTML),
    (SAFARI, "", "", HTML),
    (OLD_IE, "", "", TTL),
    ("text/html", "", "", HTML),
    ("application/xhtml+xml, text/html;q=0.9", "", "", HTML),
    (TTL, "", "", TTL),
    (JSONLD, "", "", JSONLD),
    (NT, "", "", NT),
    (RDFXML, "", "", RDFXML),
    ("application/json", "", "", JSONLD),
    ("application/x-turtle", "", "", TTL),
    ("text/*", "", "", TTL),
    ("text/turtle;q=0.5, application/ld+json", "", "", JSONLD),
    ("application/ld+json;q=0.2, text/turtle;q=0.9", "", "", TTL),
    ("text/html;q=0.1, text/turtle", "", "", TTL),
    ("text/turtle;q=0.1, text/html", "", "", HTML),
    ("application/rdf+xml;q=1, application/n-triples;q=0.99", "", "", RDFXML),
    ("text/html;q=0, */*;q=0.1", "", "", TTL),
    ("image/png", "", "", 406),
    ("text/csv", "", "", 406),
    ("application/sparql-results+json", "", "", 406),
    ("text/turtle;q=0", "", "", 406),
    (FIREFOX, "format=ttl", "", TTL),
    (FIREFOX, "format=turtle", "", TTL),
    (FIREFOX, "format=jsonld", "", JSONLD),
    (FIREFOX, "format=nt", "", NT),
    (FIREFOX, "format=rdf", "", RDFXML),
    (FIREFOX, "format=text/turtle", "", TTL),
    (TTL, "format=html", "", HTML),
    (FIREFOX, "format=csv", "", 406),
    (FIREFOX, "format=nonsense", "", HTML),  # unknown values are ignored, as on /sparql
    (FIREFOX, "", ".ttl", TTL),
    (FIREFOX, "", ".jsonld", JSONLD),
    (FIREFOX, "", ".nt", NT),
    (FIREFOX, "", ".rdf", RDFXML),
    (TTL, "", ".html", HTML),
    ("image/png", "", ".ttl", TTL),  # a document's path names its format: Accept is moot
    (JSONLD, "format=nt", ".ttl", TTL),
]


def ask(client: FlaskClient, accept: str | None, query: str, suffix: str) -> object:
    """One request of the matrix."""
    headers = {"Accept": accept} if accept is not None else {}
    return client.get(f"{CONTRACT}{suffix}", headers=headers, query_string=query)


@pytest.mark.parametrize(("accept", "query", "suffix", "expected"), MATRIX)
def test_matrix(
    seed: FlaskClient, accept: str | None, query: str, suffix: str, expected: str | int
) -> None:
    response = ask(seed, accept, query, suffix)
    if isinstance(expected, int):
        assert response.status_code == expected
        return
    assert response.status_code == 200
    assert response.mimetype == expected
    if suffix:
        assert "Content-Location" not in response.headers
    else:
        assert "Accept" in response.vary
        assert response.headers["Content-Location"].startswith(f"{CONTRACT}.{EXTENSIONS[expected]}")
    for media_type, extension in EXTENSIONS.items():
        assert (
            f'<{CONTRACT}.{extension}>; rel="alternate"; type="{media_type}"'
            in (response.headers["Link"])
        )


def test_every_rdf_format_gives_the_same_graph(seed: FlaskClient) -> None:
    graphs = [parse_rdf(seed.get(f"{CONTRACT}.{EXTENSIONS[t]}").data, t) for t in RDF_PARSERS]
    assert len(graphs[0]) > 20
    assert same_graph(graphs)


def test_negotiated_and_document_answers_are_the_same(seed: FlaskClient) -> None:
    negotiated = seed.get(CONTRACT, headers={"Accept": TTL}).data
    assert negotiated == seed.get(f"{CONTRACT}.ttl").data


def test_html_answer_is_a_sound_page(seed: FlaskClient) -> None:
    response = ask(seed, FIREFOX, "", "")
    check_html(response.text)
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_head_answers_like_get(seed: FlaskClient) -> None:
    response = seed.head(CONTRACT, headers={"Accept": TTL})
    assert response.status_code == 200
    assert response.mimetype == TTL
    assert response.data == b""
