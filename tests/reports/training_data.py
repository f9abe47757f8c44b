"""Hand-built training and supervision records for the report's tests, straight through the
ORM (the report reads what is stored). Dates are passed in; `asked_at`, `answered_at` and
the like are set from them, never from the clock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.utils import timezone

from tongban.supervision.models import (
    GuidanceNote,
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
    SupervisionRequest,
)
from tongban.training.models import (
    TrainingAttendance,
    TrainingRound,
    TrainingSession,
    Workshop,
)
from tongban.training.standard import ensure_standard_curriculum


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def curriculum() -> list[Workshop]:
    """The six standard workshops (back after a flush by a live-server test elsewhere)."""
    ensure_standard_curriculum()
    return list(Workshop.objects.filter(program=None).order_by("position"))


def training_round(
    program, communities, *, starts_on: date, kind=TrainingRound.Kind.PRE_SERVICE, name="培训"
) -> TrainingRound:
    made = TrainingRound.objects.create(
        program=program,
        kind=kind,
        name=f"{name}{starts_on.isoformat()}",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=10),
    )
    made.communities.set(communities)
    return made


def training_session(
    training_round,
    held_on: date,
    *,
    workshop=None,
    topic="",
    make_up=False,
    attendees: Iterable = (),
    voided=False,
) -> TrainingSession:
    session = TrainingSession.objects.create(
        round=training_round,
        workshop=workshop,
        topic=topic,
        held_on=held_on,
        make_up=make_up,
        voided_at=timezone.now() if voided else None,
        void_reason="x" if voided else "",
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=session, person=person) for person in attendees
    )
    return session


def meeting(
    program,
    communities,
    held_on: date,
    *,
    status=SupervisionMeeting.Status.HELD,
    issues: Sequence[str] = (),
    actions: Sequence[dict] = (),
    owner=None,
    voided=False,
) -> SupervisionMeeting:
    made = SupervisionMeeting.objects.create(
        program=program,
        held_on=held_on,
        proposed_on=held_on,
        status=status,
        voided_at=timezone.now() if voided else None,
        void_reason="x" if voided else "",
    )
    made.communities.set(communities)
    SupervisionIssue.objects.bulk_create(
        SupervisionIssue(meeting=made, category=category, text="问题") for category in issues
    )
    for action in actions:
        SupervisionAction.objects.create(
            meeting=made, text="行动", owner=owner, due_on=held_on + timedelta(days=14), **action
        )
    return made


def request(
    community,
    peer,
    *,
    doctor,
    asked_at: datetime,
    answered_after: timedelta | None = None,
    urgency=SupervisionRequest.Urgency.ROUTINE,
    voided=False,
) -> SupervisionRequest:
    made = SupervisionRequest.objects.create(
        community=community,
        peer=peer,
        topic="话题",
        urgency=urgency,
        doctor=doctor,
        asked_by=doctor,
        answered_at=asked_at + answered_after if answered_after is not None else None,
        answer="回答" if answered_after is not None else "",
        voided_at=timezone.now() if voided else None,
        void_reason="x" if voided else "",
    )
    # asked_at is auto_now_add: set it to when it was asked.
    SupervisionRequest.objects.filter(pk=made.pk).update(asked_at=asked_at)
    made.asked_at = asked_at
    return made


def notes(plan, *, before: int = 0, after: int = 0, by, voided: int = 0) -> None:
    """Guidance notes on a session's plan: `before` and `after` current ones, and `voided`
    voided ones before the session (which do not count)."""
    day = plan.planned_on
    rows = [(GuidanceNote.When.BEFORE, None)] * before + [(GuidanceNote.When.AFTER, None)] * after
    rows += [(GuidanceNote.When.BEFORE, timezone.now())] * voided
    GuidanceNote.objects.bulk_create(
        GuidanceNote(
            session=plan,
            when=when,
            given_on=day,
            text="指导",
            given_by=by,
            voided_at=voided_at,
            void_reason="x" if voided_at else "",
        )
        for when, voided_at in rows
    )
