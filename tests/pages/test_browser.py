"""The site as a person uses it: headless Chromium (Debian's chromium and chromium-driver)
through the landing page, a contract, a territory and the SPARQL page, with screenshots
kept in tests/artefacts/. Skipped, saying why, when Chromium or its driver is missing."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO

selenium = pytest.importorskip(
    "selenium", reason="selenium is not installed (pip install selenium)"
)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from ..server.conftest import LiveServer  # noqa: E402

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
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
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
