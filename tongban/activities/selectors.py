"""Reads of sessions, always through the scoping layer."""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Case, Count, F, QuerySet, Value, When
from django.db.models import CharField as CharFieldType
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tongban.core import scope
from tongban.core.audit import audit_entries, merge

from .models import PEERS_PER_SESSION, ActivityPlan, ActivityRecord, Attendance, Category, Topic


class SessionStatus:
    PLANNED = "planned"  # the date has not passed, no process form yet
    TO_RECORD = "to_record"  # the date has passed, no process form yet
    RECORDED = "recorded"


def sessions(user, *, community=None, status: str = "", q: str = "") -> QuerySet:
    today = timezone.localdate()
    plans = (
        ActivityPlan.objects.visible_to(user)
        .current()
        .select_related("community", "venue", "lead_peer", "record")
        .with_counts()
        .annotate(
            status=Case(
                When(record__isnull=False, then=Value(SessionStatus.RECORDED)),
                When(planned_on__lt=today, then=Value(SessionStatus.TO_RECORD)),
                default=Value(SessionStatus.PLANNED),
                output_field=CharFieldType(),
            )
        )
    )
    if community is not None:
        plans = plans.filter(community=community)
    if status:
        plans = plans.filter(status=status)
    if q.strip():
        plans = plans.filter(theme__icontains=q.strip())
    # Upcoming first (soonest first), then the past (latest first).
    return plans.order_by(
        Case(When(planned_on__gte=today, then=Value(0)), default=Value(1)),
        Case(When(planned_on__gte=today, then=F("planned_on"))).asc(nulls_last=True),
        F("planned_on").desc(),
        "-planned_start",
        "-pk",
    )


def session_get(user, pk: int) -> ActivityPlan:
    return get_object_or_404(
        ActivityPlan.objects.visible_to(user).select_related(
            "community__program", "venue", "lead_peer", "topic", "created_by"
        ),
        pk=pk,
    )


def session_record(plan: ActivityPlan):
    return getattr(plan, "record", None)


def session_attendances(plan: ActivityPlan) -> QuerySet:
    record = session_record(plan)
    if record is None:
        return Attendance.objects.none()
    return record.attendances.current().select_related("person")


def session_history(plan: ActivityPlan) -> list:
    """The audit trail of the session's forms, with the reasons given for late changes."""
    entries = [
        audit_entries(
            plan.history.select_related("history_user__person"),
            model=ActivityPlan,
            subject=lambda r: str(ActivityPlan._meta.verbose_name),
            m2m_fields=["assisting_peers"],
        )
    ]
    record = session_record(plan)
    if record is not None:
        entries.append(
            audit_entries(
                record.history.select_related("history_user__person"),
                model=ActivityRecord,
                subject=lambda r: str(ActivityRecord._meta.verbose_name),
                m2m_fields=["peers_present", "staff_present"],
            )
        )
        entries.append(
            audit_entries(
                Attendance.history.filter(record_id=record.pk).select_related(
                    "history_user__person", "person"
                ),
                model=Attendance,
                subject=lambda r: str(r.person or r.walk_in_name),
            )
        )
    return merge(*entries)


def user_communities(user) -> QuerySet:
    return scope.communities(user).select_related("program").prefetch_related("venues")


def topic_library(*, include_inactive: bool = False) -> list[tuple[str, list[Topic]]]:
    """Topics grouped under the eight categories' labels, in the categories' order."""
    topics = Topic.objects.all() if include_inactive else Topic.objects.filter(is_active=True)
    grouped: dict[str, list[Topic]] = {value: [] for value in Category.values}
    for topic in topics:
        grouped[topic.category].append(topic)
    return [(Category(value).label, grouped[value]) for value in Category.values]


def starter_topics() -> QuerySet:
    return Topic.objects.filter(is_active=True, for_starters=True)


def default_session_day(community) -> date:
    """Today, or the last day of a program that has ended."""
    today = timezone.localdate()
    ended_on = community.program.ended_on
    return min(today, ended_on) if ended_on else today


def session_summary(user, *, community=None) -> dict:
    """Delivered sessions, those with fewer than two peers present, and the mean duration."""
    records = ActivityRecord.objects.delivered().visible_to(user)
    if community is not None:
        records = records.filter(plan__community=community)
    summary = records.aggregate(delivered=Count("pk"), mean_minutes=Avg("duration_minutes"))
    summary["fewer_than_two_peers"] = (
        records.annotate(peers=Count("peers_present")).filter(peers__lt=PEERS_PER_SESSION).count()
    )
    return summary
