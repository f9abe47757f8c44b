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
