"""A peer on a phone: their community's roster in Chinese, nobody's private data, English kept."""

from __future__ import annotations

import pytest
from django.utils import translation

from tongban.registry.models import Diagnosis

from .conftest import (
    assert_tappable,
    html_lang,
    login,
    logout,
    path_of,
    shoot,
    url,
)

pytestmark = pytest.mark.browser

CONSUMER_A_PHONE = "13911112222"


def diagnosis_words(code: str) -> list[str]:
    """The stored code and its label in every UI language: none may reach a peer's page."""
    words = [code]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            words.append(str(Diagnosis(code).label))
    return words


def assert_nothing_private(page, consumer) -> None:
    html = page.content()
    where = path_of(page)
    assert CONSUMER_A_PHONE not in html, f"the consumer's phone number is on {where}"
    assert consumer.phone not in html
    for word in diagnosis_words(consumer.diagnosis):
        assert word.lower() not in html.lower(), f"the diagnosis ({word}) is on {where}"


def test_peer_sees_own_roster_in_chinese_and_keeps_english(
    live_server, new_phone, phone, users, consumer_a, consumer_b, community_a
):
    assert consumer_a.phone == CONSUMER_A_PHONE

    login(phone, live_server, "peer")
    assert path_of(phone) == "/"
    assert html_lang(phone) == "zh-hans"

    # The roster of community A, with consumer A and without community B's consumer.
    assert phone.locator("main h2", has_text=community_a.name).count() == 1
    roster = phone.locator("ul.roster")
    assert roster.get_by_role("link", name=consumer_a.name).is_visible()
    assert roster.get_by_role("link", name=users["peer"].person.name).is_visible()
    assert consumer_b.name not in phone.content()
    assert_nothing_private(phone, consumer_a)
    assert_tappable(phone, "header button, main button, main a.button")
    shoot(phone, "peer-01-roster-zh")

    # The consumer's own page: name and sex, never the phone or diagnosis, nor in the history.
    with phone.expect_navigation():
        roster.get_by_role("link", name=consumer_a.name).click()
    assert path_of(phone) == f"/people/{consumer_a.pk}/"
    assert html_lang(phone) == "zh-hans"
    assert phone.locator("h1").inner_text().startswith(consumer_a.name)
    assert phone.locator("a[href^='tel:']").count() == 0
    assert_nothing_private(phone, consumer_a)
    shoot(phone, "peer-02-consumer-detail-zh")

    # Every other page a peer reaches from the menu.
    for path in ("/people/", "/communities/", f"/communities/{community_a.pk}/"):
        phone.goto(url(live_server, path))
        assert html_lang(phone) == "zh-hans"
        assert consumer_b.name not in phone.content(), f"{consumer_b.name} is on {path}"
        assert_nothing_private(phone, consumer_a)
    assert phone.get_by_role("link", name=consumer_a.name).first.is_visible()
    shoot(phone, "peer-03-community-zh")

    phone.goto(url(live_server, "/people/"))
    shoot(phone, "peer-04-people-zh")

    # Another community's consumer is out of reach, even by typing the address.
    response = phone.goto(url(live_server, f"/people/{consumer_b.pk}/"))
    assert response.status == 404
    assert consumer_b.name not in phone.content()

    # Switch to English from the header; the choice is stored on the account.
    phone.goto(url(live_server, "/"))
    with phone.expect_navigation():
        phone.click("form.langswitch button[name=language][value=en]")
    assert path_of(phone) == "/"
    assert html_lang(phone) == "en"
    users["peer"].refresh_from_db()
    assert users["peer"].language == "en"
    assert phone.locator("ul.roster").get_by_role("link", name=consumer_a.name).is_visible()
    shoot(phone, "peer-05-roster-en")

    logout(phone)
    assert path_of(phone).startswith("/login/")

    # A new browser (no language cookie) shows the login page in Chinese; once the peer
    # signs in, English comes back from the account.
    other_phone = new_phone()
    other_phone.goto(url(live_server, "/login/"))
    assert html_lang(other_phone) == "zh-hans"
    shoot(other_phone, "peer-06-login-zh")
    login(other_phone, live_server, "peer")
    assert path_of(other_phone) == "/"
    assert html_lang(other_phone) == "en"
    assert other_phone.locator("ul.roster").get_by_role("link", name=consumer_a.name).is_visible()

    # And on the same phone as before, after signing out, too.
    login(phone, live_server, "peer")
    assert html_lang(phone) == "en"


def test_peer_cannot_find_a_consumer_by_phone_number(live_server, phone, users, consumer_a):
    """The search box must not let a peer confirm (or guess digit by digit) a phone number."""
    login(phone, live_server, "peer")
    phone.goto(url(live_server, "/people/"))
    phone.fill("input[name=q]", consumer_a.name)
    with phone.expect_navigation():
        phone.click("form.filters button[type=submit]")
    assert phone.get_by_role("link", name=consumer_a.name).is_visible()

    for typed in (CONSUMER_A_PHONE, CONSUMER_A_PHONE[:7]):
        phone.fill("input[name=q]", typed)
        with phone.expect_navigation():
            phone.click("form.filters button[type=submit]")
        assert phone.get_by_role("link", name=consumer_a.name).count() == 0, (
            f"searching the people list for {typed!r} finds {consumer_a.name}: "
            "a peer can look up a consumer's phone number"
        )
    assert_nothing_private(phone, consumer_a)
