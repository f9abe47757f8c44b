"""Reads for training: the curriculum, rounds and their sessions, attendance, and who is not
yet ready to lead. Every record comes through the scoping layer (tongban.core.scope); lists
cost a fixed number of queries whatever their rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from tongban.core import scope
from tongban.core.permissions import can_manage_training
from tongban.registry.models import Community, Enrolment, Person, Program

from . import readiness
from .models import TrainingAttendance, TrainingRound, TrainingSession, Workshop

# A half-day of training: three hours (the model's five half-days are 900 minutes).
HALF_DAY_MINUTES = 180


# Curriculum -------------------------------------------------------------------------------


@dataclass
class Curriculum:
    workshops: list[Workshop]
    required_minutes: int
    other_minutes: int

    @property
    def half_days(self) -> float:
        """The required workshops' length in half-days of three hours, to the half."""
        return round(self.required_minutes / HALF_DAY_MINUTES * 2) / 2


def curriculum(program: Program) -> Curriculum:
    """The standard workshops and the program's own, in order (one query)."""
    workshops = list(Workshop.objects.for_program(program))
    required = sum(w.planned_minutes for w in workshops if w.pre_service and w.in_use)
    other = sum(w.planned_minutes for w in workshops if w.in_use and not w.pre_service)
    return Curriculum(workshops=workshops, required_minutes=required, other_minutes=other)


def own_workshop_get(user, pk: int) -> Workshop:
    """A workshop of the user's program's own (the standard ones are read-only): else 404."""
    program = scope.program(user)
    return get_object_or_404(Workshop.objects.filter(program=program), pk=pk)


# Rounds ----------------------------------------------------------------------------------


def _count(queryset: QuerySet, column: str) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(column)
            .annotate(n=Count("pk", distinct=True))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def rounds(user) -> QuerySet[TrainingRound]:
    """The rounds the user may see, newest first, with their sessions counted and the
    communities (those in the user's scope), trainers prefetched: a fixed number of
    queries for the list."""
    sessions = TrainingSession.objects.current().filter(round=OuterRef("pk"))
    in_scope = scope.communities(user)
    all_communities = TrainingRound.communities.through.objects.filter(
        traininground_id=OuterRef("pk")
    )
    return (
        scope.training_rounds(user)
        .annotate(
            session_count=_count(sessions, "round_id"),
            community_count=_count(all_communities, "traininground_id"),
        )
        .prefetch_related(
            Prefetch(
                "communities",
                queryset=in_scope.order_by("started_on", "name", "pk"),
                to_attr="my_communities",
            ),
            Prefetch("trainers", to_attr="trainer_list"),
        )
        .order_by("-starts_on", "-pk")
    )


def round_get(user, pk: int) -> TrainingRound:
    return get_object_or_404(scope.training_rounds(user).select_related("program"), pk=pk)


def round_communities(training_round: TrainingRound, user) -> tuple[list[Community], int]:
    """The round's communities in the user's scope, and how many others it covers."""
    mine_pks = set(scope.communities(user).values_list("pk", flat=True))
    covered = list(training_round.communities.order_by("started_on", "name", "pk"))
    mine = [c for c in covered if c.pk in mine_pks]
    return mine, len(covered) - len(mine)


def round_co_presenters(training_round: TrainingRound, user) -> tuple[list[Person], int]:
    """Co-presenting peers the user may see by name, and how many others."""
    presenters = list(training_round.co_presenters.order_by("name", "pk"))
    visible = set(
        scope.people(user, Person.objects.filter(pk__in=[p.pk for p in presenters])).values_list(
            "pk", flat=True
        )
    )
    mine = [p for p in presenters if p.pk in visible]
    return mine, len(presenters) - len(mine)


@dataclass
class SessionRow:
    session: TrainingSession
    attended: int = 0  # attendance the user may see
    mine: bool = False  # a peer: they attended


