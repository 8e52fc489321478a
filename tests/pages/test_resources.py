"""Resource pages: what they show, in which language, escaped; IRIs mapped from paths."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from cls_kg.server.pages.iris import href, iri_of, local_path, targets

from ..support.pages import HTML, LOCAL_BASE, PARTNERS
from .checks import RDF_PARSERS, check_html, languages_of, parse_rdf

DEFAULT = "https://w3id.org/cls-sante/"
ACTION = "/id/contract/pays-vosges-saonoises-2023-2027/axis/1/action/1"


@pytest.mark.parametrize(
    ("path", "base", "iri"),
    [
        ("id/contract/x", DEFAULT, "https://w3id.org/cls-sante/id/contract/x"),
        ("id/contract/x", LOCAL_BASE, "http://localhost/id/contract/x"),
        ("def", LOCAL_BASE, "https://w3id.org/cls-sante/def"),
        (
            "def/theme/sante-mentale",
            LOCAL_BASE,
            "https://w3id.org/cls-sante/def/theme/sante-mentale",
        ),
        ("def/shapes", "https://example.org/data/", "https://w3id.org/cls-sante/def/shapes"),
        ("definitely", LOCAL_BASE, "http://localhost/definitely"),
        ("graph/records", LOCAL_BASE, "http://localhost/graph/records"),
    ],
)
def test_paths_stand_for_iris(path: str, base: str, iri: str) -> None:
    assert iri_of(path, base) == iri
    assert local_path(iri, base) == "/" + path


@pytest.mark.parametrize(
    ("iri", "base", "link"),
    [
        ("https://w3id.org/cls-sante/def#Contract", LOCAL_BASE, "/def#Contract"),
        (
            "https://w3id.org/cls-sante/id/contract/x",
            LOCAL_BASE,
            "https://w3id.org/cls-sante/id/contract/x",
        ),
        ("http://localhost/id/contract/x", LOCAL_BASE, "/id/contract/x"),
        ("https://schema.org/Place", DEFAULT, "https://schema.org/Place"),
        ("urn:isbn:123", DEFAULT, None),
        ("javascript:alert(1)", DEFAULT, None),
    ],
)
def test_links(iri: str, base: str, link: str | None) -> None:
    assert href(iri, base) == link


def test_extension_readings() -> None:
    assert [t.extension for t in targets("id/x.ttl", DEFAULT)] == ["ttl", None]
    assert [t.extension for t in targets("id/x.pdf", DEFAULT)] == [None]


def test_local_base_serves_its_records(local: FlaskClient) -> None:
    response = local.get("/id/contract/markup", headers=HTML)
    assert response.status_code == 200
    check_html(response.text)
    turtle = local.get("/id/contract/markup.ttl")
    graph = parse_rdf(turtle.data, "text/turtle")
    assert any(str(s) == "http://localhost/id/contract/markup" for s in graph.subjects())


def test_fixed_ontology_iris_whatever_the_base(local: FlaskClient) -> None:
    assert local.get("/def", headers=HTML).status_code == 200
    concept = local.get("/def/statut/signe.ttl")
    assert concept.status_code == 200
    graph = parse_rdf(concept.data, "text/turtle")
    assert any(str(s) == "https://w3id.org/cls-sante/def/statut/signe" for s in graph.subjects())


def test_markup_in_labels_is_text(local: FlaskClient) -> None:
    for path in ("/id/territory/markup", "/id/contract/markup", "/"):
        page = local.get(path, headers=HTML).text
        check_html(page)
        assert "<script>alert" not in page
        assert "<b>Pays</b>" not in page and "<i>balisé</i>" not in page
    page = local.get("/id/territory/markup", headers=HTML).text
    assert (
        "&lt;script&gt;alert(&#39;territoire&#39;)&lt;/script&gt; &amp; &lt;b&gt;Pays&lt;/b&gt;"
        in page
    )


def test_json_ld_cannot_close_its_script(local: FlaskClient) -> None:
    page = local.get("/id/contract/markup", headers=HTML).text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    document = json.loads(block.group(1))
    assert document["name"] == "Contrat <i>balisé</i>"
    assert "</script><script>" in document["description"]
    assert "<" not in block.group(1)


def test_french_by_default_english_on_request(local: FlaskClient) -> None:
    french = local.get("/id/contract/markup", headers=HTML).text
    assert 'lang="fr"' in french and "Contrat &lt;i&gt;balisé&lt;/i&gt;" in french
    english = local.get("/id/contract/markup", headers={**HTML, "Accept-Language": "en"}).text
    assert '<html lang="en">' in english and "Contract with &lt;i&gt;markup&lt;/i&gt;" in english
    assert "Contrat &lt;i&gt;" not in english  # the label in the page's language only


def test_english_page_marks_french_only_texts_as_french(local: FlaskClient) -> None:
    english = {**HTML, "Accept-Language": "en"}
    contract = local.get("/id/contract/markup", headers=english).text
    assert '<html lang="en">' in contract
    assert languages_of(contract, "Axe <u>un</u>") == {"fr"}  # a label in French only
    summary = "Un texte avec </script><script>alert(1)</script> dedans"
    assert languages_of(contract, summary) == {"fr"}
    assert languages_of(contract, "Action one") == {"en"}  # the page's language: no lang
    assert languages_of(contract, "Contract with <i>markup</i>") == {"en"}
    territory = local.get("/id/territory/markup", headers=english).text
    assert languages_of(territory, "Partenaire 001") == {"fr"}
    french = local.get("/id/territory/markup", headers=HTML).text
    assert languages_of(french, "Partenaire 001") == {"fr"}
    assert '<a href="/id/organisation/partner-001">Partenaire 001</a>' in french  # its own


def test_language_switch_is_remembered(local: FlaskClient) -> None:
    switched = local.get("/id/contract/markup?lang=en", headers=HTML)
    assert "lang=en" in switched.headers["Set-Cookie"]
    later = local.get("/id/territory/markup", headers=HTML)
    assert '<html lang="en">' in later.text
    assert "Markup &lt;/script&gt; territory" in later.text


def test_property_and_value_labels_not_iris(seed: FlaskClient) -> None:
    page = seed.get("/id/contract/pays-vosges-saonoises-2023-2027", headers=HTML).text
    assert ">territoire</a>" in page  # the ontology's label of cls:territory
    assert ">Pays des Vosges Saônoises</a>" in page  # the label of the linked territory
    assert ">Signé</a>" in page  # the status concept's French label
    assert "https://w3id.org/cls-sante/def/statut/signe</a>" not in page


def test_inverse_links(seed: FlaskClient) -> None:
    page = seed.get("/id/territory/pays-vosges-saonoises", headers=HTML).text
    assert "Cité par" in page
    assert "Contrat Local de Santé du Pays des Vosges Saônoises 2023-2027" in page


def test_long_lists_are_paged(local: FlaskClient) -> None:
    first = local.get("/id/territory/markup", headers=HTML).text
    assert "Page 1 sur 3" in first and 'rel="next"' in first
    shown = [
        set(
            re.findall(
                r"Partenaire \d{3}", local.get(f"/id/territory/markup?page={n}", headers=HTML).text
            )
        )
        for n in (1, 2, 3)
    ]
    assert [len(names) for names in shown] == [50, 50, PARTNERS - 100]
    assert set.union(*shown) == {f"Partenaire {n:03d}" for n in range(PARTNERS)}
    assert f"{PARTNERS} au total" in first


def test_breadcrumb_territory_contract_axis_action(seed: FlaskClient) -> None:
    page = seed.get(ACTION, headers=HTML).text
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', page, re.S)
    assert crumbs is not None
    hrefs = re.findall(r'href="([^"]+)"', crumbs.group(0))
    assert hrefs == [
        "/id/territory/pays-vosges-saonoises",
        "/id/contract/pays-vosges-saonoises-2023-2027",
        "/id/contract/pays-vosges-saonoises-2023-2027/axis/1",
    ]
    assert 'aria-current="page"' in crumbs.group(0)


def test_link_to_the_sparql_page(seed: FlaskClient) -> None:
    page = seed.get(ACTION, headers=HTML).text
    link = re.search(r'href="(/sparql\?query=[^"]+)"', page)
    assert link is not None
    described = seed.get(link.group(1).replace("&amp;", "&"), headers=HTML)
    assert described.status_code == 200
    assert "<table>" in described.text


@pytest.mark.parametrize("media_type", ["text/html", *RDF_PARSERS])
def test_unknown_iri_is_404_in_the_negotiated_format(seed: FlaskClient, media_type: str) -> None:
    response = seed.get("/id/contract/nowhere", headers={"Accept": media_type})
    assert response.status_code == 404
    assert response.mimetype == media_type
    if media_type == "text/html":
        check_html(response.text)
    else:
        assert len(parse_rdf(response.data, media_type)) == 0


def test_unknown_iri_nothing_acceptable_is_406(seed: FlaskClient) -> None:
    assert seed.get("/id/contract/nowhere", headers={"Accept": "image/png"}).status_code == 406


def test_invalid_iri_is_404(seed: FlaskClient) -> None:
    assert seed.get("/id/a%20b%3Cc%3E", headers=HTML).status_code == 404


def test_concept_scheme_lists_its_concepts(seed: FlaskClient) -> None:
    page = seed.get("/def/type-territoire", headers=HTML).text
    check_html(page)
    assert "Concepts du schéma" in page
    assert 'href="/def/type-territoire/petr"' in page  # a narrower concept, not top


def test_contract_outline(seed: FlaskClient) -> None:
    page = seed.get("/id/contract/pays-vosges-saonoises-2023-2027", headers=HTML).text
    assert "Axes et actions" in page
    assert f'href="{ACTION}"' in page


def test_ontology_page_documents_terms_and_shapes(seed: FlaskClient) -> None:
    page = seed.get("/def", headers=HTML).text
    check_html(page)
    for anchor in ("Contract", "Territory", "territory", "hasAxis", "declaredActionCount"):
        assert f'id="{anchor}"' in page
    assert 'href="/def/shapes#ContractShape-territory"' in page
    assert "Formes SHACL" in page
    shapes = seed.get("/def/shapes", headers=HTML).text
    check_html(shapes)
    assert 'id="ContractShape-territory"' in shapes


@pytest.mark.parametrize("path", ["/def", "/def/shapes", "/def/theme", "/def/theme/sante-mentale"])
def test_vocabulary_documents_in_every_format(seed: FlaskClient, path: str) -> None:
    graphs = [parse_rdf(seed.get(path, headers={"Accept": t}).data, t) for t in RDF_PARSERS]
    assert len(graphs[0]) > 0
    assert all(len(g) == len(graphs[0]) for g in graphs)
