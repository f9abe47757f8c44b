"""Who may take part in a session, in one place so that later work can tighten it."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery

from tongban.registry.models import Enrolment, EnrolmentStatusChange, Person


def _enrolments_active_on(community, role: str, on: date) -> QuerySet:
    """Current enrolments of the role in the community whose status on `on` was active."""
    status_on = (
        EnrolmentStatusChange.objects.filter(enrolment=OuterRef("pk"), effective_on__lte=on)
        .order_by("-effective_on", "-pk")
        .values("status")[:1]
    )
    return (
        Enrolment.objects.current()
        .filter(community=community, role=role, started_on__lte=on)
        .annotate(status_on=Subquery(status_on))
        .filter(status_on=EnrolmentStatusChange.Status.ACTIVE)
    )


def peers_in_service(community, on: date) -> QuerySet:
    """Peers of the community who were active (not on leave, not withdrawn) on the day."""
    enrolments = _enrolments_active_on(community, Enrolment.Role.PEER, on)
    return Person.objects.filter(pk__in=enrolments.values("person_id"))


def peers_ready_to_lead(community, on: date) -> QuerySet:
    """Peers who may lead a session on the day.

    Until training records exist every active peer counts as ready. The training work
    switches this on: intersect with peers who completed pre-service training.
    """
    return peers_in_service(community, on)


def consumers_in_service(community, on: date) -> QuerySet:
    """Consumers of the community active on the day: the Participant List checklist.

    Consent is not recorded yet; the screening work will narrow this to consented ones.
    """
    enrolments = _enrolments_active_on(community, Enrolment.Role.CONSUMER, on)
    return Person.objects.filter(pk__in=enrolments.values("person_id"))


def staff_of(community) -> QuerySet:
    """Staff accounts who may be recorded as present: assigned to the community, or
    program-wide."""
    from tongban.accounts.models import PROGRAM_WIDE_ROLES, Role, User

    assigned = User.objects.filter(communities=community).values("pk")
    return (
        User.objects.filter(is_active=True)
        .exclude(role=Role.PEER)
        .filter(Q(pk__in=assigned) | Q(role__in=PROGRAM_WIDE_ROLES))
        .order_by("role", "first_name", "username")
    )
