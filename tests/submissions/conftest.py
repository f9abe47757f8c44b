"""Sessions and emergencies made with the ORM (the session pages are another app's)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.emergencies.models import EmergencyEvent
from tongban.registry.models import Community, Person, Venue

# Program start 2013-07-01: cycle 1 is 07-01..08-11 (due 08-18), cycle 2 is 08-12..09-22
# (due 09-29), cycle 3 is 09-23..11-03 (due 11-10).
CYCLE_1_END = date(2013, 8, 11)
CYCLE_2_START = date(2013, 8, 12)


def make_plan(
    community: Community,
    planned_on: date,
    *,
    lead: Person,
    by,
    theme: str = "唱歌",
    held_on: date | None = None,
    peers: Iterable[Person] = (),
    consumers: Iterable[Person] = (),
) -> ActivityPlan:
    venue = community.venues.first() or Venue.objects.create(
        community=community, name=f"{community.name}家园", kind=Venue.Kind.OTHER
    )
    plan = ActivityPlan.objects.create(
        community=community,
        venue=venue,
        planned_on=planned_on,
        planned_start=time(14, 0),
        planned_end=time(15, 30),
        category="entertainment",
        theme=theme,
        aim="放松",
        format="group_discussion",
        lead_peer=lead,
        created_by=by,
    )
    if held_on is not None:
        record = ActivityRecord.objects.create(
            plan=plan,
            held_on=held_on,
            started_at=time(14, 0),
            ended_at=time(15, 30),
            duration_minutes=90,
            format="group_discussion",
            theme=theme,
            created_by=by,
        )
        record.peers_present.set(peers)
        for consumer in consumers:
            Attendance.objects.create(record=record, person=consumer)
    return plan


def make_emergency(community: Community, day: date, *, by, hour: int = 10) -> EmergencyEvent:
    return EmergencyEvent.objects.create(
        community=community,
        kind=EmergencyEvent.Kind.OTHER,
        occurred_at=timezone.make_aware(datetime.combine(day, time(hour, 0))),
        description="情绪激动",
        actions_taken="陪伴",
        emergency_services_called=False,
        reported_by=by,
    )


def travel(day: date, hour: int = 12):
    """Freeze time at a local hour of a day."""
    zone = timezone.get_current_timezone()
    return time_machine.travel(datetime.combine(day, time(hour, 0), tzinfo=zone), tick=False)


@pytest.fixture
def frozen():
    """Call with a day to freeze time there for the rest of the test."""
    travellers = []

    def freeze(day: date, hour: int = 12):
        traveller = travel(day, hour)
        traveller.start()
        travellers.append(traveller)

    yield freeze
    for traveller in reversed(travellers):
        traveller.stop()
