"""Reads for program setup: overviews with counts made in the database, the first-run
checklist, histories. Callers pass objects already taken through tongban.core.scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, scope
from tongban.core.models import bilingual
from tongban.registry.models import Community, Enrolment, Person, Program, Venue

# A session has a lead and an assisting peer (MODEL.md): a community needs two peers.
PEERS_NEEDED = 2


def _records() -> dict:
    """Per kind of record, a subquery 'this community has one' (voided ones count too:
    they are in the audit trail and point at the community)."""
    from tongban.activities.models import ActivityPlan
    from tongban.discussion.models import Topic
    from tongban.emergencies.models import EmergencyEvent
    from tongban.submissions.models import Submission

    return {
        "has_enrolments": Exists(Enrolment.objects.filter(community=OuterRef("pk"))),
        "has_sessions": Exists(ActivityPlan.objects.filter(community=OuterRef("pk"))),
        "has_emergencies": Exists(EmergencyEvent.objects.filter(community=OuterRef("pk"))),
        "has_submissions": Exists(Submission.objects.filter(community=OuterRef("pk"))),
        "has_discussion": Exists(Topic.objects.filter(space__community=OuterRef("pk"))),
    }


def _staff_assigned() -> Exists:
    from tongban.accounts.models import PROGRAM_WIDE_ROLES, Role, User

    return Exists(
        User.objects.filter(communities=OuterRef("pk"), is_active=True)
        .exclude(role=Role.PEER)
        .exclude(role__in=PROGRAM_WIDE_ROLES)
    )


def _with_setup_counts(queryset: QuerySet, *, trained_for: Program | None = None) -> QuerySet:
    in_service_peers = Enrolment.objects.in_service().filter(role=Enrolment.Role.PEER)
    counts = {}
    if trained_for is not None:
        # Peers in service who have every pre-service workshop today: they may lead.
        from tongban.training.readiness import trained

        ready = trained(Person.objects.all(), program=trained_for, on=timezone.localdate())
        counts["peers_trained"] = Count(
            "enrolments",
            filter=Q(enrolments__in=in_service_peers, enrolments__person__in=ready),
            distinct=True,
        )
    return queryset.annotate(
        venues_in_use=Count("venues", filter=Q(venues__in_use=True), distinct=True),
        venues_total=Count("venues", distinct=True),
        peers_in_service=Count(
            "enrolments", filter=Q(enrolments__in=in_service_peers), distinct=True
        ),
        has_staff=_staff_assigned(),
        **counts,
        **_records(),
    )


def communities_setup(user) -> QuerySet:
    """The chosen program's communities with venue, peer and staff counts and which
    records they hold: one query."""
    return _with_setup_counts(scope.communities(user)).order_by("started_on", "name", "pk")


def community_get(user, pk: int) -> Community:
    """One community of the chosen program (404 otherwise), with the setup counts."""
    return get_object_or_404(
        _with_setup_counts(scope.communities(user)).select_related("program"), pk=pk
    )


def venue_get(user, pk: int) -> Venue:
    return get_object_or_404(
        Venue.objects.filter(community__in=scope.communities(user)).select_related("community"),
        pk=pk,
    )


def has_records(community: Community) -> bool:
    """Whether a community fetched with the setup counts (community_get) holds records."""
    return any(getattr(community, flag) for flag in _records())


def community_has_records(community: Community) -> bool:
    """The same, read afresh (for a write, under its lock)."""
    return has_records(Community.objects.annotate(**_records()).get(pk=community.pk))


def community_latest_record_on(community: Community) -> date | None:
    """The latest day something happened in the community: a session (planned or held)
    or an enrolment's start. A community cannot close before it."""
    from tongban.activities.models import ActivityPlan

    session = (
        ActivityPlan.objects.current()
        .filter(community=community)
        .aggregate(
            last=Max(Greatest(F("planned_on"), Coalesce(F("record__held_on"), F("planned_on"))))
        )["last"]
    )
    enrolment = (
        Enrolment.objects.current().filter(community=community).aggregate(last=Max("started_on"))
    )["last"]
    days = [day for day in (session, enrolment) if day is not None]
    return max(days) if days else None


def program_has_submissions(program: Program) -> bool:
    from tongban.submissions.models import Submission

    return Submission.objects.filter(community__program=program).exists()


def program_first_session_on(program: Program) -> date | None:
    from tongban.activities.models import ActivityPlan

    return (
        ActivityPlan.objects.current()
        .filter(community__program=program)
        .aggregate(first=Min(Coalesce(F("record__held_on"), F("planned_on"))))["first"]
    )


def venues_with_versions(community: Community) -> list[Venue]:
    """The community's venues, in use first, each with the `version` its one-tap
    in-use form carries: two queries."""
    venues = list(community.venues.order_by("-in_use", "name", "pk"))
    latest = dict(
        Venue.history.filter(id__in=[v.pk for v in venues])
        .values("id")
        .annotate(version=Max("history_id"))
        .values_list("id", "version")
        .order_by()
    )
    for venue in venues:
        venue.version = latest.get(venue.pk, 0)
    return venues


