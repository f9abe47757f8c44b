"""Writes for training: the program's own workshops, rounds, their sessions and attendance.

Each runs in one transaction and raises ValidationError({field: [messages]}) with every
error at once (the forms call the same `*_errors` functions, so one round shows them all);
edits take the version the form was opened on (tongban.core.concurrency). Attendance is
voided with a reason when someone is unticked, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import Role, User
from tongban.core.concurrency import check_version
from tongban.core.models import assign_changes
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send
from tongban.registry.models import Community, Enrolment, Person, Program

from .models import TrainingAttendance, TrainingFormat, TrainingRound, TrainingSession, Workshop

Errors = dict[str, list[str]]

TRAINER_ROLES = (Role.PSYCHIATRIST, Role.CLINICAL_PSYCHOLOGIST)
MAX_MINUTES = 24 * 60


def _add(errors: Errors, field: str | None, message: str) -> None:
    errors.setdefault(field or NON_FIELD_ERRORS, []).append(str(message))


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


# Curriculum ------------------------------------------------------------------------------

WORKSHOP_FIELDS = (
    "name",
    "name_en",
    "contents",
    "contents_en",
    "formats",
    "planned_minutes",
    "position",
    "pre_service",
    "in_use",
)


def workshop_errors(*, program: Program, fields: dict, workshop: Workshop | None = None) -> Errors:
    """Every refusal of `workshop_create` / `workshop_update`."""
    errors: Errors = {}
    if workshop is not None and workshop.program_id != program.pk:
        _add(errors, None, _("The standard workshops cannot be changed here."))
    if not (fields.get("name") or "").strip():
        _add(errors, "name", _("Give the workshop's name in Chinese."))
    formats = fields.get("formats") or []
    if any(code not in TrainingFormat.values for code in formats):
        _add(errors, "formats", _("Choose formats from the list."))
    minutes = fields.get("planned_minutes")
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        _add(errors, "planned_minutes", _("Give a length between 1 and 1440 minutes."))
    name = (fields.get("name") or "").strip()
    if name:
        same = Workshop.objects.for_program(program).filter(name=name)
        if workshop is not None:
            same = same.exclude(pk=workshop.pk)
        if same.exists():
            _add(errors, "name", _("The curriculum already has a workshop of this name."))
    return errors


def _workshop_values(fields: dict) -> dict:
    values = {name: fields.get(name) for name in WORKSHOP_FIELDS}
    for name in ("name", "name_en", "contents", "contents_en"):
        values[name] = (values[name] or "").strip()
    values["formats"] = [str(code) for code in (values["formats"] or [])]
    values["position"] = values["position"] or 0
    values["pre_service"] = bool(values["pre_service"])
    values["in_use"] = bool(values["in_use"])
    return values


def _new_code(program: Program) -> str:
    taken = set(Workshop.objects.filter(program=program).values_list("code", flat=True))
    number = len(taken) + 1
    while f"program-{number}" in taken:
        number += 1
    return f"program-{number}"


@transaction.atomic
def workshop_create(*, program: Program, fields: dict, by) -> Workshop:
    """A workshop of the program's own curriculum (the standard six stay as they are)."""
    Program.objects.select_for_update().filter(pk=program.pk).first()
    _raise(workshop_errors(program=program, fields=fields))
    workshop = Workshop(program=program, code=_new_code(program), **_workshop_values(fields))
    workshop._history_user = by
    workshop.save()
    return workshop


@transaction.atomic
def workshop_update(*, workshop: Workshop, fields: dict, by, version: int | None) -> Workshop:
    workshop = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=workshop.pk)
    )
    check_version(workshop, version)
    if workshop.program_id is None:
        raise ValidationError(_("The standard workshops cannot be changed here."))
    _raise(workshop_errors(program=workshop.program, fields=fields, workshop=workshop))
    changed = assign_changes(workshop, _workshop_values(fields))
    if changed:
        workshop._history_user = by
        workshop.save(update_fields=changed)
    return workshop


# Rounds ----------------------------------------------------------------------------------


