"""Writes of as-needed supervision: a peer asks a community doctor, the doctor (or a
psychologist, the psychiatrist) answers, agreed actions get an owner and a due date, and an
unanswered request reminds the doctor and, when urgent, goes to the psychologists.

Each write runs in one transaction and raises ValidationError({field: [messages]}) with
every error at once; the forms call the same error functions. Answers are edited from the
version the form was opened on (tongban.core.concurrency).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.accounts.models import Role, User
from tongban.core import scope
from tongban.core.concurrency import check_version
from tongban.core.models import assign_changes
from tongban.core.permissions import can_answer_supervision, can_ask_supervision
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send, notifications_mark_read_for_url
from tongban.registry.models import Community

from .models import SupervisionAction, SupervisionRequest, SupportSettings

log = logging.getLogger(__name__)

Errors = dict[str, list[str]]

TOPIC_MAX = SupervisionRequest._meta.get_field("topic").max_length


class AnsweredHow:
    """How the answer was given (stored as the code in `answered_how`)."""

    PHONE = "phone"
    IN_PERSON = "in_person"
    WRITTEN = "written"
    choices = [
        (PHONE, gettext_lazy("on the phone")),
        (IN_PERSON, gettext_lazy("face to face")),
        (WRITTEN, gettext_lazy("written here")),
    ]
    values = [value for value, _label in choices]


def answered_how_label(value: str) -> str:
    """The label of a stored `answered_how` (free text of older rows shows as it is)."""
    return str(dict(AnsweredHow.choices).get(value, value))


def _add(errors: Errors, name: str | None, message: str) -> None:
    errors.setdefault(name or NON_FIELD_ERRORS, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _subject(community: Community) -> str:
    # The community's own name: never the topic or details (e-mail leaves the system).
    return community.name


def request_url(request: SupervisionRequest) -> str:
    return reverse("supervision:request_detail", args=[request.pk])


# Who answers ---------------------------------------------------------------------------------


def _active(queryset: QuerySet) -> QuerySet:
    return queryset.filter(is_active=True).order_by("first_name", "username", "pk")


def community_doctors(community: Community) -> QuerySet:
    return _active(User.objects.filter(role=Role.COMMUNITY_DOCTOR, communities=community))


def community_psychologists(community: Community) -> QuerySet:
    return _active(User.objects.filter(role=Role.CLINICAL_PSYCHOLOGIST, communities=community))


def program_psychiatrists(program_id: int) -> QuerySet:
    return _active(User.objects.filter(role=Role.PSYCHIATRIST, programs=program_id))


def program_managers(program_id: int) -> QuerySet:
    return _active(User.objects.filter(role=Role.PROJECT_MANAGER, programs=program_id))


@dataclass(frozen=True)
class Answerers:
    """Whom a peer of `community` may ask: its doctors, else (a community without a doctor
    account) its psychologists, else the program's psychiatrists."""

    users: list = field(default_factory=list)
    are_doctors: bool = False


def answerers(community: Community) -> Answerers:
    doctors = list(community_doctors(community))
    if doctors:
        return Answerers(users=doctors, are_doctors=True)
    return Answerers(
        users=list(community_psychologists(community))
        or list(program_psychiatrists(community.program_id))
    )


def escalation_recipients(community: Community) -> list:
    """An urgent request nobody answered goes to the community's clinical psychologists,
    else to the program's psychiatrists (else its managers, so it never reaches nobody)."""
    return (
        list(community_psychologists(community))
        or list(program_psychiatrists(community.program_id))
        or list(program_managers(community.program_id))
    )


def action_owners(request: SupervisionRequest) -> QuerySet:
    """Who may own an action agreed on a request: the peer's own account, the supervisors
    of the community, the program's psychiatrists."""
    community = request.community
    supervisors = {
        Role.COMMUNITY_DOCTOR,
        Role.CLINICAL_PSYCHOLOGIST,
        Role.SOCIAL_WORKER,
    }
    return _active(
        User.objects.filter(
            Q(role=Role.PEER, person_id=request.peer_id)
            | Q(role__in=supervisors, communities=community)
            | Q(role=Role.PSYCHIATRIST, programs=community.program_id)
        ).distinct()
    )


