"""Reads of a user's own notifications: nobody sees another person's list, and a user
sees those of the program they have chosen (the header's switcher) only."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, Q, QuerySet
from django.shortcuts import get_object_or_404

from tongban.accounts.models import User
from tongban.core import scope

from .models import Notification


def _mine(user) -> QuerySet:
    """The user's notifications of their chosen program (cached on the user object)."""
    return Notification.objects.filter(recipient=user, program=scope.program(user))


def notifications_of(user) -> QuerySet:
    return _mine(user).order_by("-created_at", "-pk")


def notification_get(user, pk: int) -> Notification:
    """One of the user's notifications; one of another of their programs is 404 until
    that program is chosen."""
    return get_object_or_404(_mine(user), pk=pk)


def unread_count(user) -> int:
    return _mine(user).filter(read_at__isnull=True).count()


def unread_count_and_overdue(user, now: datetime) -> tuple[int, bool]:
    """The badge's unread count (of the chosen program) and whether any emergency, of
    any program, awaits escalation: one query (the chosen program is cached per user).

    Asking both at once keeps every page at the same number of queries, whether or not
    the escalation job is due to run (see context_processors).
    """
    from tongban.emergencies.models import EmergencyEvent

    unread = Q(notifications__read_at__isnull=True, notifications__program=scope.program(user))
    return (
        User.objects.filter(pk=user.pk)
        .annotate(
            unread=Count("notifications", filter=unread),
            overdue=Exists(EmergencyEvent.objects.overdue(now)),
        )
        .values_list("unread", "overdue")
        .get()
    )
