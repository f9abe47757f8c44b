"""Writes of wellbeing check-ins, alerts and break requests.

- A peer's check-in: saved with `worrying` from the model's rule; a worrying answer alerts
  the supervisors of the peer's community (an alert row and a notification).
- Missed check-ins: `wellbeing_alert_missed` (run daily by `manage.py
  supervision_reminders`) alerts once per run of misses.
- Break requests: asked by the peer, agreed or declined by a supervisor; agreeing records
  the leave in the peer's enrolment through the registry (the same transaction), and a
  leave or a return dated in the future is recorded when its day comes
  (`breaks_apply_due`).

Each write runs in one transaction and raises ValidationError with every error at once;
the `*_errors` functions are what the forms call too.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.concurrency import check_version
from tongban.core.permissions import can_check_in, can_decide_breaks
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send, notifications_mark_read_for_url
from tongban.registry import services as registry_services
from tongban.registry.models import Community, Enrolment, EnrolmentStatusChange, Person

from . import wellbeing_selectors as selectors
from .models import BreakRequest, WellbeingAlert, WellbeingCheckIn

log = logging.getLogger(__name__)

Errors = dict[str, list[str]]

LEVELS = frozenset(WellbeingCheckIn.Level.values)
# How far back a break may start (a peer who already stopped last week), and how long
# one may last.
BREAK_BACK_DAYS = 31
BREAK_LONGEST_DAYS = 366
# Agreed breaks looked at by `breaks_apply_due` (days back from today).
BREAK_APPLY_DAYS = 60


def _add(errors: Errors, field: str | None, message: str) -> None:
    errors.setdefault(field or NON_FIELD_ERRORS, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def peer_url(person: Person) -> str:
    return reverse("supervision:wellbeing_peer", args=[person.pk])


def break_url(request: BreakRequest) -> str:
    return reverse("supervision:break_detail", args=[request.pk])


def _subject(community: Community) -> str:
    # The community's name: never a health detail (e-mail leaves the system).
    return community.name


# Check-ins -----------------------------------------------------------------------------------


def wellbeing_checkin_errors(
    *,
    peer: Person,
    community: Community | None,
    workload: int | None,
    stress: int | None,
    confidence: int | None,
    today: date | None = None,
) -> Errors:
    """Every refusal of `wellbeing_checkin_create` (the form calls it too)."""
    errors: Errors = {}
    day = _today(today)
    if community is None:
        _add(errors, "community", _("Choose your community."))
    elif (
        not Enrolment.objects.in_service_on(day)
        .filter(person=peer, community=community, role=Enrolment.Role.PEER)
        .exists()
    ):
        _add(errors, "community", _("You are not a peer in service in this community."))
    for name, value, message in (
        ("workload", workload, _("How heavy is your work as a peer?")),
        ("stress", stress, _("How stressed do you feel?")),
        ("confidence", confidence, _("How confident do you feel in your role?")),
    ):
        if value not in LEVELS:
            _add(errors, name, _("Choose one. %(question)s") % {"question": message})
    return errors


@transaction.atomic
def wellbeing_checkin_create(
    *,
    peer: Person,
    community: Community,
    workload: int,
    stress: int,
    confidence: int,
    wants_break: bool = False,
    text: str = "",
    by,
    today: date | None = None,
) -> WellbeingCheckIn:
    """The peer's own check-in on `today`.

    The returned check-in carries `notified` (the accounts told of a worrying answer, from
    the notifications actually written; [] otherwise), `again` (the date of an earlier
    check-in in the same period, or None) and `period`."""
    if not can_check_in(by) or by.person_id != peer.pk:
        raise PermissionDenied
    day = _today(today)
    _raise(
        wellbeing_checkin_errors(
            peer=peer,
            community=community,
            workload=workload,
            stress=stress,
            confidence=confidence,
            today=day,
        )
    )
    status = selectors.checkin_status(peer, community, day)
    checkin = WellbeingCheckIn(
        peer=peer,
        community=community,
        answered_on=day,
        workload=workload,
        stress=stress,
        confidence=confidence,
        wants_break=bool(wants_break),
        text=text.strip(),
        created_by=by,
    )
    checkin.worrying = checkin.compute_worrying()
    checkin.save()
    checkin.period = status.period if status else None
    checkin.again = status.answered_on if status else None
    checkin.notified = []
    if checkin.worrying:
        WellbeingAlert.objects.create(
            peer=peer, community=community, kind=WellbeingAlert.Kind.WORRYING, checkin=checkin
        )
        sent = notification_send(
            recipients=selectors.supervisors_of(community),
            kind=Notification.Kind.WELLBEING_WORRYING,
            subject=_subject(community),
            url=peer_url(peer),
            program=community.program,
        )
        checkin.notified = [notification.recipient for notification in sent]
        if not checkin.notified:
            log.error("worrying check-in in community %s: nobody to notify", community.pk)
    return checkin


@transaction.atomic
def wellbeing_checkin_void(*, checkin: WellbeingCheckIn, by, reason: str) -> WellbeingCheckIn:
    """A check-in entered by mistake: voided with a reason, kept in the history. Its alert
    stays (the supervisors were told)."""
    checkin = WellbeingCheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.is_voided:
        raise ValidationError(_("This check-in is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    checkin._change_reason = reason.strip()
    checkin.void(by=by, reason=reason)
    return checkin


@transaction.atomic
def wellbeing_alert_mark_seen(*, alert: WellbeingAlert, by) -> WellbeingAlert:
    """A supervisor has seen the alert: it leaves everyone's list of alerts to look at."""
    alert = (
        WellbeingAlert.objects.select_for_update(of=("self",))
        .select_related("seen_by")
        .get(pk=alert.pk)
    )
    if alert.seen_at is not None:
        raise ValidationError(
            _("Already seen by %(name)s at %(time)s.")
            % {
                "name": alert.seen_by.display_name if alert.seen_by else "—",
                "time": timezone.localtime(alert.seen_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    alert.seen_at = timezone.now()
    alert.seen_by = by
    alert.save(update_fields=["seen_at", "seen_by"])
    notifications_mark_read_for_url(user=by, url=peer_url(alert.peer))
    return alert


# Missed check-ins --------------------------------------------------------------------------


def wellbeing_alert_missed(*, today: date | None = None) -> list:
    """Alert supervisors of peers who missed the program's number of check-ins in a row
    (once per run of misses). Called by `manage.py supervision_reminders`.

    For every peer enrolment active on `today` (not on leave, not withdrawn; the
    community and the program not ended), the periods since the enrolment started, or
    since the peer's last check-in (in any community) or return from leave, are counted;
    when `missed_checkins_alert` of them have passed without a check-in, one alert
    (due_on: the last day of the period that made the count) and one notification to the
    community's supervisors. Running again finds the alert and sends nothing; a check-in
    starts a new count. A fixed number of queries, plus the writes of each new alert.

    Breaks agreed for a day that has come are recorded first (`breaks_apply_due`), so
    that a peer whose leave starts today is not counted.
    """
    day = _today(today)
    breaks_apply_due(today=day)
    enrolments = list(
        Enrolment.objects.active_on(day)
        .filter(role=Enrolment.Role.PEER)
        .exclude(community__ended_on__lt=day)
        .exclude(community__program__ended_on__lt=day)
        .select_related("community__program", "person")
        .order_by("pk")
    )
    if not enrolments:
        return []
    settings = selectors.settings_by_program({e.community.program_id for e in enrolments})
    people = {enrolment.person_id for enrolment in enrolments}
    last_checkin = dict(
        WellbeingCheckIn.objects.current()
        .filter(peer_id__in=people, answered_on__lte=day)
        .values("peer_id")
        .annotate(last=Max("answered_on"))
        .values_list("peer_id", "last")
    )
    # A return from leave starts a new count, like a check-in.
    returns = dict(
        EnrolmentStatusChange.objects.filter(
            enrolment__in=[e.pk for e in enrolments],
            status=EnrolmentStatusChange.Status.ACTIVE,
            effective_on__lte=day,
        )
        .values("enrolment_id")
        .annotate(last=Max("effective_on"))
        .values_list("enrolment_id", "last")
    )
    due: list[tuple[Enrolment, date]] = []
    for enrolment in enrolments:
        rules = settings[enrolment.community.program_id]
        since = last_checkin.get(enrolment.person_id)
        back = returns.get(enrolment.pk)
        if back is not None and back > enrolment.started_on and (since is None or back > since):
            since = back
        missed = selectors.missed_due_dates(
            started_on=enrolment.started_on,
            every=rules.checkin_every_days,
            today=day,
            since=since,
        )
        if len(missed) >= rules.missed_checkins_alert:
            due.append((enrolment, missed[rules.missed_checkins_alert - 1]))
    if not due:
        return []
    existing = set(
        WellbeingAlert.objects.filter(
            kind=WellbeingAlert.Kind.MISSED,
            peer_id__in={enrolment.person_id for enrolment, _day in due},
        ).values_list("peer_id", "community_id", "due_on")
    )
    todo = [
        (enrolment, due_on)
        for enrolment, due_on in due
        if (enrolment.person_id, enrolment.community_id, due_on) not in existing
    ]
    if not todo:
        return []
    recipients = selectors.supervisors_by_community({e.community for e, _day in todo})
    created = []
    for enrolment, due_on in todo:
        try:
            with transaction.atomic():
                alert = WellbeingAlert.objects.create(
                    peer=enrolment.person,
                    community=enrolment.community,
                    kind=WellbeingAlert.Kind.MISSED,
                    due_on=due_on,
                )
                notification_send(
                    recipients=recipients[enrolment.community_id],
                    kind=Notification.Kind.WELLBEING_MISSED,
                    subject=_subject(enrolment.community),
                    url=peer_url(enrolment.person),
                    program=enrolment.community.program,
                )
        except IntegrityError:
            continue  # another run wrote it a moment ago
        created.append(alert)
    if created:
        log.info("alerted supervisors of %d run(s) of missed check-ins", len(created))
    return created


# Break requests --------------------------------------------------------------------------


def break_request_errors(
    *,
    peer: Person,
    community: Community | None,
    starts_on: date | None,
    ends_on: date | None,
    today: date | None = None,
) -> Errors:
    """Every refusal of `break_request_create` (the form calls it too)."""
    errors: Errors = {}
    day = _today(today)
    enrolment = None
    if community is None:
        _add(errors, "community", _("Choose your community."))
    else:
        enrolment = selectors.peer_enrolment(peer, community)
        if enrolment is None or enrolment.current_status != EnrolmentStatusChange.Status.ACTIVE:
            _add(errors, "community", _("You are not an active peer in this community."))
            enrolment = None
        elif selectors.open_break(peer, community) is not None:
            _add(
                errors,
                "community",
                _(
                    "You have already asked for a break here: withdraw it first, or wait for "
                    "the answer."
                ),
            )
    if starts_on is not None:
        if (day - starts_on).days > BREAK_BACK_DAYS:
            _add(
                errors,
                "starts_on",
                _("A break can start at most %(days)s days ago.") % {"days": BREAK_BACK_DAYS},
            )
        elif enrolment is not None and starts_on < enrolment.started_on:
            _add(errors, "starts_on", _("The date is before you started as a peer here."))
        elif (starts_on - day).days > BREAK_LONGEST_DAYS:
            _add(errors, "starts_on", _("Ask for a break in the coming year."))
    if starts_on is not None and ends_on is not None:
        if ends_on <= starts_on:
            _add(errors, "ends_on", _("The day you are back must be after the first day."))
        elif (ends_on - starts_on).days > BREAK_LONGEST_DAYS:
            _add(
                errors,
                "ends_on",
                _("A break lasts at most %(days)s days: leave the day empty if unsure.")
                % {"days": BREAK_LONGEST_DAYS},
            )
    return errors


@transaction.atomic
def break_request_create(
    *,
    peer: Person,
    community: Community,
    starts_on: date,
    ends_on: date | None = None,
    reason: str = "",
    by,
    today: date | None = None,
) -> BreakRequest:
    """The peer asks for a break; the community's supervisors are told. The returned
    request carries `notified` (the accounts actually notified)."""
    if not can_check_in(by) or by.person_id != peer.pk:
        raise PermissionDenied
    # Lock the community so that a double submit sees the first request.
    Community.objects.select_for_update().filter(pk=community.pk).first()
    _raise(
        break_request_errors(
            peer=peer, community=community, starts_on=starts_on, ends_on=ends_on, today=today
        )
    )
    request = BreakRequest.objects.create(
        peer=peer,
        community=community,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        asked_by=by,
    )
    sent = notification_send(
        recipients=selectors.supervisors_of(community),
        kind=Notification.Kind.BREAK_ASKED,
        subject=_subject(community),
        url=break_url(request),
        program=community.program,
    )
    request.notified = [notification.recipient for notification in sent]
    return request


def _locked(request: BreakRequest) -> BreakRequest:
    return (
        BreakRequest.objects.select_for_update(of=("self",))
        .select_related("community__program", "peer")
        .get(pk=request.pk)
    )


def _refuse_unless_asked(request: BreakRequest) -> None:
    if request.is_voided:
        raise ValidationError(_("This request was voided."))
    if request.status != BreakRequest.Status.ASKED:
        raise ValidationError(
            _("This request is no longer waiting for an answer: %(status)s.")
            % {"status": request.get_status_display()}
        )


def _leave_reason(by) -> str:
    name = by.display_name if by is not None else "—"
    return _("Break agreed by %(name)s.") % {"name": name}


def _record_leave(request: BreakRequest, enrolment: Enrolment, *, today: date, by) -> None:
    """The leave (and the return, when its day has come) in the peer's enrolment."""
    Status = EnrolmentStatusChange.Status
    if request.starts_on <= today:
        registry_services.enrolment_change_status(
            enrolment=enrolment,
            status=Status.ON_LEAVE,
            effective_on=request.starts_on,
            reason=_leave_reason(by),
        )
        if request.ends_on is not None and request.ends_on <= today:
            registry_services.enrolment_change_status(
                enrolment=enrolment, status=Status.ACTIVE, effective_on=request.ends_on
            )


def _registry_refusal(error: ValidationError) -> ValidationError:
    """The registry's words, said about the break (its fields are not on this form)."""
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                _("The leave could not be recorded in the enrolment: %(reason)s")
                % {"reason": message}
                for message in error.messages
            ]
        }
    )