def community_staff(community: Community) -> list:
    """Staff accounts assigned to the community (program-wide roles see every community
    and are listed apart, on the accounts pages)."""
    from tongban.accounts.models import Role

    return list(
        community.staff.exclude(role=Role.PEER)
        .select_related("person")
        .order_by("-is_active", "role", "first_name", "username")
    )


# The first-run checklist -----------------------------------------------------------------


@dataclass
class Step:
    key: str
    label: str
    done: bool
    url: str
    action: str
    # Communities still missing this step (by name), when the step is per community.
    missing: list[str] = field(default_factory=list)


def setup_checklist(program: Program | None) -> list[Step]:
    """What a new program still needs before peers can run sessions: three queries.

    Per open community: an in-use venue, an assigned staff account, two peers in
    service who have had the pre-service training; for the program: at least one
    community and one session planned.
    """
    from tongban.activities.models import ActivityPlan

    if program is None:
        return [
            Step(
                key="program",
                label=_("Create the program"),
                done=False,
                url=reverse("programs:program_create"),
                action=_("Create the program"),
            )
        ]
    today = timezone.localdate()
    communities = list(
        _with_setup_counts(
            Community.objects.filter(program=program),
            trained_for=program,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .order_by("started_on", "name", "pk")
    )
    has_session = ActivityPlan.objects.current().filter(community__program=program).exists()

    def names(rows) -> list[str]:
        return [c.display_name for c in rows]

    no_venue = [c for c in communities if not c.venues_in_use]
    no_staff = [c for c in communities if not c.has_staff]
    few_peers = [c for c in communities if c.peers_in_service < PEERS_NEEDED]
    untrained = [c for c in communities if c.peers_trained < PEERS_NEEDED]
    venue_url = (
        reverse("programs:venue_create", args=[no_venue[0].pk])
        if no_venue
        else reverse("programs:program_detail")
    )
    return [
        Step(
            key="communities",
            label=_("Add the program's communities"),
            done=bool(communities),
            url=reverse("programs:community_create"),
            action=_("Add a community"),
        ),
        Step(
            key="venues",
            label=_("Add a venue to each community"),
            done=bool(communities) and not no_venue,
            url=venue_url,
            action=_("Add a venue"),
            missing=names(no_venue),
        ),
        Step(
            key="staff",
            label=_("Assign staff (a community doctor first) to each community"),
            done=bool(communities) and not no_staff,
            url=reverse("accounts:account_create"),
            action=_("Create a staff account"),
            missing=names(no_staff),
        ),
        Step(
            key="peers",
            label=_("Enrol at least two peers in each community"),
            done=bool(communities) and not few_peers,
            url=reverse("registry:person_create") + "?role=peer",
            action=_("Add a peer"),
            missing=names(few_peers),
        ),
        Step(
            key="training",
            label=_("Train at least two peers in each community (every pre-service workshop)"),
            done=bool(communities) and not untrained,
            url=reverse("training:round_list"),
            action=_("Training rounds"),
            missing=names(untrained),
        ),
        Step(
            key="session",
            label=_("Plan the first session"),
            done=has_session,
            url=reverse("activities:plan_create"),
            action=_("Plan a session"),
        ),
    ]


def setup_done(steps: list[Step]) -> bool:
    return all(step.done for step in steps)


# Histories ------------------------------------------------------------------------------


def program_history(program: Program) -> list[audit.AuditEntry]:
    """The program's settings, and its communities created, changed or deleted."""
    program_entries = audit.audit_entries(
        Program.history.filter(id=program.pk).select_related("history_user__person"),
        model=Program,
        subject=lambda r: _("Program"),
    )
    community_entries = audit.audit_entries(
        Community.history.filter(program_id=program.pk).select_related("history_user__person"),
        model=Community,
        subject=lambda r: _("Community %(name)s") % {"name": bilingual(r.name, r.name_en)},
        hidden_fields=("program",),
    )
    return audit.merge(program_entries, community_entries)


def community_history(community: Community) -> list[audit.AuditEntry]:
    """The community's own changes and its venues'."""
    community_entries = audit.audit_entries(
        Community.history.filter(id=community.pk).select_related("history_user__person"),
        model=Community,
        subject=lambda r: _("Community"),
        hidden_fields=("program",),
    )
    venue_entries = audit.audit_entries(
        Venue.history.filter(community_id=community.pk).select_related("history_user__person"),
        model=Venue,
        subject=lambda r: _("Venue %(name)s") % {"name": bilingual(r.name, r.name_en)},
        hidden_fields=("community",),
    )
    return audit.merge(community_entries, venue_entries)
