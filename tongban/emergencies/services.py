"""Writes of emergency events: filing, acknowledgement, escalation, follow-up, closure, voiding.

Each runs in one transaction. The workflow steps lock the event's row, so a double click
or two doctors at once get a clear message instead of a second write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send, notifications_mark_read_for_url
from tongban.registry.models import Community
from tongban.submissions.locking import require_reason_if_locked

from . import rules, selectors
from .models import EmergencyEvent, FollowUp

log = logging.getLogger(__name__)

# Phones' clocks run a little ahead of the server's: "just now" must not count as future.
CLOCK_SKEW = timedelta(minutes=5)


class AlreadyFiled(Exception):
    """The same event was filed a moment ago (a double submit): nothing new was written."""

    def __init__(self, event: EmergencyEvent):
        super().__init__(event.pk)
        self.event = event


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _responders(community: Community) -> list:
    """Who must hear of a new event: the community's doctors, else the psychiatrist,
    else the project manager, so that an event never lands in nobody's list."""
    for recipients in (rules.doctors_of(community), rules.psychiatrists(), rules.managers()):
        found = list(recipients)
        if found:
            return found
    log.error("emergency in community %s: no active account to notify", community.pk)
    return []


def _subject(community: Community) -> str:
    # The program's own name for the community: no health detail, since e-mail leaves
    # the system, and the same text whatever language the filer uses.
    return community.name


@transaction.atomic
def emergency_file(
    *,
    reported_by,
    community: Community,
    kind: str,
    occurred_at: datetime,
    description: str,
    actions_taken: str,
    emergency_services_called: bool,
    session=None,
    people_involved: Iterable = (),
    involved_note: str = "",
    change_reason: str = "",
) -> EmergencyEvent:
    """File an Emergency Event Form and notify the community's doctors at once."""
    # Locking the community serialises filings there, so that a double submit sees the first.
    community = (
        Community.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=community.pk)
    )
    if not rules.can_file(reported_by, community):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if kind not in EmergencyEvent.Kind.values:
        errors["kind"] = _("Choose the type of event.")
    if occurred_at > timezone.now() + CLOCK_SKEW:
        errors["occurred_at"] = _("The time cannot be in the future.")
    elif timezone.localdate(occurred_at) < community.program.started_on:
        errors["occurred_at"] = _("This date is before the program started.")
    if session is not None:
        if session.community_id != community.pk:
            errors["session"] = _("This session belongs to another community.")
        elif session.is_voided:
            errors["session"] = _("This session was voided.")
    if not description.strip():
        errors["description"] = _("Say what happened.")
    if not actions_taken.strip():
        errors["actions_taken"] = _("Say what was done.")
    people = {person.pk: person for person in people_involved}
    allowed = selectors.involvable_people(reported_by, community).filter(pk__in=people)
    if allowed.count() != len(people):
        errors["people_involved"] = _("Choose people of this community.")
    if errors:
        raise ValidationError(errors)
    reason = require_reason_if_locked(
        community=community, day=timezone.localdate(occurred_at), reason=change_reason
    )

    fields = {
        "community": community,
        "session": session,
        "kind": kind,
        "occurred_at": occurred_at,
        "involved_note": involved_note.strip(),
        "description": description.strip(),
        "actions_taken": actions_taken.strip(),
        "emergency_services_called": emergency_services_called,
    }
    duplicate = (
        EmergencyEvent.objects.current()
        .filter(reported_by=reported_by, **{k: v for k, v in fields.items() if k != "session"})
        .first()
    )
    if duplicate is not None:
        raise AlreadyFiled(duplicate)
    event = EmergencyEvent(reported_by=reported_by, **fields)
    if reason:
        event._change_reason = reason
    event.save()
    if people:
        event.people_involved.set(people.values())
    notification_send(
        # A doctor who files knows already; the form still waits for an acknowledgement.
        recipients=[user for user in _responders(community) if user.pk != reported_by.pk],
        kind=Notification.Kind.EMERGENCY_FILED,
        subject=_subject(community),
        url=event.get_absolute_url(),
    )
    return event


