"""Hand-built report data: sessions straight through the ORM (bulk), and the report of it.

The sessions skip the services on purpose: the report reads what is stored, and the size
test needs hundreds of sessions quickly. Every helper takes the values a test then counts
by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tongban.activities.models import (
    ActivityPlan,
    ActivityRecord,
    Attendance,
    Category,
    Format,
)
from tongban.evaluation.standard import ensure_standard_questions
from tongban.registry.models import Venue
from tongban.reports import report

FROM, TO = date(2013, 7, 1), date(2016, 6, 30)


@pytest.fixture(autouse=True)
def standard_questions(db) -> None:
    # A database flushed by a live-server test elsewhere has lost the migration's rows.
    ensure_standard_questions()


@pytest.fixture
def venue_a(community_a) -> Venue:
    return community_a.venues.get()


@pytest.fixture
def venue_b(community_b) -> Venue:
    return Venue.objects.create(
        community=community_b, name="乙卫生服务中心", kind=Venue.Kind.HEALTH_CARE_CENTRE
    )


def add_sessions(
    venue: Venue,
    days: Sequence[date],
    *,
    by,
    lead,
    minutes: int | Sequence[int] = 90,
    format: str = Format.GROUP_DISCUSSION,
    category: str = Category.ENTERTAINMENT,
    peers: Iterable | None = None,
    attendees: Iterable = (),
    voided: bool = False,
    plan_voided: bool = False,
) -> list[ActivityRecord]:
    """One session per day at `venue`: plan, process form, peers present (default: the lead)
    and the attendees on the participant list."""
    durations = [minutes] * len(days) if isinstance(minutes, int) else list(minutes)
    now = timezone.now()
    plans = ActivityPlan.objects.bulk_create(
        ActivityPlan(
            community=venue.community,
            venue=venue,
            planned_on=day,
            planned_start=time(10, 0),
            planned_end=time(11, 0),
            category=category,
            theme="主题",
            aim="目的",
            format=format,
            lead_peer=lead,
            created_by=by,
            voided_at=now if plan_voided else None,
            void_reason="x" if plan_voided else "",
        )
        for day in days
    )
    records = ActivityRecord.objects.bulk_create(
        ActivityRecord(
            plan=plan,
            held_on=plan.planned_on,
            started_at=time(10, 0),
            ended_at=(datetime(2000, 1, 1, 10, 0) + timedelta(minutes=length)).time(),
            duration_minutes=length,
            format=format,
            theme="主题",
            created_by=by,
            voided_at=now if voided else None,
            void_reason="x" if voided else "",
        )
        for plan, length in zip(plans, durations, strict=True)
    )
    peers = [lead] if peers is None else list(peers)
    through = ActivityRecord.peers_present.through
    through.objects.bulk_create(
        through(activityrecord_id=record.pk, person_id=peer.pk)
        for record in records
        for peer in peers
    )
    attendees = list(attendees)
    Attendance.objects.bulk_create(
        Attendance(record=record, person=person) for record in records for person in attendees
    )
    return records


def build(program, date_from=FROM, date_to=TO, communities=None, peer_view=False) -> dict:
    return report.build(
        report.params_for(
            program,
            date_from=date_from,
            date_to=date_to,
            communities=communities,
            peer_view=peer_view,
        )
    )
