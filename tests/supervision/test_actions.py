"""Agreed actions: the list (mine; supervisors' in scope), done by the owner or a
supervisor, cancelled with a reason; on the owner's home page until done (home_work, overdue
first, requests' actions too); schedulers and attendees reminded of this week's meetings;
fixed query counts."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.supervision import meeting_selectors as selectors
from tongban.supervision import meeting_services as services
from tongban.supervision.models import SupervisionAction, SupervisionMeeting, SupervisionRequest

HELD = date(2014, 7, 1)
TODAY = date(2014, 7, 20)


def in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def held_meeting(program, community, users, actions=()):
    meeting = SupervisionMeeting.objects.create(
        program=program,
        proposed_on=HELD,
        held_on=HELD,
        status=SupervisionMeeting.Status.HELD,
    )
    meeting.communities.set([community])
    for text, owner, due_on in actions:
        SupervisionAction.objects.create(
            meeting=meeting, text=text, owner=owner, due_on=due_on, community=community
        )
    return meeting


@pytest.fixture
def meeting(program, community_a, users):
    return held_meeting(
        program,
        community_a,
        users,
        actions=[
            ("同伴准备话题清单", users["peer"], date(2014, 7, 25)),
            ("医生回访", users["doctor"], date(2014, 7, 10)),
        ],
    )


def test_a_peer_sees_and_closes_their_own_action(client_for, users, meeting):
    client = client_for(in_english(users["peer"]))
    page = client.get(reverse("supervision:action_list")).content.decode()
    assert "同伴准备话题清单" in page
    assert "医生回访" not in page
    # The peer never opens the meeting, and never cancels an agreed action.
    assert reverse("supervision:meeting_detail", args=[meeting.pk]) not in page
    mine = meeting.actions.get(owner=users["peer"])
    other = meeting.actions.get(owner=users["doctor"])
    assert client.get(reverse("supervision:action_cancel", args=[mine.pk])).status_code == 403
    assert client.get(reverse("supervision:action_done", args=[other.pk])).status_code == 404
    response = client.post(reverse("supervision:action_done", args=[mine.pk]), {"note": "已完成"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.done_by == users["peer"] and mine.done_note == "已完成"
    assert mine.done_at is not None
    # Done twice: told so, nothing changes.
    response = client.post(reverse("supervision:action_done", args=[mine.pk]), {"note": "x"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.done_note == "已完成"
    assert mine.history.count() == 2


def test_supervisors_see_actions_in_scope_and_close_them(
    client_for, users, meeting, program, community_b
):
    client = client_for(in_english(users["psychologist"]))
    page = client.get(reverse("supervision:action_list") + "?show=all").content.decode()
    assert "同伴准备话题清单" in page and "医生回访" in page
    assert "No open action." in client.get(reverse("supervision:action_list")).content.decode()
    doctor_action = meeting.actions.get(owner=users["doctor"])
    url = reverse("supervision:action_cancel", args=[doctor_action.pk])
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    client.post(url, {"reason": "不再需要"})
    doctor_action.refresh_from_db()
    assert doctor_action.cancel_reason == "不再需要" and doctor_action.cancelled_at
    closed = client.get(reverse("supervision:action_list") + "?show=all&closed=on")
    assert "不再需要" in closed.content.decode()
    # A doctor of another community sees none of them: 404.
    doctor_b = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    other = client_for(doctor_b)
    peer_action = meeting.actions.get(owner=users["peer"])
    assert other.get(reverse("supervision:action_done", args=[peer_action.pk])).status_code == 404
    assert (
        "同伴准备话题清单"
        not in other.get(reverse("supervision:action_list") + "?show=all").content.decode()
    )
    # The research assistant sees no one else's actions.
    research = client_for(users["research"])
    assert (
        research.get(reverse("supervision:action_done", args=[peer_action.pk])).status_code == 404
    )


def test_action_list_queries_do_not_grow(client_for, users, program, community_a):
    held_meeting(program, community_a, users, [("一", users["peer"], TODAY)])
    client = client_for(users["manager"])
    url = reverse("supervision:action_list") + "?show=all"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    held_meeting(
        program,
        community_a,
        users,
        [(f"行动{i}", users["doctor"], TODAY + timedelta(days=i)) for i in range(6)],
    )
    with CaptureQueriesContext(connection) as several:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 7
    assert len(several) == len(one)


# --- Home --------------------------------------------------------------------------------------


def test_an_action_stays_on_the_owners_home_until_done(users, meeting, community_a):
    peer = users["peer"]
    work = selectors.home_work(peer, TODAY)
    assert [a.text for a in work["meeting_actions"]] == ["同伴准备话题清单"]
    doctor_work = selectors.home_work(users["doctor"], TODAY)
    (overdue,) = doctor_work["meeting_actions"]
    assert overdue.overdue and doctor_work["meeting_overdue"] == 1
    # Still there the next weeks, until done.
    assert selectors.home_work(peer, TODAY + timedelta(days=60))["meeting_actions"]
    services.action_done(action=meeting.actions.get(owner=peer), note="", by=peer)
    assert not selectors.home_work(peer, TODAY + timedelta(days=60)).get("meeting_actions")


def test_home_lists_overdue_first_and_request_actions(users, program, community_a, peer_person_a):
    held_meeting(
        program,
        community_a,
        users,
        [
            ("后到期", users["peer"], TODAY + timedelta(days=5)),
            ("已逾期", users["peer"], TODAY - timedelta(days=3)),
        ],
    )
    request = SupervisionRequest.objects.create(
        community=community_a,
        peer=peer_person_a,
        topic="服务对象不说话",
        urgency="routine",
        doctor=users["doctor"],
        asked_by=users["peer"],
    )
    SupervisionAction.objects.create(
        request=request, text="请求里的行动", owner=users["peer"], due_on=TODAY
    )
    work = selectors.home_work(users["peer"], TODAY)
    assert [a.text for a in work["meeting_actions"]] == ["已逾期", "请求里的行动", "后到期"]
    assert [a.overdue for a in work["meeting_actions"]] == [True, False, False]


def test_home_reminds_schedulers_and_attendees(users, program, community_a):
    # 2014-07-01 is proposed; a week before it the psychologist is asked to confirm.
    week_before = date(2014, 6, 26)
    work = selectors.home_work(users["psychologist"], week_before)
    assert work["meeting_to_confirm"] == [date(2014, 7, 1)]
    assert not selectors.home_work(users["doctor"], week_before)
    services.meeting_confirm(
        program=program,
        proposed_on=date(2014, 7, 1),
        held_on=date(2014, 7, 2),
        starts_at=time(14, 0),
        place="甲温馨家园",
        communities=[community_a],
        by=users["psychologist"],
    )
    work = selectors.home_work(users["psychologist"], week_before)
    assert not work.get("meeting_to_confirm")
    assert [m.held_on for m in work["meeting_coming"]] == [date(2014, 7, 2)]
    for name in ("doctor", "socialworker", "psychiatrist", "peer"):
        coming = selectors.home_work(users[name], week_before)["meeting_coming"]
        assert [m.held_on for m in coming] == [date(2014, 7, 2)], name
    assert not selectors.home_work(users["research"], week_before)
    # More than a week ahead: not yet.
    assert not selectors.home_work(users["doctor"], date(2014, 6, 20))


def test_home_block_renders(client_for, users, meeting):
    from django.template.loader import render_to_string

    html = render_to_string(
        "supervision/_home_meeting.html", selectors.home_work(users["doctor"], TODAY)
    )
    assert "医生回访" in html and "2014-07-10" in html
    assert (
        reverse("supervision:action_done", args=[meeting.actions.get(owner=users["doctor"]).pk])
        in html
    )


@pytest.mark.parametrize("name", ["peer", "doctor", "psychologist", "manager"])
def test_home_work_queries_do_not_grow(users, program, community_a, name):
    user = users[name]
    held_meeting(program, community_a, users, [("一", user, TODAY)])
    services.meeting_confirm(
        program=program,
        proposed_on=date(2014, 8, 12),
        held_on=date(2014, 7, 22),
        starts_at=None,
        place="",
        communities=[community_a],
        by=users["manager"],
    )
    # A fresh user object each time: nothing cached between the counts.
    from tongban.accounts.models import User

    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as one:
        work = selectors.home_work(fresh, TODAY)
    assert work["meeting_actions"]
    held_meeting(
        program,
        community_a,
        users,
        [(f"行动{i}", user, TODAY + timedelta(days=i)) for i in range(5)],
    )
    services.meeting_confirm(
        program=program,
        proposed_on=date(2014, 9, 23),
        held_on=date(2014, 7, 24),
        starts_at=None,
        place="",
        communities=[community_a],
        by=users["manager"],
    )
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as several:
        work = selectors.home_work(fresh, TODAY)
    assert len(work["meeting_actions"]) == 6
    assert len(several) == len(one)


@pytest.mark.parametrize("name", ["peer", "doctor"])
def test_the_home_page_shows_the_action_until_done(client_for, users, program, community_a, name):
    owner = users[name]
    meeting = held_meeting(program, community_a, users, [("主页上的行动", owner, date(2015, 1, 1))])
    client = client_for(in_english(owner))
    page = client.get(reverse("home")).content.decode()
    assert "主页上的行动" in page and "overdue" in page
    services.action_done(action=meeting.actions.get(), note="", by=owner)
    assert "主页上的行动" not in client.get(reverse("home")).content.decode()
