"""The report's query count does not grow with the data (issue 9, item 7): every table is one
grouped query. Three sessions or three hundred, a handful of people or a hundred: the same."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_person
from tests.reports.conftest import add_sessions
from tests.reports.training_data import (
    at,
    curriculum,
    meeting,
    notes,
    request,
    training_round,
    training_session,
)
from tongban.activities.models import Category, Format
from tongban.emergencies.models import EmergencyEvent
from tongban.evaluation.models import EvaluationRound, Interview, InterviewAnswer, Question
from tongban.reports import report
from tongban.supervision.models import IssueCategory

# Counted by hand from report.build (its docstring lists them); a change must be deliberate.
STAFF_QUERIES = 21
PEER_QUERIES = 4


def populate(users, community_a, community_b, venue_a, venue_b, lead, scale: int, tag: str):
    """10 × scale sessions in the range (each with two peers and up to five consumers),
    4 × scale consumers interviewed in two rounds, scale emergency events; scale training
    rounds, meetings (with issues and actions) and requests, guidance notes on the
    sessions."""
    by = users["manager"]
    consumers = [
        make_person(
            f"{tag}对象{i}",
            community=community_a if i % 2 else community_b,
            started_on=date(2013, 8, 1) + timedelta(days=5 * i),
            date_of_birth=date(1960 + i % 30, 1 + i % 12, 1 + i % 28),
        )  # fmt: skip
        for i in range(4 * scale)
    ]
    peers = [make_person(f"{tag}同伴{i}", community=community_b, role="peer") for i in range(scale)]
    start = date(2013, 8, 1)
    categories, formats = list(Category.values), list(Format.values)
    program, workshops = community_a.program, curriculum()
    issue_categories = list(IssueCategory.values)
    for i in range(scale):
        days = [start + timedelta(days=3 * (i * 10 + k)) for k in range(10)]
        venue = venue_a if i % 2 else venue_b
        records = add_sessions(
            venue, days, by=by, lead=lead, peers=[lead, peers[i]],
            category=categories[i % 8], format=formats[i % 5],
            minutes=[40 + (7 * k) % 81 for k in range(10)],
            attendees=consumers[: 4 * (i + 1)][-5:],
        )  # fmt: skip
        for k, record in enumerate(records):
            notes(record.plan, before=k % 2, after=k % 3, by=by)
        training = training_round(program, [venue.community], starts_on=days[0], name=tag)
        for k, workshop in enumerate(workshops):
            training_session(training, days[0] + timedelta(days=k), workshop=workshop,
                             make_up=k == 5, attendees=[peers[i], lead])  # fmt: skip
        meeting(program, [venue.community], days[5], owner=by,
                issues=[issue_categories[i % 6], issue_categories[(i + 1) % 6]],
                actions=[{}, {"done_at": at(days[6])}])  # fmt: skip
        request(venue.community, peers[i], doctor=by, asked_at=at(days[7]),
                answered_after=timedelta(hours=i + 1))  # fmt: skip
        EmergencyEvent.objects.create(
            community=venue.community, kind="other", occurred_at=timezone.now() - timedelta(days=i),
            description="d", actions_taken="a", emergency_services_called=False,
            reported_by=by,
        )  # fmt: skip
    questions = list(Question.objects.filter(program=None, respondent="consumer"))
    for n in range(2):
        evaluation_round = EvaluationRound.objects.create(
            program=community_a.program, name=f"{tag}轮{n}", created_by=by,
            starts_on=date(2014 + n, 12, 1), ends_on=date(2014 + n, 12, 31),
        )  # fmt: skip
        evaluation_round.communities.set([community_a, community_b])
        for person in consumers:
            interview = Interview.objects.create(
                round=evaluation_round, person=person, respondent="consumer",
                community=person.enrolments.get().community, outcome="interviewed",
                interviewed_on=evaluation_round.starts_on, created_by=by,
            )  # fmt: skip
            value = "yes" if person.pk % 3 else "no"
            InterviewAnswer.objects.bulk_create(
                InterviewAnswer(interview=interview, question=q, value=value) for q in questions
            )


@pytest.fixture
def grow(users, community_a, community_b, venue_a, venue_b, peer_person_a):
    """Add data at a scale: grow(1), then grow(29) makes thirty times as much."""
    tags = iter("abcdefgh")

    def add(scale: int) -> None:
        populate(users, community_a, community_b, venue_a, venue_b, peer_person_a, scale,
                 next(tags))  # fmt: skip

    return add


def measure(params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        data = report.build(params)
    return len(queries), data


def test_the_staff_report_has_a_fixed_number_of_queries(grow, program):
    params = report.params_for(program, date_to=date(2016, 6, 30))
    grow(1)
    small, data = measure(params)
    assert data["service_process"]["sessions"] == 10
    grow(29)
    large, data = measure(params)
    assert data["service_process"]["sessions"] == 300
    assert data["service_process"]["attendance"]["attendances"] > 1000
    assert data["participants"]["demographics"]["n"]["consumer"] == 120
    assert data["evaluation"]["questions"][0]["respondents"] == 120
    figures = data["training_supervision"]
    assert figures["training"]["sessions"] == 180 and figures["meetings"]["held"] == 30
    assert figures["issues"]["total"] == 60 and figures["actions"]["agreed"] == 60
    assert figures["requests"]["answered"] == 30
    assert sum(phase["sessions"] for phase in figures["guidance"]["phases"]) == 300
    assert small == large == STAFF_QUERIES


def test_the_peer_report_has_a_fixed_number_of_queries(grow, users):
    params = report.report_params(users["peer"], date_to=date(2016, 6, 30))
    grow(1)
    small, data = measure(params)
    assert data["meta"]["peer_view"] is True
    grow(29)
    large, data = measure(params)
    assert (
        data["service_process"]["sessions"] == 140
    )  # community A: the odd-numbered sets of the second batch
    assert small == large == PEER_QUERIES


def test_the_json_url_has_a_fixed_number_of_queries(client_for, grow, users):
    client = client_for(users["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/reports/program/json/", {"date_to": "2016-06-30"})
        assert response.status_code == 200
        return len(queries)

    grow(1)
    small = count()
    grow(9)
    assert count() == small
