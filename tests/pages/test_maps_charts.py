"""Maps and charts as a person sees them (headless Chromium on the seed build served as
deployed, ``cls-kg serve``'s gunicorn; screenshots landing.png, territory.png, contract.png in
tests/artefacts/), and the SVG builders checked without a browser: well-formed XML, one path
per département, legend, tables = queries."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from cls_kg.graph.store import Store
from cls_kg.server.pages import maps
from cls_kg.server.pages.describe import fill

from ..support.pages import HTML
from ..support.served import LiveServer
from .test_browser import CHROMIUM, DRIVER, By, WebDriver, browser, shot, wait_for

__all__ = ["browser"]

SVG = "{http://www.w3.org/2000/svg}"
TERRITORY = "/id/territory/besancon"
CONTRACT = "/id/contract/besancon-2016-2018"


def figures(html: str) -> dict[str, ET.Element]:
    """Every inline SVG of a page, parsed as XML (it must be well formed), by figure id."""
    found = {}
    for key, svg in re.findall(r'<figure class="\w+" id="([\w-]+)">\s*(<svg.*?</svg>)', html, re.S):
        found[key] = ET.fromstring(svg)
    return found


def sparql_of(html: str, key: str) -> str:
    """The query linked under the figure ``key``."""
    start = html.index(f'id="{key}"')
    link = re.search(r'href="([^"]*/sparql\?query=[^"]*)"', html[start:])
    assert link is not None
    query = link.group(1).replace("&amp;", "&")
    return parse_qs(urlsplit(query).query)["query"][0]


def test_national_map_has_every_departement(seed: FlaskClient, seed_store: Store) -> None:
    html = seed.get("/?annee=2017", headers=HTML).get_data(as_text=True)
    svg = figures(html)["map-france"]
    paths = svg.findall(f".//{SVG}path")
    names = {p.findtext(f"{SVG}title", "").split(" :")[0] for p in paths}
    assert len(paths) >= 101 and {"Doubs", "Haute-Saône", "La Réunion", "Guyane"} <= names
    assert len(svg.findall(f"{SVG}rect")) == len(maps.INSETS)  # the overseas insets
    for _, css in maps.CLASSES:
        assert f'<rect class="{css}"' in html  # the legend
    # The table: the share of each département from the derived coverage figures.
    doubs = re.search(r'>Doubs</a></td><td class="number">([\d,]+)</td>', html)
    rows = seed_store.select(
        "SELECT ?share WHERE { <https://w3id.org/cls-sante/id/coverage/departement-25-2017> "
        "<https://w3id.org/cls-sante/def#coveredShare> ?share }"
    )
    assert doubs is not None and rows
    assert doubs.group(1) == f"{float(str(rows[0]['share'])):.1f}".replace(".", ",")
    assert float(str(rows[0]["share"])) > 0
    coloured = [p.get("class") for p in paths if p.findtext(f"{SVG}title", "").startswith("Doubs")]
    assert coloured == [maps.share_class(float(str(rows[0]["share"])))] != ["share-0"]


def test_year_changes_the_map(seed: FlaskClient) -> None:
    html_2017 = seed.get("/?annee=2017", headers=HTML).get_data(as_text=True)
    html_2011 = seed.get("/?annee=2011", headers=HTML).get_data(as_text=True)
    assert "en 2017" in html_2017 and "en 2011" in html_2011
    assert figures(html_2017)["map-france"] is not None
    html_2010 = seed.get("/?annee=2010", headers=HTML).get_data(as_text=True)
    charts = html_2010[html_2010.index('id="charts"') :]
    assert "chart-themes" not in charts and "Aucun contrat ne correspond." in charts  # none yet
    wrong = seed.get("/?annee=1800", headers=HTML).get_data(as_text=True)
    assert f"en {maps.chosen_year(None)}" in wrong


def test_charts_tables_match_their_queries(seed: FlaskClient, seed_store: Store) -> None:
    html = seed.get("/?annee=2017", headers=HTML).get_data(as_text=True)
    svgs = figures(html)
    assert {"chart-years", "chart-themes"} <= set(svgs)
    query = sparql_of(html, "chart-years")
    assert query == fill("chart-contracts-per-year")
    total = sum(int(str(r["contracts"])) for r in seed_store.select(query))
    bars = svgs["chart-years"].findall(f".//{SVG}rect")
    counts = [
        int(re.search(r"(\d+) contrat", b.findtext(f"{SVG}title", "")).group(1)) for b in bars
    ]  # type: ignore[union-attr]
    assert sum(counts) == total > 0
    themes = seed_store.select(sparql_of(html, "chart-themes"))
    assert len(svgs["chart-themes"].findall(f".//{SVG}rect")) == len(themes) > 0


def test_territory_and_contract_pages_have_their_map(seed: FlaskClient) -> None:
    html = seed.get(TERRITORY, headers=HTML).get_data(as_text=True)
    svgs = figures(html)
    territory = svgs["map-territory"].findall(f".//{SVG}path[@class='layer-territory']")
    assert len(territory) == 1
    assert len(svgs["map-territory"].findall(f".//{SVG}path[@class='layer-commune']")) >= 1
    timeline = svgs["chart-timeline"].findall(f".//{SVG}a")
    assert len(timeline) == 2 and all(
        "/id/contract/besancon-" in a.get("href", "") for a in timeline
    )
    assert "/dumps/territories.geojson" in html
    contract = figures(seed.get(CONTRACT, headers=HTML).get_data(as_text=True))
    assert contract["map-territory"].findall(f".//{SVG}path[@class='layer-territory']")
    assert seed.get("/dumps/territories.geojson").status_code == 200


def test_geojson_download_over_http(served: LiveServer) -> None:
    status, headers, body = served.request("GET", "/dumps/departements.geojson")
    features = json.loads(body)["features"]
    assert status == 200 and len(features) >= 101
    assert headers["Content-Type"] == "application/geo+json"
    assert {"iri", "code", "label"} <= set(features[0]["properties"])


def local_only(driver: WebDriver, origin: str) -> None:
    """No resource of the page came from another host."""
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href])"
    )
    assert all(name.startswith(origin) for name in names), names


@pytest.mark.skipif(CHROMIUM is None or DRIVER is None, reason="no headless Chromium")
def test_pages_in_a_browser(browser: WebDriver, served: LiveServer) -> None:
    origin = served.url
    browser.get(f"{origin}/?annee=2017")
    wait_for(browser, "#map-france path")
    assert browser.find_element(By.ID, "map-france").size["width"] > 300
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-years rect")
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-themes rect")
    local_only(browser, origin)
    browser.execute_script("document.getElementById('coverage').scrollIntoView()")
    shot(browser, "landing")
    browser.get(f"{origin}{TERRITORY}")
    wait_for(browser, "#map-territory path.layer-territory")
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-timeline a rect")
    local_only(browser, origin)
    browser.execute_script("document.querySelector('.section-chart').scrollIntoView()")
    shot(browser, "territory")
    browser.get(f"{origin}{CONTRACT}")
    wait_for(browser, "#map-territory path.layer-territory")
    local_only(browser, origin)
    browser.execute_script("document.querySelector('.section-map').scrollIntoView()")
    shot(browser, "contract")


def test_share_classes_and_paths() -> None:
    assert [maps.share_class(v) for v in (0.0, 0.04, 0.1, 25.0, 49.9, 50.0, 100.0)] == [
        "share-0",
        "share-0",
        "share-1",
        "share-2",
        "share-2",
        "share-3",
        "share-4",
    ]
    project = maps.projector((0.0, 0.0, 2.0, 1.0), (0.0, 0.0, 200.0, 200.0))
    # Centred, to scale: two degrees across (near the equator) fill the width, one degree high.
    assert project((0.0, 1.0)) == pytest.approx((0.0, 50.0), abs=0.01)
    assert project((2.0, 0.0)) == pytest.approx((200.0, 150.0), abs=0.01)
    ring = [(0.0, 0.0), (0.001, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    assert maps.ring_path(ring, project) == "M0 150l100 0 0 -100 -100 100Z"  # a repeat dropped
    assert maps.ring_path([(0.0, 0.0), (0.001, 0.001), (0.0, 0.0)], project) == ""
    assert maps.chosen_year("2015") == 2015
    assert maps.chosen_year("1999") == maps.chosen_year("x") == maps.chosen_year(None)
