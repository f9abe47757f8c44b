"""Reads of emergency events and the program's safety figures, always through the scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import Role, User
from tongban.activities import rules as activity_rules
from tongban.activities import selectors as activity_selectors
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.core import audit, scope
from tongban.registry.models import Community, Enrolment, EnrolmentStatusChange, Person

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


def open_emergencies_for_home(user) -> QuerySet:
    """The user's open events for a home page, in one query: escalated first, then those
    awaiting acknowledgement (the oldest, closest to escalation, first), then the
    acknowledged ones not yet closed. Voided and closed events are left out.

    Each event has `community` with its program (and the reporter) selected;
    `event.escalates_at` is reported_at plus the program's escalation delay, for "time
    left before escalation" while it awaits (`event.status` says which), and
    `event.reported_at` gives "how long ago". The events are of the chosen program, so
    the oldest is the closest to escalation.
    """
    rank = Case(
        When(acknowledged_at__isnull=True, escalated_at__isnull=False, then=Value(0)),
        When(acknowledged_at__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        EmergencyEvent.objects.visible_to(user)
        .current()
        .filter(closed_at__isnull=True)
        .select_related("community__program", "reported_by__person")
        .annotate(home_rank=rank)
        .order_by("home_rank", "reported_at", "pk")
    )


def communities_without_doctor(user) -> QuerySet:
    """The user's communities with no active community doctor account: their events go
    to the psychiatrist (else the manager) instead. One query when evaluated."""
    doctors = User.objects.filter(
        is_active=True, role=Role.COMMUNITY_DOCTOR, communities=OuterRef("pk")
    )
    return scope.communities(user).filter(~Exists(doctors)).order_by("started_on", "name")


def session_started_at(plan: ActivityPlan) -> datetime:
    """When the session began, as the form's default event time: the process form's date
    and start time when there is a current one, else the plan's."""
    record = activity_selectors.session_record(plan)
    if record is not None and not record.is_voided:
        day, start = record.held_on, record.started_at
    else:
        day, start = plan.planned_on, plan.planned_start
    return timezone.make_aware(datetime.combine(day, start))


def _session_day(session: ActivityPlan | None) -> date:
    return session.session_date if session is not None else timezone.localdate()


def _current_record(session: ActivityPlan) -> ActivityRecord | None:
    record = activity_selectors.session_record(session)
    return record if record is not None and not record.is_voided else None


def _session_people(session: ActivityPlan) -> tuple[list[int], list[int]]:
    """Ids of the session's peers (lead, assisting, present) and ticked consumers, in
    the order the form offers them (the lead first; names are sorted later)."""
    peers = [session.lead_peer_id, *session.assisting_peers.values_list("pk", flat=True)]
    consumers: list[int] = []
    record = _current_record(session)
    if record is not None:
        peers += list(record.peers_present.values_list("pk", flat=True))
        consumers = list(
            record.attendances.current()
            .filter(person__isnull=False)
            .values_list("person_id", flat=True)
        )
    unique_peers = list(dict.fromkeys(peers))
    return unique_peers, [pk for pk in dict.fromkeys(consumers) if pk not in unique_peers]


def _rest_of_community(community: Community, day: date) -> QuerySet:
    """The community's consumers and its peers in service on the day: a withdrawn or
    on-leave peer is not offered (unless on the session's own forms)."""
    consumers = Enrolment.objects.current().filter(
        community=community, role=Enrolment.Role.CONSUMER
    )
    peers = activity_rules.peers_in_service(community, day)
    return Person.objects.filter(
        Q(pk__in=consumers.values("person_id")) | Q(pk__in=peers.values("pk"))
    ).annotate(
        serving_as_peer=ExpressionWrapper(
            Q(pk__in=peers.values("pk")), output_field=BooleanField()
        ),
        enrolled_as_consumer=ExpressionWrapper(
            Q(pk__in=consumers.values("person_id")), output_field=BooleanField()
        ),
    )


