"""Reads of a user's own notifications: nobody sees another person's list."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, Q, QuerySet
from django.shortcuts import get_object_or_404

from tongban.accounts.models import User

from .models import Notification


def notifications_of(user) -> QuerySet:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_get(user, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.filter(recipient=user), pk=pk)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_and_overdue(user, now: datetime) -> tuple[int, bool]:
    """The badge's unread count and whether any emergency awaits escalation: one query.

    Asking both at once keeps every page at the same number of queries, whether or not
    the escalation job is due to run (see context_processors).
    """
    from tongban.emergencies.models import EmergencyEvent

    return (
        User.objects.filter(pk=user.pk)
        .annotate(
            unread=Count("notifications", filter=Q(notifications__read_at__isnull=True)),
            overdue=Exists(EmergencyEvent.objects.overdue(now)),
        )
        .values_list("unread", "overdue")
        .get()
    )
