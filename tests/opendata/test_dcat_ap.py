"""The catalogue (``/catalog``) conforms to DCAT-AP 3.0, range constraints included: SEMIC's
official shapes (tests/data/dcat-ap/, see its NOTICE) find no violation — in-process and over
HTTP on the seed build served by gunicorn — and every file of the version is a distribution
with media type, format, size, checksum, licence and the standards it conforms to."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from cls_kg.graph.build import BuildResult

from ..support.apps import app_with
from ..support.paths import TEST_DATA
from ..support.served import LiveServer

SHAPES = TEST_DATA / "dcat-ap"
BASE = "https://w3id.org/cls-sante/"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
TURTLE = {"Accept": "text/turtle"}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """DCAT-AP 3.0.0's core and range shapes."""
    graph = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        graph.parse(SHAPES / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def app(built_data_dir: Path) -> Flask:
    """The app on the seed build."""
    return app_with(built_data_dir)


@pytest.fixture(scope="module")
def catalog(app: Flask) -> Graph:
    """The catalogue, in-process."""
    return Graph().parse(data=app.test_client().get("/catalog", headers=TURTLE).data, format="ttl")


def violations(data: Graph, shapes: Graph) -> list[str]:
    """The messages of every result of the shapes on ``data``."""
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none")
    sh = Namespace("http://www.w3.org/ns/shacl#")
    found = [
        f"{report.value(r, sh.focusNode)} {report.value(r, sh.resultPath)}: "
        f"{report.value(r, sh.resultMessage)}"
        for r in report.subjects(RDF.type, sh.ValidationResult)
    ]
    assert conforms == (not found)
    return sorted(found)


def test_the_catalogue_passes_the_dcat_ap_3_shapes(catalog: Graph, shapes: Graph) -> None:
    assert violations(catalog, shapes) == []


def test_the_catalogue_served_by_gunicorn_passes_them(served: LiveServer, shapes: Graph) -> None:
    status, headers, body = served.request("GET", "/catalog", headers=TURTLE)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert violations(Graph().parse(data=body, format="turtle"), shapes) == []


@pytest.mark.parametrize(
    "untyped",
    [
        (
            URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
            DCTERMS.LicenseDocument,
        ),
        (
            URIRef("http://publications.europa.eu/resource/authority/language/FRA"),
            DCTERMS.LinguisticSystem,
        ),
        (URIRef("http://www.iana.org/assignments/media-types/text/csv"), DCTERMS.MediaType),
    ],
)
def test_the_shapes_find_an_untyped_value(
    catalog: Graph, shapes: Graph, untyped: tuple[URIRef, URIRef]
) -> None:
    broken = Graph() + catalog
    broken.remove((untyped[0], RDF.type, untyped[1]))
    assert violations(broken, shapes)


def test_every_file_of_the_version_is_a_distribution(
    catalog: Graph, seed_build: BuildResult
) -> None:
    files = {e["name"]: e for e in [*seed_build.manifest["dumps"], *seed_build.manifest["tables"]]}
    dataset = URIRef(BASE + "catalog#dataset")
    described = {}
    for distribution in catalog.objects(dataset, DCAT.distribution):
        url = catalog.value(distribution, DCAT.downloadURL)
        if url is not None:
            described[str(url).rsplit("/", 1)[-1]] = distribution
    assert set(described) == set(files)
    version = seed_build.version
    for name, distribution in described.items():
        url = str(catalog.value(distribution, DCAT.downloadURL))
        if name in {e["name"] for e in seed_build.manifest["tables"]}:
            assert url == f"{BASE}versions/{version}/tables/{name}"
        checksum = catalog.value(distribution, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == files[name]["sha256"]
        assert int(catalog.value(distribution, DCAT.byteSize)) == files[name]["bytes"]
        assert catalog.value(distribution, DCAT.mediaType) is not None
        assert catalog.value(distribution, DCTERMS.format) is not None
        assert list(catalog.objects(distribution, DCTERMS.conformsTo)), name
        assert catalog.value(distribution, DCTERMS.license) is not None


def test_a_csv_file_conforms_to_its_table_schema(catalog: Graph, seed_build: BuildResult) -> None:
    tables = f"{BASE}versions/{seed_build.version}/tables/"
    distribution = URIRef(BASE + "catalog#table-contrats.csv")
    assert set(catalog.objects(distribution, DCTERMS.conformsTo)) >= {
        URIRef(tables + "contrats.schema.json"),
        URIRef("https://www.rfc-editor.org/rfc/rfc4180"),
    }
    assert catalog.value(distribution, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/text/csv"
    )


def test_the_sparql_endpoint_is_a_data_service(catalog: Graph) -> None:
    service = URIRef(BASE + "catalog#sparql")
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert (service, DCAT.endpointURL, URIRef(BASE + "sparql")) in catalog
    access = URIRef(BASE + "catalog#sparql-access")
    assert (access, DCAT.accessService, service) in catalog
    assert (access, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")) in (
        catalog
    )
