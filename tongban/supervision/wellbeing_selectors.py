"""Reads for the wellbeing part of supervision: check-in periods, who supervises a peer,
the supervisors' list of peers, a peer's trend, and the home page's block.

A check-in is expected once per period of `SupportSettings.checkin_every_days` (14 by
default), counted from the peer's enrolment start in the community: period 1 runs from
the start for that many days, period 2 follows, and so on. A period is "due" on its last
day; once that day has passed without a check-in, the check-in was missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tongban.core import scope
from tongban.core.permissions import can_check_in, can_read_wellbeing
from tongban.registry.models import Community, Enrolment, EnrolmentStatusChange, Person

from .models import BreakRequest, SupportSettings, WellbeingAlert, WellbeingCheckIn

# Rows shown per list on the home page; the rest are counted and linked.
SHOWN = 5


# Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One check-in period of an enrolment: `number` counts from 1 at the enrolment start."""

    number: int
    starts_on: date
    due_on: date  # its last day

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.due_on


def period_on(started_on: date, every: int, day: date) -> Period | None:
    """The period `day` falls in (None before the enrolment started)."""
    if day < started_on:
        return None
    number = (day - started_on).days // every + 1
    return period_number(started_on, every, number)


def period_number(started_on: date, every: int, number: int) -> Period:
    starts_on = started_on + timedelta(days=(number - 1) * every)
    return Period(number, starts_on, starts_on + timedelta(days=every - 1))


def missed_due_dates(
    *, started_on: date, every: int, today: date, since: date | None = None
) -> list[date]:
    """The due days passed with no check-in: every period over by `today` (its last day
    before today) after the period of `since` (the last check-in, or a return from leave),
    or from the first period when there is none."""
    over = (today - started_on).days // every  # periods whose last day is before today
    # The first period that counts: the one after the period of `since`.
    first = 1 if since is None or since < started_on else (since - started_on).days // every + 2
    return [period_number(started_on, every, number).due_on for number in range(first, over + 1)]


def settings_by_program(program_ids: Iterable[int]) -> dict[int, SupportSettings]:
    """Each program's settings (the defaults, unsaved, for one without stored ones): one
    query."""
    ids = set(program_ids)
    found = {row.program_id: row for row in SupportSettings.objects.filter(program_id__in=ids)}
    return {pk: found.get(pk) or SupportSettings(program_id=pk) for pk in ids}


# Who supervises a peer -------------------------------------------------------------------