def break_decision_errors(*, agree: bool | None, note: str) -> Errors:
    errors: Errors = {}
    if agree is None:
        _add(errors, "decision", _("Choose: agree or decline."))
    elif not agree and not note.strip():
        _add(errors, "note", _("Say why, for the peer."))
    return errors


@transaction.atomic
def break_request_decide(
    *,
    request: BreakRequest,
    agree: bool,
    note: str = "",
    by,
    version: int | None = None,
    today: date | None = None,
) -> BreakRequest:
    """A supervisor agrees or declines. Agreeing records the leave in the peer's enrolment
    from the first day (when that day has come; else `breaks_apply_due` records it then),
    and the return on the day back. Refused with what changed when someone decided (or
    the peer withdrew) since `version`."""
    request = _locked(request)
    if not can_decide_breaks(by):
        raise PermissionDenied
    check_version(request, version)
    _refuse_unless_asked(request)
    _raise(break_decision_errors(agree=agree, note=note))
    day = _today(today)
    if agree:
        enrolment = (
            Enrolment.objects.current()
            .filter(person=request.peer, community=request.community, role=Enrolment.Role.PEER)
            .first()
        )
        if enrolment is None:
            raise ValidationError(_("The peer is no longer enrolled in this community."))
        try:
            with transaction.atomic():
                _record_leave(request, enrolment, today=day, by=by)
        except ValidationError as error:
            raise _registry_refusal(error) from error
    request.status = BreakRequest.Status.AGREED if agree else BreakRequest.Status.DECLINED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    notifications_mark_read_for_url(user=by, url=break_url(request))
    account = selectors.peer_account(request.peer)
    sent = notification_send(
        recipients=[account] if account is not None else [],
        kind=Notification.Kind.BREAK_AGREED if agree else Notification.Kind.BREAK_DECLINED,
        subject=request.starts_on.isoformat(),
        url=break_url(request),
        program=request.community.program,
    )
    request.notified = [notification.recipient for notification in sent]
    return request