def involvable_people(
    user, community: Community, *, session: ActivityPlan | None = None
) -> QuerySet:
    """People the user may name as involved, always within the user's scope: the
    session's peers and consumers (whatever their status now), and the community's
    consumers and serving peers."""
    session_ids: list[int] = []
    if session is not None:
        peers, consumers = _session_people(session)
        session_ids = peers + consumers
    rest = _rest_of_community(community, _session_day(session)).values("pk")
    return (
        Person.objects.visible_to(user)
        .filter(Q(pk__in=session_ids) | Q(pk__in=rest))
        .order_by("name", "pk")
    )


def text_list(items) -> str:
    """Items joined in the reader's language: "a, b, c" or "甲、乙、丙"."""
    text = ""
    for item in items:
        text = _("%(list)s, %(item)s") % {"list": text, "item": item} if text else str(item)
    return text


def _labelled(name: str, roles: list[str], status: str = "") -> str:
    parts = [*roles, status] if status else roles
    if not parts:
        return name
    return _("%(name)s (%(role)s)") % {"name": name, "role": text_list(parts)}


def involved_choices(
    user, community: Community, *, session: ActivityPlan | None = None
) -> list[tuple[str, list[tuple[int, str]]]]:
    """The form's "people involved": (heading, [(person id, label)]) groups.

    From a session: its peers, then its ticked consumers, labelled by role and, when no
    longer active, by status; then the rest of the community. Otherwise one group.
    """
    visible = Person.objects.visible_to(user)
    peer_label, consumer_label = str(Enrolment.Role.PEER.label), str(Enrolment.Role.CONSUMER.label)
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    session_ids: list[int] = []
    if session is not None:
        peers, consumers = _session_people(session)
        session_ids = peers + consumers
        people = visible.filter(pk__in=session_ids).in_bulk()
        statuses = {
            (row.person_id, row.role): row.current_status
            for row in Enrolment.objects.current()
            .filter(community=community, person_id__in=session_ids)
            .with_status()
        }

        def option(pk: int, role: str, role_label: str) -> tuple[int, str]:
            status = statuses.get((pk, role))
            note = ""
            if status and status != EnrolmentStatusChange.Status.ACTIVE:
                note = str(EnrolmentStatusChange.Status(status).label)
            return pk, _labelled(people[pk].name, [role_label], note)

        lead = [pk for pk in peers[:1] if pk in people]
        others = sorted((pk for pk in peers[1:] if pk in people), key=lambda pk: people[pk].name)
        attendees = sorted((pk for pk in consumers if pk in people), key=lambda pk: people[pk].name)
        options = [option(pk, Enrolment.Role.PEER, peer_label) for pk in lead + others]
        options += [option(pk, Enrolment.Role.CONSUMER, consumer_label) for pk in attendees]
        if options:
            groups.append((str(_("At this session")), options))
    rest = (
        _rest_of_community(community, _session_day(session))
        .filter(pk__in=visible.values("pk"))
        .exclude(pk__in=session_ids)
        .order_by("name", "pk")
    )
    options = []
    for person in rest:
        roles = [peer_label] if person.serving_as_peer else []
        if person.enrolled_as_consumer:
            roles.append(consumer_label)
        options.append((person.pk, _labelled(person.name, roles)))
    if options:
        groups.append((str(_("Others of the community")) if groups else "", options))
    return groups


def session_walk_ins(session: ActivityPlan | None) -> list[Attendance]:
    """Walk-ins on the session's Participant List: written by name, with no person record."""
    if session is None:
        return []
    record = _current_record(session)
    if record is None:
        return []
    return list(
        record.attendances.current().filter(person__isnull=True).order_by("walk_in_name", "pk")
    )


def walk_in_label(attendance: Attendance) -> str:
    if attendance.walk_in_community:
        return _("%(name)s (walk-in from %(community)s)") % {
            "name": attendance.walk_in_name,
            "community": attendance.walk_in_community,
        }
    return _("%(name)s (walk-in)") % {"name": attendance.walk_in_name}


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
