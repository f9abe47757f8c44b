"""On phones in Chinese: the psychologist confirms the group supervision the schedule
proposes, then records it (who attended, a summary, an issue under its category, an agreed
action for a peer with a due date); the peer finds the action on their home page, marks it
done, and it leaves their home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.notifications.models import Notification
from tongban.supervision import meeting_services
from tongban.supervision.models import SupervisionAction, SupervisionMeeting
from tongban.supervision.phases import group_dates

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

SUMMARY = "大家分享了最近带活动的情况，重点讨论了冷场时怎么办"
ISSUE = "服务对象在活动中不爱发言，同伴不知道如何带动"
ACTION = "下次活动前准备三个破冰游戏"
DONE_NOTE = "已准备好，下次活动试用"


def save(page) -> None:
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")


def test_staff_confirm_and_record_group_supervision_and_the_peer_closes_the_action(
    live_server, new_phone, users, community_a, peer_person_a
):
    program = community_a.program
    today = timezone.localdate()
    # A phase change three days ago: group supervision every six weeks from that day, so the
    # schedule proposes a date that has just passed (recordable as held).
    proposed = today - timedelta(days=3)
    meeting_services.support_phase_create(
        program=program,
        kind="later",
        starts_on=proposed,
        guidance_every_session=False,
        group_every_days=42,
        by=users["manager"],
    )
    assert proposed in group_dates(program, since=proposed, until=today)
    due = today + timedelta(days=7)

    # The psychologist opens the schedule and confirms the proposed date.
    staff = new_phone()
    login(staff, live_server, "psychologist")
    assert html_lang(staff) == "zh-hans"
    staff.goto(url(live_server, f"/supervision/meetings/?year={proposed.year}"))
    card = staff.locator("ul.schedule li.card", has_text=proposed.isoformat())
    assert "待确认" in card.inner_text()
    card.locator("a.button").scroll_into_view_if_needed()
    shoot(staff, "supervision-meeting-01-schedule")
    with staff.expect_navigation():
        card.locator(f"a[href='/supervision/meetings/confirm/?on={proposed.isoformat()}']").click()
    assert staff.input_value("input[name=held_on]") == proposed.isoformat()
    assert staff.is_checked(f"input[name=communities][value='{community_a.pk}']")
    staff.fill("input[name=starts_at]", "14:00")
    staff.fill("input[name=place]", "甲温馨家园")
    assert_tappable(staff, "main form.form button[type=submit]")
    shoot(staff, "supervision-meeting-02-confirm")
    save(staff)
    meeting = SupervisionMeeting.objects.get()
    assert path_of(staff) == f"/supervision/meetings/{meeting.pk}/"
    assert meeting.status == SupervisionMeeting.Status.CONFIRMED
    assert (meeting.proposed_on, meeting.held_on) == (proposed, proposed)
    assert list(meeting.communities.all()) == [community_a]
    told = Notification.objects.filter(kind=Notification.Kind.MEETING_CONFIRMED)
    assert users["peer"].pk in set(told.values_list("recipient_id", flat=True))
    assert str(told.count()) in staff.locator(".messages li").first.inner_text()
    shoot(staff, "supervision-meeting-03-confirmed")

    # Then records it: who attended, the summary, an issue, an agreed action for the peer.
    with staff.expect_navigation():
        staff.click(f"main a[href='/supervision/meetings/{meeting.pk}/record/']")
    staff.check(f"input[name=staff_present][value='{users['psychologist'].pk}']")
    staff.check(f"input[name=staff_present][value='{users['doctor'].pk}']")
    staff.check(f"input[name=peers_present][value='{peer_person_a.pk}']")
    staff.fill("textarea[name=summary]", SUMMARY)
    staff.select_option("select[name=issues-0-category]", "engagement")
    staff.fill("textarea[name=issues-0-text]", ISSUE)
    staff.fill("textarea[name=actions-0-text]", ACTION)
    staff.select_option("select[name=actions-0-owner]", str(users["peer"].pk))
    staff.fill("input[name=actions-0-due_on]", due.isoformat())
    shoot(staff, "supervision-meeting-04-record")
    save(staff)
    assert path_of(staff) == f"/supervision/meetings/{meeting.pk}/"
    meeting.refresh_from_db()
    assert meeting.status == SupervisionMeeting.Status.HELD
    assert meeting.recorded_by == users["psychologist"] and meeting.summary == SUMMARY
    assert set(meeting.staff_present.all()) == {users["psychologist"], users["doctor"]}
    assert list(meeting.peers_present.all()) == [peer_person_a]
    assert [(i.category, i.text) for i in meeting.issues.all()] == [("engagement", ISSUE)]
    action = SupervisionAction.objects.get()
    assert (action.meeting, action.owner, action.due_on) == (meeting, users["peer"], due)
    assert Notification.objects.filter(
        recipient=users["peer"], kind=Notification.Kind.ACTION_ASSIGNED
    ).exists()
    assert SUMMARY in staff.locator("section#attended").inner_text()
    assert ISSUE in staff.locator("section#issues").inner_text()
    assert ACTION in staff.locator("section#actions").inner_text()
    shoot(staff, "supervision-meeting-05-recorded")

    # The peer: the action on the home page, marked done from there, then gone from it.
    peer = new_phone()
    login(peer, live_server, "peer")
    peer.goto(url(live_server, "/"))
    block = peer.locator("section.home-meeting")
    assert ACTION in block.inner_text() and due.isoformat() in block.inner_text()
    block.scroll_into_view_if_needed()
    shoot(peer, "supervision-meeting-06-peer-home")
    with peer.expect_navigation():
        block.locator(f"a[href='/supervision/actions/{action.pk}/done/']").click()
    assert ACTION in peer.locator("main").inner_text()
    peer.fill("textarea[name=note]", DONE_NOTE)
    assert_tappable(peer, "main form.form button[type=submit]")
    shoot(peer, "supervision-meeting-07-mark-done")
    save(peer)
    assert path_of(peer) == "/supervision/actions/"
    action.refresh_from_db()
    assert action.done_at is not None and action.done_note == DONE_NOTE
    assert action.done_by == users["peer"]
    assert ACTION not in peer.locator("ul.actions-list").inner_text()
    shoot(peer, "supervision-meeting-08-actions")
    peer.goto(url(live_server, "/"))
    assert ACTION not in peer.locator("main").inner_text()
    # Nothing else to do there either: the whole block is gone.
    assert peer.locator("section.home-meeting").count() == 0
    shoot(peer, "supervision-meeting-09-peer-home-after")

    # The staff see it done on the meeting's page.
    staff.reload()
    assert "已完成" in staff.locator("section#actions").inner_text()
