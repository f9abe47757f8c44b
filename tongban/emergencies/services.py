"""Writes of emergency events: filing, acknowledgement, escalation, follow-up, closure, voiding.

Each runs in one transaction. The workflow steps lock the event's row, so a double click
or two doctors at once get a clear message instead of a second write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.activities.models import Attendance
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send, notifications_mark_read_for_url
from tongban.notifications.texts import escalation_detail
from tongban.registry.models import Community
from tongban.submissions import cycles
from tongban.submissions.locking import is_locked, require_reason_if_locked

from . import rules, selectors
from .models import EmergencyEvent, FollowUp

log = logging.getLogger(__name__)

# Kept here too for callers that read it from the services.
CLOCK_SKEW = rules.CLOCK_SKEW


class AlreadyFiled(Exception):
    """The same event was filed a moment ago (a double submit): nothing new was written."""

    def __init__(self, event: EmergencyEvent):
        super().__init__(event.pk)
        self.event = event


@dataclass(frozen=True)
class Notified:
    """Who was told of a filing, for a confirmation that is true in every case."""

    # The accounts that received the notification (never the reporter).
    recipients: list = field(default_factory=list)
    # The community has an active community doctor; if not, the recipients are the
    # program's psychiatrists (else its project managers) instead.
    has_doctor: bool = False
    # The reporter is one of those who receive this community's events (a doctor who
    # files), so they are not notified of their own form.
    reporter_is_responder: bool = False


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _subject(community: Community) -> str:
    # The program's own name for the community: no health detail, since e-mail leaves
    # the system, and the same text whatever language the filer uses.
    return community.name


def _walk_in_note(walk_ins: list[Attendance], session) -> tuple[str, str | None]:
    """The involved note's lines for the ticked walk-ins, or an error."""
    lines = []
    for attendance in walk_ins:
        if (
            session is None
            or attendance.is_voided
            or attendance.person_id is not None
            or attendance.record.plan_id != session.pk
            or attendance.record.is_voided
        ):
            return "", _("Choose walk-ins of this session.")
        lines.append(selectors.walk_in_label(attendance))
    return "\n".join(lines), None


