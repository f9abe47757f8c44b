"""Browser tests: one headless Debian Chromium per session, a phone-sized page per test.

Nothing is downloaded: Playwright drives /usr/bin/chromium, and the tests skip when it
is missing. Screenshots of the key pages land in test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the
# tests make (fixtures, counts) would otherwise raise SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.conftest import PASSWORD  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE_WIDTH = 360
PHONE = {
    "viewport": {"width": PHONE_WIDTH, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000
ASSET_TYPES = {"stylesheet", "script", "image", "font"}


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed; the browser tests need Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    sync_playwright = sync_api.sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_phone(chromium):
    """Open a fresh phone context (no cookies); several in one test are closed at the end."""
    contexts = []

    def open_page():
        context = chromium.new_context(**PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.broken_assets = []

        def note_broken(response):
            if response.status >= 400 and response.request.resource_type in ASSET_TYPES:
                page.broken_assets.append(f"{response.status} {path_of_url(response.url)}")

        page.on("response", note_broken)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_phone):
    """A 360x740 phone page (2x, mobile, zh-CN) in its own browser context."""
    return new_phone()


def url(live_server, path: str) -> str:
    return f"{live_server.url}{path}"


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait for the page that follows."""
    page.goto(url(live_server, "/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert_assets_loaded(page)


def logout(page) -> None:
    with page.expect_navigation():
        page.click("form[action='/logout/'] button[type=submit]")


def path_of_url(address: str) -> str:
    return re.sub(r"^https?://[^/]+", "", address)


def path_of(page) -> str:
    return path_of_url(page.url)


def html_lang(page) -> str:
    return page.get_attribute("html", "lang") or ""


def assert_fits_phone(page) -> None:
    """Nothing may push the page wider than the phone's 360 px."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, (
        f"{path_of(page)} is {scroll_width}px wide on a {PHONE_WIDTH}px phone; "
        f"widest elements: {widest_elements(page)}"
    )


def widest_elements(page) -> list[str]:
    return page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 0.5)
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                 + (e.className && typeof e.className === 'string' ? '.' + e.className : '')
                 + ' right=' + Math.round(e.getBoundingClientRect().right))""",
        PHONE_WIDTH,
    )


def assert_tappable(page, selector: str, min_height: int = 40) -> None:
    """Buttons a thumb has to hit are visible, inside the screen and tall enough."""
    for handle in page.query_selector_all(selector):
        if not handle.is_visible():
            continue
        box = handle.bounding_box()
        assert box is not None
        html = handle.evaluate("e => e.outerHTML.slice(0, 200)")
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH + 0.5, (
            f"{html} sticks out of the screen on {path_of(page)}: {box}"
        )
        assert box["height"] >= min_height, (
            f"{html} is only {box['height']:.0f}px tall on {path_of(page)}"
        )


def assert_assets_loaded(page) -> None:
    """The stylesheet (and any other asset) the page asked for was actually served."""
    assert not page.broken_assets, f"assets failed to load: {page.broken_assets}"
    assert page.evaluate("document.styleSheets.length") >= 1


def shoot(page, name: str) -> Path:
    """Full-page screenshot for a human to look at; checks the assets and the 360 px width."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert_assets_loaded(page)
    assert_fits_phone(page)
    return target
