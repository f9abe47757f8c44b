"""Missed check-ins: an alert once per run of misses, reset by a check-in or a return from
leave; a fixed number of queries whatever the number of peers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.notifications.models import Notification
from tongban.registry import services as registry_services
from tongban.supervision import wellbeing_selectors as selectors
from tongban.supervision.models import SupportSettings, WellbeingAlert
from tongban.supervision.wellbeing_services import wellbeing_alert_missed

from .wellbeing_helpers import check_in, peer_with_account

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)  # a Monday; periods of 14 days: due by Jan 18, Feb 1, Feb 15, Mar 1


def due(number: int) -> date:
    return START + timedelta(days=14 * number - 1)


def alerts_for(person):
    return WellbeingAlert.objects.filter(peer=person, kind=WellbeingAlert.Kind.MISSED)


def test_missed_due_dates_arithmetic():
    assert selectors.missed_due_dates(started_on=START, every=14, today=due(1)) == []
    assert selectors.missed_due_dates(started_on=START, every=14, today=due(1) + timedelta(1)) == [
        due(1)
    ]
    # Since a check-in in period 2: periods 3 on.
    since = due(2) - timedelta(days=3)
    assert selectors.missed_due_dates(
        started_on=START, every=14, today=due(5) + timedelta(1), since=since
    ) == [due(3), due(4), due(5)]


def test_two_missed_no_alert_three_one_alert_then_never_again(users, community_a):
    person, _peer = peer_with_account("新同伴", community_a, started_on=START)
    # Two periods over without a check-in: nothing yet.
    wellbeing_alert_missed(today=due(2) + timedelta(days=1))
    assert not alerts_for(person).exists()
    # The third one is due on its last day: still nothing that day.
    wellbeing_alert_missed(today=due(3))
    assert not alerts_for(person).exists()
    created = wellbeing_alert_missed(today=due(3) + timedelta(days=1))
    alert = alerts_for(person).get()
    assert alert in created
    assert (alert.community, alert.due_on, alert.seen_at) == (community_a, due(3), None)
    notified = Notification.objects.filter(
        kind=Notification.Kind.WELLBEING_MISSED, url=f"/supervision/wellbeing/peer/{person.pk}/"
    )
    assert {n.recipient for n in notified} == {
        users[name] for name in ("doctor", "psychologist", "socialworker", "psychiatrist")
    }
    # Running again, the same day or later in the same run of misses: no second alert.
    assert person not in [a.peer for a in wellbeing_alert_missed(today=due(3) + timedelta(1))]
    wellbeing_alert_missed(today=due(5) + timedelta(days=1))
    assert alerts_for(person).count() == 1
    assert notified.count() == 4


def test_a_check_in_starts_a_new_count(users, community_a):
    person, peer = peer_with_account("新同伴", community_a, started_on=START)
    check_in(peer, community_a, today=due(2))  # answers period 2
    wellbeing_alert_missed(today=due(4) + timedelta(days=1))  # periods 3 and 4 missed
    assert not alerts_for(person).exists()
    wellbeing_alert_missed(today=due(5) + timedelta(days=1))  # and 5
    assert list(alerts_for(person).values_list("due_on", flat=True)) == [due(5)]
    # Answering again resets; three more misses make a second alert.
    check_in(peer, community_a, today=due(6))
    wellbeing_alert_missed(today=due(8) + timedelta(days=1))
    assert alerts_for(person).count() == 1
    wellbeing_alert_missed(today=due(9) + timedelta(days=1))
    assert list(alerts_for(person).order_by("due_on").values_list("due_on", flat=True)) == [
        due(5),
        due(9),
    ]


def test_the_program_sets_how_many_misses(users, community_a):
    SupportSettings.objects.create(program=community_a.program, missed_checkins_alert=1)
    person, _peer = peer_with_account("新同伴", community_a, started_on=START)
    wellbeing_alert_missed(today=due(1) + timedelta(days=1))
    assert list(alerts_for(person).values_list("due_on", flat=True)) == [due(1)]


def test_a_peer_on_leave_is_not_alerted_and_a_return_starts_a_new_count(users, community_a):
    person, _peer = peer_with_account("新同伴", community_a, started_on=START)
    enrolment = person.enrolments.get()
    registry_services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=due(1), reason="休息"
    )
    wellbeing_alert_missed(today=due(4) + timedelta(days=1))
    assert not alerts_for(person).exists()
    back = due(4) + timedelta(days=1)
    registry_services.enrolment_change_status(
        enrolment=enrolment, status="active", effective_on=back
    )
    # Back in period 5: periods 6, 7 and 8 must pass before an alert.
    wellbeing_alert_missed(today=due(7) + timedelta(days=1))
    assert not alerts_for(person).exists()
    wellbeing_alert_missed(today=due(8) + timedelta(days=1))
    assert list(alerts_for(person).values_list("due_on", flat=True)) == [due(8)]


def test_withdrawn_peers_and_closed_communities_are_left_alone(users, community_a, community_b):
    person, _peer = peer_with_account("新同伴", community_a, started_on=START)
    registry_services.enrolment_change_status(
        enrolment=person.enrolments.get(), status="withdrawn", effective_on=due(1), reason="离开"
    )
    other, _account = peer_with_account("乙同伴", community_b, started_on=START)
    community_b.ended_on = due(1)
    community_b.save()
    wellbeing_alert_missed(today=due(5))
    assert not WellbeingAlert.objects.filter(peer__in=[person, other]).exists()


def test_queries_do_not_grow_with_the_peers(users, community_a, community_b):
    today = due(4)

    def run() -> int:
        WellbeingAlert.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            wellbeing_alert_missed(today=today)
        reads = [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
        return len(reads)

    peer_with_account("一号", community_a, started_on=START)
    one = run()
    for number in range(2, 6):
        peer_with_account(
            f"{number}号", community_a if number % 2 else community_b, started_on=START
        )
    several = run()
    assert WellbeingAlert.objects.count() >= 5
    assert several == one
