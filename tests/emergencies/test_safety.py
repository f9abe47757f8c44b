"""Safety figures: days since a community's last adverse event; events per 100 sessions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from tongban.core import scope
from tongban.emergencies import selectors

from .conftest import file_event, local, make_session

pytestmark = pytest.mark.django_db

TODAY = date(2016, 3, 20)


def by_code(rows) -> dict:
    return {row.community.code: row for row in rows}


def test_days_since_the_last_event(users, community_a, community_b):
    file_event(users["doctor"], community_a, occurred_at=local(date(2016, 3, 1)))
    file_event(users["doctor"], community_a, occurred_at=local(date(2016, 3, 15), 23, 30))
    rows = by_code(selectors.safety_by_community(users["manager"], today=TODAY))
    assert rows["alpha"].days_since_last_event == 5
    assert rows["alpha"].last_event_at == local(date(2016, 3, 15), 23, 30)
    assert not rows["alpha"].none_recorded
    # None recorded: the figure counts from the service's start.
    assert rows["beta"].none_recorded
    assert rows["beta"].days_since_last_event is None
    assert rows["beta"].days_in_service == (TODAY - community_b.started_on).days


def test_a_voided_event_does_not_count(users, community_a):
    event = file_event(users["doctor"], community_a, occurred_at=local(date(2016, 3, 19)))
    file_event(users["doctor"], community_a, occurred_at=local(date(2016, 3, 10)))
    event.void(by=users["doctor"], reason="录入错误")
    row = selectors.community_safety(users["doctor"], community_a, today=TODAY)
    assert row.days_since_last_event == 10


def test_figures_stay_in_scope(users, community_a, community_b):
    rows = selectors.safety_by_community(users["doctor"], today=TODAY)
    assert [row.community for row in rows] == [community_a]
    with pytest.raises(type(community_b).DoesNotExist):
        selectors.community_safety(users["doctor"], community_b, today=TODAY)


def test_a_peer_counts_events_they_cannot_open(users, community_a):
    """The figure says how safe the community is, whoever filed the event."""
    file_event(users["doctor"], community_a, occurred_at=local(date(2016, 3, 18)))
    row = selectors.community_safety(users["peer"], community_a, today=TODAY)
    assert row.days_since_last_event == 2


def test_events_per_100_delivered_sessions(users, community_a, community_b, peer_person_a):
    peer_b = make_person("乙同伴", community=community_b, role="peer")
    sessions = [
        make_session(community_a, users["peer"], day=TODAY - timedelta(days=i), lead=peer_person_a)
        for i in range(8)
    ]
    # Not delivered: planned only, a voided plan, a voided record.
    make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a, delivered=False)
    make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a).void(
        by=users["manager"], reason="重复"
    )
    make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a).record.void(
        by=users["manager"], reason="重复"
    )
    make_session(community_b, users["manager"], day=TODAY, lead=peer_b)
    make_session(community_b, users["manager"], day=TODAY, lead=peer_b)

    file_event(users["peer"], community_a, session=sessions[0], occurred_at=local(TODAY))
    file_event(users["doctor"], community_a, occurred_at=local(TODAY, 9))
    file_event(users["doctor"], community_a, occurred_at=local(TODAY, 8)).void(
        by=users["doctor"], reason="重复"
    )
    file_event(users["manager"], community_b, occurred_at=local(TODAY))

    mine = selectors.adverse_events_per_100_sessions(users["doctor"])
    assert (mine.events, mine.events_in_sessions, mine.sessions) == (2, 1, 8)
    assert mine.per_100_sessions == 25.0

    program = selectors.adverse_events_per_100_sessions(users["manager"])
    assert (program.events, program.sessions) == (3, 10)
    assert program.per_100_sessions == 30.0

    only_b = selectors.adverse_events_per_100_sessions(users["manager"], community=community_b)
    assert (only_b.events, only_b.sessions, only_b.per_100_sessions) == (1, 2, 50.0)


def test_no_sessions_no_rate(users, community_a):
    file_event(users["doctor"], community_a)
    rate = selectors.adverse_events_per_100_sessions(users["doctor"])
    assert rate.sessions == 0 and rate.per_100_sessions is None


def test_figures_are_computed_in_a_constant_number_of_queries(users, community_a, peer_person_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            selectors.safety_by_community(users["manager"], today=TODAY)
            selectors.adverse_events_per_100_sessions(users["manager"])
        return len(context.captured_queries)

    scope.program(users["manager"])  # the chosen program, read once per request
    before = queries()
    for i in range(5):
        session = make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a)
        file_event(users["peer"], community_a, session=session, description=f"事件{i}")
    assert queries() == before == 3
