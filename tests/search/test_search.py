"""The search page and its JSON on the seed build, and a national sample for the actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from cls_kg.graph.datadir import current_version
from cls_kg.graph.search import FILE, FOLDER
from cls_kg.graph.search.reader import GROUP_SIZE, PAGE_SIZE, Index, Query

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
KINDS = ("contract", "axis", "action", "territory", "organisation")
FILTERS = ("region", "departement", "theme", "status", "year")


def search(client: FlaskClient, **params: str) -> dict[str, Any]:
    """The JSON answer to a search."""
    response = client.get("/recherche", query_string={**params, "format": "json"})
    assert response.status_code == 200, response.data
    assert response.content_type == "application/json; charset=utf-8"
    found: dict[str, Any] = response.get_json()
    return found


def labels(found: dict[str, Any], kind: str) -> list[str]:
    """The labels of the hits of one kind."""
    group = next((g for g in found["groups"] if g["kind"] == kind), {"results": []})
    return [hit["label"] for hit in group["results"]]


def test_mental_health_lists_contracts_and_their_axis(seed_client: FlaskClient) -> None:
    """'santé mentale' finds the contracts of that theme and the axis named after it."""
    found = search(seed_client, q="santé mentale")
    assert found["kinds"]["contract"] == 3
    assert "Contrat Local de Santé de Besançon 2016-2018" in labels(found, "contract")
    assert labels(found, "axis") == ["Promouvoir la Santé Mentale et améliorer la prise en charge"]


def test_mental_health_lists_actions(sample_client: FlaskClient) -> None:
    """On a national sample, actions of the theme are found too (the seed has none)."""
    found = search(sample_client, q="Santé mentale")
    assert found["kinds"]["contract"] > 0 and found["kinds"]["action"] > 0
    actions = next(g for g in found["groups"] if g["kind"] == "action")
    assert len(actions["results"]) == min(GROUP_SIZE, actions["count"])
    assert all("santé mentale" in hit["label"] for hit in actions["results"])


def test_theme_alternative_labels_and_forms(seed_client: FlaskClient) -> None:
    """A theme's alternative label, and other forms of the words, find the same."""
    reference = search(seed_client, q="santé mentale")["kinds"]
    assert search(seed_client, q="SANTES MENTALES")["kinds"] == reference
    assert search(seed_client, q="souffrance psychique")["kinds"]["contract"] == 3


def test_json_shape(seed_client: FlaskClient) -> None:
    """The documented shape: every key, every hit with a link to its page."""
    found = search(seed_client, q="Vosges")
    assert set(found) == {
        "query", "terms", "filters", "kind", "lang", "total", "kinds", "groups", "facets"
    }  # fmt: skip
    assert found["query"] == "Vosges" and found["terms"] == ["vosg"] and found["lang"] == "fr"
    assert set(found["kinds"]) == set(KINDS) and set(found["facets"]) == set(FILTERS)
    assert found["total"] == sum(found["kinds"].values())
    for group in found["groups"]:
        assert set(group) == {"kind", "label", "count", "page", "pages", "results"}
        for hit in group["results"]:
            assert set(hit) == {"iri", "url", "label", "context", "score"}
            assert hit["url"].startswith("/id/") and hit["iri"].endswith(hit["url"])
    for values in found["facets"].values():
        for value in values:
            assert set(value) == {"value", "label", "count", "selected"} and value["count"] > 0


def test_every_hit_leads_to_its_page(seed_client: FlaskClient) -> None:
    """Each result's link is a page of this server."""
    found = search(seed_client, q="santé")
    urls = [hit["url"] for group in found["groups"] for hit in group["results"]]
    assert urls
    for url in urls:
        assert seed_client.get(url, headers=HTML).status_code == 200, url


def test_ranking_puts_the_title_first(seed_client: FlaskClient, sample_client: FlaskClient) -> None:
    """Hits are scored and in score order; the words in a label rank above the same words
    in a theme only."""
    found = search(seed_client, q="santé mentale", kind="contract")
    scores = [hit["score"] for hit in found["groups"][0]["results"]]
    assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)
    named = search(seed_client, q="Vosges Saônoises")
    assert labels(named, "territory")[0] == "Pays des Vosges Saônoises"
    contracts = labels(named, "contract")
    assert contracts and all("Vosges Saônoises" in label for label in contracts)
    axes = search(sample_client, q="santé mentale", kind="axis")["groups"][0]
    first, last = axes["results"][0], search_last_page(sample_client, axes)
    assert "santé mentale" in first["label"] and "santé mentale" not in last["label"]
    assert first["score"] > last["score"]


def search_last_page(client: FlaskClient, group: dict[str, Any]) -> dict[str, Any]:
    """The last hit of the last page of a group."""
    found = search(client, q="santé mentale", kind=group["kind"], page=str(group["pages"]))
    last: dict[str, Any] = found["groups"][0]["results"][-1]
    return last


