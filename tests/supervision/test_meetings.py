"""Group supervision: the schedule merges proposals with stored meetings; confirm, move
and cancel, and who is notified; the meeting's record with issues and actions; voiding;
scoping (peers and research assistants never open a record; another community's doctor
gets 404); audit; query counts; every error at once; no 500 on junk."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.notifications.models import Notification
from tongban.supervision import meeting_selectors as selectors
from tongban.supervision import meeting_services as services
from tongban.supervision.models import (
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
)

FIRST = date(2014, 7, 1)
SECOND = date(2014, 8, 12)


def in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def psychologist(client_for, users):
    return client_for(in_english(users["psychologist"]))


def confirm(program, community, by, day=FIRST, held_on=None, **extra):
    return services.meeting_confirm(
        program=program,
        proposed_on=day,
        held_on=held_on or day,
        starts_at=extra.get("starts_at", time(14, 0)),
        place=extra.get("place", "甲温馨家园"),
        communities=[community],
        by=by,
    )


# --- The schedule ----------------------------------------------------------------------------


def test_the_schedule_proposes_and_merges(psychologist, users, program, community_a):
    url = reverse("supervision:meeting_schedule") + "?year=2014"
    rows = psychologist.get(url).context["rows"]
    assert [row.day for row in rows] == [
        date(2014, 7, 1),
        date(2014, 8, 12),
        date(2014, 9, 23),
        date(2014, 11, 4),
        date(2014, 12, 16),
    ]
    assert all(row.meeting is None for row in rows)
    confirm(program, community_a, users["psychologist"], day=SECOND, held_on=date(2014, 8, 14))
    rows = psychologist.get(url).context["rows"]
    assert [(row.day, row.state) for row in rows][:2] == [
        (date(2014, 7, 1), "proposed"),
        (date(2014, 8, 14), "confirmed"),
    ]
    assert rows[1].moved
    assert len(rows) == 5
    # Reading the schedule stored nothing about the phases.
    from tongban.supervision.models import SupportPhase

    assert not SupportPhase.objects.exists()


def test_junk_year_and_dates_never_500(psychologist):
    for query in ("?year=²", "?year=99999999999999999999", "?year=-1", "?year=abc"):
        assert psychologist.get(reverse("supervision:meeting_schedule") + query).status_code == 200
    for query in ("", "?on=²", "?on=2014-02-30", "?on=2014-07-02", "?on=99999-01-01"):
        response = psychologist.get(reverse("supervision:meeting_confirm") + query)
        assert response.status_code == 302
        response = psychologist.post(
            reverse("supervision:proposal_cancel") + query, {"reason": "x"}
        )
        assert response.status_code == 302
    assert not SupervisionMeeting.objects.exists()


def test_schedule_queries_do_not_grow(client_for, users, program, community_a):
    client = client_for(users["manager"])
    url = reverse("supervision:meeting_schedule") + "?year=2014"
    confirm(program, community_a, users["manager"])
    services.meeting_cancel(
        program=program,
        proposed_on=date(2014, 12, 16),
        communities=[community_a],
        reason="春节",
        by=users["manager"],
    )
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for day in (date(2014, 8, 12), date(2014, 9, 23), date(2014, 11, 4)):
        confirm(program, community_a, users["manager"], day=day)
    with CaptureQueriesContext(connection) as several:
        response = client.get(url)
    assert len(several) == len(one)
    assert len(response.context["rows"]) == 5


# --- Confirm, move, cancel -------------------------------------------------------------------


def test_confirm_notifies_the_attendees(psychologist, users, program, community_a, community_b):
    # Not attendees: another community's doctor and peer, the research assistant, the manager.
    make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    peer_b = make_person("乙同伴", community=community_b, role="peer", started_on=date(2015, 8, 1))
    make_user("peer-b", Role.PEER, person=peer_b)
    response = psychologist.post(
        reverse("supervision:meeting_confirm"),
        {
            "proposed_on": "2014-07-01",
            "held_on": "2014-07-01",
            "starts_at": "14:00",
            "place": "甲温馨家园",
            "communities": [community_a.pk],
        },
        follow=True,
    )
    meeting = SupervisionMeeting.objects.get()
    assert meeting.status == "confirmed" and meeting.proposed_on == FIRST
    assert meeting.held_on == FIRST
    notified = Notification.objects.filter(kind=Notification.Kind.MEETING_CONFIRMED)
    assert sorted(n.recipient.username for n in notified) == [
        "doctor",
        "peer",
        "psychiatrist",
        "socialworker",
    ]
    assert all(n.subject == "2014-07-01" for n in notified)
    # Peers get their home page (they never open meeting records), staff the meeting.
    assert notified.get(recipient=users["peer"]).url == reverse("home")
    assert notified.get(recipient=users["doctor"]).url == reverse(
        "supervision:meeting_detail", args=[meeting.pk]
    )
    page = response.content.decode()
    assert "4 people were notified." in page
    # The proposal is taken: the schedule no longer proposes it.
    assert (
        psychologist.get(reverse("supervision:meeting_confirm") + "?on=2014-07-01").status_code
        == 302
    )


def test_confirm_on_another_day_is_a_move(users, program, community_a):
    result = confirm(program, community_a, users["manager"], held_on=date(2014, 7, 3))
    assert result.meeting.proposed_on == FIRST and result.meeting.held_on == date(2014, 7, 3)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {Notification.Kind.MEETING_MOVED}
    # The manager is not an attendee; the psychologist, doctor, social worker,
    # psychiatrist and the peer are.
    assert len(result.notified) == 5


def test_confirm_errors_all_at_once(psychologist, community_b, program, users, community_a):
    confirm(program, community_a, users["psychologist"])
    response = psychologist.post(
        reverse("supervision:meeting_confirm") + "?on=2014-08-12",
        {
            "proposed_on": "2014-08-12",
            "held_on": "2001-01-01",
            "starts_at": "25:99",
            "place": "x" * 300,
            "communities": ["²"],
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"held_on", "starts_at", "place", "communities"}
    # Another program's or another community's id is not a choice.
    response = psychologist.post(
        reverse("supervision:meeting_confirm") + "?on=2014-08-12",
        {"proposed_on": "2014-08-12", "held_on": "2014-08-12", "communities": [community_b.pk]},
    )
    assert "communities" in response.context["form"].errors
    with translation.override("en"):
        errors = services.meeting_confirm_errors(
            program=program,
            proposed_on=FIRST,
            held_on=FIRST,
            starts_at=None,
            place="",
            communities=[community_a],
        )
    assert "Already arranged" in errors["communities"][0]
    errors = services.meeting_confirm_errors(
        program=program,
        proposed_on=date(2014, 7, 2),
        held_on=None,
        starts_at=None,
        place="",
        communities=[],
    )
    assert set(errors) == {"proposed_on", "communities"}


def test_move_and_cancel_a_meeting(psychologist, users, program, community_a):
    meeting = confirm(program, community_a, users["psychologist"]).meeting
    Notification.objects.all().delete()
    url = reverse("supervision:meeting_move", args=[meeting.pk])
    version = psychologist.get(url).context["form"].initial["version"]
    response = psychologist.post(
        url,
        {
            "held_on": "2014-07-08",
            "starts_at": "09:30",
            "place": "甲社区卫生站",
            "version": version,
        },
        follow=True,
    )
    meeting.refresh_from_db()
    assert meeting.held_on == date(2014, 7, 8) and meeting.proposed_on == FIRST
    assert Notification.objects.filter(kind=Notification.Kind.MEETING_MOVED).count() == 4
    assert "4 people were notified." in response.content.decode()
    # A stale version: refused, nothing written.
    response = psychologist.post(url, {"held_on": "2014-07-09", "version": version})
    assert "after you opened it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_on == date(2014, 7, 8)
    # Only the place: nobody is bothered.
    Notification.objects.all().delete()
    version = psychologist.get(url).context["form"].initial["version"]
    psychologist.post(
        url, {"held_on": "2014-07-08", "starts_at": "09:30", "place": "别处", "version": version}
    )
    assert not Notification.objects.exists()
    # Cancel with a reason (required).
    cancel = reverse("supervision:meeting_cancel", args=[meeting.pk])
    assert "reason" in psychologist.post(cancel, {"reason": " "}).context["form"].errors
    psychologist.post(cancel, {"reason": "台风停课"})
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    page = psychologist.get(reverse("supervision:meeting_detail", args=[meeting.pk]))
    assert "台风停课" in page.content.decode()
    # A cancelled meeting cannot be moved.
    assert psychologist.get(url).status_code == 302


def test_cancel_a_proposal(psychologist, program, community_a):
    url = reverse("supervision:proposal_cancel") + "?on=2014-08-12"
    response = psychologist.post(url, {"proposed_on": "2014-08-12", "reason": ""})
    assert set(response.context["form"].errors) == {"reason", "communities"}
    psychologist.post(
        url, {"proposed_on": "2014-08-12", "communities": [community_a.pk], "reason": "国庆"}
    )
    meeting = SupervisionMeeting.objects.get()
    assert meeting.status == "cancelled" and meeting.proposed_on == date(2014, 8, 12)
    rows = psychologist.get(reverse("supervision:meeting_schedule") + "?year=2014").context["rows"]
    row = next(r for r in rows if r.day == date(2014, 8, 12))
    assert row.state == "cancelled" and row.cancel_reason == "国庆"


def test_only_schedulers_confirm(client_for, users, program, community_a):
    for name in ("doctor", "socialworker"):
        client = client_for(users[name])
        assert (
            client.get(reverse("supervision:meeting_confirm") + "?on=2014-07-01").status_code == 403
        )
    meeting = confirm(program, community_a, users["manager"]).meeting
    client = client_for(users["doctor"])
    assert client.get(reverse("supervision:meeting_move", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("supervision:meeting_detail", args=[meeting.pk])).status_code == 200


# --- The record ------------------------------------------------------------------------------


def record_data(meeting, users, peer, **extra):
    data = {
        "held_on": "2014-07-01",
        "starts_at": "14:00",
        "place": "甲温馨家园",
        "staff_present": [users["psychologist"].pk, users["doctor"].pk],
        "peers_present": [peer.pk],
        "summary": "讨论了活动准备",
        "issues-TOTAL_FORMS": "3",
        "issues-INITIAL_FORMS": "0",
        "issues-0-category": "topics",
        "issues-0-text": "话题难选",
        "issues-1-category": "feelings",
        "issues-1-text": "目标未达成时沮丧",
        "issues-2-category": "",
        "issues-2-text": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "准备下次话题清单",
        "actions-0-owner": users["peer"].pk,
        "actions-0-due_on": "2014-07-15",
        "actions-1-text": "",
        "actions-1-owner": "",
        "actions-1-due_on": "",
    }
    data.update(extra)
    return data


def test_record_a_meeting_with_issues_and_actions(
    psychologist, users, program, community_a, peer_person_a
):
    meeting = confirm(program, community_a, users["psychologist"]).meeting
    Notification.objects.all().delete()
    url = reverse("supervision:meeting_record", args=[meeting.pk])
    form = psychologist.get(url).context["form"]
    staff_choices = {u.username for u in form.fields["staff_present"].queryset}
    assert {"psychologist", "doctor", "socialworker", "psychiatrist", "manager"} <= staff_choices
    assert "research" not in staff_choices and "peer" not in staff_choices
    data = record_data(meeting, users, peer_person_a, version=form.initial["version"])
    response = psychologist.post(url, data, follow=True)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.recorded_by == users["psychologist"]
    assert set(meeting.staff_present.all()) == {users["psychologist"], users["doctor"]}
    assert list(meeting.peers_present.all()) == [peer_person_a]
    assert [(i.category, i.text) for i in meeting.issues.all()] == [
        ("topics", "话题难选"),
        ("feelings", "目标未达成时沮丧"),
    ]
    action = meeting.actions.get()
    assert action.owner == users["peer"] and action.due_on == date(2014, 7, 15)
    assigned = Notification.objects.get(kind=Notification.Kind.ACTION_ASSIGNED)
    assert assigned.recipient == users["peer"]
    assert "1 person was notified." in response.content.decode()
    page = psychologist.get(reverse("supervision:meeting_detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "话题难选" in text and "准备下次话题清单" in text
    # Correct it: one issue removed, none added; the history shows both saves.
    version = psychologist.get(url).context["form"].initial["version"]
    corrected = record_data(
        meeting,
        users,
        peer_person_a,
        version=version,
        **{
            "issues-1-text": "",
            "issues-1-category": "",
            "actions-0-text": "",
            "actions-0-owner": "",
            "actions-0-due_on": "",
        },
    )
    psychologist.post(url, corrected)
    assert list(meeting.issues.values_list("text", flat=True)) == ["话题难选"]
    assert SupervisionAction.objects.count() == 1
    # The stale version is refused.
    response = psychologist.post(url, corrected)
    assert "after you opened it" in response.content.decode()
    history = selectors.meeting_history(meeting)
    assert len(history) >= 3
    assert SupervisionIssue.history.filter(meeting_id=meeting.pk, history_type="-").count() == 1


def test_record_errors_all_at_once(psychologist, users, program, community_a, community_b):
    meeting = confirm(program, community_a, users["psychologist"]).meeting
    outsider = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    url = reverse("supervision:meeting_record", args=[meeting.pk])
    data = {
        "held_on": "2030-01-01",
        "staff_present": [outsider.pk],
        "issues-TOTAL_FORMS": "1",
        "issues-INITIAL_FORMS": "0",
        "issues-0-category": "",
        "issues-0-text": "无类别",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "无负责人",
        "actions-0-owner": "²",
        "actions-0-due_on": "",
    }
    response = psychologist.post(url, data)
    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    assert "staff_present" in response.context["form"].errors
    assert "category" in response.context["issues"].forms[0].errors
    action_errors = response.context["actions"].forms[0].errors
    assert {"owner", "due_on"} <= set(action_errors)
    assert not SupervisionIssue.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == "confirmed"
    # A broken management form is a message, not a 500.
    response = psychologist.post(url, {"held_on": "2014-07-01", "issues-TOTAL_FORMS": "²"})
    assert response.status_code == 200
    # A due date before the meeting is refused.
    with translation.override("en"):
        errors = services.meeting_record_errors(
            meeting=meeting,
            held_on=FIRST,
            staff_present=[users["doctor"]],
            peers_present=[],
            summary="",
            issues=[],
            actions=[services.ActionRow("x", users["doctor"], date(2014, 6, 1))],
        )
    assert "before the meeting" in errors["actions"][0]


def test_void_a_meeting_cancels_its_open_actions(psychologist, users, program, community_a):
    meeting = confirm(program, community_a, users["psychologist"]).meeting
    services.meeting_record(
        meeting=meeting,
        version=None,
        held_on=FIRST,
        starts_at=None,
        place="",
        staff_present=[users["doctor"]],
        peers_present=[],
        summary="",
        issues=[],
        actions=[services.ActionRow("记录表培训", users["doctor"], date(2014, 7, 20))],
        by=users["psychologist"],
    )
    url = reverse("supervision:meeting_void", args=[meeting.pk])
    assert "reason" in psychologist.post(url, {"reason": ""}).context["form"].errors
    psychologist.post(url, {"reason": "重复录入"})
    meeting.refresh_from_db()
    assert meeting.is_voided and meeting.void_reason == "重复录入"
    action = meeting.actions.get()
    assert action.cancelled_at is not None and "重复录入" in action.cancel_reason
    # The proposal comes back on the schedule (a voided record was a mistake).
    rows = psychologist.get(reverse("supervision:meeting_schedule") + "?year=2014").context["rows"]
    assert rows[0].day == FIRST and rows[0].meeting is None


# --- Scoping ---------------------------------------------------------------------------------


def test_scoping_of_meeting_pages(client_for, users, program, community_a, community_b):
    meeting = confirm(program, community_a, users["manager"]).meeting
    doctor_b = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    names = ("meeting_detail", "meeting_move", "meeting_cancel", "meeting_record", "meeting_void")
    for user in (doctor_b, users["peer"], users["research"]):
        client = client_for(user)
        for name in names:
            url = reverse(f"supervision:{name}", args=[meeting.pk])
            assert client.get(url).status_code == 404, (user, name)
            assert client.post(url).status_code == 404, (user, name)
    for name in ("peer", "research"):
        response = client_for(users[name]).get(reverse("supervision:meeting_schedule"))
        assert response.status_code == 403
    # A meeting of A and B is the doctor of B's too.
    meeting.communities.add(community_b)
    assert (
        client_for(doctor_b)
        .get(reverse("supervision:meeting_detail", args=[meeting.pk]))
        .status_code
        == 200
    )


def test_meeting_history_is_audited(users, program, community_a):
    meeting = confirm(program, community_a, users["psychologist"]).meeting
    services.meeting_move(
        meeting=meeting,
        version=None,
        held_on=date(2014, 7, 2),
        starts_at=None,
        place="",
        by=users["psychologist"],
    )
    services.meeting_cancel(meeting=meeting, reason="停电", by=users["psychologist"])
    history = SupervisionMeeting.history.filter(id=meeting.pk).order_by("history_id")
    assert [h.status for h in history][-1] == "cancelled"
    assert history.last().history_change_reason == "停电"
    entries = selectors.meeting_history(meeting)
    assert any(entry.reason == "停电" for entry in entries)
