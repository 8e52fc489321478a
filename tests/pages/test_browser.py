"""The site as a person uses it: headless Chromium (Debian's chromium and chromium-driver)
through the landing page, a contract, a territory and the SPARQL page, with screenshots
kept in tests/artefacts/. Skipped, saying why, when Chromium or its driver is missing."""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.paths import REPO

selenium = pytest.importorskip(
    "selenium", reason="selenium is not installed (pip install selenium)"
)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from ..support.served import LiveServer  # noqa: E402

ARTEFACTS = REPO / "tests" / "artefacts"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1400",
    "--lang=fr-FR",
)
CHROMIUM = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="headless Chromium needs Debian's chromium and chromium-driver (make installs them)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile, closed after the module."""
    profile = tempfile.mkdtemp(prefix="cls-kg-chromium-")
    options = webdriver.ChromeOptions()
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def shot(driver: WebDriver, name: str) -> Path:
    """Save a screenshot of the page under tests/artefacts/."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def wait_for(driver: WebDriver, css: str) -> None:
    """Wait until an element is on the page."""
    WebDriverWait(driver, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_landing_to_contract_to_territory(browser: WebDriver, seed_server: LiveServer) -> None:
    browser.get(seed_server.url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Contrats locaux de santé")
    assert shot(browser, "landing").stat().st_size > 10_000
    browser.find_element(
        By.PARTIAL_LINK_TEXT, "Contrat Local de Santé du Pays des Vosges Saônoises 2023-2027"
    ).click()
    wait_for(browser, "table.properties")
    assert "/id/contract/pays-vosges-saonoises-2023-2027" in browser.current_url
    assert "Contrat Local de Santé du Pays des Vosges Saônoises 2023-2027" in browser.title
    assert browser.find_element(By.CSS_SELECTOR, ".section-outline")
    shot(browser, "contract")
    browser.find_element(By.CSS_SELECTOR, "nav.crumbs a").click()
    wait_for(browser, "section.inverse")
    assert browser.current_url.endswith("/id/territory/pays-vosges-saonoises")
    assert "Cité par" in browser.find_element(By.CSS_SELECTOR, "section.inverse h2").text
    shot(browser, "territory")


def test_filter_and_language_switch(browser: WebDriver, seed_server: LiveServer) -> None:
    browser.get(seed_server.url + "/")
    select = browser.find_element(By.CSS_SELECTOR, "select[name=kind]")
    select.find_element(By.CSS_SELECTOR, "option[value=commune]").click()
    unfiltered = browser.find_element(By.CSS_SELECTOR, "table.contract-list")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(unfiltered))
    wait_for(browser, "table.contract-list")
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.contract-list tbody tr")) == 2
    browser.find_element(By.LINK_TEXT, "English").click()
    wait_for(browser, "html[lang=en]")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("French local health contracts")
    browser.get(seed_server.url + "/def")  # the cookie keeps English
    wait_for(browser, "html[lang=en]")
    shot(browser, "ontology")
    browser.find_element(By.LINK_TEXT, "Français").click()
    wait_for(browser, "html[lang=fr]")


def test_sparql_page_runs_a_query(browser: WebDriver, seed_server: LiveServer) -> None:
    browser.get(seed_server.url + "/sparql")
    browser.find_element(By.CSS_SELECTOR, ".examples li a").click()
    wait_for(browser, "#query")
    browser.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
    wait_for(browser, ".results table")
    rows = browser.find_elements(By.CSS_SELECTOR, ".results tbody tr")
    assert rows
    shot(browser, "sparql")
    link = browser.find_element(By.CSS_SELECTOR, ".results tbody a[href^='/id/']")
    link.click()
    wait_for(browser, "table.properties")
    assert "/id/" in browser.current_url


EDITOR_ERROR = "SELECT *\nWHERE {\n  ?s ?p ?o .\n  FILTRE(?o)\n}\n"


def set_query(driver: WebDriver, text: str) -> None:
    """Replace the editor's text and put the cursor at its end, focused."""
    driver.execute_script(
        "const view = window.clsQueryEditor, text = arguments[0];"
        "view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text},"
        " selection: {anchor: text.length}}); view.focus();",
        text,
    )


def editor_text(driver: WebDriver) -> str:
    """The editor's text."""
    return str(driver.execute_script("return window.clsQueryEditor.state.doc.toString()"))


def folded(text: str) -> str:
    """Text as a French reader sorts it: without accents or case."""
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).casefold()


def column_texts(driver: WebDriver, index: int) -> list[str]:
    """The texts of one column of the shown results page."""
    cells = driver.find_elements(By.CSS_SELECTOR, f".results tbody tr td:nth-child({index})")
    return [cell.text for cell in cells]


