"""The program report in a real browser: a project manager of the demo program (the paper's,
four communities, six half-years of sessions) opens it on a desktop and on a 360-px phone in
Chinese, and prints it. Screenshots land in test-artifacts/ for a human to look at.

What only a browser can tell: that the charts' <text> labels (matplotlib writes them with
svg.fonttype "none") are drawn with a CJK font and do not run into each other or out of the
chart at the browser's real font widths, and that wide tables scroll inside their boxes
instead of pushing the page wider than the phone.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tongban.demo import loader

from .conftest import (
    ARTIFACTS,
    ASSET_TYPES,
    PHONE_WIDTH,
    TIMEOUT_MS,
    assert_assets_loaded,
    html_lang,
    login,
    shoot,
    url,
)

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}
SECTIONS = [
    ("service-process", "Service process"),
    ("service-content", "Service content"),
    ("participants", "Participants"),
    ("training-supervision", "Peer training and supervision"),
    ("evaluation", "Satisfaction and perceived benefit"),
]
CHARTS = ("#fig-sessions-by-period", "#fig-categories")
# The demo's communities with sessions from the first half-year on (Fig. 1) and the two
# that start in August 2015.
COMMUNITIES = ("团结湖", "麦子店", "香河园", "劲松")


@pytest.fixture
def paper_program(transactional_db):
    loader.load()


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(**DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.broken_assets = []

    def note_broken(response) -> None:
        if response.status >= 400 and response.request.resource_type in ASSET_TYPES:
            page.broken_assets.append(f"{response.status} {response.url}")

    page.on("response", note_broken)
    yield page
    context.close()


def _open_report(page, live_server, query: str = "") -> None:
    login(page, live_server, "manager", loader.DEMO_PASSWORD)
    page.goto(url(live_server, reverse("reports:program_report") + query))
    assert_assets_loaded(page)
    assert html_lang(page) == "zh-hans"


def _headings_in_chinese() -> list[str]:
    with translation.override("zh-hans"):
        return [translation.gettext(english) for _, english in SECTIONS]


def _overlapping_labels(page, figure: str) -> list[str]:
    """Pairs of a chart's <text> labels whose drawn boxes intersect, and labels that stick
    out of the chart, measured with the fonts the browser really used."""
    return page.evaluate(
        """(figure) => {
            const svg = document.querySelector(figure + ' svg');
            const frame = svg.getBoundingClientRect();
            const boxes = [...svg.querySelectorAll('text')]
                .filter(t => t.textContent.trim())
                .map(t => ({text: t.textContent, box: t.getBoundingClientRect()}));
            const problems = [];
            for (const {text, box} of boxes) {
                if (box.left < frame.left - 1 || box.right > frame.right + 1
                    || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) {
                    problems.push('outside: ' + text);
                }
            }
            for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i].box, b = boxes[j].box;
                    const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                    const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                    if (dx > 1 && dy > 1) problems.push(boxes[i].text + ' × ' + boxes[j].text);
                }
            }
            return problems;
        }""",
        figure,
    )


def _check_charts(page) -> None:
    for figure in CHARTS:
        svg = page.locator(f"{figure} svg")
        assert svg.is_visible()
        assert svg.get_attribute("viewBox") and svg.get_attribute("width") is None
        assert not _overlapping_labels(page, figure), _overlapping_labels(page, figure)
    texts = page.locator("#fig-sessions-by-period svg text").all_text_contents()
    for name in COMMUNITIES:
        assert name in texts
    bars = page.locator("#fig-sessions-by-period svg g[id^='sessions_by_period-bar-']")
    assert bars.count() == len(COMMUNITIES) * 6
    # The browser has a CJK font of the chart's stack for these labels (Debian's
    # fonts-noto-cjk), so they show as Chinese, not as boxes.
    assert page.evaluate("document.fonts.check('12px \"Noto Sans CJK SC\"', '团结湖麦子店')")
    family = page.evaluate(
        "getComputedStyle(document.querySelector('#fig-categories svg text')).fontFamily"
    )
    assert "Noto Sans CJK SC" in family


def test_manager_reads_the_report_on_a_desktop_and_prints_it(live_server, desktop, paper_program):
    page = desktop
    _open_report(page, live_server)
    assert page.locator("main h2").all_inner_texts() == _headings_in_chinese()
    for section, _ in SECTIONS:
        assert page.locator(f"section#{section}").is_visible()
    _check_charts(page)
    # Fig. 1's χ² and Table 1's, printed as the paper prints them.
    assert "χ²(15) = 48.75, p < 0.001" in page.locator("#fig-sessions-by-period").inner_text()
    table_1 = page.locator("#table-1").inner_text()
    assert "χ²(9) = 10.30, p = 0.326" in table_1 and "χ²(9) = 27.73, p = 0.001" in table_1
    # Fig. 2 beside its table on a desktop.
    table = page.locator("#fig-categories .table-scroll").bounding_box()
    chart = page.locator("#fig-categories .chart").bounding_box()
    assert chart["x"] >= table["x"] + table["width"] - 1
    assert chart["y"] < table["y"] + table["height"]
    # The JSON link carries the page's parameters.
    href = page.locator("a[type='application/json']").get_attribute("href")
    assert href.startswith(reverse("reports:program_report_json"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-01-desktop.png"), full_page=True)

    # Print: the page at an A4 sheet's width inside its margins (210 − 2 × 12 mm = 703 px).
    page.set_viewport_size({"width": 703, "height": 1000})
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator("form.report-filters").is_visible()
    assert page.locator("#fig-sessions-by-period svg").is_visible()
    colour = page.evaluate("getComputedStyle(document.querySelector('main h2')).color")
    assert colour == "rgb(0, 0, 0)"
    page.screenshot(path=str(ARTIFACTS / "report-03-print.png"), full_page=True)
    pdf = page.pdf(path=str(ARTIFACTS / "report-04-print.pdf"), format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 8, f"{pages} A4 pages"


def test_manager_reads_the_report_on_a_phone(live_server, phone, paper_program):
    _open_report(phone, live_server)
    assert phone.locator("main h2").all_inner_texts() == _headings_in_chinese()
    _check_charts(phone)
    # Wide tables scroll inside their own box; the page stays 360 px wide.
    scrolled = phone.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => getComputedStyle(box).overflowX)"""
    )
    assert scrolled and set(scrolled) == {"auto"}
    for box in phone.locator(".table-scroll, .chart").all():
        assert box.bounding_box()["x"] + box.bounding_box()["width"] <= PHONE_WIDTH + 0.5
    shoot(phone, "report-02-phone")


def test_bad_range_shows_the_error_by_its_field_on_a_phone(live_server, phone, paper_program):
    _open_report(phone, live_server, "?date_from=2016-01-01&date_to=2015-01-01")
    assert phone.locator("#error-summary").is_visible()
    assert phone.locator("#field-date_to .error").is_visible()
    assert phone.locator("section#service-process").count() == 0
    shoot(phone, "report-05-phone-error")
