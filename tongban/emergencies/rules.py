"""Who may do what with an emergency event, in one place (scope itself is tongban.core.scope)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import Role, User
from tongban.core import scope

# Phones' clocks run a little ahead of the server's: "just now" must not count as future.
CLOCK_SKEW = timedelta(minutes=5)


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def can_file(user, community) -> bool:
    """Peers of the community and any staff in scope (an RA types in paper forms)."""
    return _active(user) and scope.communities(user).filter(pk=community.pk).exists()


def is_doctor_of(user, community_id: int) -> bool:
    return (
        _active(user)
        and user.role == Role.COMMUNITY_DOCTOR
        and user.communities.filter(pk=community_id).exists()
    )


def can_acknowledge(user, event) -> bool:
    """The community's doctors, and the psychiatrist (who receives escalations).

    When the program has neither for this community, the project manager receives the
    event, and so must be able to acknowledge it, or it would stay open for ever.
    """
    if not _active(user):
        return False
    if user.role == Role.PSYCHIATRIST or is_doctor_of(user, event.community_id):
        return True
    return (
        user.role == Role.PROJECT_MANAGER
        and not doctors_of(event.community_id).exists()
        and not psychiatrists().exists()
    )


def can_follow_up(user) -> bool:
    """Follow-up notes, closure and voiding are the staff's; the event is already in scope."""
    return _active(user) and not user.is_peer


def doctors_of(community) -> QuerySet:
    return User.objects.filter(
        is_active=True, role=Role.COMMUNITY_DOCTOR, communities=community
    ).order_by("pk")


def psychiatrists() -> QuerySet:
    return User.objects.filter(is_active=True, role=Role.PSYCHIATRIST).order_by("pk")


def managers() -> QuerySet:
    return User.objects.filter(is_active=True, role=Role.PROJECT_MANAGER).order_by("pk")


def occurred_at_error(community, moment: datetime, *, now: datetime | None = None) -> str | None:
    """Why an event cannot have happened at `moment` in the community, or None.

    The form and the service both ask here: an event outside the program's dates would
    fall in no six-weekly cycle and never reach the manager's review.
    """
    now = now or timezone.now()
    program = community.program
    if moment > now + CLOCK_SKEW:
        return _("The time cannot be in the future.")
    day = timezone.localdate(moment)
    if day < program.started_on:
        return _("This date is before the program started (%(date)s).") % {
            "date": program.started_on.isoformat()
        }
    if program.ended_on is not None and day > program.ended_on:
        return _("This date is after the program ended (%(date)s).") % {
            "date": program.ended_on.isoformat()
        }
    return None


@dataclass(frozen=True)
class Responders:
    """Who hears of a new event in a community, and why them."""

    users: list = field(default_factory=list)
    # The community has an active community doctor (else the users are the fallback).
    has_doctor: bool = False


def responders(community) -> Responders:
    """The community's doctors, else the psychiatrists, else the project managers, so
    that an event never lands in nobody's list (empty only when none of them exists)."""
    doctors = list(doctors_of(community))
    if doctors:
        return Responders(users=doctors, has_doctor=True)
    for recipients in (psychiatrists(), managers()):
        found = list(recipients)
        if found:
            return Responders(users=found, has_doctor=False)
    return Responders()
