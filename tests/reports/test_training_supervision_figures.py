"""The report's peer training and supervision section against small data counted by hand:
training rounds, sessions and make-ups, peers trained of peers enrolled, meetings by year,
issues by category (N and %), actions, as-needed requests with the median time to answer,
and guidance given per session by support phase (issue 11, item 4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from tests.conftest import make_person
from tests.reports.conftest import add_sessions, build
from tests.reports.training_data import (
    at,
    curriculum,
    meeting,
    notes,
    request,
    training_round,
    training_session,
)
from tongban.supervision.models import IssueCategory, SupervisionAction, SupportPhase
from tongban.training.models import TrainingRound

HELD = "held"


@pytest.fixture
def training(program, community_a, community_b, peer_person_a):
    """Peers of A: `full` (all six workshops), `made_up` (five, and the sixth at a make-up
    session), `partial` (three; a fourth at a voided session), the fixture's peer (none);
    of B: `other` (all six). All enrolled before Tongban's records (exempt until
    `training_records_from`)."""
    workshops = curriculum()
    full = make_person("全勤", community=community_a, role="peer", started_on=date(2013, 7, 1))
    made_up = make_person("补课", community=community_a, role="peer", started_on=date(2013, 7, 1))
    partial = make_person("缺课", community=community_a, role="peer", started_on=date(2013, 7, 1))
    other = make_person("乙同伴", community=community_b, role="peer", started_on=date(2015, 8, 1))
    first = training_round(program, [community_a, community_b], starts_on=date(2013, 6, 10))
    for i, workshop in enumerate(workshops):
        attendees = [full, other] + ([made_up] if i < 5 else []) + ([partial] if i < 3 else [])
        training_session(first, date(2013, 6, 10 + i), workshop=workshop, attendees=attendees)
    training_session(first, date(2013, 6, 20), workshop=workshops[3], attendees=[partial],
                     voided=True)  # fmt: skip
    training_session(first, date(2013, 9, 1), workshop=workshops[5], make_up=True,
                     attendees=[made_up])  # fmt: skip
    continuing = training_round(program, [community_a], starts_on=date(2015, 6, 1),
                                kind=TrainingRound.Kind.CONTINUING)  # fmt: skip
    training_session(continuing, date(2015, 6, 1), topic="复训", attendees=[full, made_up])
    later = training_round(program, [community_b], starts_on=date(2015, 6, 20))
    training_session(later, date(2015, 6, 20), workshop=workshops[0], attendees=[other])
    return {"full": full, "made_up": made_up, "partial": partial, "other": other}


def section(program, **kwargs) -> dict:
    with translation.override("en"):
        return build(program, **kwargs)["training_supervision"]


def test_training_rounds_sessions_make_ups_and_peers_trained(training, program, community_a):
    figures = section(program)["training"]
    # The range starts with the program: the June 2013 pre-service round before it counts.
    assert figures == {
        "rounds": 3,
        "pre_service_rounds": 2,
        "continuing_rounds": 1,
        "sessions": 9,  # 6 workshops + a make-up + a continuing session + B's second round
        "make_up_sessions": 1,
        "attendances": 24,  # 6 + 5 + 3 + 6, the make-up, two at continuing, one in B
        "required_workshops": 6,
        "peers_enrolled": 5,
        "peers_trained": 3,  # full, made_up (after the make-up), other
        "peers_trained_percent": 60.0,
        "peers_exempt": 2,  # partial and the fixture's peer: enrolled before the records
    }
    only_a = section(program, communities=[community_a])["training"]
    assert (only_a["rounds"], only_a["sessions"], only_a["attendances"]) == (2, 8, 17)
    assert (only_a["peers_enrolled"], only_a["peers_trained"]) == (4, 2)
    assert only_a["peers_trained_percent"] == 50.0


def test_training_in_a_later_range_and_before_the_make_up(training, program):
    later = section(program, date_from=date(2014, 1, 1))["training"]
    assert (later["sessions"], later["make_up_sessions"], later["rounds"]) == (2, 0, 2)
    assert later["peers_trained"] == 3  # trained by the range's end, whenever
    early = section(program, date_to=date(2013, 8, 31))["training"]
    assert early["make_up_sessions"] == 0
    assert early["peers_trained"] == 1  # full; made_up not yet, other not enrolled yet
    assert early["peers_enrolled"] == 3  # the fixture's peer and other come later


def test_no_exemption_once_the_records_are_required(training, program):
    program.training_records_from = date(2014, 1, 1)
    program.save()
    figures = section(program)["training"]
    assert (figures["peers_trained"], figures["peers_exempt"]) == (3, 0)
    before = section(program, date_to=date(2013, 12, 31))["training"]
    assert before["peers_exempt"] == 1  # partial (the fixture's peer comes in 2014)


@pytest.fixture
def supervision(program, community_a, community_b, users, training):
    owner = users["psychologist"]
    a, b = [community_a], [community_b]
    meeting(program, [community_a, community_b], date(2014, 8, 12), owner=owner,
            issues=[IssueCategory.TOPICS, IssueCategory.TOPICS, IssueCategory.ENGAGEMENT],
            actions=[{"done_at": at(date(2014, 9, 1))}, {}])  # fmt: skip
    cancelled = {"cancelled_at": at(date(2014, 10, 1)), "cancel_reason": "不需要"}
    meeting(program, a, date(2014, 9, 23), owner=owner, issues=[IssueCategory.FEELINGS],
            actions=[cancelled])  # fmt: skip
    # Done only after the range: open on its last day.
    meeting(program, a, date(2015, 2, 3), owner=owner, issues=[IssueCategory.ENGAGEMENT],
            actions=[{"done_at": timezone.now()}])  # fmt: skip
    meeting(program, a, date(2014, 11, 4), status="cancelled", issues=[IssueCategory.SAFETY])
    meeting(program, a, date(2015, 3, 1), issues=[IssueCategory.SAFETY], voided=True)
    meeting(program, b, date(2015, 5, 1), issues=[IssueCategory.ROLE])
    meeting(program, a, date(2016, 7, 15), status="proposed")

    doctor, peer = users["doctor"], training["full"]
    hours = lambda n: timedelta(hours=n)  # noqa: E731
    urgent = request(community_a, peer, doctor=doctor, asked_at=at(date(2014, 9, 1)),
                     answered_after=hours(2), urgency="urgent")  # fmt: skip
    SupervisionAction.objects.create(request=urgent, community=community_a, text="行动",
                                     owner=doctor, due_on=date(2014, 9, 2),
                                     done_at=at(date(2014, 9, 2)))  # fmt: skip
    request(community_a, peer, doctor=doctor, asked_at=at(date(2014, 10, 1), 9),
            answered_after=hours(24))  # fmt: skip
    request(community_a, peer, doctor=doctor, asked_at=at(date(2015, 1, 5)),
            answered_after=hours(6))  # fmt: skip
    request(community_a, peer, doctor=doctor, asked_at=at(date(2015, 3, 1)), urgency="urgent")
    request(community_a, peer, doctor=doctor, asked_at=at(date(2015, 3, 2)),
            answered_after=hours(1), voided=True)  # fmt: skip
    # Asked on the range's last evening, answered the next morning: unanswered in the range.
    request(community_a, peer, doctor=doctor, asked_at=at(date(2016, 6, 30), 20),
            answered_after=hours(10))  # fmt: skip
    request(community_b, training["other"], doctor=doctor, asked_at=at(date(2015, 9, 1)),
            answered_after=hours(10))  # fmt: skip


def test_meetings_held_by_year(supervision, program, community_a):
    meetings = section(program)["meetings"]
    assert meetings["held"] == 4 and meetings["cancelled"] == 1
    assert [(row["year"], row["held"]) for row in meetings["years"]] == [
        (2013, 0), (2014, 2), (2015, 2), (2016, 0),
    ]  # fmt: skip
    only_a = section(program, communities=[community_a])["meetings"]
    assert [row["held"] for row in only_a["years"]] == [0, 2, 1, 0]


def test_issues_by_category_with_shares(supervision, program, community_a):
    issues = section(program, communities=[community_a])["issues"]
    assert issues["total"] == 5
    shown = [(c["key"], c["count"], c["percent"]) for c in issues["categories"]]
    # Most raised first; ties in the categories' order.
    assert shown == [
        ("topics", 2, 40.0),
        ("engagement", 2, 40.0),
        ("feelings", 1, 20.0),
        ("running", 0, 0.0),
        ("role", 0, 0.0),
        ("safety", 0, 0.0),
    ]
    everywhere = section(program)["issues"]
    assert everywhere["total"] == 6  # B's meeting adds "the peer role"
    counts = {c["key"]: (c["count"], round(c["percent"], 1)) for c in everywhere["categories"]}
    assert counts["topics"] == (2, 33.3) and counts["role"] == (1, 16.7)
    assert counts["safety"] == (0, 0.0)  # raised only at a cancelled and a voided meeting
    assert everywhere["categories"][0]["label"] == "choosing and preparing topics"


def test_actions_as_they_stood_at_the_end_of_the_range(supervision, program):
    assert section(program)["actions"] == {
        "agreed": 5,
        "done": 2,
        "cancelled": 1,
        "open": 2,
        "overdue": 2,
    }


def test_requests_answered_and_the_median_time_to_answer(supervision, program, community_a):
    only_a = section(program, communities=[community_a])["requests"]
    assert only_a == {
        "asked": 5,
        "urgent": 2,
        "answered": 3,
        "urgent_answered": 1,
        "unanswered": 2,
        "answered_percent": 60.0,
        "median_hours_to_answer": 6.0,  # of 2, 6 and 24 hours
    }
    everywhere = section(program)["requests"]
    assert everywhere["answered"] == 4
    assert everywhere["median_hours_to_answer"] == 8.0  # of 2, 6, 10 and 24 hours


def test_no_records_no_division_by_zero(program, community_a):
    figures = section(program)
    assert figures["available"] is True
    assert figures["training"]["peers_trained_percent"] is None
    assert figures["requests"]["median_hours_to_answer"] is None
    assert figures["requests"]["answered_percent"] is None
    assert figures["issues"]["total"] == 0
    assert all(c["percent"] is None for c in figures["issues"]["categories"])
    phases = figures["guidance"]["phases"]
    assert [p["sessions"] for p in phases] == [0, 0]
    assert phases[0]["notes_per_session"] is None


@pytest.fixture
def guided(users, venue_a, venue_b, peer_person_a):
    """Three sessions in the first year of A: two with guidance before (one of them also
    after, with two notes before), one with only a voided note; two in the later phase, one
    with a note after; one in B's later phase with a note before; a voided session with notes."""
    by, lead = users["research"], peer_person_a
    doctor = users["doctor"]
    first = add_sessions(venue_a, [date(2013, 8, 1), date(2013, 8, 8), date(2013, 8, 15)],
                         by=by, lead=lead)  # fmt: skip
    notes(first[0].plan, before=2, after=1, by=doctor)
    notes(first[1].plan, before=1, voided=1, by=doctor)
    notes(first[2].plan, voided=1, by=doctor)
    voided = add_sessions(venue_a, [date(2013, 8, 22)], by=by, lead=lead, voided=True)
    notes(voided[0].plan, before=1, after=1, by=doctor)
    later = add_sessions(venue_a, [date(2014, 9, 1), date(2014, 9, 8)], by=by, lead=lead)
    notes(later[0].plan, after=1, by=doctor)
    in_b = add_sessions(venue_b, [date(2015, 9, 1)], by=by, lead=lead)
    notes(in_b[0].plan, before=1, by=doctor)


