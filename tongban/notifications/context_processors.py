"""The unread count on every page; also the lazy trigger of emergency escalation."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import timezone

from . import selectors

log = logging.getLogger(__name__)

# At most one escalation run a minute per cache (per process with the local-memory cache).
ESCALATION_KEY = "tongban:emergencies:escalation-ran"
ESCALATION_EVERY_SECONDS = 60


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread, overdue = selectors.unread_count_and_overdue(user, timezone.now())
    # The cron job (manage.py escalate_emergencies) is the main path; this one makes
    # escalation happen on a server without cron too, as soon as anyone opens a page.
    if overdue and cache.add(ESCALATION_KEY, 1, ESCALATION_EVERY_SECONDS):
        from tongban.emergencies.services import emergencies_escalate_overdue

        try:
            if emergencies_escalate_overdue():
                unread = selectors.unread_count(user)
        except Exception:  # a page must render even if the job fails; cron retries
            log.exception("lazy emergency escalation failed")
    return {"unread_notifications": unread}
