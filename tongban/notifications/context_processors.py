"""The unread count on every page; also the lazy triggers of emergency escalation and of
supervision request reminders."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Exists, Q
from django.utils import timezone

from tongban.accounts.models import User
from tongban.core import scope

from . import selectors

log = logging.getLogger(__name__)

# At most one escalation run a minute per cache (per process with the local-memory cache).
ESCALATION_KEY = "tongban:emergencies:escalation-ran"
ESCALATION_EVERY_SECONDS = 60
# The same for supervision request reminders (their own key: either job may be due alone).
REMINDERS_KEY = "tongban:supervision:reminders-ran"
REMINDERS_EVERY_SECONDS = 60


def _badge(user, now: datetime) -> tuple[int, bool, bool, int]:
    """The badge's unread count (of the chosen program), whether any emergency awaits
    escalation, whether any supervision request is old enough for a reminder to be due,
    and the unread messages of the online group: one query, so that every page costs the
    same whether or not a job is due.

    (selectors.unread_count_and_overdue with more EXISTS.)"""
    from tongban.discussion.selectors import unread_total_expression
    from tongban.emergencies.models import EmergencyEvent
    from tongban.supervision.request_services import awaiting_reminder

    unread = Q(notifications__read_at__isnull=True, notifications__program=scope.program(user))
    return (
        User.objects.filter(pk=user.pk)
        .annotate(
            unread=Count("notifications", filter=unread),
            overdue=Exists(EmergencyEvent.objects.overdue(now)),
            reminders=Exists(awaiting_reminder(now)),
            group_unread=unread_total_expression(user),
        )
        .values_list("unread", "overdue", "reminders", "group_unread")
        .get()
    )


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread, overdue, reminders, group_unread = _badge(user, timezone.now())
    # The cron jobs (manage.py escalate_emergencies, supervision_reminders) are the main
    # path; these make escalation and reminders happen on a server without cron too, as
    # soon as anyone opens a page.
    if overdue and cache.add(ESCALATION_KEY, 1, ESCALATION_EVERY_SECONDS):
        from tongban.emergencies.services import emergencies_escalate_overdue

        try:
            if emergencies_escalate_overdue():
                unread = selectors.unread_count(user)
        except Exception:  # a page must render even if the job fails; cron retries
            log.exception("lazy emergency escalation failed")
    if reminders and cache.add(REMINDERS_KEY, 1, REMINDERS_EVERY_SECONDS):
        from tongban.supervision.request_services import supervision_requests_remind

        try:
            if supervision_requests_remind():
                unread = selectors.unread_count(user)
        except Exception:  # a page must render even if the job fails; cron retries
            log.exception("lazy supervision reminders failed")
    return {"unread_notifications": unread, "group_unread": group_unread}
