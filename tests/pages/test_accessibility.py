"""Accessibility as a person meets it, in headless Chromium on a served seed build: axe-core
(vendored in tests/vendor/axe-core, never served) finds no serious or critical violation of
WCAG 2.1 A/AA on any kind of page; the keyboard reaches the main content, the search box and
the language switch, with a visible focus; on a phone's width no page is wider than the
screen (screenshots tests/artefacts/phone-<kind>.png). Skipped, saying why, when Chromium
or its driver is missing."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.paths import REPO

selenium = pytest.importorskip(
    "selenium", reason="selenium is not installed (pip install selenium)"
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from ..support.served import LiveServer  # noqa: E402
from .browsing import PAGES, chromium, open_page  # noqa: E402
from .test_browser import ARTEFACTS, CHROMIUM, DRIVER, shot  # noqa: E402

AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="headless Chromium needs Debian's chromium and chromium-driver (make installs them)",
)
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
  .then(result => done(result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => n.target.join(" ") + " | " + (n.failureSummary || "")),
  }))), error => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module."""
    with chromium() as driver:
        driver.set_script_timeout(180)
        yield driver


def violations(driver: WebDriver) -> list[dict[str, object]]:
    """The WCAG 2.1 A/AA violations axe-core finds on the open page."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(RUN_AXE, list(WCAG))
    assert isinstance(found, list)
    return found


def listed(found: list[dict[str, object]]) -> str:
    """The violations, one rule a line with its first elements."""
    lines = []
    for v in found:
        nodes = v["nodes"]
        assert isinstance(nodes, list)
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(nodes)} element(s))")
        lines.extend(f"    {node}" for node in nodes[:4])
    return "\n".join(lines)


@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_serious_violation(
    browser: WebDriver, seed_server: LiveServer, kind: str
) -> None:
    open_page(browser, seed_server.url, kind)
    found = violations(browser)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"axe-{kind}.json").write_text(
        json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    blocking = [v for v in found if v["impact"] in BLOCKING]
    others = [v for v in found if v["impact"] not in BLOCKING]
    print(f"\naxe-core on {kind} ({PAGES[kind][0]}): {len(others)} moderate/minor rule(s)")
    print(listed(others))
    assert not blocking, f"axe-core on {kind}:\n" + listed(blocking)


def focused(driver: WebDriver) -> WebElement:
    """The element that has the keyboard focus."""
    return driver.switch_to.active_element


def outline_of(driver: WebDriver, element: WebElement) -> str:
    """How the focus shows on an element: its computed outline or box shadow."""
    return str(
        driver.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return s.outlineStyle === 'none' || s.outlineWidth === '0px'"
            " ? s.boxShadow : s.outlineStyle + ' ' + s.outlineWidth;",
            element,
        )
    )


def tab_until(driver: WebDriver, match: str, limit: int = 20) -> WebElement:
    """Press Tab until the focused element matches a CSS selector, each stop visibly focused."""
    for _ in range(limit):
        focused(driver).send_keys(Keys.TAB)
        element = focused(driver)
        assert outline_of(driver, element) not in ("", "none"), element.get_attribute("outerHTML")
        if driver.execute_script("return arguments[0].matches(arguments[1])", element, match):
            return element
    raise AssertionError(f"{limit} presses of Tab never reach {match}")


def test_keyboard_skip_link_search_box_and_language(
    browser: WebDriver, seed_server: LiveServer
) -> None:
    """The first Tab shows the skip link, Enter on it moves to the main content; Tab reaches
    the search box and the language switch; Enter on a focused link follows it."""
    open_page(browser, seed_server.url, "contract")
    skip = tab_until(browser, "a.skip-link", limit=1)
    assert skip.is_displayed() and skip.size["height"] > 10  # visible once focused
    assert skip.get_attribute("href").endswith("#main")
    shot(browser, "keyboard-skip-link")
    skip.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: focused(d).get_attribute("id") == "main")
    link = tab_until(browser, "main a")
    assert browser.execute_script(
        "return document.getElementById('main').contains(arguments[0])", link
    )

    open_page(browser, seed_server.url, "contract")
    tab_until(browser, "header nav a")
    shot(browser, "keyboard-focus")
    box = tab_until(browser, "input#header-q")
    box.send_keys("santé mentale", Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: "/recherche" in d.current_url)
    assert browser.find_elements(By.CSS_SELECTOR, ".search-hits li a")

    switch = tab_until(browser, "header a[hreflang]", limit=30)
    switch.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    )
    tab_until(browser, "header a[hreflang]", limit=30).send_keys(Keys.ENTER)  # back to French
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    )


def page_shot(driver: WebDriver, name: str, longest: int = 4000) -> Path:
    """Save the whole page (up to a length) as a phone screenshot under tests/artefacts/."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {**PHONE, "height": min(height, longest)}
    )
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(png["data"]))
    return path


@pytest.mark.parametrize("kind", list(PAGES))
def test_phone_width(browser: WebDriver, seed_server: LiveServer, kind: str) -> None:
    """At 390 px (a phone, honouring the viewport meta) no page is wider than the screen."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        open_page(browser, seed_server.url, kind)
        width, viewport = browser.execute_script(
            "const root = document.documentElement; return [root.scrollWidth, root.clientWidth]"
        )
        page_shot(browser, f"phone-{kind}")
        assert viewport == PHONE["width"], "the viewport meta is not honoured"
        wide = browser.execute_script(
            "const edge = document.documentElement.clientWidth + 1;"
            "const wide = e => e.getBoundingClientRect().right > edge;"
            "const scrolled = e => e && (getComputedStyle(e).overflowX !== 'visible'"
            " || scrolled(e.parentElement));"
            "return [...document.querySelectorAll('body, body *')]"
            ".filter(e => wide(e) && !wide(e.parentElement) && !scrolled(e.parentElement))"
            ".slice(0, 5).map(e => e.outerHTML.slice(0, 120))"
        )
        assert width <= viewport, f"{kind} is {width} px wide on a {viewport} px screen: {wide}"
        blocking = [v for v in violations(browser) if v["impact"] in BLOCKING]
        assert not blocking, f"axe-core on {kind} at {viewport} px:\n" + listed(blocking)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