def test_facets_filter_and_count(seed_client: FlaskClient) -> None:
    """A région filter keeps its results only; counts follow."""
    everything = search(seed_client, q="santé mentale")
    regions = {v["value"]: v["count"] for v in everything["facets"]["region"]}
    assert regions == {"27": 1, "53": 3}
    brittany = search(seed_client, q="santé mentale", region="53")
    assert brittany["total"] == 3 and brittany["filters"] == {"region": "53"}
    assert [v["selected"] for v in brittany["facets"]["region"]] == [True]
    assert all("Bretagne" in hit["context"] for hit in brittany["groups"][0]["results"])


def test_filters_alone_and_year_in_force(seed_client: FlaskClient) -> None:
    """Without words, the filters select; a year keeps the contracts in force that year."""
    found = search(seed_client, theme="sante-mentale", year="2014", kind="contract")
    assert labels(found, "contract") == [
        "Premier Contrat Local de Santé du Pays du Centre Ouest Bretagne (2012-2016)"
    ]
    assert search(seed_client, status="signe", kind="contract")["kinds"]["contract"] > 0


def test_kind_and_paging(sample_client: FlaskClient) -> None:
    """One kind: pages of PAGE_SIZE, the page number bounded."""
    first = search(sample_client, q="santé", kind="action")
    (group,) = first["groups"]
    assert group["pages"] == -(-group["count"] // PAGE_SIZE) and group["pages"] > 1
    assert len(group["results"]) == PAGE_SIZE
    second = search(sample_client, q="santé", kind="action", page="2")["groups"][0]
    assert not {h["iri"] for h in second["results"]} & {h["iri"] for h in group["results"]}
    html = sample_client.get("/recherche?q=sant%C3%A9&kind=action&page=2", headers=HTML)
    assert f'<ol class="search-hits" start="{PAGE_SIZE + 1}">' in html.get_data(as_text=True)
    last = search(sample_client, q="santé", kind="action", page="999")["groups"][0]
    assert last["page"] == group["pages"]


def test_nothing_found_and_odd_input(seed_client: FlaskClient) -> None:
    """No match, stop words only, unknown filters: a clean empty answer."""
    assert search(seed_client, q="xyzzy")["total"] == 0
    assert search(seed_client, q="de la et")["terms"] == []
    assert search(seed_client, q='"*) OR NEAR(')["total"] == 0
    assert search(seed_client, q="santé", region="99999")["total"] == 0
    assert len(search(seed_client, q="santé " * 1000)["query"]) == 500


def test_html_page_french_and_english(seed_client: FlaskClient) -> None:
    """The page: French by default, English with ?lang=en; /search is the same page."""
    page = seed_client.get("/recherche?q=sant%C3%A9+mentale", headers=HTML)
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    text = page.get_data(as_text=True)
    assert 'lang="fr"' in text and "Contrats" in text and "/id/contract/besancon-2016-2018" in text
    english = seed_client.get("/search?q=sant%C3%A9+mentale&lang=en", headers=HTML)
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Contracts" in english.get_data(as_text=True)
    accepted = seed_client.get("/search?q=x", headers={"Accept": "application/json"})
    assert accepted.content_type.startswith("application/json")


def test_header_has_a_search_box(seed_client: FlaskClient) -> None:
    """Every page's header has the search box."""
    text = seed_client.get("/", headers=HTML).get_data(as_text=True)
    assert 'role="search"' in text and 'action="/recherche"' in text


def test_index_of_the_version(built_data_dir: Path) -> None:
    """The build wrote the index into the version folder; it reads without the server."""
    path = current_version(built_data_dir) / FOLDER / FILE
    index = Index(path)
    with index.connect() as db:
        found = index.search(db, Query("Besançon"))
    assert found.kinds["territory"] == 1 and found.kinds["contract"] >= 1


def test_missing_index_is_a_503(tmp_path: Path, built_data_dir: Path) -> None:
    """A version without an index (built before search existed) answers 503, not 500."""
    from cls_kg.server import create_app

    version = current_version(built_data_dir)
    copy = tmp_path / "versions" / version.name
    copy.mkdir(parents=True)
    (copy / "manifest.json").write_bytes((version / "manifest.json").read_bytes())
    (tmp_path / "current").symlink_to(Path("versions") / version.name)
    client = create_app({"DATA_DIR": tmp_path, "RATE_LIMIT": 0}).test_client()
    assert client.get("/recherche?q=x&format=json").status_code == 503


@pytest.mark.parametrize("path", ["/recherche", "/search"])
def test_empty_search_shows_the_form(seed_client: FlaskClient, path: str) -> None:
    """No words, no filter: the form, no results section."""
    text = seed_client.get(path, headers=HTML).get_data(as_text=True)
    assert 'id="search-q"' in text and "search-group" not in text
