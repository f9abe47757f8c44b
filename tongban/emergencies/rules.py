"""Who may do what with an emergency event, in one place (scope itself is tongban.core.scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from tongban.accounts.models import Role, User
from tongban.core import scope


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