def peer_accounts(request: SupervisionRequest) -> list:
    return list(_active(User.objects.filter(role=Role.PEER, person_id=request.peer_id)))


# Asking --------------------------------------------------------------------------------------


def request_errors(
    *,
    community: Community,
    topic: str,
    urgency: str,
    doctor,
    session,
    known_answerers: Answerers | None = None,
) -> Errors:
    """Every reason the request cannot be sent (the form shows them all at once)."""
    errors: Errors = {}
    if not (topic or "").strip():
        _add(errors, "topic", _("Say in a few words what it is about."))
    elif len(topic.strip()) > TOPIC_MAX:
        _add(
            errors,
            "topic",
            _("Keep the topic short (at most %(max)d characters).") % {"max": TOPIC_MAX},
        )
    if urgency not in SupervisionRequest.Urgency.values:
        _add(errors, "urgency", _("Say whether it is urgent."))
    found = known_answerers if known_answerers is not None else answerers(community)
    if not found.users:
        _add(
            errors,
            None,
            _(
                "Nobody in the system can answer for this community yet: phone your "
                "community doctor or the project manager."
            ),
        )
    elif doctor is None:
        _add(errors, "doctor", _("Choose who should answer."))
    elif doctor.pk not in {user.pk for user in found.users}:
        _add(errors, "doctor", _("Choose a doctor of your community."))
    if session is not None:
        if session.community_id != community.pk:
            _add(errors, "session", _("This session belongs to another community."))
        elif session.is_voided:
            _add(errors, "session", _("This session was voided."))
    return errors


@transaction.atomic
def supervision_request_ask(
    *,
    by,
    community: Community,
    topic: str,
    details: str,
    urgency: str,
    doctor,
    session=None,
) -> SupervisionRequest:
    """A peer asks; the chosen doctor is notified at once. The returned request carries
    `notified`: the accounts actually notified, for a confirmation that is true."""
    if not can_ask_supervision(by) or not by.person_id:
        raise PermissionDenied
    if not scope.communities(by).filter(pk=community.pk).exists():
        raise PermissionDenied
    _raise(
        request_errors(
            community=community, topic=topic, urgency=urgency, doctor=doctor, session=session
        )
    )
    request = SupervisionRequest.objects.create(
        community=community,
        peer_id=by.person_id,
        topic=topic.strip(),
        details=(details or "").strip(),
        urgency=urgency,
        doctor=doctor,
        session=session,
        asked_by=by,
    )
    sent = notification_send(
        recipients=[doctor],
        kind=Notification.Kind.SUPERVISION_ASKED,
        subject=_subject(community),
        url=request_url(request),
        program=community.program,
    )
    request.notified = [notification.recipient for notification in sent]
    return request


# Answering -----------------------------------------------------------------------------------


def action_errors(
    *, request: SupervisionRequest, text: str, owner, due_on: date | None, today: date
) -> Errors:
    """An agreed action needs its text, an owner and a due date. Without a text or a
    date there is no action (the owner alone is the form's preselected peer)."""
    errors: Errors = {}
    text = (text or "").strip()
    if not text and due_on is None:
        return errors
    if not text:
        _add(errors, "action_text", _("Say what was agreed."))
    if owner is None:
        _add(errors, "action_owner", _("Choose who will do it."))
    elif not action_owners(request).filter(pk=owner.pk).exists():
        _add(errors, "action_owner", _("Choose the peer or a supervisor of this community."))
    if due_on is None:
        _add(errors, "action_due_on", _("Give the date it is due."))
    elif due_on < today:
        _add(errors, "action_due_on", _("The due date cannot be in the past."))
    elif due_on > today + timedelta(days=366):
        _add(errors, "action_due_on", _("Choose a date within the next year."))
    return errors