def _involvable_ids(user, community: Community, session, people: dict) -> set[int]:
    """Which of `people` the user may name: those the form offers (from the session, or
    the community's people serving on its day), or those serving today, which the form
    offers when the session is chosen from its list rather than given."""
    if not people:
        return set()
    found = set(
        selectors.involvable_people(user, community, session=session)
        .filter(pk__in=people)
        .values_list("pk", flat=True)
    )
    if session is not None and len(found) != len(people):
        found |= set(
            selectors.involvable_people(user, community)
            .filter(pk__in=people)
            .values_list("pk", flat=True)
        )
    return found


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
    walk_ins: Iterable[Attendance] = (),
    involved_note: str = "",
) -> EmergencyEvent:
    """File an Emergency Event Form and notify the community's doctors at once.

    A new form is a new fact, not a correction: it is filed even in a six-weekly cycle
    already accepted (no change reason asked), and the project managers are told that
    the accepted cycle gained an emergency. The returned event carries `notified`
    (a Notified): who was actually told, for the confirmation.
    """
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
    problem = rules.occurred_at_error(community, occurred_at)
    if problem:
        errors["occurred_at"] = problem
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
    offered_session = session if "session" not in errors else None
    if len(_involvable_ids(reported_by, community, offered_session, people)) != len(people):
        errors["people_involved"] = _("Choose people of this community.")
    walk_in_lines, walk_in_error = _walk_in_note(list(walk_ins), offered_session)
    if walk_in_error:
        errors["walk_ins"] = walk_in_error
    if errors:
        raise ValidationError(errors)

    note = "\n".join(part for part in (walk_in_lines, involved_note.strip()) if part)
    fields = {
        "community": community,
        "session": session,
        "kind": kind,
        "occurred_at": occurred_at,
        "involved_note": note,
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
    event = EmergencyEvent.objects.create(reported_by=reported_by, **fields)
    if people:
        event.people_involved.set(people.values())

    responders = rules.responders(community)
    if not responders.users:
        log.error("emergency in community %s: no active account to notify", community.pk)
    sent = notification_send(
        # A doctor who files knows already; the form still waits for an acknowledgement.
        recipients=[user for user in responders.users if user.pk != reported_by.pk],
        kind=Notification.Kind.EMERGENCY_FILED,
        subject=_subject(community),
        url=event.get_absolute_url(),
        detail=kind,
        program=community.program,
    )
    event.notified = Notified(
        recipients=[notification.recipient for notification in sent],
        has_doctor=responders.has_doctor,
        reporter_is_responder=any(user.pk == reported_by.pk for user in responders.users),
    )
    _notify_if_cycle_accepted(event, community)
    return event


def _notify_if_cycle_accepted(event: EmergencyEvent, community: Community) -> None:
    """An accepted six-weekly cycle gained a form: its figures changed, the manager must know."""
    day = timezone.localdate(event.occurred_at)
    if not is_locked(community=community, day=day):
        return
    program = community.program
    notification_send(
        # A manager who files it knows already.
        recipients=[user for user in rules.managers(program) if user.pk != event.reported_by_id],
        kind=Notification.Kind.EMERGENCY_IN_ACCEPTED_CYCLE,
        subject=_subject(community),
        url=event.get_absolute_url(),
        detail=str(cycles.for_program(program).number(day)),
        program=program,
    )


def _locked(event: EmergencyEvent) -> EmergencyEvent:
    """The event's row, locked, with its community and program (not locked) at hand."""
    return (
        EmergencyEvent.objects.select_for_update(of=("self",))
        .select_related("community__program")
        .get(pk=event.pk)
    )


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
    _tell_reporter(event, by=by, kind=Notification.Kind.EMERGENCY_ACKNOWLEDGED)
    return event


def _tell_reporter(event: EmergencyEvent, *, by, kind: str) -> None:
    """The reporter hears that the doctor has the event, and when it is closed."""
    if event.reported_by_id == by.pk:
        return
    community = event.community
    notification_send(
        recipients=[event.reported_by],
        kind=kind,
        subject=_subject(community),
        url=event.get_absolute_url(),
        detail=event.kind,
        program=community.program,
    )


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
    _tell_reporter(event, by=by, kind=Notification.Kind.EMERGENCY_CLOSED)
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
    require_reason_if_locked(
        community=event.community, day=timezone.localdate(event.occurred_at), reason=reason
    )
    event._change_reason = reason.strip()
    event.void(by=by, reason=reason)
    return event


def emergencies_escalate_overdue(*, now: datetime | None = None) -> list[EmergencyEvent]:
    """Escalate, once, each event unacknowledged for its program's escalation delay:
    notify that program's psychiatrists (else its project managers).

    Run by `manage.py escalate_emergencies` (cron) and lazily from page views; rows
    another run holds are skipped, so two runs never escalate the same event twice.
    """
    now = now or timezone.now()
    escalated = []
    with transaction.atomic():
        overdue = (
            EmergencyEvent.objects.overdue(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("community__program")
            .order_by("reported_at", "pk")
        )
        for event in overdue:
            event.escalated_at = now
            event.save(update_fields=["escalated_at"])
            program = event.community.program
            notification_send(
                recipients=rules.escalation_recipients(program),
                kind=Notification.Kind.EMERGENCY_ESCALATED,
                subject=_subject(event.community),
                url=event.get_absolute_url(),
                # The kind, and the delay that passed (the program's setting then).
                detail=escalation_detail(event.kind, program.escalation_hours),
                program=program,
            )
            escalated.append(event)
    if escalated:
        log.warning("escalated %d unacknowledged emergency event(s)", len(escalated))
    return escalated