def test_sparql_editor(browser: WebDriver, seed_server: LiveServer) -> None:
    """Highlighting, completion from the ontology, an error at its line, an example run
    through fetch, sorting by keyboard, Escape leaving the editor, nothing from elsewhere."""
    wait = WebDriverWait(browser, 20)
    browser.get(seed_server.url + "/sparql")
    wait_for(browser, ".cm-editor .cm-content")
    assert not browser.find_element(By.ID, "query").is_displayed()  # replaced, still in the form
    assert browser.find_elements(By.CSS_SELECTOR, ".cm-content .tok-keyword")  # highlighted
    content = browser.find_element(By.CSS_SELECTOR, ".cm-content")
    assert content.get_attribute("aria-labelledby") == "query-label"

    set_query(browser, "SELECT ?c WHERE {\n  ?c a ")
    browser.switch_to.active_element.send_keys("cls:Contr")
    popup = wait.until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, ".cm-tooltip-autocomplete")
        )
    )
    assert "cls:Contract" in popup.text
    shot(browser, "sparql-editor-completion")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait.until(
        lambda driver: "PREFIX cls: <https://w3id.org/cls-sante/def#>" in editor_text(driver)
    )
    assert "?c a cls:Contract" in editor_text(browser)
    set_query(browser, "PREFIX ")
    browser.switch_to.active_element.send_keys("them")
    wait_for(browser, ".cm-tooltip-autocomplete")
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # a declaration, from the vocabularies
    wait.until(lambda driver: "theme: <" in editor_text(driver))
    assert editor_text(browser) == "PREFIX theme: <https://w3id.org/cls-sante/def/theme/>"

    set_query(browser, EDITOR_ERROR)
    browser.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)
    wait_for(browser, "#outcome .error")
    wait_for(browser, ".cm-lintRange-error")
    lines = browser.find_elements(By.CSS_SELECTOR, ".cm-content .cm-line")
    marked = [
        n
        for n, line in enumerate(lines, 1)
        if line.find_elements(By.CLASS_NAME, "cm-lintRange-error")
    ]
    assert marked == [4]
    assert browser.find_elements(By.CSS_SELECTOR, ".cm-gutter-lint .cm-lint-marker-error")
    shot(browser, "sparql-editor-error")

    example = browser.find_element(
        By.CSS_SELECTOR, ".examples a[data-example='02-contracts-by-territory']"
    )
    example.click()
    wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".results tbody tr"))
    assert (
        "/sparql" in browser.current_url
        and "example=02-contracts-by-territory" in browser.current_url
    )
    assert not browser.find_elements(By.CSS_SELECTOR, ".cm-lintRange-error")
    assert "Contract" in editor_text(browser)
    sorter = browser.find_element(By.CSS_SELECTOR, ".results th:first-child button.sort")
    sorter.send_keys(Keys.ENTER)  # the keyboard sorts
    header = browser.find_element(By.CSS_SELECTOR, ".results th:first-child")
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = column_texts(browser, 1)
    sorter.send_keys(Keys.ENTER)
    assert header.get_attribute("aria-sort") == "descending"
    descending = column_texts(browser, 1)
    assert len(ascending) > 1 and ascending != descending
    assert sorted(ascending, key=folded) == ascending
    assert sorted(descending, key=folded, reverse=True) == descending
    browser.execute_script("window.scrollTo(0, 0)")
    shot(browser, "sparql-editor")

    set_query(browser, "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)  # leaves the editor
    assert browser.switch_to.active_element.get_attribute("type") == "submit"
    set_query(browser, "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    browser.switch_to.active_element.send_keys(Keys.TAB)  # Tab leaves it too, indenting nothing
    assert "cm-content" not in (browser.switch_to.active_element.get_attribute("class") or "")
    assert editor_text(browser) == "SELECT * WHERE { ?s ?p ?o } LIMIT 3"

    sources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href])"
    )
    assert sources and all(url.startswith(seed_server.url + "/") for url in sources)


def test_sparql_editor_pages_results_and_speaks_english(
    browser: WebDriver, seed_server: LiveServer
) -> None:
    """Past 50 rows the results come in pages; ?lang=en gives the editor's texts in English,
    and the page still reads on a phone's width."""
    browser.get(seed_server.url + "/sparql?lang=en")
    wait_for(browser, ".cm-editor .cm-content")
    assert browser.find_element(By.ID, "query-keys").text.startswith("Ctrl+Enter runs")
    set_query(browser, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 120")
    browser.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)
    wait_for(browser, ".results nav.pager")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".results tbody tr")) == 50
    pager = browser.find_element(By.CSS_SELECTOR, ".results nav.pager")
    assert "Page 1 of 3" in pager.text
    pager.find_element(By.XPATH, ".//button[text()='Next page']").click()
    assert "Page 2 of 3" in pager.text
    browser.find_element(By.CSS_SELECTOR, ".results th:nth-child(2) button.sort").click()
    assert "Page 1 of 3" in pager.text  # a new order starts on its first page
    browser.set_window_size(400, 900)
    try:
        browser.execute_script("window.scrollTo(0, 0)")
        shot(browser, "sparql-editor-phone")
        widths = browser.execute_script(
            "const root = document.documentElement; return [root.scrollWidth, root.clientWidth]"
        )
        assert widths[0] <= widths[1]  # nothing wider than the screen
    finally:
        browser.set_window_size(1280, 1400)