@transaction.atomic
def break_request_withdraw(
    *, request: BreakRequest, by, version: int | None = None
) -> BreakRequest:
    """The peer takes back a request still waiting for an answer."""
    request = _locked(request)
    if by.person_id != request.peer_id:
        raise PermissionDenied
    check_version(request, version)
    _refuse_unless_asked(request)
    request.status = BreakRequest.Status.WITHDRAWN
    request.save(update_fields=["status"])
    return request


def breaks_apply_due(*, today: date | None = None) -> list[EnrolmentStatusChange]:
    """Record the leaves and returns of agreed breaks whose day has come: the registry
    records no status change dated in the future, so an agreement given ahead waits here
    for its day (run daily, before the missed check-ins are counted).

    Idempotent: a break whose leave is in the enrolment is not recorded again, and an
    enrolment changed meanwhile in the registry (withdrawn, back early, a later change) is
    left as staff set it. A return the screening gate refuses is left for staff (logged).
    Breaks of the last `BREAK_APPLY_DAYS` days only, so a day without a run is caught up.
    """
    day = _today(today)
    Status = EnrolmentStatusChange.Status
    recent = day - timedelta(days=BREAK_APPLY_DAYS)
    agreed = list(
        BreakRequest.objects.current()
        .filter(status=BreakRequest.Status.AGREED, starts_on__lte=day)
        .filter(Q(starts_on__gte=recent) | Q(ends_on__gte=recent, ends_on__lte=day))
        .select_related("decided_by")
        .order_by("starts_on", "pk")
    )
    if not agreed:
        return []
    enrolments = {
        (enrolment.person_id, enrolment.community_id): enrolment
        for enrolment in Enrolment.objects.current().filter(
            role=Enrolment.Role.PEER,
            person_id__in={request.peer_id for request in agreed},
            community_id__in={request.community_id for request in agreed},
        )
    }
    changes: dict[int, list[EnrolmentStatusChange]] = {}
    for change in EnrolmentStatusChange.objects.filter(
        enrolment__in=list(enrolments.values())
    ).order_by("effective_on", "pk"):
        changes.setdefault(change.enrolment_id, []).append(change)
    written: list[EnrolmentStatusChange] = []
    for request in agreed:
        enrolment = enrolments.get((request.peer_id, request.community_id))
        if enrolment is None or not changes.get(enrolment.pk):
            continue
        history = changes[enrolment.pk]
        latest = history[-1]
        leave_recorded = any(
            change.status == Status.ON_LEAVE and change.effective_on == request.starts_on
            for change in history
        )
        try:
            with transaction.atomic():
                if (
                    not leave_recorded
                    and latest.status == Status.ACTIVE
                    and latest.effective_on <= request.starts_on
                ):
                    latest = registry_services.enrolment_change_status(
                        enrolment=enrolment,
                        status=Status.ON_LEAVE,
                        effective_on=request.starts_on,
                        reason=_leave_reason(request.decided_by),
                    )
                    written.append(latest)
                    history.append(latest)
                if (
                    request.ends_on is not None
                    and request.ends_on <= day
                    and latest.status == Status.ON_LEAVE
                    and latest.effective_on == request.starts_on
                ):
                    latest = registry_services.enrolment_change_status(
                        enrolment=enrolment, status=Status.ACTIVE, effective_on=request.ends_on
                    )
                    written.append(latest)
                    history.append(latest)
        except ValidationError as error:
            log.warning(
                "break request %s: the enrolment's status was not changed: %s",
                request.pk,
                "; ".join(error.messages),
            )
    return written
