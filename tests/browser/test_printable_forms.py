"""Blank forms print as exactly one A4 page each, in Chinese and in English."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .conftest import ARTIFACTS, TIMEOUT_MS, html_lang, login, shoot, url

pytestmark = pytest.mark.browser

SHEETS = [
    "activities:blank_plan",
    "activities:blank_process",
    "activities:blank_participants",
    "activities:blank_emergency",
]
LANGUAGES = ["zh-hans", "en"]
# One page object per page; "/Type /Pages" is the page tree, not a page.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
# A4 is 595.3 x 841.9 pt; Chromium rounds it to whole CSS pixels (595.92 x 842.88).
A4_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0 0 59[56](?:\.\d+)? 84[23](?:\.\d+)?\s*\]")


def test_each_blank_form_prints_on_one_a4_page(live_server, chromium, phone, users):
    # The index on the phone: the four forms, each with a link per language.
    login(phone, live_server, "peer")
    phone.goto(url(live_server, reverse("activities:blank_forms")))
    assert phone.locator(".card").count() == len(SHEETS)
    shoot(phone, "printable-00-index")

    # Printing is a desktop affair: a plain context with the peer's session cookie.
    desktop = chromium.new_context(locale="zh-CN")
    desktop.set_default_timeout(TIMEOUT_MS)
    desktop.add_cookies(phone.context.cookies())
    page = desktop.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for name in SHEETS:
            for lang in LANGUAGES:
                page.goto(url(live_server, f"{reverse(name)}?lang={lang}"))
                assert html_lang(page) == lang
                assert page.locator(".toolbar button").is_visible()
                page.emulate_media(media="print")
                assert not page.locator(".toolbar").is_visible(), "the Print button is printed"

                pdf = page.pdf(format="A4")
                page.emulate_media(media="null")
                slug = name.split(":")[1]
                (ARTIFACTS / f"printable-{slug}-{lang}.pdf").write_bytes(pdf)
                pages = len(PAGE_OBJECT.findall(pdf))
                assert pages == 1, f"{name} in {lang} prints on {pages} pages"
                assert A4_MEDIA_BOX.search(pdf), f"{name} in {lang} is not A4"
    finally:
        desktop.close()
