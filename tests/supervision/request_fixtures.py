"""Shared helpers of the request and guidance tests (imported by test_requests*,
test_guidance*, test_reminders*)."""

from __future__ import annotations

from datetime import date, time

from tongban.activities.models import ActivityPlan, ActivityRecord, Category, Format
from tongban.notifications.models import Notification
from tongban.registry.models import Venue
from tongban.supervision import request_services as services
from tongban.supervision.models import SupervisionRequest, SupportPhase


def make_session(community, user, *, day: date, lead, held: bool = False) -> ActivityPlan:
    venue = community.venues.first() or Venue.objects.create(
        community=community, name=f"{community.name}活动室", kind=Venue.Kind.OTHER
    )
    plan = ActivityPlan.objects.create(
        community=community,
        venue=venue,
        planned_on=day,
        planned_start=time(14, 0),
        planned_end=time(15, 30),
        category=Category.ENTERTAINMENT,
        theme="一起唱歌",
        aim="放松心情",
        format=Format.GROUP_DISCUSSION,
        lead_peer=lead,
        created_by=user,
    )
    if held:
        ActivityRecord.objects.create(
            plan=plan,
            held_on=day,
            started_at=time(14, 0),
            ended_at=time(15, 30),
            duration_minutes=90,
            format=Format.GROUP_DISCUSSION,
            theme="一起唱歌",
            created_by=user,
        )
    return plan


def guidance_phase(program, *, starts_on: date, ends_on: date | None = None) -> None:
    """Guidance before and after every session from `starts_on` (to `ends_on`, then the
    later phase)."""
    SupportPhase.objects.filter(program=program).delete()
    SupportPhase.objects.create(
        program=program,
        kind=SupportPhase.Kind.FIRST,
        starts_on=starts_on,
        guidance_every_session=True,
        group_every_days=0,
    )
    if ends_on is not None:
        from datetime import timedelta

        SupportPhase.objects.create(
            program=program,
            kind=SupportPhase.Kind.LATER,
            starts_on=ends_on + timedelta(days=1),
            guidance_every_session=False,
        )


def no_guidance(program) -> None:
    """Only the later phase: no guidance notes expected."""
    SupportPhase.objects.filter(program=program).delete()
    SupportPhase.objects.create(
        program=program,
        kind=SupportPhase.Kind.LATER,
        starts_on=program.started_on,
        guidance_every_session=False,
    )


def ask(users, community, **overrides) -> SupervisionRequest:
    fields = {
        "topic": "服务对象不愿参加",
        "details": "活动时一位服务对象一直看手机",
        "urgency": SupervisionRequest.Urgency.ROUTINE,
        "doctor": users["doctor"],
        "session": None,
    }
    fields.update(overrides)
    return services.supervision_request_ask(by=users["peer"], community=community, **fields)


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )
