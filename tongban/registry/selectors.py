"""Reads of the registry, always through the scoping layer."""

from __future__ import annotations

from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, scope
from tongban.core.queries import count_of

from .models import (
    CaregiverLink,
    Community,
    Enrolment,
    EnrolmentStatusChange,
    Person,
    Program,
    Venue,
)

Status = EnrolmentStatusChange.Status


def _visible_enrolments(user) -> QuerySet:
    return (
        Enrolment.objects.current()
        .visible_to(user)
        .with_status()
        .select_related("community")
        .order_by("community__started_on", "role")
    )


def people_list(user, *, q: str = "", role: str = "", community: Community | None = None):
    people = Person.objects.visible_to(user).with_roles(user).search(q, by_phone=not user.is_peer)
    if role == "peer":
        people = people.filter(is_peer=True)
    elif role == "consumer":
        people = people.filter(is_consumer=True)
    elif role == "caregiver":
        people = people.filter(is_caregiver=True)
    if community is not None:
        people = people.filter(
            Exists(Enrolment.objects.current().filter(person=OuterRef("pk"), community=community))
            | Exists(
                CaregiverLink.objects.filter(
                    caregiver=OuterRef("pk"),
                    cared_for__enrolments__community=community,
                    cared_for__enrolments__voided_at__isnull=True,
                )
            )
        )
    cares_for = CaregiverLink.objects.filter(
        cared_for__in=Person.objects.visible_to(user)
    ).select_related("cared_for")
    return people.prefetch_related(
        Prefetch("enrolments", queryset=_visible_enrolments(user), to_attr="visible_enrolments"),
        Prefetch("cares_for", queryset=cares_for, to_attr="visible_cares_for"),
    ).order_by("name", "pk")


def open_communities(user) -> QuerySet:
    """The user's communities that take new records today: not closed (`ended_on` is
    the last day of service)."""
    today = timezone.localdate()
    return scope.communities(user).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def people_who_can_have_caregivers(user) -> QuerySet:
    """Peers and consumers in the user's scope (caregivers themselves are not enrolled)."""
    return (
        Person.objects.visible_to(user)
        .filter(enrolments__voided_at__isnull=True)
        .distinct()
        .order_by("name")
    )


def person_get(user, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(user).with_roles(user), pk=pk)


def person_visible(user, pk: int) -> bool:
    return Person.objects.visible_to(user).filter(pk=pk).exists()


def person_enrolments(user, person: Person) -> list[Enrolment]:
    changes = EnrolmentStatusChange.objects.order_by("effective_on", "pk")
    return list(
        Enrolment.objects.visible_to(user)
        .filter(person=person)
        .with_status()
        .select_related("community", "voided_by")
        .prefetch_related(Prefetch("status_changes", queryset=changes))
        .order_by("voided_at", "started_on")
    )


def person_caregiver_links(user, person: Person) -> dict[str, list[CaregiverLink]]:
    """Who cares for this person and whom they care for; peers see none of it."""
    if user.is_peer:
        return {"caregivers": [], "cares_for": []}
    visible = Person.objects.visible_to(user)
    links = CaregiverLink.objects.select_related("caregiver", "cared_for")
    return {
        "caregivers": list(links.filter(cared_for=person, caregiver__in=visible)),
        "cares_for": list(links.filter(caregiver=person, cared_for__in=visible)),
    }


def enrolment_get(user, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.visible_to(user).with_status().select_related("person", "community"),
        pk=pk,
    )


def person_history(user, person: Person) -> list[audit.AuditEntry]:
    """Every version of the person, their enrolments, status changes and caregiver links."""
    private = scope.private_fields_hidden(user, person)
    hidden = Person.PRIVATE_FIELDS if private else ()
    # Free-text reasons (leave, withdrawal, voiding) can carry clinical detail.
    hidden_reasons = ("reason", "void_reason") if private else ()
    enrolment_ids = Enrolment.objects.visible_to(user).filter(person=person).values("pk")
    visible_people = Person.objects.visible_to(user).values("pk")
    person_entries = audit.audit_entries(
        Person.history.filter(id=person.pk).select_related("history_user__person"),
        model=Person,
        subject=lambda r: _("Person"),
        hidden_fields=hidden,
    )
    enrolment_entries = audit.audit_entries(
        Enrolment.history.filter(id__in=enrolment_ids).select_related(
            "history_user__person", "community"
        ),
        model=Enrolment,
        subject=lambda r: _("Enrolment"),
        hidden_fields=("person", *hidden_reasons),
    )
    status_entries = audit.audit_entries(
        EnrolmentStatusChange.history.filter(enrolment_id__in=enrolment_ids).select_related(
            "history_user__person"
        ),
        model=EnrolmentStatusChange,
        subject=lambda r: _("Status"),
        hidden_fields=("enrolment", *hidden_reasons),
    )
    link_entries = []
    if not user.is_peer:
        link_entries = audit.audit_entries(
            CaregiverLink.history.filter(
                Q(caregiver_id=person.pk, cared_for_id__in=visible_people)
                | Q(cared_for_id=person.pk, caregiver_id__in=visible_people)
            ).select_related("history_user__person"),
            model=CaregiverLink,
            subject=lambda r: _("Caregiver link"),
        )
    return audit.merge(person_entries, enrolment_entries, status_entries, link_entries)


