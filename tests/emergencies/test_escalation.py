"""Frozen time: an event unacknowledged for its program's delay (24 hours by default)
goes to the psychiatrist, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.emergencies.models import EmergencyEvent, Status
from tongban.emergencies.services import emergencies_escalate_overdue, emergency_acknowledge
from tongban.notifications.context_processors import ESCALATION_KEY
from tongban.notifications.models import Notification

from .conftest import file_event

pytestmark = pytest.mark.django_db

FILED = datetime(2016, 3, 9, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ESCALATED = Notification.Kind.EMERGENCY_ESCALATED
FILED_KIND = Notification.Kind.EMERGENCY_FILED
# The program's default escalation delay (Program.escalation_hours).
ESCALATE_AFTER = timedelta(hours=24)


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def event(users, community_a) -> EmergencyEvent:
    with time_machine.travel(FILED, tick=False):
        return file_event(users["peer"], community_a, occurred_at=FILED - timedelta(minutes=20))


def test_filing_notifies_the_doctor_at_that_moment(event, users):
    notification = Notification.objects.get()
    assert notification.recipient == users["doctor"]
    assert notification.created_at == FILED
    assert event.reported_at == FILED


def test_not_before_24_hours(event, users):
    with time_machine.travel(FILED + ESCALATE_AFTER - timedelta(seconds=1), tick=False):
        assert emergencies_escalate_overdue() == []
    event.refresh_from_db()
    assert event.escalated_at is None
    assert kinds_for(users["psychiatrist"]) == []


def test_at_24_hours_the_psychiatrist_is_notified_once(event, users):
    later = FILED + ESCALATE_AFTER
    with time_machine.travel(later, tick=False):
        assert emergencies_escalate_overdue() == [event]
    event.refresh_from_db()
    assert event.escalated_at == later
    assert event.status == Status.ESCALATED
    notification = Notification.objects.get(recipient=users["psychiatrist"])
    assert (notification.kind, notification.url) == (ESCALATED, f"/emergencies/{event.pk}/")
    # A second run, or a run days later, does not escalate it again.
    with time_machine.travel(later + timedelta(days=3), tick=False):
        assert emergencies_escalate_overdue() == []
    assert kinds_for(users["psychiatrist"]) == [ESCALATED]
    # The doctor still acknowledges it afterwards.
    emergency_acknowledge(event=event, by=users["doctor"])
    event.refresh_from_db()
    assert event.status == Status.ACKNOWLEDGED


def test_an_acknowledged_event_never_escalates(event, users):
    with time_machine.travel(FILED + timedelta(hours=23), tick=False):
        emergency_acknowledge(event=event, by=users["doctor"])
    with time_machine.travel(FILED + timedelta(days=2), tick=False):
        assert emergencies_escalate_overdue() == []
    assert kinds_for(users["psychiatrist"]) == []


def test_a_voided_event_never_escalates(event, users):
    event.void(by=users["doctor"], reason="重复")
    with time_machine.travel(FILED + timedelta(days=2), tick=False):
        assert emergencies_escalate_overdue() == []


def test_escalation_counts_from_filing_not_from_the_event(users, community_a):
    """A paper form typed in days later gets its full 24 hours from when it was filed."""
    with time_machine.travel(FILED, tick=False):
        event = file_event(users["research"], community_a, occurred_at=FILED - timedelta(days=5))
    with time_machine.travel(FILED + timedelta(hours=23), tick=False):
        assert emergencies_escalate_overdue() == []
    with time_machine.travel(FILED + timedelta(hours=24, minutes=1), tick=False):
        assert emergencies_escalate_overdue() == [event]


def test_without_a_psychiatrist_the_manager_hears(event, users):
    users["psychiatrist"].is_active = False
    users["psychiatrist"].save()
    with time_machine.travel(FILED + timedelta(days=1, minutes=1), tick=False):
        emergencies_escalate_overdue()
    assert kinds_for(users["manager"]) == [ESCALATED]


def test_the_management_command(event, users, capsys):
    second = make_user("psychiatrist2", Role.PSYCHIATRIST)
    with time_machine.travel(FILED + timedelta(days=1, minutes=5), tick=False):
        call_command("escalate_emergencies")
    assert "escalated 1" in capsys.readouterr().out
    assert kinds_for(users["psychiatrist"]) == [ESCALATED]
    assert kinds_for(second) == [ESCALATED]


def test_any_page_view_escalates_lazily_at_most_once_a_minute(event, users, client_for):
    """Without cron, the first page anyone opens after the deadline does it."""
    with time_machine.travel(FILED + timedelta(hours=23), tick=False):
        assert client_for(users["psychologist"]).get("/").status_code == 200
    assert EmergencyEvent.objects.get().escalated_at is None

    with time_machine.travel(FILED + timedelta(hours=24, minutes=1), tick=False):
        client = client_for(users["psychologist"])  # a fresh sign-in: sessions time out
        cache.set(ESCALATION_KEY, 1, 60)  # another request ran the job a moment ago
        assert client.get("/").status_code == 200
        assert EmergencyEvent.objects.get().escalated_at is None
        cache.delete(ESCALATION_KEY)  # the minute is over
        assert client.get("/").status_code == 200
    assert EmergencyEvent.objects.get().escalated_at is not None
    assert kinds_for(users["psychiatrist"]) == [ESCALATED]


def test_the_psychiatrist_sees_the_escalation_in_the_badge(event, users, client_for):
    with time_machine.travel(FILED + timedelta(days=1, minutes=1), tick=False):
        response = client_for(users["psychiatrist"]).get("/")
    assert response.context["unread_notifications"] == 1
    assert kinds_for(users["doctor"]) == [FILED_KIND]
