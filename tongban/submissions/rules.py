"""Who may do what with a community's six-weekly submission (scope decides which ones)."""

from __future__ import annotations

from tongban.accounts.models import Role
from tongban.core import scope


def can_review(user) -> bool:
    """Only the project manager accepts or returns submissions."""
    return user.is_authenticated and user.is_active and user.role == Role.PROJECT_MANAGER


def can_submit(user, community) -> bool:
    """A peer serving in the community, or the project manager on the peers' behalf."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.PROJECT_MANAGER:
        return True
    return user.is_peer and scope.communities(user).filter(pk=community.pk).exists()


def sees_submit_form(user, community, status: str | None) -> bool:
    """The submit form on a cycle's page. Returned forms are the peers' to correct and
    submit again: the manager who returned them gets no resubmit form, unless the
    community has no peer who could sign in to do it."""
    if not can_submit(user, community):
        return False
    if status == "returned" and not user.is_peer:
        from .services import peer_accounts

        return not peer_accounts(community).exists()
    return True