def _locked(event: EmergencyEvent) -> EmergencyEvent:
    return EmergencyEvent.objects.select_for_update().get(pk=event.pk)


def _refuse_if_voided(event: EmergencyEvent) -> None:
    if event.is_voided:
        raise ValidationError(_("This event was voided."))


@transaction.atomic
def emergency_acknowledge(*, event: EmergencyEvent, by) -> EmergencyEvent:
    event = _locked(event)
    if not rules.can_acknowledge(by, event):
        raise PermissionDenied
    _refuse_if_voided(event)
    if event.acknowledged_at is not None:
        raise ValidationError(
            _("Already acknowledged by %(name)s at %(time)s.")
            % {"name": event.acknowledged_by.display_name, "time": _when(event.acknowledged_at)}
        )
    event.acknowledged_by = by
    event.acknowledged_at = timezone.now()
    event.save(update_fields=["acknowledged_by", "acknowledged_at"])
    notifications_mark_read_for_url(user=by, url=event.get_absolute_url())
    return event


@transaction.atomic
def emergency_follow_up(*, event: EmergencyEvent, by, text: str) -> FollowUp:
    event = _locked(event)
    if not rules.can_follow_up(by):
        raise PermissionDenied
    _refuse_if_voided(event)
    if event.closed_at is not None:
        raise ValidationError(_("This event is closed."))
    if not text.strip():
        raise ValidationError({"text": _("Write the follow-up note.")})
    return FollowUp.objects.create(event=event, author=by, text=text.strip())


@transaction.atomic
def emergency_close(*, event: EmergencyEvent, by, closing_note: str) -> EmergencyEvent:
    event = _locked(event)
    if not rules.can_follow_up(by):
        raise PermissionDenied
    _refuse_if_voided(event)
    if event.closed_at is not None:
        raise ValidationError(
            _("Already closed by %(name)s at %(time)s.")
            % {"name": event.closed_by.display_name, "time": _when(event.closed_at)}
        )
    if event.acknowledged_at is None:
        raise ValidationError(_("The doctor or the psychiatrist must acknowledge it first."))
    if not closing_note.strip():
        raise ValidationError({"closing_note": _("Say how the event ended.")})
    event.closed_by = by
    event.closed_at = timezone.now()
    event.closing_note = closing_note.strip()
    event.save(update_fields=["closed_by", "closed_at", "closing_note"])
    return event


@transaction.atomic
def emergency_void(*, event: EmergencyEvent, by, reason: str) -> EmergencyEvent:
    """Void a form filed by mistake (or twice); it stays in the history."""
    event = _locked(event)
    if not rules.can_follow_up(by):
        raise PermissionDenied
    if event.is_voided:
        raise ValidationError(_("This event is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    community = Community.objects.select_related("program").get(pk=event.community_id)
    require_reason_if_locked(
        community=community, day=timezone.localdate(event.occurred_at), reason=reason
    )
    event._change_reason = reason.strip()
    event.void(by=by, reason=reason)
    return event


def emergencies_escalate_overdue(*, now: datetime | None = None) -> list[EmergencyEvent]:
    """Escalate, once, each event unacknowledged for ESCALATE_AFTER: notify the psychiatrist.

    Run by `manage.py escalate_emergencies` (cron) and lazily from page views; rows
    another run holds are skipped, so two runs never escalate the same event twice.
    """
    now = now or timezone.now()
    escalated = []
    with transaction.atomic():
        overdue = (
            EmergencyEvent.objects.overdue(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("community")
            .order_by("reported_at", "pk")
        )
        for event in overdue:
            event.escalated_at = now
            event.save(update_fields=["escalated_at"])
            recipients = list(rules.psychiatrists()) or list(rules.managers())
            notification_send(
                recipients=recipients,
                kind=Notification.Kind.EMERGENCY_ESCALATED,
                subject=_subject(event.community),
                url=event.get_absolute_url(),
            )
            escalated.append(event)
    if escalated:
        log.warning("escalated %d unacknowledged emergency event(s)", len(escalated))
    return escalated
