"""What the accessibility and page-kind browser tests share: one page of each kind of the
seed build, and a headless Chromium (Debian's chromium and chromium-driver) to open them."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from ..support.paths import REPO
from .test_browser import CHROMIUM, DRIVER, FLAGS

CONTRACT = "/id/contract/pays-vosges-saonoises-2023-2027"
RUN_QUERY = (REPO / "server" / "sparql" / "examples" / "02-contracts-by-territory.rq").read_text()

# kind -> (path on the seed build, an element the page has once ready)
PAGES: dict[str, tuple[str, str]] = {
    "landing": ("/", "section.contracts table"),
    "territory": ("/id/territory/pays-vosges-saonoises", "section.inverse"),
    "contract": (CONTRACT, "table.properties"),
    "axis": (CONTRACT + "/axis/1", "table.properties"),
    "action": (CONTRACT + "/axis/1/action/1", "table.properties"),
    "organisation": ("/id/organisation/ccas-besancon", "table.properties"),
    "search": ("/recherche?q=" + quote("santé mentale"), ".search-hits"),
    "sparql": ("/sparql?query=" + quote(RUN_QUERY), ".results tbody tr"),
    "ontology": ("/def", ".toc"),
    "shapes": ("/def/shapes", ".toc"),
    "scheme": ("/def/theme", "table.properties"),
    "downloads": ("/donnees", "table.downloads"),
    "catalog": ("/catalog", "table.properties"),
    "history": ("/history", "h1"),
    "not-found": ("/id/contract/nowhere", "h1"),
    "landing-en": ("/?lang=en", "section.contracts table"),
    "contract-en": (CONTRACT + "?lang=en", "table.properties"),
}


@contextmanager
def chromium(width: int = 1280, height: int = 1400) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile and its performance log, closed at the end."""
    profile = tempfile.mkdtemp(prefix="cls-kg-chromium-")
    options = webdriver.ChromeOptions()
    flags = [flag for flag in FLAGS if not flag.startswith("--window-size")]
    for flag in (*flags, f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver: WebDriver, base: str, kind: str) -> None:
    """Open the page of this kind, in French unless it says otherwise, and wait until it is
    ready."""
    path, ready = PAGES[kind]
    if driver.current_url.startswith(base):
        driver.delete_all_cookies()  # no language kept from an earlier page
    driver.get(base + path)
    WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ready))
    )