def test_guidance_given_per_session_by_phase(guided, program, community_a):
    first, later = section(program, communities=[community_a])["guidance"]["phases"]
    assert first["key"] == "first" and first["guidance_every_session"] is True
    assert (first["starts_on"], first["ends_on"]) == ("2013-07-01", "2014-06-30")
    assert (first["sessions"], first["with_before"], first["with_after"]) == (3, 2, 1)
    assert first["with_before_percent"] == pytest.approx(200 / 3)  # 2 of 3
    assert first["with_both"] == 1
    assert first["notes"] == 4 and first["notes_per_session"] == pytest.approx(4 / 3)
    assert later["key"] == "later" and later["guidance_every_session"] is False
    assert (later["starts_on"], later["ends_on"]) == ("2014-07-01", "2016-06-30")
    assert (later["sessions"], later["with_before"], later["with_after"]) == (2, 0, 1)
    assert later["notes_per_session"] == 0.5
    both = section(program)["guidance"]["phases"][1]
    assert (both["sessions"], both["with_before"], both["notes"]) == (3, 1, 2)


def test_guidance_phases_clipped_to_the_range_and_stored_phases(guided, program, community_a):
    clipped = section(program, date_from=date(2014, 1, 1), date_to=date(2014, 12, 31),
                      communities=[community_a])["guidance"]["phases"]  # fmt: skip
    assert [(p["starts_on"], p["ends_on"], p["sessions"]) for p in clipped] == [
        ("2014-01-01", "2014-06-30", 0),
        ("2014-07-01", "2014-12-31", 2),
    ]
    # The program's own phases: guidance ended early, on 5 August 2013.
    SupportPhase.objects.create(program=program, kind="first", starts_on=date(2013, 7, 1),
                                guidance_every_session=True, group_every_days=0)  # fmt: skip
    SupportPhase.objects.create(program=program, kind="later", starts_on=date(2013, 8, 5))
    first, later = section(program, communities=[community_a])["guidance"]["phases"]
    assert (first["sessions"], first["with_before"], first["notes"]) == (1, 1, 3)
    assert (later["sessions"], later["with_before"], later["with_after"]) == (4, 1, 1)
    assert later["notes"] == 2


