"""open_emergencies_for_home: the user's open events for a home page, escalated first,
in one query whatever their number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.core import scope
from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent, Status
from tongban.emergencies.selectors import communities_without_doctor, open_emergencies_for_home

from .conftest import file_event

pytestmark = pytest.mark.django_db


def filed(user, community, hours_ago: float, **fields) -> EmergencyEvent:
    event = file_event(
        user,
        community,
        description=f"事件 {hours_ago}",
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
        **fields,
    )
    reported = timezone.now() - timedelta(hours=hours_ago)
    EmergencyEvent.objects.filter(pk=event.pk).update(reported_at=reported)
    event.refresh_from_db()
    return event


def shown(user) -> list[EmergencyEvent]:
    return list(open_emergencies_for_home(user))


@pytest.mark.parametrize("count", [1, 5])
def test_one_query_whatever_the_number(users, community_a, count, django_assert_num_queries):
    for hours in range(count):
        filed(users["peer"], community_a, hours + 1)
    for username in ("doctor", "psychiatrist", "peer", "manager"):
        scope.program(users[username])  # the chosen program, read once per request
        with django_assert_num_queries(1):
            events = shown(users[username])
            texts = [
                (e.community.display_name, e.escalates_at, e.reported_by.display_name, e.status)
                for e in events
            ]
        assert len(texts) == count


def test_escalated_first_then_awaiting_oldest_first_then_acknowledged(
    users, community_a, community_b
):
    acknowledged = filed(users["peer"], community_a, 30)
    services.emergency_acknowledge(event=acknowledged, by=users["doctor"])
    newer = filed(users["peer"], community_a, 2)
    older = filed(users["peer"], community_a, 5)
    escalated = filed(users["peer"], community_a, 26)
    services.emergencies_escalate_overdue()
    closed = filed(users["peer"], community_a, 40)
    services.emergency_acknowledge(event=closed, by=users["doctor"])
    services.emergency_close(event=closed, by=users["doctor"], closing_note="好了")
    voided = filed(users["peer"], community_a, 1)
    services.emergency_void(event=voided, by=users["doctor"], reason="重复")
    elsewhere = filed(users["manager"], community_b, 3)

    events = shown(users["doctor"])
    assert events == [escalated, older, newer, acknowledged]
    assert [e.status for e in events] == [
        Status.ESCALATED,
        Status.AWAITING,
        Status.AWAITING,
        Status.ACKNOWLEDGED,
    ]
    assert events[1].escalates_at == older.reported_at + timedelta(hours=24)
    assert elsewhere not in events and closed not in events and voided not in events
    # The psychiatrist sees the whole program, the other community too.
    assert elsewhere in shown(users["psychiatrist"])


def test_a_peer_does_not_see_a_doctors_clinic_event(users, community_a):
    clinic = filed(users["doctor"], community_a, 1)
    own = filed(users["peer"], community_a, 2)
    assert shown(users["peer"]) == [own]
    assert clinic in shown(users["psychologist"])


def test_time_left_before_escalation(users, community_a):
    event = filed(users["peer"], community_a, 20)
    (shown_event,) = shown(users["doctor"])
    left = shown_event.escalates_at - timezone.now()
    assert timedelta(hours=3, minutes=59) < left <= timedelta(hours=4)
    assert shown_event == event


def test_communities_without_doctor(users, community_a, community_b, django_assert_num_queries):
    scope.program(users["manager"])  # the chosen program, read once per request
    with django_assert_num_queries(1):
        assert list(communities_without_doctor(users["manager"])) == [community_b]
    assert list(communities_without_doctor(users["doctor"])) == []
    make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    assert list(communities_without_doctor(users["manager"])) == []
