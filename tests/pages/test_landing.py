"""The landing page, the DCAT-AP catalogue and the VoID description."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ..support.pages import HTML
from .checks import RDF_PARSERS, check_html, languages_of, parse_rdf, same_graph

VOID = Namespace("http://rdfs.org/ns/void#")
ETALAB = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
BASE = "https://w3id.org/cls-sante/"


def contract_links(page: str) -> set[str]:
    """The contracts a landing page lists."""
    return set(re.findall(r'<td><a href="(/id/contract/[^"]+)"', page))


def dump_names(client: FlaskClient) -> set[str]:
    """The dumps the landing page offers (those of the manifest)."""
    return set(re.findall(r'href="/dumps/([^"]+)"', client.get("/", headers=HTML).text))


def test_landing_page(seed: FlaskClient) -> None:
    response = seed.get("/", headers=HTML)
    assert response.status_code == 200
    check_html(response.text)
    page = response.text
    assert "<strong>11</strong> contrats" in page
    assert "Bourgogne-Franche-Comté" in page  # contracts per région
    assert "Santé environnementale" in page  # per theme
    for link in ('href="/sparql"', 'href="/def"', 'href="/catalog"', 'href="/.well-known/void"'):
        assert link in page
    assert 'href="/dumps/cls-kg.ttl"' in page
    assert len(contract_links(page)) == 11


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"status": "signe"}, 8),
        ({"status": "en-elaboration"}, 2),
        ({"theme": "sante-environnementale"}, 4),
        ({"kind": "pays"}, 8),  # a pays, or a PETR (narrower)
        ({"kind": "commune"}, 2),
        ({"status": "signe", "kind": "commune"}, 2),
        ({"status": "signe", "kind": "commune", "theme": "sante-mentale"}, 1),
        ({"status": "nonsense"}, 11),  # an unknown value filters nothing
    ],
)
def test_filters(seed: FlaskClient, query: dict[str, str], count: int) -> None:
    page = seed.get("/", query_string=query, headers=HTML).text
    assert len(contract_links(page)) == count


def test_landing_in_english(seed: FlaskClient) -> None:
    page = seed.get("/", headers={**HTML, "Accept-Language": "en"}).text
    assert '<html lang="en">' in page and "The contracts" in page


def test_english_landing_marks_french_only_labels(seed: FlaskClient) -> None:
    page = seed.get("/", headers={**HTML, "Accept-Language": "en"}).text
    assert languages_of(page, "Pays des Vosges Saônoises") == {"fr"}  # a territory, in French only
    french = seed.get("/", headers=HTML).text
    assert languages_of(french, "Pays des Vosges Saônoises") == {"fr"}
    assert ' lang="fr"' not in french.split("<body", 1)[1]  # the page's language: no mark


def test_regions_absent_is_not_an_error(local: FlaskClient) -> None:
    page = local.get("/", headers=HTML).text
    assert "Aucun territoire n&#39;est encore rattaché à une région." in page


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
def test_descriptions_in_every_format(seed: FlaskClient, path: str) -> None:
    graphs = [parse_rdf(seed.get(path, headers={"Accept": t}).data, t) for t in RDF_PARSERS]
    assert same_graph(graphs)
    page = seed.get(path, headers=HTML)
    assert page.mimetype == "text/html" and "Accept" in page.vary
    check_html(page.text)
    assert seed.get(f"{path}.ttl").mimetype == "text/turtle"


def test_dcat_ap_catalogue(seed: FlaskClient) -> None:
    graph = parse_rdf(seed.get("/catalog.ttl").data, "text/turtle")
    catalog, dataset = URIRef(BASE + "catalog"), URIRef(BASE + "catalog#dataset")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert (catalog, DCAT.dataset, dataset) in graph
    assert (dataset, DCTERMS.license, ETALAB) in graph
    downloads = {str(o) for o in graph.objects(None, DCAT.downloadURL)}
    assert BASE + "dumps/cls-kg.ttl" in downloads
    assert len({d for d in downloads if "/dumps/" in d}) == len(dump_names(seed))
    assert (None, DCAT.endpointURL, URIRef(BASE + "sparql")) in graph


def test_void(seed: FlaskClient) -> None:
    graph = parse_rdf(
        seed.get("/.well-known/void", headers={"Accept": "text/turtle"}).data, "text/turtle"
    )
    dataset = URIRef(BASE + "catalog#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, VOID.sparqlEndpoint, URIRef(BASE + "sparql")) in graph
    assert len(list(graph.objects(dataset, VOID.dataDump))) == len(dump_names(seed))
    assert len(list(graph.objects(dataset, VOID.subset))) >= 4
    example = next(graph.objects(dataset, VOID.exampleResource))
    assert str(example).startswith(BASE + "id/contract/")
