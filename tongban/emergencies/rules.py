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


def belongs_to(user, program_id: int) -> bool:
    """A program-wide role's own program: the chosen one (cached), else any of theirs."""
    chosen = scope.program(user)
    if chosen is not None and chosen.pk == program_id:
        return True
    return user.programs.filter(pk=program_id).exists()


def can_acknowledge(user, event) -> bool:
    """The community's doctors, and the psychiatrists of its program (who receive
    escalations).

    When the program has neither for this community, its project managers receive the
    event, and so must be able to acknowledge it, or it would stay open for ever.
    """
    if not _active(user):
        return False
    if is_doctor_of(user, event.community_id):
        return True
    program_id = event.community.program_id
    if user.role == Role.PSYCHIATRIST:
        return belongs_to(user, program_id)
    return (
        user.role == Role.PROJECT_MANAGER
        and belongs_to(user, program_id)
        and not doctors_of(event.community_id).exists()
        and not psychiatrists(program_id).exists()
    )


def can_follow_up(user) -> bool:
    """Follow-up notes, closure and voiding are the staff's; the event is already in scope."""
    return _active(user) and not user.is_peer


def doctors_of(community) -> QuerySet:
    return User.objects.filter(
        is_active=True, role=Role.COMMUNITY_DOCTOR, communities=community
    ).order_by("pk")


def psychiatrists(program) -> QuerySet:
    """The active psychiatrists of a program (a Program or its id): never another's."""
    return User.objects.filter(is_active=True, role=Role.PSYCHIATRIST, programs=program).order_by(
        "pk"
    )


def managers(program) -> QuerySet:
    """The active project managers of a program (a Program or its id): never another's."""
    return User.objects.filter(
        is_active=True, role=Role.PROJECT_MANAGER, programs=program
    ).order_by("pk")


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


def escalation_recipients(program) -> list:
    """Who hears of an unacknowledged event: the program's psychiatrists, else its
    project managers."""
    return list(psychiatrists(program)) or list(managers(program))


def responders(community) -> Responders:
    """The community's doctors, else its program's psychiatrists, else its program's
    project managers, so that an event never lands in nobody's list (empty only when
    none of them exists)."""
    doctors = list(doctors_of(community))
    if doctors:
        return Responders(users=doctors, has_doctor=True)
    for recipients in (psychiatrists(community.program_id), managers(community.program_id)):
        found = list(recipients)
        if found:
            return Responders(users=found, has_doctor=False)
    return Responders()