def test_the_page_shows_the_section(client_for, users, supervision, guided):
    response = client_for(users["manager"]).get(
        "/reports/program/", {"date_from": "2013-07-01", "date_to": "2016-06-30"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    part = html.split('id="training-supervision"')[1].split("</section>")[0]
    assert 'id="guidance-by-phase"' in part and 'id="issues-by-category"' in part
    assert 'id="meetings-by-year"' in part
    assert ">33.3<" in part  # "choosing and preparing topics": 2 of 6
    trained = part.split('id="peers-trained"')[1].split("</div>")[0]
    assert "3" in trained and "5" in trained and "(60.0%)" in trained
    guidance = part.split('id="guidance-by-phase"')[1].split("</table>")[0]
    assert ">66.7%<" in guidance and ">1.33<" in guidance  # 2 of 3 before; 4 notes / 3


def test_the_json_has_the_same_figures(client_for, users, supervision, guided, program):
    response = client_for(users["manager"]).get(
        "/reports/program/json/", {"date_from": "2013-07-01", "date_to": "2016-06-30"}
    )
    assert response.status_code == 200
    data = response.json()["training_supervision"]
    expected = build(program)["training_supervision"]
    assert data["training"] == expected["training"]
    assert data["guidance"]["phases"][0]["sessions"] == 3
    assert data["requests"]["median_hours_to_answer"] == 8.0


def test_peers_do_not_get_the_section(supervision, program):
    assert "training_supervision" not in build(program, peer_view=True)


def test_sessions_before_the_first_phase_are_counted_apart(users, program, venue_a,
                                                           peer_person_a):  # fmt: skip
    early = add_sessions(venue_a, [date(2013, 6, 20)], by=users["research"], lead=peer_person_a)
    notes(early[0].plan, after=1, by=users["doctor"])
    guidance = section(program, date_from=date(2013, 6, 1))["guidance"]
    assert [p["sessions"] for p in guidance["phases"]] == [0, 0]
    outside = guidance["outside"]
    assert (outside["key"], outside["sessions"], outside["with_after"]) == ("outside", 1, 1)
    assert section(program)["guidance"]["outside"] is None