def trainers_of(program: Program):
    """Active psychiatrist and clinical psychologist accounts of the program (directly, or
    assigned to one of its communities)."""
    from django.db.models import Q

    return (
        User.objects.filter(is_active=True, role__in=TRAINER_ROLES)
        .filter(Q(programs=program) | Q(communities__program=program))
        .distinct()
        .order_by("role", "first_name", "username")
    )


def round_errors(
    *,
    program: Program,
    kind: str | None,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    communities: list[Community],
    trainers: Iterable = (),
    co_presenters: Iterable = (),
    training_round: TrainingRound | None = None,
) -> Errors:
    """Every refusal of `round_create` / `round_update`."""
    errors: Errors = {}
    if kind is not None and kind not in TrainingRound.Kind.values:
        _add(errors, "kind", _("Choose pre-service or continuing training."))
    if not (name or "").strip():
        _add(errors, "name", _("Give the round's name in Chinese."))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        _add(errors, "ends_on", _("The last day cannot be before the first day."))
    if starts_on is not None and starts_on.year < 2000:
        _add(errors, "starts_on", _("Give a date from 2000 on."))
    if not communities:
        _add(errors, "communities", _("Choose at least one community."))
    elif any(c.program_id != program.pk for c in communities):
        _add(errors, "communities", _("Choose communities of this program."))
    trainers = list(trainers)
    if trainers:
        allowed = set(trainers_of(program).values_list("pk", flat=True))
        if any(t.pk not in allowed for t in trainers):
            _add(
                errors, "trainers", _("Trainers are the program's psychiatrists and psychologists.")
            )
    if any(p.program_id != program.pk for p in co_presenters):
        _add(errors, "co_presenters", _("Choose peers of this program."))
    if training_round is not None and training_round.pk:
        sessions = training_round.sessions.current()
        if kind == TrainingRound.Kind.PRE_SERVICE and sessions.filter(workshop=None).exists():
            _add(
                errors,
                "kind",
                _("Some sessions of this round have a topic and no workshop: it stays continuing."),
            )
        if starts_on is not None and ends_on is not None:
            outside = sessions.filter(held_on__lt=starts_on) | sessions.filter(
                held_on__gt=ends_on, make_up=False
            )
            first = outside.order_by("held_on").first()
            if first is not None:
                _add(
                    errors,
                    "starts_on" if first.held_on < starts_on else "ends_on",
                    _("A session of this round is on %(date)s, outside these dates.")
                    % {"date": first.held_on.isoformat()},
                )
    return errors


ROUND_FIELDS = ("kind", "name", "name_en", "starts_on", "ends_on", "notes")


@transaction.atomic
def round_create(
    *,
    program: Program,
    by,
    kind: str,
    name: str,
    name_en: str = "",
    starts_on: date,
    ends_on: date,
    communities: list[Community],
    trainers: Iterable = (),
    co_presenters: Iterable = (),
    notes: str = "",
) -> TrainingRound:
    trainers, co_presenters = list(trainers), list(co_presenters)
    _raise(
        round_errors(
            program=program,
            kind=kind,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            communities=communities,
            trainers=trainers,
            co_presenters=co_presenters,
        )
    )
    training_round = TrainingRound(
        program=program,
        kind=kind,
        name=name.strip(),
        name_en=name_en.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes.strip(),
        created_by=by,
    )
    training_round._history_user = by
    training_round.save()
    training_round.communities.set(communities)
    training_round.trainers.set(trainers)
    training_round.co_presenters.set(co_presenters)
    return training_round


def _set_if_changed(manager, wanted: list) -> None:
    if {item.pk for item in wanted} != set(manager.values_list("pk", flat=True)):
        manager.set(wanted)


