"""Reads of sessions, always through the scoping layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Case, Count, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import CharField as CharFieldType
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from tongban.accounts.models import Role, User
from tongban.core import scope
from tongban.core.audit import audit_entries, grouped_entries, merge

from .models import (
    PEERS_PER_SESSION,
    ActivityPlan,
    ActivityRecord,
    Attendance,
    Category,
    Topic,
    count_of,
)


class SessionStatus:
    PLANNED = "planned"  # the date has not passed, no process form yet
    TO_RECORD = "to_record"  # the date has passed, no process form yet
    RECORDED = "recorded"


def _listed(user, *, community=None, status: str = "", q: str = "", today: date) -> QuerySet:
    """The plans the session list shows, as plain conditions on the plan (the community
    and the planned day: the (community, planned_on) index) and on whether it has a
    process form: no annotation to compute for every plan before filtering."""
    plans = ActivityPlan.objects.visible_to(user).current()
    if community is not None:
        plans = plans.filter(community=community)
    # The same meaning as the `status` annotation of sessions(): any process form makes
    # a session recorded; without one, the planned day tells planned from to record.
    if status == SessionStatus.RECORDED:
        plans = plans.filter(record__isnull=False)
    elif status == SessionStatus.TO_RECORD:
        plans = plans.filter(record__isnull=True, planned_on__lt=today)
    elif status == SessionStatus.PLANNED:
        plans = plans.filter(record__isnull=True, planned_on__gte=today)
    if q.strip():
        plans = plans.filter(theme__icontains=q.strip())
    return plans


def sessions(user, *, community=None, status: str = "", q: str = "") -> QuerySet:
    """The session list: its counts (with_counts) are correlated subqueries, so that a
    page, or the home page's first few, count their own rows only, and a paginator's
    COUNT(*) reads the filtered plans alone."""
    today = timezone.localdate()
    plans = (
        _listed(user, community=community, status=status, q=q, today=today)
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
            "community__program", "venue", "lead_peer", "topic", "created_by", "voided_by"
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


def _written_by_peer(user) -> bool:
    return user is not None and user.is_peer


def _hide_staff_reasons(viewer, records: list) -> list:
    """For a peer: blank the change and void reasons that staff wrote (free text that may
    carry clinical judgement); a peer's own words stay. Emergencies do the same."""
    if viewer is None or not viewer.is_peer or not records:
        return records
    voiders = {r.voided_by_id for r in records if getattr(r, "voided_by_id", None)}
    peer_voiders = set(
        User.objects.filter(pk__in=voiders, role=Role.PEER).values_list("pk", flat=True)
    )
    for record in records:
        if not _written_by_peer(record.history_user):
            record.history_change_reason = ""
        if getattr(record, "void_reason", "") and record.voided_by_id not in peer_voiders:
            record.void_reason = ""
    return records


def session_history(plan: ActivityPlan, *, user=None) -> list:
    """The audit trail of the session's forms, with the reasons given for late changes.

    `user`: the reader; a peer does not see reasons written by staff."""

    def versions(history):
        return _hide_staff_reasons(user, list(history.select_related("history_user__person")))

    entries = [
        audit_entries(
            versions(plan.history.all()),
            model=ActivityPlan,
            subject=lambda r: str(ActivityPlan._meta.verbose_name),
            m2m_fields=["assisting_peers"],
        )
    ]
    record = session_record(plan)
    if record is not None:
        entries.append(
            audit_entries(
                versions(record.history.all()),
                model=ActivityRecord,
                subject=lambda r: str(ActivityRecord._meta.verbose_name),
                m2m_fields=["peers_present", "staff_present"],
            )
        )
        # The ticks of one save are one entry: "participant list: + 甲、− 乙".
        entries.append(
            grouped_entries(
                versions(Attendance.history.filter(record_id=record.pk).select_related("person")),
                label=gettext("Participant List"),
                name=lambda r: r.person.name if r.person_id else r.walk_in_name,
            )
        )
    return merge(*entries)


@dataclass
class AttendanceChange:
    name: str
    added: bool
    when: object
    who: str
    reason: str


