"""Reads of emergency events and the program's safety figures, always through the scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tongban.activities import selectors as activity_selectors
from tongban.activities.models import ActivityPlan, ActivityRecord
from tongban.core import audit, scope
from tongban.registry.models import Community, Enrolment, Person

from .models import EmergencyEvent, FollowUp

# Sessions offered in the form's list: the recent ones (older ones are linked from the
# session's own page, which passes ?session=).
RECENT_SESSION_DAYS = 14
# Free text that may carry clinical detail or judgements about people: staff only.
STAFF_ONLY_FIELDS = ("closing_note", "void_reason")


# Accounts shown by name on the pages (a peer's name lives on their person record).
ACCOUNTS = ("reported_by__person", "acknowledged_by__person", "closed_by__person")


def emergency_list(user, *, community: Community | None = None, status: str = "") -> QuerySet:
    """Open events first (escalated, then awaiting acknowledgement), then the others.

    Without a status filter voided events are left out: they were filed by mistake.
    """
    events = EmergencyEvent.objects.visible_to(user)
    if community is not None:
        events = events.filter(community=community)
    events = events.with_status(status) if status else events.current()
    return events.select_related("community", "session", *ACCOUNTS).in_list_order()


def emergency_get(user, pk: int) -> EmergencyEvent:
    return get_object_or_404(
        EmergencyEvent.objects.visible_to(user).select_related(
            "community__program", "session", "voided_by__person", *ACCOUNTS
        ),
        pk=pk,
    )


def involvable_people(user, community: Community) -> QuerySet:
    """People the user may name as involved: those of the community within their scope."""
    enrolled = Enrolment.objects.current().filter(community=community)
    return (
        Person.objects.visible_to(user)
        .filter(pk__in=enrolled.values("person_id"))
        .order_by("name", "pk")
    )


def people_involved(user, event: EmergencyEvent) -> tuple[list[Person], int]:
    """The people named on the form that the user may see, and how many others there are."""
    named = list(event.people_involved.order_by("name", "pk"))
    visible_ids = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[p.pk for p in named])
        .values_list("pk", flat=True)
    )
    visible = [person for person in named if person.pk in visible_ids]
    return visible, len(named) - len(visible)


def follow_ups(user, event: EmergencyEvent) -> list[FollowUp]:
    """Follow-up notes are the staff's clinical work: peers see that there are some, not them."""
    if user.is_peer:
        return []
    return list(event.follow_ups.select_related("author__person"))


def recent_sessions(user, community: Community, *, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return (
        ActivityPlan.objects.visible_to(user)
        .current()
        .filter(
            community=community,
            planned_on__range=(today - timedelta(days=RECENT_SESSION_DAYS), today),
        )
        .order_by("-planned_on", "-planned_start", "-pk")
    )


def session_get(user, pk: int) -> ActivityPlan:
    """The session an event is filed from: the sessions' own lookup, voided ones excluded."""
    plan = activity_selectors.session_get(user, pk)
    if plan.is_voided:
        raise Http404
    return plan


def emergency_history(
    user, event: EmergencyEvent, *, people_hidden: bool = False
) -> list[audit.AuditEntry]:
    """`people_hidden`: some people involved are outside the user's scope (see
    people_involved), so the history does not name who was involved either."""
    hidden = STAFF_ONLY_FIELDS if user.is_peer else ()
    entries = audit.audit_entries(
        EmergencyEvent.history.filter(id=event.pk).select_related("history_user__person"),
        model=EmergencyEvent,
        subject=lambda r: str(EmergencyEvent._meta.verbose_name),
        hidden_fields=hidden,
        m2m_fields=() if people_hidden else ("people_involved",),
    )
    if user.is_peer:
        # Change reasons (a voiding's reason, a late entry's) are staff-only free text.
        for entry in entries:
            entry.reason = ""
        return audit.merge(entries)
    note_entries = audit.audit_entries(
        FollowUp.history.filter(event_id=event.pk).select_related("history_user__person"),
        model=FollowUp,
        subject=lambda r: str(FollowUp._meta.verbose_name),
        hidden_fields=("event", "author"),
    )
    return audit.merge(entries, note_entries)


# Safety figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunitySafety:
    community: Community
    last_event_at: datetime | None
    # Whole days since the last current (non-voided) event, by local date; None if none.
    days_since_last_event: int | None
    # Days since the community's service start, for "none recorded since ..." (None if unknown).
    days_in_service: int | None

    @property
    def none_recorded(self) -> bool:
        return self.last_event_at is None


def _safety_rows(communities: QuerySet, today: date) -> list[CommunitySafety]:
    last = (
        EmergencyEvent.objects.current()
        .filter(community=OuterRef("pk"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    rows = []
    for community in communities.select_related("program").annotate(last_event_at=Subquery(last)):
        last_at = community.last_event_at
        # An ended program's service lasted until its end date.
        served_until = min(today, community.program.ended_on or today)
        rows.append(
            CommunitySafety(
                community=community,
                last_event_at=last_at,
                days_since_last_event=(
                    (today - timezone.localdate(last_at)).days if last_at else None
                ),
                days_in_service=(
                    (served_until - community.started_on).days if community.started_on else None
                ),
            )
        )
    return rows


def safety_by_community(user, *, today: date | None = None) -> list[CommunitySafety]:
    """Each community in the user's scope with the days since its last adverse event.

    One query. Every current event counts, including those a peer cannot open: the
    figure says how safe the community is, not what happened.
    """
    communities = scope.communities(user).order_by("started_on", "name")
    return _safety_rows(communities, today or timezone.localdate())


def community_safety(user, community: Community, *, today: date | None = None) -> CommunitySafety:
    """The same figure for one community (which must be in the user's scope): one query."""
    communities = scope.communities(user).filter(pk=community.pk)
    rows = _safety_rows(communities, today or timezone.localdate())
    if not rows:
        raise Community.DoesNotExist
    return rows[0]


@dataclass(frozen=True)
class AdverseEventRate:
    events: int  # current (non-voided) emergency events
    events_in_sessions: int  # of which linked to a session
    sessions: int  # delivered sessions: current process forms on current plans

    @property
    def per_100_sessions(self) -> float | None:
        if not self.sessions:
            return None
        return round(100 * self.events / self.sessions, 1)


def adverse_events_per_100_sessions(
    user, *, community: Community | None = None
) -> AdverseEventRate:
    """Adverse events per 100 delivered sessions over the user's communities (the whole
    program for the manager and the psychiatrist), or over one community: two queries."""
    communities = scope.communities(user)
    if community is not None:
        communities = communities.filter(pk=community.pk)
    events = (
        EmergencyEvent.objects.current()
        .filter(community__in=communities)
        .aggregate(total=Count("pk"), in_sessions=Count("pk", filter=Q(session__isnull=False)))
    )
    sessions = ActivityRecord.objects.delivered().filter(plan__community__in=communities).count()
    return AdverseEventRate(
        events=events["total"], events_in_sessions=events["in_sessions"], sessions=sessions
    )
