"""Each kind of page in headless Chromium on a served seed build (landing, territory, contract,
axis, action, search, SPARQL with a query run in the editor, ontology): what it must show,
a screenshot in tests/artefacts/page-<kind>.png, and nothing loaded from another host
(every request in Chromium's performance log and every Resource Timing entry is on the
served instance). Skipped, saying why, when Chromium or its driver is missing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

selenium = pytest.importorskip(
    "selenium", reason="selenium is not installed (pip install selenium)"
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from ..support.served import LiveServer  # noqa: E402
from .browsing import chromium, open_page  # noqa: E402
from .test_browser import CHROMIUM, DRIVER, shot  # noqa: E402

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="headless Chromium needs Debian's chromium and chromium-driver (make installs them)",
)

# kind -> CSS selectors of what the page must show
SHOWS: dict[str, tuple[str, ...]] = {
    "landing": (
        "svg.map-svg path",
        "figure.chart svg.chart-svg rect",
        "table.contract-list tbody tr",
        ".counts li",
    ),
    "territory": (".section-chart svg.chart-svg rect", "section.inverse li a", "table.properties"),
    "contract": ("table.properties tbody tr", ".section-outline li", "nav.crumbs a"),
    "axis": ("table.properties tbody tr", "nav.crumbs a"),
    "action": ("table.properties tbody tr", "nav.crumbs a"),
    "search": ("#group-contract", ".search-hits li a", "select[name=region]"),
    "sparql": (".cm-editor .tok-keyword", ".results th button.sort", ".results tbody td a"),
    "ontology": (".toc a", "section.term h3 code"),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module, with its performance log."""
    with chromium() as driver:
        yield driver


def requested(driver: WebDriver, base: str) -> list[str]:
    """Every URL asked for since the last call by a page of the server (Chromium's
    performance log; the browser's own pages, chrome://, are not the site's)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message["params"]
        if message["method"] == "Network.requestWillBeSent" and params.get(
            "documentURL", ""
        ).startswith(base + "/"):
            urls.append(params["request"]["url"])
    return urls


def timed(driver: WebDriver) -> list[str]:
    """The page and every resource it loaded (Resource Timing)."""
    found = driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
    )
    assert isinstance(found, list)
    return [str(url) for url in found]


def run_in_editor(driver: WebDriver, base: str) -> None:
    """Open the SPARQL page, pick an example and run it with the Run button."""
    driver.get(base + "/sparql")
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".cm-editor .cm-content")
    )
    driver.find_element(
        By.CSS_SELECTOR, ".examples a[data-example='02-contracts-by-territory']"
    ).click()
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".results tbody tr"))
    driver.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
    WebDriverWait(driver, 30).until(
        lambda d: (
            "11" in d.find_element(By.ID, "run-status").text
            or d.find_elements(By.CSS_SELECTOR, "#outcome .error")
        )
    )
    assert not driver.find_elements(By.CSS_SELECTOR, "#outcome .error")
    driver.execute_script("window.scrollTo(0, 0)")


@pytest.mark.parametrize("kind", list(SHOWS))
def test_page_kind(browser: WebDriver, seed_server: LiveServer, kind: str) -> None:
    requested(browser, seed_server.url)  # forget what earlier pages asked for
    if kind == "sparql":
        run_in_editor(browser, seed_server.url)
    else:
        open_page(browser, seed_server.url, kind)
    heading = browser.find_element(By.TAG_NAME, "h1")
    assert heading.is_displayed() and heading.text.strip()
    for css in SHOWS[kind]:
        assert browser.find_elements(By.CSS_SELECTOR, css), f"{kind} shows no {css}"
    assert shot(browser, f"page-{kind}").stat().st_size > 20_000
    asked, loaded = requested(browser, seed_server.url), timed(browser)
    assert asked and loaded
    local = seed_server.url + "/"
    elsewhere = [url for url in (*asked, *loaded) if not url.startswith((local, "data:"))]
    assert not elsewhere, f"{kind} loads from another host: {elsewhere}"


def test_a_request_elsewhere_is_seen(browser: WebDriver, seed_server: LiveServer) -> None:
    """The check above can fail: an image asked from another host (TEST-NET-3, never
    answered) is in the performance log, as the page's request."""
    open_page(browser, seed_server.url, "ontology")
    requested(browser, seed_server.url)
    browser.execute_script(
        "const img = new Image(); img.src = arguments[0]; document.body.append(img);",
        "http://203.0.113.7/pixel.png",
    )
    seen: list[str] = []
    WebDriverWait(browser, 10).until(
        lambda d: seen.extend(requested(d, seed_server.url)) or "203.0.113.7" in str(seen)
    )
    assert "http://203.0.113.7/pixel.png" in seen