def supervisors_by_community(communities: Iterable[Community]) -> dict[int, list]:
    """Active accounts that supervise each community's peers and may read their check-ins:
    the community doctors, clinical psychologists and social workers assigned to it, and
    its program's psychiatrists. Two queries whatever the number of communities."""
    from tongban.accounts.models import Role, User

    communities = list(communities)
    program_of = {community.pk: community.program_id for community in communities}
    assigned = (
        User.communities.through.objects.filter(
            community_id__in=program_of,
            user__is_active=True,
            user__role__in=[
                Role.COMMUNITY_DOCTOR,
                Role.CLINICAL_PSYCHOLOGIST,
                Role.SOCIAL_WORKER,
            ],
        )
        .select_related("user")
        .order_by("user__role", "user__first_name", "user__username")
    )
    psychiatrists = (
        User.programs.through.objects.filter(
            program_id__in=set(program_of.values()),
            user__is_active=True,
            user__role=Role.PSYCHIATRIST,
        )
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    by_program: dict[int, list] = defaultdict(list)
    for row in psychiatrists:
        by_program[row.program_id].append(row.user)
    found: dict[int, list] = {pk: [] for pk in program_of}
    for row in assigned:
        found[row.community_id].append(row.user)
    for pk, program_id in program_of.items():
        found[pk].extend(by_program[program_id])
    return found


def supervisors_of(community: Community) -> list:
    return supervisors_by_community([community])[community.pk]


def peer_account(person: Person):
    """The peer's own (active) account, or None."""
    from tongban.accounts.models import User

    return User.objects.filter(person=person, is_active=True).first()


# A peer's own check-in ----------------------------------------------------------------------


def peer_enrolment(person: Person, community: Community) -> Enrolment | None:
    """The peer's current peer enrolment in the community, with today's status."""
    return (
        Enrolment.objects.current()
        .with_status()
        .filter(person=person, community=community, role=Enrolment.Role.PEER)
        .first()
    )


def checkin_communities(user) -> QuerySet:
    """Where a peer checks in: the communities of their peer enrolments in service."""
    if not can_check_in(user) or not user.person_id:
        return Community.objects.none()
    return scope.communities(user).order_by("started_on", "name")


@dataclass
class CheckInDue:
    """Where a peer stands in one community on a day."""

    community: Community
    period: Period | None
    # The peer's check-in in this period, if any (the latest).
    answered_on: date | None = None
    # The last check-in in this community, whenever.
    last_on: date | None = None
    # Whole periods passed since the last check-in (or the start) without one.
    missed: int = 0

    @property
    def due(self) -> bool:
        return self.period is not None and self.answered_on is None

    @property
    def overdue(self) -> bool:
        return self.due and self.missed > 0


def checkin_due(enrolment: Enrolment, every: int, today: date, last_on: date | None) -> CheckInDue:
    """Where the enrolment stands on `today`, given the last check-in in its community."""
    period = period_on(enrolment.started_on, every, today)
    answered = last_on if period and last_on and period.covers(last_on) else None
    missed = len(
        missed_due_dates(started_on=enrolment.started_on, every=every, today=today, since=last_on)
    )
    return CheckInDue(
        community=enrolment.community,
        period=period,
        answered_on=answered,
        last_on=last_on,
        missed=missed,
    )


def checkin_status(person: Person, community: Community, today: date) -> CheckInDue | None:
    """The peer's period in the community on `today` and whether it is answered."""
    enrolment = peer_enrolment(person, community)
    if enrolment is None:
        return None
    every = settings_by_program([community.program_id])[community.program_id].checkin_every_days
    last_on = (
        WellbeingCheckIn.objects.current()
        .filter(peer=person, community=community, answered_on__lte=today)
        .aggregate(last=Max("answered_on"))["last"]
    )
    return checkin_due(enrolment, every, today, last_on)


# Supervisors' list and a peer's trend ---------------------------------------------------------


@dataclass
class PeerRow:
    enrolment: Enrolment
    due: CheckInDue
    last: WellbeingCheckIn | None
    unseen_alerts: int

    @property
    def person(self) -> Person:
        return self.enrolment.person

    @property
    def community(self) -> Community:
        return self.enrolment.community


def _latest(field_name: str):
    latest = (
        WellbeingCheckIn.objects.current()
        .filter(peer=OuterRef("person_id"), community=OuterRef("community_id"))
        .order_by("-answered_on", "-pk")
    )
    return Subquery(latest.values(field_name)[:1])


def peer_rows(user, today: date) -> list[PeerRow]:
    """Peers in service in the user's communities, each with their latest check-in in that
    community, whether one is due, and the alerts nobody has seen yet. Three queries."""
    if not can_read_wellbeing(user):
        return []
    unseen = (
        WellbeingAlert.objects.filter(
            peer=OuterRef("person_id"), community=OuterRef("community_id"), seen_at__isnull=True
        )
        .order_by()
        .values("peer")
        .annotate(count=Count("pk"))
        .values("count")
    )
    enrolments = list(
        Enrolment.objects.in_service()
        .filter(role=Enrolment.Role.PEER, community__in=scope.communities(user))
        .select_related("person", "community")
        .annotate(
            last_pk=_latest("pk"),
            last_on=_latest("answered_on"),
            last_workload=_latest("workload"),
            last_stress=_latest("stress"),
            last_confidence=_latest("confidence"),
            last_wants_break=_latest("wants_break"),
            last_worrying=_latest("worrying"),
            unseen_alerts=Coalesce(Subquery(unseen[:1]), 0),
        )
        .order_by("community__started_on", "community__name", "person__name", "pk")
    )
    settings = settings_by_program({row.community.program_id for row in enrolments})
    rows = []
    for enrolment in enrolments:
        last = None
        if enrolment.last_pk is not None:
            last = WellbeingCheckIn(
                pk=enrolment.last_pk,
                peer=enrolment.person,
                community=enrolment.community,
                answered_on=enrolment.last_on,
                workload=enrolment.last_workload,
                stress=enrolment.last_stress,
                confidence=enrolment.last_confidence,
                wants_break=enrolment.last_wants_break,
            )
            last.worrying = enrolment.last_worrying
        every = settings[enrolment.community.program_id].checkin_every_days
        rows.append(
            PeerRow(
                enrolment=enrolment,
                due=checkin_due(enrolment, every, today, enrolment.last_on),
                last=last,
                unseen_alerts=enrolment.unseen_alerts,
            )
        )
    return rows


def peer_get(user, pk: int) -> Person | None:
    """The peer whose wellbeing page `user` may open: themselves (a peer), or a peer of a
    community the user supervises. None otherwise (the view answers 404)."""
    if user.is_peer:
        if user.person_id != pk:
            return None
    elif not can_read_wellbeing(user):
        return None
    peers_here = Enrolment.objects.current().filter(
        role=Enrolment.Role.PEER, community__in=scope.communities(user)
    )
    return scope.people(user).filter(pk=pk, pk__in=peers_here.values("person_id")).first()


def peer_checkins(user, person: Person) -> list[WellbeingCheckIn]:
    """The peer's check-ins the user may read, oldest first (the trend reads left to right
    in time, top to bottom)."""
    return list(
        scope.wellbeing_checkins(user)
        .current()
        .filter(peer=person)
        .select_related("community")
        .order_by("answered_on", "pk")
    )


def alerts(user) -> QuerySet:
    """Alerts about peers of the user's communities: supervisors only."""
    if not can_read_wellbeing(user) or user.is_peer:
        return WellbeingAlert.objects.none()
    return WellbeingAlert.objects.filter(community__in=scope.communities(user))


def peer_alerts(user, person: Person) -> list[WellbeingAlert]:
    return list(
        alerts(user)
        .filter(peer=person)
        .select_related("community", "checkin", "seen_by")
        .order_by("-created_at", "-pk")
    )


def peer_breaks(user, person: Person) -> list[BreakRequest]:
    return list(
        scope.break_requests(user)
        .current()
        .filter(peer=person)
        .select_related("community", "decided_by")
        .order_by("-starts_on", "-pk")
    )


def break_list(user) -> QuerySet:
    """Break requests the user may see, those waiting for a decision first."""
    return (
        scope.break_requests(user)
        .current()
        .select_related("peer", "community", "decided_by")
        .annotate(waiting=Q(status=BreakRequest.Status.ASKED))
        .order_by("-waiting", "-asked_at", "-pk")
    )


def open_break(person: Person, community: Community) -> BreakRequest | None:
    """The peer's request still waiting for a decision in the community."""
    return (
        BreakRequest.objects.current()
        .filter(peer=person, community=community, status=BreakRequest.Status.ASKED)
        .first()
    )


def history(user, record: WellbeingCheckIn | BreakRequest) -> list:
    """The record's audit trail, oldest first. A peer reading their own record sees who
    did what and when, without the staff's reasons (free text about them)."""
    from tongban.core import audit

    model = type(record)
    entries = audit.audit_entries(
        model.history.filter(id=record.pk).select_related("history_user__person"),
        model=model,
        subject=lambda _row: str(model._meta.verbose_name),
    )
    if user.is_peer:
        for entry in entries:
            entry.reason = ""
    return entries


# Home page ---------------------------------------------------------------------------------


@dataclass
class PeerHome:
    due: list[CheckInDue] = field(default_factory=list)
    breaks: list[BreakRequest] = field(default_factory=list)


@dataclass
class SupervisorHome:
    alerts: list[WellbeingAlert] = field(default_factory=list)
    alert_count: int = 0
    breaks: list[BreakRequest] = field(default_factory=list)
    break_count: int = 0


def _peer_home(user, today: date) -> PeerHome:
    enrolments = list(
        Enrolment.objects.in_service()
        .filter(
            person_id=user.person_id,
            role=Enrolment.Role.PEER,
            community__in=scope.communities(user),
        )
        .select_related("community")
        .order_by("community__started_on", "community__name")
    )
    program = scope.program(user)
    every = (
        settings_by_program([program.pk])[program.pk].checkin_every_days
        if program is not None
        else SupportSettings().checkin_every_days
    )
    last = dict(
        WellbeingCheckIn.objects.current()
        .filter(peer_id=user.person_id, answered_on__lte=today)
        .values("community_id")
        .annotate(last=Max("answered_on"))
        .values_list("community_id", "last")
    )
    due = [
        status
        for enrolment in enrolments
        if enrolment.current_status == EnrolmentStatusChange.Status.ACTIVE
        for status in [checkin_due(enrolment, every, today, last.get(enrolment.community_id))]
        if status.due
    ]
    breaks = list(
        scope.break_requests(user)
        .current()
        .filter(status=BreakRequest.Status.ASKED)
        .select_related("community")
        .order_by("starts_on", "pk")
    )
    return PeerHome(due=due, breaks=breaks)


def _supervisor_home(user) -> SupervisorHome:
    unseen = alerts(user).filter(seen_at__isnull=True)
    waiting = scope.break_requests(user).current().filter(status=BreakRequest.Status.ASKED)
    return SupervisorHome(
        alerts=list(
            unseen.select_related("peer", "community").order_by("-created_at", "-pk")[:SHOWN]
        ),
        alert_count=unseen.count(),
        breaks=list(
            waiting.select_related("peer", "community").order_by("starts_on", "pk")[:SHOWN]
        ),
        break_count=waiting.count(),
    )


def home_work(user, today: date) -> dict:
    """Context for the home page's wellbeing block (templates/supervision/_home_wellbeing.html):
    what this user has to do this week. A fixed number of queries whatever the rows.

    One key, `wellbeing`: a PeerHome for a peer (check-ins due, their break requests
    waiting for an answer), a SupervisorHome for those who supervise peers (alerts not
    seen yet, break requests to decide); nothing for anyone else."""
    if can_check_in(user) and user.person_id:
        return {"wellbeing": _peer_home(user, today)}
    if can_read_wellbeing(user):
        return {"wellbeing": _supervisor_home(user)}
    return {}
