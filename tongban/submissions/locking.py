"""Accepted records are locked: a later change needs a reason, is audited, and the
project manager hears of it.

The writes of the other apps ask here before changing a record of a community and day.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from . import cycles
from .models import Submission


def is_locked(*, community, day: date) -> bool:
    """The day falls in a cycle (of the community's program) whose forms were accepted."""
    calendar = cycles.for_program(community.program)
    if day < calendar.started_on:
        return False
    return Submission.objects.filter(
        community=community,
        cycle=calendar.number(day),
        status=Submission.Status.ACCEPTED,
    ).exists()


def _changer(by):
    """Who makes the change: `by`, else the signed-in user of the request being served
    (simple-history's middleware keeps it for the audit trail), else nobody known."""
    if by is not None:
        return by
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def notify_managers_of_change(*, community, day: date, by=None) -> list:
    """Tell the active project managers of the community's program (not the changer)
    that accepted forms changed.

    One unread notice per cycle is enough: a manager who has not yet opened the last one
    gets no second one, so a save that checks two days of one cycle sends one notice.
    Runs in the caller's transaction: a write that is then refused sends nothing.
    """
    from tongban.notifications.models import Notification
    from tongban.notifications.services import notification_send

    from .services import cycle_url, managers, notification_subject

    cycle = cycles.for_program(community.program).cycle_of(day)
    url = cycle_url(community, cycle)
    kind = Notification.Kind.ACCEPTED_FORMS_CHANGED
    changer = _changer(by)
    already = Notification.objects.filter(kind=kind, url=url, read_at__isnull=True).values(
        "recipient_id"
    )
    recipients = managers(community.program).exclude(pk__in=already)
    if changer is not None:
        recipients = recipients.exclude(pk=changer.pk)
    return notification_send(
        recipients=list(recipients),
        kind=kind,
        subject=notification_subject(community, cycle),
        url=url,
        program=community.program,
    )


def reason_error(*, community, day: date, reason: str) -> str | None:
    """The message asking for a change reason, or None: a check without side effects,
    for forms validating before anything is written."""
    if reason.strip() or not is_locked(community=community, day=day):
        return None
    return _("This record belongs to an accepted submission. Say why it must change.")


def require_reason_if_locked(*, community, day: date, reason: str, by=None) -> str:
    """Return the change reason to record, or refuse a change of a locked record without one.

    Call it from a write, inside its transaction: a change of a locked record (with its
    reason) notifies the project managers, except `by`, the user making it (default: the
    request's user), and a write refused afterwards rolls the notice back.
    """
    if not is_locked(community=community, day=day):
        return reason.strip()
    message = reason_error(community=community, day=day, reason=reason)
    if message:
        raise ValidationError({"change_reason": message})
    notify_managers_of_change(community=community, day=day, by=by)
    return reason.strip()
