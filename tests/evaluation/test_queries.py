"""The round list and the round's page cost the same number of queries at any size."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from tongban.evaluation import selectors, services

from .conftest import IN_ROUND, link_caregiver


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def add_round(users, community, k: int):
    start = date(2015, 1, 1) + timedelta(days=40 * k)
    return services.evaluation_round_create(
        program=community.program,
        by=users["research"],
        name=f"第{k}轮",
        starts_on=start,
        ends_on=start + timedelta(days=20),
        communities=[community],
    )


def add_people(users, community, evaluation_round, n: int, offset: int = 0) -> None:
    research = users["research"]
    for k in range(offset, offset + n):
        consumer = make_person(f"服务对象{k}", community=community)
        carer = make_person(f"照料者{k}")
        link_caregiver(carer, consumer)
        if k % 2:
            services.interview_record(
                evaluation_round=evaluation_round,
                person=consumer,
                respondent="consumer",
                by=research,
                outcome="interviewed",
                interviewed_on=IN_ROUND,
                interviewer=research,
                answers={"consumer_satisfied_with_peers": "yes"},
            )
        else:
            services.interview_record(
                evaluation_round=evaluation_round,
                person=carer,
                respondent="caregiver",
                by=research,
                outcome="not_assessed",
                not_assessed_reason="unreachable",
            )


def test_the_round_list_does_not_grow_with_rounds(client_for, users, community_a, evaluation_round):
    add_people(users, community_a, evaluation_round, 2)
    client = client_for(users["research"])
    one = queries(client, "/evaluation/")
    for k in range(6):
        add_round(users, community_a, k)
    add_people(users, community_a, evaluation_round, 4, offset=2)
    assert queries(client, "/evaluation/") == one
    # And the one query's figures are those of each round's own page.
    for row in selectors.rounds_with_counts(users["research"]):
        counted = selectors.counts(selectors.expected(row, users["research"]))
        assert (row.expected, row.done, row.not_assessed, row.pending) == (
            counted.expected,
            counted.done,
            counted.not_assessed,
            counted.pending,
        )


def test_the_round_page_does_not_grow_with_people(client_for, users, community_a, evaluation_round):
    add_people(users, community_a, evaluation_round, 2)
    client = client_for(users["research"])
    url = f"/evaluation/{evaluation_round.pk}/"
    few = queries(client, url)
    add_people(users, community_a, evaluation_round, 8, offset=2)
    interview = evaluation_round.interviews.first()
    services.interview_void(interview=interview, by=users["research"], reason="录错")
    assert queries(client, url) == few
    assert queries(client, url + "?state=pending") == few


def test_the_interview_page_does_not_grow_with_changes(
    client_for, users, community_a, evaluation_round
):
    add_people(users, community_a, evaluation_round, 2)
    interview = evaluation_round.interviews.get(outcome="interviewed")
    client = client_for(users["research"])
    url = f"/evaluation/interview/{interview.pk}/"
    before = queries(client, url)
    for value in ("no", "yes", "no"):
        services.interview_update(
            interview=interview,
            version=None,
            outcome="interviewed",
            interviewed_on=IN_ROUND,
            interviewer=users["manager"],
            answers={"consumer_satisfied_with_peers": value, "consumer_wants_to_continue": value},
            note=value,
        )
    assert queries(client, url) == before