def _has_doctor() -> Exists:
    """Whether a community has an active community-doctor account assigned to it.

    Without one, emergency events go to the psychiatrist and the manager instead.
    """
    from tongban.accounts.models import Role, User

    return Exists(
        User.objects.filter(communities=OuterRef("pk"), role=Role.COMMUNITY_DOCTOR, is_active=True)
    )


def _count_per_community(rows: QuerySet) -> Subquery:
    """How many of `rows` (with a `community` foreign key) belong to the outer community:
    only that community's rows are read."""
    return count_of(rows.filter(community=OuterRef("pk")))


def communities_overview(user) -> QuerySet:
    """Each visible community with its counts of people in service and `has_doctor`,
    computed in the database (one query).

    The counts are subqueries per shown community: an aggregate over a join with "all
    enrolments in service" worked out the status of every enrolment of the city for a
    user of one community (issue 14)."""
    active = Enrolment.objects.in_service()
    return (
        scope.communities(user)
        .annotate(
            has_doctor=_has_doctor(),
            peers=_count_per_community(active.filter(role=Enrolment.Role.PEER)),
            consumers=_count_per_community(active.filter(role=Enrolment.Role.CONSUMER)),
            venue_count=_count_per_community(Venue.objects.all()),
        )
        .order_by("started_on", "name")
    )


def community_get(user, pk: int) -> Community:
    """One visible community (404 otherwise), with `has_doctor` as in communities_overview."""
    return get_object_or_404(scope.communities(user).annotate(has_doctor=_has_doctor()), pk=pk)


def roster_by_role(user, community: Community, *, include_withdrawn: bool = False) -> dict:
    """The roster as {"peers": [...], "consumers": [...]}: one query."""
    roster = list(community_roster(user, community, include_withdrawn=include_withdrawn))
    return {
        "peers": [e for e in roster if e.role == Enrolment.Role.PEER],
        "consumers": [e for e in roster if e.role == Enrolment.Role.CONSUMER],
    }


def community_roster(user, community: Community, *, include_withdrawn: bool = False):
    roster = (
        Enrolment.objects.current()
        .visible_to(user)
        .filter(community=community)
        .with_status()
        .select_related("person")
        .order_by("role", "person__name")
    )
    if not include_withdrawn:
        roster = roster.exclude(current_status=Status.WITHDRAWN)
    return roster


# The gate into service (tongban.screening.gate) ------------------------------------------


def caregiver_contact_signed(person: Person) -> bool:
    """Whether the person's agreement to be contacted for the evaluation is on record (in
    force, not withdrawn): the caregiver pages then ask for it no more."""
    from tongban.screening.models import Consent, ConsentKind

    return (
        Consent.objects.current()
        .filter(
            person=person,
            document__kind=ConsentKind.CAREGIVER_CONTACT,
            withdrawn_on__isnull=True,
        )
        .exists()
    )


def open_candidacy(user, person: Person, *, role: str, community: Community | None = None):
    """The person's candidacy for `role` still under way (not enrolled, not closed or
    screened out), in the user's communities (and in `community` when given), or None."""
    from tongban.screening.models import Candidate, Stage

    candidacies = (
        Candidate.objects.visible_to(user)
        .filter(person=person, role=role, enrolment__isnull=True, closed_on=None)
        .exclude(stage=Stage.SCREENED_OUT)
    )
    if community is not None:
        candidacies = candidacies.filter(community=community)
    return candidacies.select_related("community").order_by("-recommended_on", "-pk").first()


def gate_refusal(user, person: Person, *, role: str, on: date) -> dict | None:
    """When the gate stops `person` serving as `role` on `on`: what is missing, and their
    candidacy for the role still under way (None: the page offers to start one). None when
    the gate is open."""
    from tongban.screening import gate

    missing = gate.missing(person, role=role, on=on)
    if not missing:
        return None
    return {
        "missing": missing,
        "role": role,
        "role_label": Enrolment.Role(role).label,
        "candidate": open_candidacy(user, person, role=role),
    }


def legacy_without_records(program: Program, on: date | None = None) -> int:
    """How many people in service (active or on leave) were enrolled before screening was
    recorded and still lack the records the gate asks for: an eligible assessment and the
    consents of their role, whether or not the program's date has come yet.

    One counting query (and one per role for the documents' versions)."""
    from tongban.screening import gate
    from tongban.screening.models import REQUIRED_CONSENTS

    on = on or timezone.localdate()
    lacking = Q()
    for role in Enrolment.Role.values:
        legacy = Enrolment.objects.in_service().filter(
            community__program=program, role=role, before_screening=True
        )
        screened = Q(gate_passes=True)
        for kind in REQUIRED_CONSENTS[role]:
            screened &= Q(**{f"gate_{kind}": True})
        rows = (
            gate.annotate(
                Person.objects.filter(pk__in=legacy.values("person_id")),
                role=role,
                program=program,
                on=on,
            )
            .annotate(
                has_records=Case(
                    When(screened, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .filter(has_records=False)
        )
        lacking |= Q(pk__in=rows.values("pk"))
    return Person.objects.filter(lacking).count()
