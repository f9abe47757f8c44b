"""Writes of session forms. Each runs in one transaction: all of it is saved or none.

A record in an accepted six-weekly submission is locked: changing it needs a reason,
which the audit trail keeps (simple_history's change reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.submissions.locking import require_reason_if_locked

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


def _validate_plan(community, fields: dict[str, Any], assisting_peers: list) -> None:
    errors: dict[str, str] = {}
    if fields["venue"].community_id != community.pk:
        errors["venue"] = _("Choose a venue of this community.")
    if fields["planned_end"] <= fields["planned_start"]:
        errors["planned_end"] = _("The end must be after the start.")
    topic = fields.get("topic")
    if topic is not None and topic.category != fields["category"]:
        errors["topic"] = _("This topic belongs to another category.")
    day = fields["planned_on"]
    if day < community.program.started_on:
        errors["planned_on"] = _("This date is before the program started.")
    elif _after_program(community, day):
        errors["planned_on"] = _ended_message(community)
    lead = fields["lead_peer"]
    if not rules.peers_ready_to_lead(community, day).filter(pk=lead.pk).exists():
        errors["lead_peer"] = _("This peer is not ready to lead a session in this community.")
    in_service = set(rules.peers_in_service(community, day).values_list("pk", flat=True))
    if any(peer.pk == lead.pk for peer in assisting_peers):
        errors["assisting_peers"] = _("The lead peer cannot also be an assisting peer.")
    elif any(peer.pk not in in_service for peer in assisting_peers):
        errors["assisting_peers"] = _("Only peers in service in this community can assist.")
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
    change_reason: str = "",
) -> ActivityPlan:
    """Fewer than two peers is allowed; the pages warn and the reports count it."""
    assisting_peers = list(assisting_peers)
    _validate_plan(community, fields, assisting_peers)
    reason = require_reason_if_locked(
        community=community, day=fields["planned_on"], reason=change_reason
    )
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
    change_reason: str = "",
) -> ActivityPlan:
    plan = ActivityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_voided:
        raise ValidationError(_("This session was voided and cannot change."))
    reason = require_reason_if_locked(
        community=plan.community, day=plan.session_date, reason=change_reason
    )
    require_reason_if_locked(community=plan.community, day=fields["planned_on"], reason=reason)
    assisting_peers = list(assisting_peers)
    _validate_plan(plan.community, fields, assisting_peers)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan._change_reason = reason
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
) -> ActivityRecord:
    """Save the Activity Process Form and the Participant List of a session together.

    `consumers` are the ticked consumers; attendances no longer ticked are voided
    (the participant list keeps its history). `walk_in` adds one consumer from another
    community by name, with their community and a note.
    """
    plan = (
        ActivityPlan.objects.select_for_update()
        .select_related("community__program")
        .get(pk=plan.pk)
    )
    if plan.is_voided:
        raise ValidationError(_("This session was voided and cannot change."))
    community = plan.community
    record = ActivityRecord.objects.filter(plan=plan).first()
    # Both the day the session counts on now and the day it will count on afterwards.
    current_day = record.held_on if record is not None else plan.planned_on
    reason = require_reason_if_locked(community=community, day=current_day, reason=change_reason)
    reason = require_reason_if_locked(community=community, day=fields["held_on"], reason=reason)

    errors: dict[str, str] = {}
    held_on = fields["held_on"]
    if held_on > timezone.localdate():
        errors["held_on"] = _("A session cannot be recorded before it happens.")
    elif held_on < community.program.started_on:
        errors["held_on"] = _("This date is before the program started.")
    elif _after_program(community, held_on):
        errors["held_on"] = _ended_message(community)
    minutes = minutes_between(fields["started_at"], fields["ended_at"])
    if minutes <= 0:
        errors["ended_at"] = _("The end time must be after the start time.")
    elif not (USUAL_MINUTES[0] <= minutes <= USUAL_MINUTES[1]) and not duration_confirmed:
        errors["ended_at"] = _(
            "The session lasted %(minutes)d minutes; sessions usually last %(low)d to "
            "%(high)d. Tick the box below to confirm."
        ) % {"minutes": minutes, "low": USUAL_MINUTES[0], "high": USUAL_MINUTES[1]}
        errors["duration_confirmed"] = _("Confirm the duration.")
    peers_present = list(peers_present)
    staff_present = list(staff_present)
    consumers = list(consumers)
    if not errors:
        allowed_peers = set(
            rules.peers_in_service(community, held_on).values_list("pk", flat=True)
        ) | {plan.lead_peer_id, *plan.assisting_peers.values_list("pk", flat=True)}
        if any(p.pk not in allowed_peers for p in peers_present):
            errors["peers_present"] = _("Only peers of this community can be recorded.")
        allowed_staff = set(rules.staff_of(community).values_list("pk", flat=True))
        if any(u.pk not in allowed_staff for u in staff_present):
            errors["staff_present"] = _("Only staff of this community can be recorded.")
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
        if any(c.pk not in allowed_consumers for c in consumers):
            errors["consumers"] = _(
                "Only consumers of this community can be ticked; add others as walk-ins."
            )
    if walk_in and walk_in.get("name"):
        if not (walk_in.get("community") or "").strip():
            errors["walk_in_community"] = _("Say which community the walk-in comes from.")
        if not (walk_in.get("note") or "").strip():
            errors["walk_in_note"] = _("Add a note: why did they join this session?")
    if errors:
        raise ValidationError(errors)

    if record is None:
        record = ActivityRecord(plan=plan, created_by=by)
    for name, value in fields.items():
        setattr(record, name, value)
    record.duration_minutes = minutes
    record._change_reason = reason
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
            attendance.void(by=by, reason=reason or _("Removed from the participant list."))
    present = {a.person_id for a in current if a.person_id}
    try:
        with transaction.atomic():  # a double submit loses the race to the constraint
            for person in consumers:
                if person.pk not in present:
                    Attendance.objects.create(record=record, person=person)
    except IntegrityError as error:
        raise ValidationError(
            _("The participant list was saved at the same time elsewhere. Reload and retry.")
        ) from error
    if walk_in and walk_in.get("name"):
        Attendance.objects.create(
            record=record,
            walk_in_name=walk_in["name"].strip(),
            walk_in_community=walk_in["community"].strip(),
            note=walk_in["note"].strip(),
        )


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
    plan.void(by=by, reason=reason)
    record = ActivityRecord.objects.filter(plan=plan, voided_at__isnull=True).first()
    if record is not None:
        record._change_reason = reason.strip()
        record.void(by=by, reason=reason)
    return plan


@transaction.atomic
def topic_create(*, fields: dict[str, Any]) -> Topic:
    topic = Topic(**fields)
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, fields: dict[str, Any]) -> Topic:
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
    """Type in a session filled in on paper: its plan and its process form, or neither."""
    plan = plan_create(
        by=by,
        community=community,
        fields=plan_fields,
        assisting_peers=assisting_peers,
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
        duration_confirmed=duration_confirmed,
        change_reason=change_reason,
    )
    return plan
