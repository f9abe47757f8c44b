"""On phones in Chinese: a peer files an emergency from a session's page; the time is the
session's, the confirmation names who was notified; the doctor reads "甲社区：自伤，待确认"."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.emergencies.conftest import make_session
from tongban.activities.models import Attendance
from tongban.emergencies.models import EmergencyEvent
from tongban.notifications.context_processors import ESCALATION_KEY
from tongban.notifications.models import Notification

from .conftest import html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

SESSION_DAY = date(2016, 6, 28)


def translated(msgid: str) -> bool:
    with translation.override("zh-hans"):
        return translation.gettext(msgid) != msgid


def test_peer_files_from_a_session_and_the_doctor_reads_the_type(
    live_server, new_phone, users, community_a, consumer_a, peer_person_a
):
    cache.delete(ESCALATION_KEY)
    plan = make_session(community_a, users["peer"], day=SESSION_DAY, lead=peer_person_a)
    plan.record.started_at = time(14, 10)
    plan.record.save()
    Attendance.objects.create(record=plan.record, person=consumer_a)
    Attendance.objects.create(record=plan.record, walk_in_name="张来访", walk_in_community="光华里")

    peer = new_phone()
    login(peer, live_server, "peer")
    assert html_lang(peer) == "zh-hans"
    peer.goto(url(live_server, f"/sessions/{plan.pk}/"))
    with peer.expect_navigation():
        peer.click(f"main a[href='/emergencies/new/?session={plan.pk}']")
    assert path_of(peer) == f"/emergencies/new/?session={plan.pk}"
    # The session's own date and start time, not now.
    assert peer.input_value("input[name=occurred_at]") == "2016-06-28T14:10"
    notice = peer.locator("main .notice").inner_text()
    assert users["doctor"].display_name in notice and "社区医生" in notice
    # The session's people first, labelled by role, and its walk-in.
    people = peer.locator("#field-people_involved")
    assert people.locator(".choice-group").first.inner_text() == "本次活动" or not translated(
        "At this session"
    )
    labels = people.locator("label").all_inner_texts()
    assert labels[0].strip().startswith(peer_person_a.name) and "同伴" in labels[0]
    assert any(consumer_a.name in label and "服务对象" in label for label in labels[:3])
    assert "张来访" in peer.locator("#field-walk_ins").inner_text()
    shoot(peer, "emergency-session-01-form")

    peer.check("input[name=kind][value=self_harm]")
    peer.check(f"input[name=people_involved][value='{consumer_a.pk}']")
    peer.locator("#field-walk_ins input[type=checkbox]").check()
    peer.check("input[name=emergency_services_called][value=no]")
    peer.fill("textarea[name=description]", "活动结束时一位服务对象用笔划自己的手臂")
    peer.fill("textarea[name=actions_taken]", "拿走笔，陪伴，联系家属")
    with peer.expect_navigation():
        peer.click("form.form button[type=submit]")
    event = EmergencyEvent.objects.get()
    assert path_of(peer) == f"/emergencies/{event.pk}/"
    assert event.session == plan
    assert event.occurred_at.date() == SESSION_DAY
    assert "张来访" in event.involved_note
    message = peer.locator(".messages li").inner_text()
    assert users["doctor"].display_name in message and "社区医生" in message
    if translated("Emergency event filed. Notified: %(people)s."):
        assert "已通知：doctor（社区医生）" in message
    shoot(peer, "emergency-session-02-filed")

    # The doctor signs in and reads the type and the community in the notification.
    assert Notification.objects.get().recipient == users["doctor"]
    doctor = new_phone()
    login(doctor, live_server, "doctor")
    doctor.goto(url(live_server, "/notifications/"))
    text = doctor.locator("ul.notifications li.unread a").inner_text()
    assert community_a.name in text and "自伤" in text
    if translated("%(subject)s: %(kind)s, awaiting acknowledgement"):
        assert text.strip() == f"{community_a.name}：自伤，待确认"
    shoot(doctor, "emergency-session-03-doctor-notifications")