def round_sessions(training_round: TrainingRound, user) -> list[SessionRow]:
    """The round's sessions (voided ones too, marked), with the attendance the user may see
    counted, or for a peer whether they attended: three queries."""
    sessions = list(
        training_round.sessions.select_related("workshop").order_by("held_on", "starts_at", "pk")
    )
    visible = scope.training_attendance(user).current().filter(session__round=training_round)
    counts = dict(
        visible.order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    rows = [SessionRow(session=s, attended=counts.get(s.pk, 0)) for s in sessions]
    if user.is_peer:
        for row in rows:
            row.mine = row.attended > 0
            row.attended = 0
    return rows


def session_get(user, pk: int) -> TrainingSession:
    sessions = TrainingSession.objects.filter(round__in=scope.training_rounds(user))
    return get_object_or_404(sessions.select_related("round__program", "workshop"), pk=pk)


def round_peers(training_round: TrainingRound, user) -> QuerySet[Person]:
    """Peers enrolled (not withdrawn) in the round's communities that are in the user's
    scope: the attendance checklist."""
    enrolments = Enrolment.objects.in_service().filter(
        role=Enrolment.Role.PEER,
        community__in=training_round.communities.filter(pk__in=scope.communities(user)),
    )
    return Person.objects.filter(pk__in=enrolments.values("person_id")).order_by("name", "pk")


def checklist_people(session: TrainingSession, user) -> QuerySet[Person]:
    """Who may be ticked: the round's peers in scope, and whoever the user sees attending
    already (so that they can be unticked)."""
    attending = scope.training_attendance(user).current().filter(session=session)
    return Person.objects.filter(
        Q(pk__in=round_peers(session.round, user).values("pk"))
        | Q(pk__in=attending.values("person_id"))
    ).order_by("name", "pk")


def session_attendance(session: TrainingSession, user) -> list[TrainingAttendance]:
    """Current attendance the user may see (a peer: their own only)."""
    return list(
        scope.training_attendance(user)
        .current()
        .filter(session=session)
        .select_related("person", "recorded_by__person")
        .order_by("person__name", "pk")
    )


def session_removed(session: TrainingSession, user) -> list[TrainingAttendance]:
    """Attendance removed (voided) that the user may see, with who and why."""
    if user.is_peer:
        return []
    return list(
        scope.training_attendance(user)
        .filter(session=session, voided_at__isnull=False)
        .select_related("person", "voided_by__person")
        .order_by("-voided_at", "pk")
    )


# Readiness -------------------------------------------------------------------------------


@dataclass
class NotReady:
    person: Person
    missing: list[Workshop]


@dataclass
class CommunityReadiness:
    community: Community
    not_ready: list[NotReady] = field(default_factory=list)
    peers: int = 0

    @property
    def ready(self) -> int:
        return self.peers - len(self.not_ready)


def _peer_enrolments(communities: QuerySet) -> QuerySet[Enrolment]:
    """Current peer enrolments, not withdrawn, in the communities."""
    return Enrolment.objects.in_service().filter(
        role=Enrolment.Role.PEER, community__in=communities
    )


def not_ready_ids(program: Program, communities: QuerySet, on: date) -> QuerySet[Person]:
    """The peers (enrolled, not withdrawn) of the communities whose training is not
    complete on `on`: one query when evaluated."""
    peers = Person.objects.filter(pk__in=_peer_enrolments(communities).values("person_id"))
    ready = readiness.trained(peers, program=program, on=on)
    return peers.exclude(pk__in=ready.values("pk"))


def readiness_by_community(user, on: date) -> list[CommunityReadiness]:
    """Per community in scope: its peers not yet ready to lead on `on` and what each is
    missing. Five queries whatever the number of peers and communities."""
    program = scope.program(user)
    if program is None:
        return []
    communities = scope.communities(user).order_by("started_on", "name", "pk")
    by_community = {c.pk: CommunityReadiness(community=c) for c in communities}
    not_ready = set(not_ready_ids(program, communities, on).values_list("pk", flat=True))
    enrolments = list(
        _peer_enrolments(communities)
        .select_related("person")
        .order_by("person__name", "person_id")
        .values_list("community_id", "person_id", "person__name")
    )
    missing = readiness.missing_by_person(sorted(not_ready), program=program, on=on)
    seen: set[tuple[int, int]] = set()
    people: dict[int, Person] = {}
    for community_id, person_id, name in enrolments:
        if (community_id, person_id) in seen or community_id not in by_community:
            continue
        seen.add((community_id, person_id))
        row = by_community[community_id]
        row.peers += 1
        if person_id in not_ready:
            person = people.setdefault(person_id, Person(pk=person_id, name=name))
            row.not_ready.append(NotReady(person=person, missing=missing.get(person_id, [])))
    return list(by_community.values())


def round_progress(training_round: TrainingRound, user, on: date) -> list[NotReady]:
    """The round's peers in scope with what each still misses on `on` (any round counts;
    [] for a peer ready or exempt). Four queries."""
    program = training_round.program
    peers = list(round_peers(training_round, user))
    ready = set(
        readiness.trained(
            Person.objects.filter(pk__in=[p.pk for p in peers]), program=program, on=on
        ).values_list("pk", flat=True)
    )
    missing = readiness.missing_by_person(
        [p.pk for p in peers if p.pk not in ready], program=program, on=on
    )
    return [NotReady(person=p, missing=missing.get(p.pk, [])) for p in peers]


# A person's training record --------------------------------------------------------------


@dataclass
class TrainingRecord:
    attendance: list[TrainingAttendance]
    presented: list[TrainingRound]
    missing: list[Workshop]
    exempt: bool
    records_from: date | None
    is_peer: bool

    @property
    def ready(self) -> bool:
        return not self.missing


def _is_peer(person: Person) -> bool:
    return person.enrolments.current().filter(role=Enrolment.Role.PEER).exists()


def person_record(user, person: Person, on: date) -> TrainingRecord | None:
    """The person's training as the user may see it (staff: a person of their
    communities; a peer: only themselves), or None when there is nothing to show."""
    if not user.is_authenticated or not user.role:
        return None
    if user.is_peer and user.person_id != person.pk:
        return None
    program = person.program
    attendance = list(
        scope.training_attendance(user)
        .current()
        .filter(person=person, session__voided_at__isnull=True)
        .select_related("session__round", "session__workshop")
        .order_by("session__held_on", "session__starts_at", "pk")
    )
    # Annotated by the person page (a peer in the user's communities), else asked.
    is_peer = getattr(person, "is_peer", None)
    if is_peer is None:
        is_peer = _is_peer(person)
    if not is_peer and not attendance:
        return None
    presented = list(
        scope.training_rounds(user).filter(co_presenters=person).order_by("-starts_on", "pk")
    )
    exempt = is_peer and readiness.exempt(person, program=program, on=on)
    missing = (
        [] if exempt or not is_peer else readiness.missing_workshops(person, program=program, on=on)
    )
    return TrainingRecord(
        attendance=attendance,
        presented=presented,
        missing=missing,
        exempt=exempt,
        records_from=program.training_records_from,
        is_peer=is_peer,
    )


# Home page -------------------------------------------------------------------------------


def week_of(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def home_work(user, today: date) -> dict:
    """Context for the home page's training block (templates/training/_home.html), under
    one key, `training_home`: for the trainers and the manager, the rounds under way this
    week and the number of peers not yet ready to lead; for a peer, the workshops they
    still miss. A fixed number of queries whatever the rows."""
    program = scope.program(user)
    if program is None:
        return {}
    if user.is_peer:
        if not user.person_id:
            return {}
        person = Person(pk=user.person_id, program=program)
        enrolled = _peer_enrolments(scope.communities(user)).filter(person_id=user.person_id)
        if not enrolled.exists():
            return {}
        if readiness.exempt(person, program=program, on=today):
            return {}
        missing = readiness.missing_workshops(person, program=program, on=today)
        return {"training_home": {"peer": True, "missing": missing}} if missing else {}
    if not can_manage_training(user):
        return {}
    monday, sunday = week_of(today)
    under_way = list(
        rounds(user).filter(starts_on__lte=sunday, ends_on__gte=monday).order_by("starts_on", "pk")
    )
    not_ready = not_ready_ids(program, scope.communities(user), today).count()
    return {
        "training_home": {
            "peer": False,
            "rounds": under_way,
            "not_ready": not_ready,
            "week": (monday, sunday),
        }
    }
