"""On phones in Chinese: a peer files an emergency; the doctor sees the unread count, opens
the notification and acknowledges; the peer sees it was acknowledged."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tongban.emergencies.models import EmergencyEvent, Status
from tongban.notifications.context_processors import ESCALATION_KEY
from tongban.notifications.models import Notification

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

WHAT_HAPPENED = "活动进行到一半，一位服务对象突然情绪激动，摔了椅子"
WHAT_WAS_DONE = "请其他人离开房间，两位同伴陪伴安抚，十分钟后平静下来"


def unread(page) -> str:
    return page.locator("header .notifications-badge .unread-count").inner_text().strip()


def test_peer_files_an_emergency_and_the_doctor_acknowledges(
    live_server, new_phone, users, community_a, consumer_a
):
    cache.delete(ESCALATION_KEY)
    peer = new_phone()
    login(peer, live_server, "peer")
    assert html_lang(peer) == "zh-hans"
    assert unread(peer) == "0"

    # From the menu to the list, then to the form.
    with peer.expect_navigation():
        peer.click("nav.mainnav a[href='/emergencies/']")
    assert path_of(peer) == "/emergencies/"
    assert peer.locator(".safety-community").count() == 1
    shoot(peer, "emergency-01-list-peer")
    with peer.expect_navigation():
        peer.click("main a.button.primary[href='/emergencies/new/']")
    assert path_of(peer) == "/emergencies/new/"
    assert_tappable(peer, "main button, main fieldset.choices label")
    shoot(peer, "emergency-02-form-empty")

    # Submitting without the type: the error sits at the type, the text is kept.
    peer.fill("textarea[name=description]", WHAT_HAPPENED)
    peer.fill("textarea[name=actions_taken]", WHAT_WAS_DONE)
    with peer.expect_navigation():
        peer.click("form.form button[type=submit]")
    assert not EmergencyEvent.objects.exists()
    assert peer.locator("#field-kind.has-error .error").is_visible()
    assert peer.input_value("textarea[name=description]") == WHAT_HAPPENED
    peer.locator("#field-kind").scroll_into_view_if_needed()
    shoot(peer, "emergency-03-form-error")

    peer.check("input[name=kind][value=poorly_controlled]")
    peer.check(f"input[name=people_involved][value='{consumer_a.pk}']")
    peer.check("input[name=emergency_services_called][value=no]")
    with peer.expect_navigation():
        peer.click("form.form button[type=submit]")
    event = EmergencyEvent.objects.get()
    assert path_of(peer) == f"/emergencies/{event.pk}/"
    assert (event.kind, event.reported_by, event.community) == (
        "poorly_controlled",
        users["peer"],
        community_a,
    )
    assert list(event.people_involved.all()) == [consumer_a]
    assert peer.locator(".messages li").count() == 1
    assert peer.locator("h1 .badge.event-status-awaiting").is_visible()
    # A peer neither acknowledges nor sees the staff's sections.
    assert peer.locator("button[name=acknowledge]").count() == 0
    assert peer.locator("form[action$='/close/']").count() == 0
    shoot(peer, "emergency-04-filed-peer")

    # The doctor's phone: the unread count in the header, on whatever page.
    assert Notification.objects.get().recipient == users["doctor"]
    doctor = new_phone()
    login(doctor, live_server, "doctor")
    assert html_lang(doctor) == "zh-hans"
    badge = doctor.locator("header .notifications-badge")
    assert badge.is_visible()
    assert unread(doctor) == "1"
    assert_tappable(doctor, "header .notifications-badge")
    shoot(doctor, "emergency-05-doctor-home-unread")

    with doctor.expect_navigation():
        badge.click()
    assert path_of(doctor) == "/notifications/"
    item = doctor.locator("ul.notifications li.unread a")
    assert item.count() == 1
    assert community_a.name in item.inner_text()
    shoot(doctor, "emergency-06-notifications")

    with doctor.expect_navigation():
        item.click()
    assert path_of(doctor) == f"/emergencies/{event.pk}/"
    assert unread(doctor) == "0"  # opening it marked it read
    assert WHAT_HAPPENED in doctor.locator("main").inner_text()
    acknowledge = doctor.locator("button[name=acknowledge]")
    assert acknowledge.is_visible()
    assert_tappable(doctor, "button[name=acknowledge]")
    shoot(doctor, "emergency-07-doctor-detail")

    with doctor.expect_navigation():
        acknowledge.click()
    event.refresh_from_db()
    assert event.status == Status.ACKNOWLEDGED
    assert event.acknowledged_by == users["doctor"]
    assert doctor.locator("h1 .badge.event-status-acknowledged").is_visible()
    assert doctor.locator("button[name=acknowledge]").count() == 0
    assert doctor.locator("form[action$='/close/']").is_visible()
    shoot(doctor, "emergency-08-doctor-acknowledged")

    # The peer sees that the doctor has it.
    peer.goto(url(live_server, f"/emergencies/{event.pk}/"))
    assert peer.locator("h1 .badge.event-status-acknowledged").is_visible()
    assert users["doctor"].display_name in peer.locator(".acknowledgement").inner_text()
    shoot(peer, "emergency-09-peer-sees-acknowledged")
