"""On a phone in Chinese: a peer completes the two-weekly check-in in a few taps (a missing
answer is pointed at, the text kept); the community doctor sees it on the peer's trend."""

from __future__ import annotations

import pytest

from tongban.notifications.models import Notification
from tongban.supervision.models import WellbeingAlert, WellbeingCheckIn

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

WHAT_ELSE = "最近带活动有点累，想多休息"


def tap(page, name: str, value: int) -> None:
    """Tap the button of a level (the radio underneath is hidden behind its face)."""
    page.click(f"label.level:has(input[name={name}][value='{value}'])")


def test_peer_completes_a_check_in_on_a_phone(live_server, new_phone, users, community_a):
    peer = new_phone()
    login(peer, live_server, "peer")
    assert html_lang(peer) == "zh-hans"
    peer.goto(url(live_server, "/supervision/wellbeing/check-in/"))
    assert path_of(peer) == "/supervision/wellbeing/check-in/"
    # Three rows of five big buttons, all on the screen.
    for name in ("workload", "stress", "confidence"):
        assert peer.locator(f"#field-{name} label.level").count() == 5
    assert_tappable(peer, "main .level-face", min_height=48)
    assert_tappable(peer, "main button[type=submit]", min_height=44)
    shoot(peer, "wellbeing-01-checkin-empty")

    # Two answers and the text, the third forgotten: it is pointed at, the rest kept.
    tap(peer, "workload", 4)
    tap(peer, "stress", 4)
    peer.fill("textarea[name=text]", WHAT_ELSE)
    with peer.expect_navigation():
        peer.click("form.checkin button[type=submit]")
    assert not WellbeingCheckIn.objects.exists()
    assert peer.locator("#error-summary").is_visible()
    assert peer.locator("#field-confidence.has-error .error").is_visible()
    assert peer.is_checked("input[name=workload][value='4']")
    assert peer.input_value("textarea[name=text]") == WHAT_ELSE
    shoot(peer, "wellbeing-02-checkin-error")

    tap(peer, "confidence", 2)
    peer.locator("#field-confidence").scroll_into_view_if_needed()
    shoot(peer, "wellbeing-03-checkin-filled")
    with peer.expect_navigation():
        peer.click("form.checkin button[type=submit]")
    checkin = WellbeingCheckIn.objects.get()
    assert (checkin.workload, checkin.stress, checkin.confidence, checkin.text) == (
        4,
        4,
        2,
        WHAT_ELSE,
    )
    assert checkin.worrying
    assert path_of(peer) == f"/supervision/wellbeing/peer/{users['peer'].person_id}/"
    # The message names those actually told.
    message = peer.locator(".messages li").first.inner_text()
    assert users["doctor"].display_name in message
    assert peer.locator(".trend > li").count() == 1
    # A peer does not see the alert about themselves, nor the "worrying" mark.
    assert peer.locator("#alerts").count() == 0
    assert peer.locator(".badge.worrying").count() == 0
    shoot(peer, "wellbeing-04-peer-trend")
    # From there, asking for a break is one tap away.
    with peer.expect_navigation():
        peer.click("main .own-actions a[href='/supervision/breaks/new/']")
    assert peer.locator("input[name=starts_on][type=date]").is_visible()
    assert_tappable(peer, "main button[type=submit]")
    shoot(peer, "wellbeing-05-break-form")

    # The community doctor: notified, and sees the alert on the peer's trend.
    assert WellbeingAlert.objects.get().checkin == checkin
    notice = Notification.objects.get(recipient=users["doctor"])
    doctor = new_phone()
    login(doctor, live_server, "doctor")
    doctor.goto(url(live_server, notice.url))
    assert doctor.locator("#alerts .unseen").count() == 1
    assert doctor.locator(".trend .badge.worrying").count() == 1
    shoot(doctor, "wellbeing-06-doctor-trend")
    with doctor.expect_navigation():
        doctor.click("#alerts button[name=seen]")
    assert doctor.locator("#alerts .unseen").count() == 0
    doctor.goto(url(live_server, "/supervision/wellbeing/"))
    assert doctor.locator(".peer-row").count() == 1
    shoot(doctor, "wellbeing-07-doctor-list")