def attendance_changes(plan: ActivityPlan, *, user=None) -> list[AttendanceChange]:
    """Consumers added to or removed from the participant list with a reason (a change
    after the cycle was accepted), newest first; a peer does not see staff's reasons."""
    record = session_record(plan)
    if record is None:
        return []
    rows = _hide_staff_reasons(
        user,
        list(
            Attendance.history.filter(record_id=record.pk)
            .exclude(history_change_reason__isnull=True)
            .exclude(history_change_reason="")
            .select_related("person", "history_user__person")
            .order_by("-history_date", "-history_id")
        ),
    )
    changes = []
    for row in rows:
        added = row.history_type == "+"
        if not added and row.voided_at is None:
            continue
        who = row.history_user
        changes.append(
            AttendanceChange(
                name=row.person.name if row.person_id else row.walk_in_name,
                added=added,
                when=row.history_date,
                who=str(who) if who else "",
                reason=row.history_change_reason or "",
            )
        )
    return changes


def void_reason_visible(user, plan: ActivityPlan) -> bool:
    """A peer sees a voiding's reason only when a peer wrote it."""
    if not user.is_peer:
        return True
    return plan.voided_by is not None and plan.voided_by.is_peer


def user_communities(user) -> QuerySet:
    return scope.communities(user).select_related("program").prefetch_related("venues")


def open_communities(user) -> QuerySet:
    """The user's communities that take new sessions today (not closed)."""
    today = timezone.localdate()
    return user_communities(user).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def topics_of(program) -> QuerySet:
    """The shared library (the paper's topics) and the program's own topics."""
    shared = Q(program__isnull=True)
    return Topic.objects.filter(shared | Q(program=program) if program is not None else shared)


def topics(user) -> QuerySet:
    """The topics of the user's chosen program, shared ones included."""
    return topics_of(scope.program(user))


def editable_topics(user) -> QuerySet:
    """Topics the user's chosen program owns: a manager edits these, not the shared ones."""
    current = scope.program(user)
    return Topic.objects.filter(program=current) if current is not None else Topic.objects.none()


def topic_library(user, *, include_inactive: bool = False) -> list[tuple[str, list[Topic]]]:
    """Topics grouped under the eight categories' labels, in the categories' order."""
    offered = topics(user)
    if not include_inactive:
        offered = offered.filter(is_active=True)
    grouped: dict[str, list[Topic]] = {value: [] for value in Category.values}
    for topic in offered:
        grouped[topic.category].append(topic)
    return [(Category(value).label, grouped[value]) for value in Category.values]


def starter_topics(user) -> QuerySet:
    return topics(user).filter(is_active=True, for_starters=True)


def default_session_day(community) -> date:
    """Today, or the last day of a program that has ended."""
    today = timezone.localdate()
    ended_on = community.program.ended_on
    return min(today, ended_on) if ended_on else today


def session_summary(user, *, community=None, status: str = "", q: str = "") -> dict:
    """Delivered sessions, those with fewer than two peers present, and the mean duration,
    of the sessions the list shows (its community, status and search filters).

    One aggregate over the delivered records in scope, the peers present counted per
    record by a correlated subquery: no GROUP BY of every record of the program."""
    if status in (SessionStatus.PLANNED, SessionStatus.TO_RECORD):
        # A session with a process form is neither: none of those shown was delivered.
        return {"delivered": 0, "mean_minutes": None, "fewer_than_two_peers": 0}
    records = ActivityRecord.objects.delivered().visible_to(user)
    if community is not None:
        records = records.filter(plan__community=community)
    if q.strip():
        records = records.filter(plan__theme__icontains=q.strip())
    peers = count_of(
        ActivityRecord.peers_present.through.objects.filter(activityrecord=OuterRef("pk"))
    )
    return records.annotate(peers=peers).aggregate(
        delivered=Count("pk"),
        mean_minutes=Avg("duration_minutes"),
        fewer_than_two_peers=Count("pk", filter=Q(peers__lt=PEERS_PER_SESSION)),
    )