@transaction.atomic
def round_update(
    *,
    training_round: TrainingRound,
    by,
    version: int | None,
    kind: str,
    name: str,
    name_en: str = "",
    starts_on: date,
    ends_on: date,
    communities: list[Community],
    trainers: Iterable = (),
    co_presenters: Iterable = (),
    notes: str = "",
) -> TrainingRound:
    """`communities` and `co_presenters` include those outside the user's scope that the
    round keeps (the form adds them back, unseen)."""
    training_round = (
        TrainingRound.objects.select_for_update()
        .select_related("program")
        .get(pk=training_round.pk)
    )
    check_version(training_round, version)
    trainers, co_presenters = list(trainers), list(co_presenters)
    _raise(
        round_errors(
            program=training_round.program,
            kind=kind,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            communities=communities,
            trainers=trainers,
            co_presenters=co_presenters,
            training_round=training_round,
        )
    )
    changed = assign_changes(
        training_round,
        {
            "kind": kind,
            "name": name.strip(),
            "name_en": name_en.strip(),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "notes": notes.strip(),
        },
    )
    training_round._history_user = by
    if changed:
        training_round.save(update_fields=changed)
    _set_if_changed(training_round.communities, communities)
    _set_if_changed(training_round.trainers, trainers)
    _set_if_changed(training_round.co_presenters, co_presenters)
    return training_round


# Sessions --------------------------------------------------------------------------------


def session_errors(
    *,
    training_round: TrainingRound,
    workshop: Workshop | None,
    topic: str,
    held_on: date | None,
    starts_at: time | None,
    ends_at: time | None,
    make_up: bool,
    session: TrainingSession | None = None,
) -> Errors:
    """Every refusal of `session_create` / `session_update`."""
    errors: Errors = {}
    pre_service = training_round.kind == TrainingRound.Kind.PRE_SERVICE
    topic = (topic or "").strip()
    if workshop is not None:
        offered = Workshop.objects.for_program(training_round.program)
        if not offered.filter(pk=workshop.pk).exists():
            _add(errors, "workshop", _("This workshop belongs to another program."))
        elif not workshop.in_use and (session is None or session.workshop_id != workshop.pk):
            _add(errors, "workshop", _("This workshop is no longer in use."))
    if workshop is None:
        if pre_service:
            _add(errors, "workshop", _("Choose the workshop of this session."))
        elif not topic:
            _add(errors, "topic", _("Choose a workshop or write the topic."))
    if make_up and workshop is None and not pre_service:
        _add(errors, "make_up", _("A make-up session repeats a workshop: choose it."))
    if held_on is not None:
        if held_on < training_round.starts_on:
            _add(
                errors,
                "held_on",
                _("The round starts on %(date)s.") % {"date": training_round.starts_on.isoformat()},
            )
        elif held_on > training_round.ends_on and not make_up:
            _add(
                errors,
                "held_on",
                _(
                    "The round ends on %(date)s: a later session is a make-up session, "
                    "or change the round's dates."
                )
                % {"date": training_round.ends_on.isoformat()},
            )
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        _add(errors, "ends_at", _("The end time must be after the start time."))
    if (starts_at is None) != (ends_at is None):
        _add(errors, "ends_at" if ends_at is None else "starts_at", _("Give both times, or none."))
    if session is not None and session.is_voided:
        _add(errors, None, _("This session was voided and cannot change."))
    return errors


def _peer_accounts(communities) -> list[User]:
    """Active peer accounts of people enrolled (not withdrawn) as peers in the communities."""
    enrolled = Enrolment.objects.in_service().filter(
        role=Enrolment.Role.PEER, community__in=communities
    )
    return list(
        User.objects.filter(
            is_active=True, role=Role.PEER, person_id__in=enrolled.values("person_id")
        ).order_by("pk")
    )


@transaction.atomic
def session_create(
    *,
    training_round: TrainingRound,
    by,
    workshop: Workshop | None,
    topic: str = "",
    held_on: date,
    starts_at: time | None = None,
    ends_at: time | None = None,
    make_up: bool = False,
) -> tuple[TrainingSession, list[Notification]]:
    """A session of the round; the peers with accounts in the round's communities are told
    (TRAINING_SCHEDULED). Returns the session and the notifications written."""
    training_round = (
        TrainingRound.objects.select_for_update()
        .select_related("program")
        .get(pk=training_round.pk)
    )
    _raise(
        session_errors(
            training_round=training_round,
            workshop=workshop,
            topic=topic,
            held_on=held_on,
            starts_at=starts_at,
            ends_at=ends_at,
            make_up=make_up,
        )
    )
    session = TrainingSession(
        round=training_round,
        workshop=workshop,
        topic=(topic or "").strip(),
        held_on=held_on,
        starts_at=starts_at,
        ends_at=ends_at,
        make_up=make_up,
        created_by=by,
    )
    session._history_user = by
    session.save()
    sent = notification_send(
        recipients=[
            user
            for user in _peer_accounts(training_round.communities.all())
            if user.pk != getattr(by, "pk", None)
        ],
        kind=Notification.Kind.TRAINING_SCHEDULED,
        subject=held_on.isoformat(),
        url=reverse("training:round_detail", args=[training_round.pk]),
        program=training_round.program,
    )
    return session, sent


