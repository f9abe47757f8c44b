"""Writes of session forms. Each runs in one transaction: all of it is saved or none.

A record in an accepted six-weekly submission is locked: changing it needs a reason,
which the audit trail keeps (simple_history's change reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.concurrency import check_version
from tongban.registry.models import Enrolment
from tongban.submissions.locking import reason_error, require_reason_if_locked

from . import rules
from .models import USUAL_MINUTES, ActivityPlan, ActivityRecord, Attendance, Topic


def minutes_between(start, end) -> int:
    day = date(2000, 1, 1)
    return int((datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() // 60)


def _after_program(community, day: date) -> bool:
    ended_on = community.program.ended_on
    return ended_on is not None and day > ended_on


def _ended_message(community) -> str:
    return _("The program ended on %(date)s.") % {"date": community.program.ended_on.isoformat()}


def _after_community(community, day: date) -> bool:
    """A closed community takes no session after its end date (as a program)."""
    return community.ended_on is not None and day > community.ended_on


def _closed_message(community) -> str:
    return _("The community closed on %(date)s.") % {"date": community.ended_on.isoformat()}


Errors = dict[str, list[str]]

# Back-entry types one date and one pair of times: the process form takes the plan's.
PLAN_TIMES = {"held_on": "planned_on", "started_at": "planned_start", "ended_at": "planned_end"}


def _add(errors: Errors, field: str | None, message) -> None:
    messages = errors.setdefault(field or NON_FIELD_ERRORS, [])
    if str(message) not in [str(m) for m in messages]:
        messages.append(message)


def _reason_errors(
    errors: Errors, community, days: Iterable[date | None], reason: str, *, writing: bool
) -> str:
    """Ask for the change reason (in the same round as every other error).

    `writing`: called by a service about to write, which notifies the managers of a change
    to accepted forms (rolled back with the write if it is refused); forms only check."""
    for day in days:
        if day is None:
            continue
        if not writing:
            message = reason_error(community=community, day=day, reason=reason or "")
            if message:
                _add(errors, "change_reason", message)
                break
            continue
        try:
            reason = require_reason_if_locked(community=community, day=day, reason=reason or "")
        except ValidationError as error:
            for message in error.error_dict["change_reason"]:
                _add(errors, "change_reason", message.message)
            break
    return (reason or "").strip()


def _duration_errors(errors: Errors, start, end, confirmed: bool, *, fields, planned) -> int | None:
    """End after start; outside the 40-120 minute norm, a ticked confirmation."""
    if start is None or end is None:
        return None
    minutes = minutes_between(start, end)
    if minutes <= 0:
        _add(errors, fields[1], _("The end time must be after the start time."))
    elif not (USUAL_MINUTES[0] <= minutes <= USUAL_MINUTES[1]) and not confirmed:
        values = {"minutes": minutes, "low": USUAL_MINUTES[0], "high": USUAL_MINUTES[1]}
        if planned:
            message = _(
                "The session is planned for %(minutes)d minutes; sessions usually last "
                "%(low)d to %(high)d. Tick the box below to confirm."
            )
        else:
            message = _(
                "The session lasted %(minutes)d minutes; sessions usually last %(low)d to "
                "%(high)d. Tick the box below to confirm."
            )
        _add(errors, fields[1], message % values)
        _add(errors, "duration_confirmed", _("Confirm the duration."))
    return minutes


def _date_errors(errors: Errors, community, field: str, day: date | None) -> None:
    if day is None:
        return
    if day < community.program.started_on:
        _add(errors, field, _("This date is before the program started."))
    elif _after_program(community, day):
        _add(errors, field, _ended_message(community))
    elif _after_community(community, day):
        _add(errors, field, _closed_message(community))


def plan_errors(
    *,
    writing: bool = False,
    community,
    fields: dict[str, Any],
    assisting_peers: Iterable = (),
    duration_confirmed: bool = False,
    change_reason: str = "",
    plan: ActivityPlan | None = None,
) -> Errors:
    """Every rule of the Activity Plan Form at once, on whatever `fields` hold.

    The form calls it with the fields that passed its own checks, so one round shows
    every error; the services call it again with everything before writing.
    """
    errors: Errors = {}
    venue = fields.get("venue")
    if venue is not None and venue.community_id != community.pk:
        _add(errors, "venue", _("Choose a venue of this community."))
    _duration_errors(
        errors,
        fields.get("planned_start"),
        fields.get("planned_end"),
        duration_confirmed,
        fields=("planned_start", "planned_end"),
        planned=True,
    )
    topic = fields.get("topic")
    if topic is not None and topic.program_id not in (None, community.program_id):
        _add(errors, "topic", _("This topic belongs to another program."))
    elif topic is not None and fields.get("category") and topic.category != fields["category"]:
        _add(errors, "topic", _("This topic belongs to another category."))
    day = fields.get("planned_on")
    _date_errors(errors, community, "planned_on", day)
    lead = fields.get("lead_peer")
    assisting_peers = list(assisting_peers)
    if day is not None:
        people = [p for p in [lead, *assisting_peers] if p is not None]
        standing = rules.standings(community, Enrolment.Role.PEER, [p.pk for p in people])
        if (
            lead is not None
            and not rules.peers_ready_to_lead(community, day).filter(pk=lead.pk).exists()
        ):
            _add(
                errors,
                "lead_peer",
                rules.why_not(lead, standing.get(lead.pk), Enrolment.Role.PEER, day)
                or rules.not_ready_reason(lead, community, day)
                or _("This peer is not ready to lead a session in this community."),
            )
        if lead is not None and any(peer.pk == lead.pk for peer in assisting_peers):
            _add(errors, "assisting_peers", _("The lead peer cannot also be an assisting peer."))
        for peer in assisting_peers:
            if lead is not None and peer.pk == lead.pk:
                continue
            reason = rules.why_not(peer, standing.get(peer.pk), Enrolment.Role.PEER, day)
            if reason:
                _add(errors, "assisting_peers", reason)
    days = [plan.session_date, day] if plan is not None else [day]
    _reason_errors(errors, community, days, change_reason, writing=writing)
    return errors


def record_errors(
    *,
    writing: bool = False,
    plan: ActivityPlan,
    fields: dict[str, Any],
    peers_present: Iterable = (),
    staff_present: Iterable = (),
    consumers: Iterable = (),
    walk_in: dict[str, Any] | None = None,
    duration_confirmed: bool = False,
    change_reason: str = "",
    record: ActivityRecord | None = None,
    plan_peer_ids: Iterable[int] | None = None,
    check_reason: bool = True,
) -> Errors:
    """Every rule of the Activity Process Form and the Participant List at once.

    Like plan_errors: the form calls it with what passed its own checks, the service
    with everything. `plan` may be unsaved (back-entry): then `plan_peer_ids` names the
    peers planned on the same page.
    """
    community = plan.community
    errors: Errors = {}
    held_on = fields.get("held_on")
    if held_on is not None and held_on > timezone.localdate():
        _add(errors, "held_on", _("A session cannot be recorded before it happens."))
    else:
        _date_errors(errors, community, "held_on", held_on)
    _duration_errors(
        errors,
        fields.get("started_at"),
        fields.get("ended_at"),
        duration_confirmed,
        fields=("started_at", "ended_at"),
        planned=False,
    )
    peers_present, consumers = list(peers_present), list(consumers)
    if plan_peer_ids is None:
        plan_peer_ids = (
            [plan.lead_peer_id, *plan.assisting_peers.values_list("pk", flat=True)]
            if plan.pk
            else []
        )
    if held_on is not None:
        allowed_peers = (
            set(rules.peers_in_service(community, held_on).values_list("pk", flat=True))
            | set(plan_peer_ids)
            | (set(record.peers_present.values_list("pk", flat=True)) if record else set())
        )
        refused = [p for p in peers_present if p.pk not in allowed_peers]
        if refused:
            standing = rules.standings(community, Enrolment.Role.PEER, [p.pk for p in refused])
            for peer in refused:
                _add(
                    errors,
                    "peers_present",
                    rules.why_not(peer, standing.get(peer.pk), Enrolment.Role.PEER, held_on)
                    or _("Only peers of this community can be recorded."),
                )
        already = set()
        if record is not None:
            already = set(
                record.attendances.current()
                .filter(person__isnull=False)
                .values_list("person_id", flat=True)
            )
        allowed_consumers = (
            set(rules.consumers_in_service(community, held_on).values_list("pk", flat=True))
            | already
        )
        refused = [c for c in consumers if c.pk not in allowed_consumers]
        if refused:
            standing = rules.standings(community, Enrolment.Role.CONSUMER, [c.pk for c in refused])
            for consumer in refused:
                _add(
                    errors,
                    "consumers",
                    rules.why_not(
                        consumer, standing.get(consumer.pk), Enrolment.Role.CONSUMER, held_on
                    )
                    or _("Only consumers of this community can be ticked; add others as walk-ins."),
                )
    staff_present = list(staff_present)
    if staff_present:
        allowed_staff = set(rules.staff_of(community).values_list("pk", flat=True))
        if any(u.pk not in allowed_staff for u in staff_present):
            _add(errors, "staff_present", _("Only staff of this community can be recorded."))
    if walk_in and (walk_in.get("name") or "").strip():
        if not (walk_in.get("community") or "").strip():
            _add(errors, "walk_in_community", _("Say which community the walk-in comes from."))
        if not (walk_in.get("note") or "").strip():
            _add(errors, "walk_in_note", _("Add a note: why did they join this session?"))
    if check_reason:
        # Both the day the session counts on now and the day it will count on afterwards.
        current_day = record.held_on if record is not None else plan.planned_on
        _reason_errors(errors, community, [current_day, held_on], change_reason, writing=writing)
    return errors


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


class SessionAlreadyEntered(ValidationError):
    """The same session was entered before (a double submit, or a paper form typed twice)."""

    def __init__(self, plan: ActivityPlan):
        super().__init__(_("This session was already entered."))
        self.plan = plan


@transaction.atomic
def plan_create(
    *,
    by,
    community,
    fields: dict[str, Any],
    assisting_peers: Iterable = (),
    duration_confirmed: bool = False,
    change_reason: str = "",
) -> ActivityPlan:
    """Fewer than two peers is allowed; the pages warn and the reports count it."""
    assisting_peers = list(assisting_peers)
    _raise(
        plan_errors(
            writing=True,
            community=community,
            fields=fields,
            assisting_peers=assisting_peers,
            duration_confirmed=duration_confirmed,
            change_reason=change_reason,
        )
    )
    reason = change_reason.strip()
    # Serialise entries for one community, so that a double submit finds the first one.
    type(community).objects.select_for_update().filter(pk=community.pk).first()
    same = (
        ActivityPlan.objects.current()
        .filter(
            community=community,
            planned_on=fields["planned_on"],
            planned_start=fields["planned_start"],
            lead_peer=fields["lead_peer"],
            theme=fields["theme"],
        )
        .first()
    )
    if same is not None:
        raise SessionAlreadyEntered(same)
    plan = ActivityPlan(community=community, created_by=by, **fields)
    plan._change_reason = reason
    plan._history_user = by
    plan.save()
    plan.assisting_peers.set(assisting_peers)
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: ActivityPlan,
    by,
    fields: dict[str, Any],
    assisting_peers: Iterable = (),
    duration_confirmed: bool = False,
    change_reason: str = "",
    version: int | None = None,
) -> ActivityPlan:
    """`version`: the plan's version the form was opened on (core.concurrency); a save
    from an older version raises EditConflict and writes nothing."""
    plan = (
        ActivityPlan.objects.select_for_update()
        .select_related("community__program")
        .get(pk=plan.pk)
    )
    check_version(plan, version)
    if plan.is_voided:
        raise ValidationError(_("This session was voided and cannot change."))
    assisting_peers = list(assisting_peers)
    _raise(
        plan_errors(
            writing=True,
            community=plan.community,
            fields=fields,
            assisting_peers=assisting_peers,
            duration_confirmed=duration_confirmed,
            change_reason=change_reason,
            plan=plan,
        )
    )
    for name, value in fields.items():
        setattr(plan, name, value)
    plan._change_reason = change_reason.strip()
    plan._history_user = by
    plan.save()
    if {p.pk for p in assisting_peers} != set(plan.assisting_peers.values_list("pk", flat=True)):
        plan.assisting_peers.set(assisting_peers)
    return plan


@transaction.atomic
def record_save(
    *,
    plan: ActivityPlan,
    by,
    fields: dict[str, Any],
    peers_present: Iterable = (),
    staff_present: Iterable = (),
    consumers: Iterable = (),
    keep_walk_ins: Iterable[int] = (),
    walk_in: dict[str, Any] | None = None,
    duration_confirmed: bool = False,
    change_reason: str = "",
    version: int | None = None,
) -> ActivityRecord:
    """Save the Activity Process Form and the Participant List of a session together.

    `consumers` are the ticked consumers; attendances no longer ticked are voided
    (the participant list keeps its history). `walk_in` adds one consumer from another
    community by name, with their community and a note. `version` is the record's
    version the form was opened on, 0 for a form opened before any record existed: a
    save from an older version raises EditConflict and writes nothing.
    """
    plan = (
        ActivityPlan.objects.select_for_update()
        .select_related("community__program")
        .get(pk=plan.pk)
    )
    record = ActivityRecord.objects.filter(plan=plan).first()
    if version is not None and record is not None:
        check_version(record, version)
    if plan.is_voided:
        raise ValidationError(_("This session was voided and cannot change."))
    peers_present = list(peers_present)
    staff_present = list(staff_present)
    consumers = list(consumers)
    _raise(
        record_errors(
            writing=True,
            plan=plan,
            fields=fields,
            peers_present=peers_present,
            staff_present=staff_present,
            consumers=consumers,
            walk_in=walk_in,
            duration_confirmed=duration_confirmed,
            change_reason=change_reason,
            record=record,
        )
    )
    reason = change_reason.strip()
    if record is None:
        record = ActivityRecord(plan=plan, created_by=by)
    for name, value in fields.items():
        setattr(record, name, value)
    record.duration_minutes = minutes_between(fields["started_at"], fields["ended_at"])
    record._change_reason = reason
    record._history_user = by
    record.save()
    record.peers_present.set(peers_present)
    record.staff_present.set(staff_present)
    _sync_attendance(record, consumers, set(keep_walk_ins), walk_in, by=by, reason=reason)
    return record


def _sync_attendance(record, consumers, keep_walk_ins, walk_in, *, by, reason: str) -> None:
    current = list(record.attendances.current())
    ticked = {person.pk for person in consumers}
    for attendance in current:
        gone = (
            attendance.person_id not in ticked
            if attendance.person_id
            else attendance.pk not in keep_walk_ins
        )
        if gone:
            attendance._change_reason = reason
            attendance._history_user = by
            attendance.void(by=by, reason=reason or _("Removed from the participant list."))
    present = {a.person_id for a in current if a.person_id}
    try:
        with transaction.atomic():  # a double submit loses the race to the constraint
            for person in consumers:
                if person.pk not in present:
                    attendance = Attendance(record=record, person=person)
                    attendance._change_reason = reason
                    attendance._history_user = by
                    attendance.save()
    except IntegrityError as error:
        raise ValidationError(
            _("The participant list was saved at the same time elsewhere. Reload and retry.")
        ) from error
    if walk_in and (walk_in.get("name") or "").strip():
        attendance = Attendance(
            record=record,
            walk_in_name=walk_in["name"].strip(),
            walk_in_community=walk_in["community"].strip(),
            note=walk_in["note"].strip(),
        )
        attendance._change_reason = reason
        attendance._history_user = by
        attendance.save()


@transaction.atomic
def session_void(*, plan: ActivityPlan, by, reason: str) -> ActivityPlan:
    """Void a session entered by mistake: its plan and its process form."""
    plan = ActivityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_voided:
        raise ValidationError(_("This session is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this session is voided.")})
    require_reason_if_locked(community=plan.community, day=plan.session_date, reason=reason)
    plan._change_reason = reason.strip()
    plan._history_user = by
    plan.void(by=by, reason=reason)
    record = ActivityRecord.objects.filter(plan=plan, voided_at__isnull=True).first()
    if record is not None:
        record._change_reason = reason.strip()
        record._history_user = by
        record.void(by=by, reason=reason)
    return plan


@transaction.atomic
def topic_create(*, fields: dict[str, Any], program) -> Topic:
    """A topic of one program's library (the shared one comes from the paper)."""
    topic = Topic(**fields, program=program)
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, fields: dict[str, Any]) -> Topic:
    """A program's own topic; the shared library changes only by migration."""
    if topic.program_id is None:
        raise ValidationError(_("Topics of the shared library cannot be changed here."))
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def session_back_enter(
    *,
    by,
    community,
    plan_fields: dict[str, Any],
    assisting_peers: Iterable = (),
    record_fields: dict[str, Any],
    peers_present: Iterable = (),
    staff_present: Iterable = (),
    consumers: Iterable = (),
    walk_in: dict[str, Any] | None = None,
    duration_confirmed: bool = False,
    change_reason: str = "",
) -> ActivityPlan:
    """Type in a session filled in on paper: its plan and its process form, or neither.

    The paper session is typed with one date and one pair of times: the process form
    takes the plan's (`record_fields` need not hold held_on, started_at, ended_at).
    Every error of both forms is raised at once, under the plan's field names for the
    date and times; `duration_confirmed` confirms the one duration.
    """
    assisting_peers = list(assisting_peers)
    peers_present, staff_present, consumers = (
        list(peers_present),
        list(staff_present),
        list(consumers),
    )
    record_fields = {
        **record_fields,
        **{name: plan_fields.get(source) for name, source in PLAN_TIMES.items()},
    }
    errors = plan_errors(
        community=community,
        fields=plan_fields,
        assisting_peers=assisting_peers,
        duration_confirmed=duration_confirmed,
        change_reason=change_reason,
    )
    lead = plan_fields.get("lead_peer")
    record_problems = record_errors(
        plan=ActivityPlan(community=community, planned_on=plan_fields.get("planned_on")),
        fields=record_fields,
        peers_present=peers_present,
        staff_present=staff_present,
        consumers=consumers,
        walk_in=walk_in,
        duration_confirmed=True,  # the plan's check covers the same times
        plan_peer_ids=[p.pk for p in [lead, *assisting_peers] if p is not None],
        check_reason=False,  # the plan's check covers the same day
    )
    for name, messages in record_problems.items():
        for message in messages:
            _add(errors, PLAN_TIMES.get(name, name), message)
    _raise(errors)
    plan = plan_create(
        by=by,
        community=community,
        fields=plan_fields,
        assisting_peers=assisting_peers,
        duration_confirmed=duration_confirmed,
        change_reason=change_reason,
    )
    record_save(
        plan=plan,
        by=by,
        fields=record_fields,
        peers_present=peers_present,
        staff_present=staff_present,
        consumers=consumers,
        walk_in=walk_in,
        duration_confirmed=True,
        change_reason=change_reason,
    )
    return plan