def answer_errors(
    *,
    request: SupervisionRequest,
    answer: str,
    answered_how: str,
    action_text: str = "",
    action_owner=None,
    action_due_on: date | None = None,
    today: date | None = None,
) -> Errors:
    errors: Errors = {}
    if not (answer or "").strip():
        _add(errors, "answer", _("Write the answer, or what was said on the phone."))
    if answered_how not in AnsweredHow.values:
        _add(errors, "answered_how", _("Say how the answer was given."))
    for name, messages in action_errors(
        request=request,
        text=action_text,
        owner=action_owner,
        due_on=action_due_on,
        today=today or timezone.localdate(),
    ).items():
        for message in messages:
            _add(errors, name, message)
    return errors


def _locked(request: SupervisionRequest) -> SupervisionRequest:
    return (
        SupervisionRequest.objects.select_for_update(of=("self",))
        .select_related("community__program")
        .get(pk=request.pk)
    )


def _create_action(request: SupervisionRequest, *, by, text: str, owner, due_on: date):
    action = SupervisionAction.objects.create(
        request=request,
        community=request.community,
        text=text.strip(),
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    if owner.pk != by.pk:
        notification_send(
            recipients=[owner],
            kind=Notification.Kind.ACTION_ASSIGNED,
            subject=_subject(request.community),
            url=request_url(request),
            program=request.community.program,
        )
    return action


@transaction.atomic
def supervision_request_answer(
    *,
    request: SupervisionRequest,
    by,
    answer: str,
    answered_how: str,
    version: int | None,
    action_text: str = "",
    action_owner=None,
    action_due_on: date | None = None,
) -> SupervisionRequest:
    """Record the answer (or correct it: the history keeps every version). The first
    answer notifies the peer. An action agreed on the way is added with its owner."""
    if not can_answer_supervision(by):
        raise PermissionDenied
    request = _locked(request)
    if request.is_voided:
        raise ValidationError(_("This request was voided."))
    if request.answered_at is not None:
        # Only an answer can be lost: a reminder sent meanwhile is no conflict.
        check_version(request, version)
    _raise(
        answer_errors(
            request=request,
            answer=answer,
            answered_how=answered_how,
            action_text=action_text,
            action_owner=action_owner,
            action_due_on=action_due_on,
        )
    )
    first = request.answered_at is None
    fields = {"answer": answer.strip(), "answered_how": answered_how}
    if first:
        fields.update(answered_at=timezone.now(), answered_by=by)
    changed = assign_changes(request, fields)
    if changed:
        request.save(update_fields=changed)
    if (action_text or "").strip():
        _create_action(request, by=by, text=action_text, owner=action_owner, due_on=action_due_on)
    notifications_mark_read_for_url(user=by, url=request_url(request))
    request.notified = []
    if first:
        sent = notification_send(
            recipients=peer_accounts(request),
            kind=Notification.Kind.SUPERVISION_ANSWERED,
            subject=_subject(request.community),
            url=request_url(request),
            program=request.community.program,
        )
        request.notified = [notification.recipient for notification in sent]
    return request


@transaction.atomic
def supervision_request_action_add(
    *, request: SupervisionRequest, by, text: str, owner, due_on: date | None
) -> SupervisionAction:
    """Another action agreed on an answered request."""
    if not can_answer_supervision(by):
        raise PermissionDenied
    request = _locked(request)
    if request.is_voided:
        raise ValidationError(_("This request was voided."))
    errors = action_errors(
        request=request, text=text, owner=owner, due_on=due_on, today=timezone.localdate()
    )
    if not errors and not (text or "").strip():
        _add(errors, "action_text", _("Say what was agreed."))
    _raise(errors)
    return _create_action(request, by=by, text=text, owner=owner, due_on=due_on)


def can_void(user, request: SupervisionRequest) -> bool:
    """The answerers, and the peer who asked while it is unanswered (asked by mistake)."""
    if request.is_voided:
        return False
    if can_answer_supervision(user):
        return True
    return bool(
        can_ask_supervision(user)
        and request.peer_id == user.person_id
        and request.answered_at is None
    )


@transaction.atomic
def supervision_request_void(*, request: SupervisionRequest, by, reason: str) -> SupervisionRequest:
    """Void a request sent by mistake (or twice): it stays in the history, never reminds."""
    request = _locked(request)
    if request.is_voided:
        raise ValidationError(_("This request is already voided."))
    if not can_void(by, request):
        raise ValidationError(_("It has been answered meanwhile: only a supervisor may void it."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    request._change_reason = reason.strip()
    request.void(by=by, reason=reason)
    # Its reminders are moot: the doctor's notifications about it are read.
    Notification.objects.filter(url=request_url(request), read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return request


# Reminders and escalation ------------------------------------------------------------------

# No program may remind sooner than this (the settings' smallest value): the cheap test
# of whether the job has anything to look at (see notifications.context_processors).
EARLIEST_HOURS = 1


def awaiting_reminder(now: datetime) -> QuerySet:
    """Unanswered requests old enough that some reminder or escalation may be due (the
    exact delays are each program's settings: see supervision_requests_remind)."""
    return (
        SupervisionRequest.objects.current()
        .filter(answered_at__isnull=True, asked_at__lte=now - timedelta(hours=EARLIEST_HOURS))
        .filter(
            Q(reminded_at__isnull=True)
            | Q(urgency=SupervisionRequest.Urgency.URGENT, escalated_at__isnull=True)
        )
    )


@dataclass
class Reminded:
    """What one run did."""

    reminded: list = field(default_factory=list)
    escalated: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.reminded or self.escalated)


def _settings(cache: dict, program_id: int) -> SupportSettings:
    if program_id not in cache:
        cache[program_id] = SupportSettings.objects.filter(
            program_id=program_id
        ).first() or SupportSettings(program_id=program_id)
    return cache[program_id]


def _remind(request: SupervisionRequest, now: datetime) -> None:
    community = request.community
    doctor = request.doctor
    # The chosen doctor; if that account was closed meanwhile, the community's doctors.
    recipients = [doctor] if doctor.is_active else list(community_doctors(community))
    if not recipients:
        recipients = escalation_recipients(community)
    notification_send(
        recipients=recipients,
        kind=Notification.Kind.SUPERVISION_REMINDER,
        subject=_subject(community),
        url=request_url(request),
        program=community.program,
    )
    request.reminded_at = now


def _escalate(request: SupervisionRequest, now: datetime) -> None:
    community = request.community
    recipients = escalation_recipients(community)
    if not recipients:
        log.error("supervision request %s: nobody to escalate to", request.pk)
    notification_send(
        recipients=recipients,
        kind=Notification.Kind.SUPERVISION_ESCALATED,
        subject=_subject(community),
        url=request_url(request),
        program=community.program,
    )
    request.escalated_at = now


def supervision_requests_remind(*, now: datetime | None = None) -> Reminded:
    """Remind and escalate unanswered requests, each step once, by the program's settings:

    - urgent, after `urgent_reminder_hours`: the doctor is reminded;
    - urgent, after `urgent_escalation_hours`: the community's clinical psychologists (else
      the psychiatrist) are notified;
    - routine, after `routine_reminder_hours`: the doctor is reminded.

    Run by `manage.py supervision_reminders` (cron) and lazily from page views. Rows
    another run holds are skipped, so two runs never send the same reminder twice.
    """
    now = now or timezone.now()
    done = Reminded()
    settings_cache: dict[int, SupportSettings] = {}
    with transaction.atomic():
        waiting = (
            awaiting_reminder(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("community__program", "doctor")
            .order_by("asked_at", "pk")
        )
        for request in waiting:
            settings = _settings(settings_cache, request.community.program_id)
            waited = now - request.asked_at
            changed = []
            if request.urgency == SupervisionRequest.Urgency.URGENT:
                reminder_after = settings.urgent_reminder_hours
                if request.escalated_at is None and waited >= timedelta(
                    hours=settings.urgent_escalation_hours
                ):
                    _escalate(request, now)
                    changed.append("escalated_at")
                    done.escalated.append(request)
            else:
                reminder_after = settings.routine_reminder_hours
            if request.reminded_at is None and waited >= timedelta(hours=reminder_after):
                _remind(request, now)
                changed.append("reminded_at")
                done.reminded.append(request)
            if changed:
                request.save(update_fields=changed)
    if done:
        log.info(
            "supervision requests: %d reminded, %d escalated",
            len(done.reminded),
            len(done.escalated),
        )
    return done