@transaction.atomic
def session_update(
    *,
    session: TrainingSession,
    by,
    version: int | None,
    workshop: Workshop | None,
    topic: str = "",
    held_on: date,
    starts_at: time | None = None,
    ends_at: time | None = None,
    make_up: bool = False,
) -> TrainingSession:
    session = (
        TrainingSession.objects.select_for_update()
        .select_related("round__program")
        .get(pk=session.pk)
    )
    check_version(session, version)
    _raise(
        session_errors(
            training_round=session.round,
            workshop=workshop,
            topic=topic,
            held_on=held_on,
            starts_at=starts_at,
            ends_at=ends_at,
            make_up=make_up,
            session=session,
        )
    )
    changed = assign_changes(
        session,
        {
            "workshop": workshop,
            "topic": (topic or "").strip(),
            "held_on": held_on,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "make_up": make_up,
        },
    )
    if changed:
        session._history_user = by
        session.save(update_fields=changed)
    return session


@transaction.atomic
def session_void(*, session: TrainingSession, by, reason: str) -> TrainingSession:
    """Entered by mistake or never held: voided with the reason; its attendance no longer
    counts towards readiness (the rows stay, as they were)."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.is_voided:
        raise ValidationError(_("This session is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    session._history_user = by
    session.void(by=by, reason=reason)
    return session


# Attendance ------------------------------------------------------------------------------


def attendance_errors(
    *, session: TrainingSession, people: Iterable[Person], allowed_ids: set[int], today: date
) -> Errors:
    errors: Errors = {}
    if session.is_voided:
        _add(errors, None, _("This session was voided: its attendance cannot change."))
    if session.held_on > today:
        _add(
            errors,
            None,
            _("This session is on %(date)s: record who attended once it has taken place.")
            % {"date": session.held_on.isoformat()},
        )
    if any(person.pk not in allowed_ids for person in people):
        _add(errors, "people", _("Tick peers of the round's communities only."))
    return errors


@transaction.atomic
def attendance_save(
    *,
    session: TrainingSession,
    people: Iterable[Person],
    allowed_ids: Iterable[int],
    by,
    reason: str = "",
    today: date | None = None,
) -> tuple[list[Person], list[Person]]:
    """Make the session's current attendance, among `allowed_ids` (the checklist the user
    saw), exactly `people`: new rows for those ticked, and the rows of those unticked
    voided with `reason` (or a stated default). People outside `allowed_ids` are left as
    they are. Returns (added, removed)."""
    today = today or timezone.localdate()
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    people = list({person.pk: person for person in people}.values())
    allowed = set(allowed_ids)
    _raise(attendance_errors(session=session, people=people, allowed_ids=allowed, today=today))
    current = {
        row.person_id: row
        for row in TrainingAttendance.objects.current()
        .select_for_update()
        .filter(session=session, person_id__in=allowed)
        .select_related("person")
    }
    wanted = {person.pk for person in people}
    added: list[Person] = []
    for person in people:
        if person.pk in current:
            continue
        row = TrainingAttendance(session=session, person=person, recorded_by=by)
        row._history_user = by
        row.save()
        added.append(person)
    removed: list[Person] = []
    why = reason.strip() or _("Unticked on the attendance list.")
    for person_id, row in current.items():
        if person_id in wanted:
            continue
        row._history_user = by
        row.void(by=by, reason=why)
        removed.append(row.person)
    return added, removed
