"""Writes of the support settings, group supervision meetings and agreed actions.

Every write is keyword-only and atomic; each `*_errors` function returns every refusal at
once (the forms call it too, so one round shows them all) and the write checks it again.
Who is notified is what `notification_send` returns, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import Role, User
from tongban.core.concurrency import check_version
from tongban.core.models import assign_changes
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send
from tongban.registry.models import Community, Enrolment, Person, Program

from . import phases as phase_rules
from .models import (
    IssueCategory,
    SocialWorkerAssignment,
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
    SupportPhase,
    SupportSettings,
)

Errors = dict[str, list[str]]
Kind = Notification.Kind

# Staff who attend group supervision: the communities' doctors, psychologists and social
# workers, and the program's psychiatrist.
COMMUNITY_SUPERVISORS = (Role.COMMUNITY_DOCTOR, Role.CLINICAL_PSYCHOLOGIST, Role.SOCIAL_WORKER)
TEXT_MAX = 4000


def _add(errors: Errors, name: str | None, message: str) -> None:
    errors.setdefault(name or NON_FIELD_ERRORS, []).append(str(message))


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _today() -> date:
    return timezone.localdate()


def _in_program(program: Program, day: date) -> bool:
    return day >= program.started_on and (program.ended_on is None or day <= program.ended_on)


# Settings -------------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "urgent_reminder_hours",
    "urgent_escalation_hours",
    "routine_reminder_hours",
    "checkin_every_days",
    "missed_checkins_alert",
    "group_question_hours",
)


def support_settings_errors(*, values: dict) -> Errors:
    errors: Errors = {}
    for name in SETTINGS_FIELDS:
        value = values.get(name)
        model_field = SupportSettings._meta.get_field(name)
        if value is None:
            continue
        for validator in model_field.validators:
            try:
                validator(value)
            except ValidationError as error:
                for message in error.messages:
                    _add(errors, name, message)
    reminder, escalation = (
        values.get("urgent_reminder_hours"),
        values.get("urgent_escalation_hours"),
    )
    if reminder is not None and escalation is not None and escalation <= reminder:
        _add(
            errors,
            "urgent_escalation_hours",
            _("Send it to the psychologist later than the doctor's reminder."),
        )
    return errors


@transaction.atomic
def support_settings_update(
    *, program: Program, version: int | None, by, **values
) -> SupportSettings:
    """The program's reminder, escalation and check-in settings (stored on the first save)."""
    settings_row = SupportSettings.objects.select_for_update().filter(program=program).first()
    if settings_row is None:
        _raise(support_settings_errors(values=values))
        return SupportSettings.objects.create(
            program=program, **{name: values[name] for name in SETTINGS_FIELDS}
        )
    check_version(settings_row, version)
    _raise(support_settings_errors(values=values))
    changed = assign_changes(settings_row, {name: values[name] for name in SETTINGS_FIELDS})
    if changed:
        settings_row.save(update_fields=changed)
    return settings_row


# Phases ---------------------------------------------------------------------------------------


def support_phase_errors(
    *,
    program: Program,
    kind: str | None,
    starts_on: date | None,
    group_every_days: int | None,
    phase: SupportPhase | None = None,
) -> Errors:
    errors: Errors = {}
    if kind is not None and kind not in SupportPhase.Kind.values:
        _add(errors, "kind", _("Choose the first or the later phase."))
    if starts_on is not None:
        if starts_on < program.started_on:
            _add(
                errors,
                "starts_on",
                _("The program starts on %(date)s: a phase cannot start before.")
                % {"date": program.started_on.isoformat()},
            )
        if program.ended_on is not None and starts_on > program.ended_on:
            _add(
                errors,
                "starts_on",
                _("The program ends on %(date)s: a phase cannot start after.")
                % {"date": program.ended_on.isoformat()},
            )
        taken = SupportPhase.objects.filter(program=program, starts_on=starts_on)
        if phase is not None and phase.pk:
            taken = taken.exclude(pk=phase.pk)
        if taken.exists():
            _add(errors, "starts_on", _("Another phase change is on this day already."))
    if group_every_days is not None and not 0 <= group_every_days <= 366:
        _add(errors, "group_every_days", _("Give a number of days from 0 to 366."))
    if group_every_days is not None and 0 < group_every_days < 7:
        _add(
            errors, "group_every_days", _("Group supervision at most once a week: 7 days or more.")
        )
    return errors


@transaction.atomic
def support_phase_create(
    *,
    program: Program,
    kind: str,
    starts_on: date,
    guidance_every_session: bool,
    group_every_days: int,
    by,
) -> SupportPhase:
    """A phase change from `starts_on`. A program still on the model's defaults gets them
    stored first, so that adding a change keeps them."""
    phase_rules.support_phases_ensure(program=program)
    _raise(
        support_phase_errors(
            program=program, kind=kind, starts_on=starts_on, group_every_days=group_every_days
        )
    )
    return SupportPhase.objects.create(
        program=program,
        kind=kind,
        starts_on=starts_on,
        guidance_every_session=guidance_every_session,
        group_every_days=group_every_days,
    )


@transaction.atomic
def support_phase_update(
    *,
    phase: SupportPhase,
    version: int | None,
    kind: str,
    starts_on: date,
    guidance_every_session: bool,
    group_every_days: int,
    by,
) -> SupportPhase:
    phase = SupportPhase.objects.select_for_update().get(pk=phase.pk)
    check_version(phase, version)
    _raise(
        support_phase_errors(
            program=phase.program,
            kind=kind,
            starts_on=starts_on,
            group_every_days=group_every_days,
            phase=phase,
        )
    )
    changed = assign_changes(
        phase,
        {
            "kind": kind,
            "starts_on": starts_on,
            "guidance_every_session": guidance_every_session,
            "group_every_days": group_every_days,
        },
    )
    if changed:
        phase.save(update_fields=changed)
    return phase


@transaction.atomic
def support_phase_delete(*, phase: SupportPhase, by) -> None:
    """Remove a phase change (its history stays). The program keeps at least one phase."""
    phase = SupportPhase.objects.select_for_update().get(pk=phase.pk)
    if SupportPhase.objects.filter(program_id=phase.program_id).count() <= 1:
        raise ValidationError(
            _("This is the program's only phase: change it rather than remove it.")
        )
    phase.delete()


# Social workers -------------------------------------------------------------------------------


def social_workers_of(program: Program):
    """Active social worker accounts of the program (directly, or by a community)."""
    return (
        User.objects.filter(role=Role.SOCIAL_WORKER, is_active=True)
        .filter(Q(programs=program) | Q(communities__program=program))
        .distinct()
        .order_by("first_name", "username")
    )


def social_worker_errors(
    *,
    community: Community | None,
    user: User | None,
    starts_on: date | None,
    ends_on: date | None,
    program: Program,
    assignment: SocialWorkerAssignment | None = None,
) -> Errors:
    errors: Errors = {}
    if community is not None and community.program_id != program.pk:
        _add(errors, "community", _("This community belongs to another program."))
    if user is not None and not social_workers_of(program).filter(pk=user.pk).exists():
        _add(errors, "user", _("Choose a social worker of this program."))
    if starts_on is not None and starts_on < program.started_on:
        _add(
            errors,
            "starts_on",
            _("The program starts on %(date)s.") % {"date": program.started_on.isoformat()},
        )
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        _add(errors, "ends_on", _("The end is before the start."))
    if community is not None and user is not None and starts_on is not None:
        overlapping = SocialWorkerAssignment.objects.filter(community=community, user=user).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        )
        if ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=ends_on)
        if assignment is not None and assignment.pk:
            overlapping = overlapping.exclude(pk=assignment.pk)
        if overlapping.exists():
            _add(errors, "starts_on", _("This social worker is already in this community then."))
    return errors


@transaction.atomic
def social_worker_assign(
    *,
    program: Program,
    community: Community,
    user: User,
    starts_on: date,
    ends_on: date | None = None,
    by,
) -> SocialWorkerAssignment:
    """A social worker helps `community` from `starts_on`: they are given the community
    (so the scoping layer shows them its records)."""
    _raise(
        social_worker_errors(
            community=community, user=user, starts_on=starts_on, ends_on=ends_on, program=program
        )
    )
    assignment = SocialWorkerAssignment.objects.create(
        community=community, user=user, starts_on=starts_on, ends_on=ends_on
    )
    user.communities.add(community)
    return assignment


@transaction.atomic
def social_worker_end(
    *, assignment: SocialWorkerAssignment, ends_on: date | None, version: int | None, by
) -> SocialWorkerAssignment:
    """Set (or clear) the last day of an assignment. The account keeps the community: the
    manager takes it off on the account page when they should no longer see its records."""
    assignment = SocialWorkerAssignment.objects.select_for_update().get(pk=assignment.pk)
    check_version(assignment, version)
    errors: Errors = {}
    if ends_on is not None and ends_on < assignment.starts_on:
        _add(errors, "ends_on", _("The end is before the start."))
    _raise(errors)
    if assignment.ends_on != ends_on:
        assignment.ends_on = ends_on
        assignment.save(update_fields=["ends_on"])
    return assignment


# Who attends ----------------------------------------------------------------------------------


def meeting_attendees(program: Program, community_ids: Iterable[int], on: date) -> list[User]:
    """Who a meeting of these communities is for: the program's peers in service with an
    account, and the supervisors (doctors, psychologists, social workers of the
    communities; social workers assigned then; the program's psychiatrists). Two queries."""
    ids = list(community_ids)
    peers = Enrolment.objects.in_service().filter(
        community_id__in=ids, role=Enrolment.Role.PEER, community__program=program
    )
    assigned = SocialWorkerAssignment.objects.filter(
        community_id__in=ids, starts_on__lte=on
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(role=Role.PEER, person_id__in=peers.values("person_id"))
            | Q(role__in=COMMUNITY_SUPERVISORS, communities__in=ids)
            | Q(role=Role.SOCIAL_WORKER, pk__in=assigned.values("user_id"))
            | Q(role=Role.PSYCHIATRIST, programs=program)
        )
        .distinct()
        .order_by("pk")
    )


def _notify_attendees(meeting: SupervisionMeeting, kind: str, by) -> list[Notification]:
    """Staff get the meeting's page; peers (who never open meeting records) their home
    page, which shows the meeting's day, time and place."""
    people = [
        u
        for u in meeting_attendees(
            meeting.program, meeting.communities.values_list("pk", flat=True), meeting.held_on
        )
        if u.pk != by.pk
    ]
    subject = meeting.held_on.isoformat()
    staff = [u for u in people if u.role != Role.PEER]
    peers = [u for u in people if u.role == Role.PEER]
    sent = notification_send(
        recipients=staff,
        kind=kind,
        subject=subject,
        url=reverse("supervision:meeting_detail", args=[meeting.pk]),
        program=meeting.program,
    )
    sent += notification_send(
        recipients=peers, kind=kind, subject=subject, url=reverse("home"), program=meeting.program
    )
    return sent


# Meetings -------------------------------------------------------------------------------------


@dataclass
class MeetingResult:
    meeting: SupervisionMeeting
    notified: list[Notification] = field(default_factory=list)


def _taken(program: Program, proposed_on: date, community_ids: list[int], meeting=None):
    """Communities already given a meeting (confirmed, held or cancelled) for this date."""
    found = SupervisionMeeting.objects.current().filter(
        program=program, proposed_on=proposed_on, communities__in=community_ids
    )
    if meeting is not None:
        found = found.exclude(pk=meeting.pk)
    return Community.objects.filter(supervision_meetings__in=found, pk__in=community_ids).distinct()


def meeting_confirm_errors(
    *,
    program: Program,
    proposed_on: date | None,
    held_on: date | None,
    starts_at: time | None,
    place: str,
    communities: list[Community],
) -> Errors:
    errors: Errors = {}
    if proposed_on is not None and proposed_on not in phase_rules.group_dates(
        program, since=proposed_on, until=proposed_on
    ):
        _add(errors, "proposed_on", _("The schedule proposes no group supervision on this day."))
    if held_on is not None and not _in_program(program, held_on):
        _add(errors, "held_on", _("This day is outside the program."))
    if not communities:
        _add(errors, "communities", _("Choose the communities whose peers attend."))
    if any(c.program_id != program.pk for c in communities):
        _add(errors, "communities", _("This community belongs to another program."))
    if len(place) > 200:
        _add(errors, "place", _("At most 200 characters."))
    if proposed_on is not None and communities:
        taken = _taken(program, proposed_on, [c.pk for c in communities])
        if taken:
            _add(
                errors,
                "communities",
                _("Already arranged for this date: %(names)s.")
                % {"names": _(", ").join(c.display_name for c in taken)},
            )
    return errors


@transaction.atomic
def meeting_confirm(
    *,
    program: Program,
    proposed_on: date,
    held_on: date,
    starts_at: time | None,
    place: str,
    communities: list[Community],
    by,
) -> MeetingResult:
    """Confirm a proposed date (on that day, or moved to `held_on`): the attendees are
    notified (MEETING_CONFIRMED, or MEETING_MOVED when the day differs)."""
    # Serialise confirmations of one program: the check for a date already taken holds.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    _raise(
        meeting_confirm_errors(
            program=program,
            proposed_on=proposed_on,
            held_on=held_on,
            starts_at=starts_at,
            place=place,
            communities=communities,
        )
    )
    meeting = SupervisionMeeting.objects.create(
        program=program,
        proposed_on=proposed_on,
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        status=SupervisionMeeting.Status.CONFIRMED,
    )
    meeting.communities.set(communities)
    kind = Kind.MEETING_CONFIRMED if held_on == proposed_on else Kind.MEETING_MOVED
    return MeetingResult(meeting, _notify_attendees(meeting, kind, by))


def meeting_not_open(meeting: SupervisionMeeting) -> str | None:
    if meeting.is_voided:
        return _("This meeting was voided.")
    if meeting.status == SupervisionMeeting.Status.CANCELLED:
        return _("This meeting was cancelled.")
    if meeting.status == SupervisionMeeting.Status.HELD:
        return _("This meeting was held: correct its record instead.")
    return None


@transaction.atomic
def meeting_move(
    *,
    meeting: SupervisionMeeting,
    version: int | None,
    held_on: date,
    starts_at: time | None,
    place: str,
    by,
) -> MeetingResult:
    """Another day, time or place for a confirmed meeting; the attendees are told when the
    day or time changes."""
    meeting = SupervisionMeeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, version)
    refusal = meeting_not_open(meeting)
    if refusal:
        raise ValidationError(refusal)
    errors: Errors = {}
    if not _in_program(meeting.program, held_on):
        _add(errors, "held_on", _("This day is outside the program."))
    if len(place) > 200:
        _add(errors, "place", _("At most 200 characters."))
    _raise(errors)
    changed = assign_changes(
        meeting, {"held_on": held_on, "starts_at": starts_at, "place": place.strip()}
    )
    if not changed:
        return MeetingResult(meeting)
    meeting.save(update_fields=changed)
    if {"held_on", "starts_at"} & set(changed):
        return MeetingResult(meeting, _notify_attendees(meeting, Kind.MEETING_MOVED, by))
    return MeetingResult(meeting)


@transaction.atomic
def meeting_cancel(
    *,
    reason: str,
    by,
    meeting: SupervisionMeeting | None = None,
    program: Program | None = None,
    proposed_on: date | None = None,
    communities: list[Community] | None = None,
) -> SupervisionMeeting:
    """Cancel a confirmed meeting, or a proposed date (stored as a cancelled meeting so the
    schedule no longer proposes it). The reason is kept in the history."""
    errors: Errors = {}
    if not reason.strip():
        _add(errors, "reason", _("Give the reason."))
    if meeting is None:
        errors.update(
            {
                key: value
                for key, value in meeting_confirm_errors(
                    program=program,
                    proposed_on=proposed_on,
                    held_on=proposed_on,
                    starts_at=None,
                    place="",
                    communities=communities or [],
                ).items()
                if key != "held_on"
            }
        )
        _raise(errors)
        meeting = SupervisionMeeting(
            program=program,
            proposed_on=proposed_on,
            held_on=proposed_on,
            status=SupervisionMeeting.Status.CANCELLED,
        )
        meeting._change_reason = reason.strip()
        meeting.save()
        meeting.communities.set(communities)
        return meeting
    meeting = SupervisionMeeting.objects.select_for_update().get(pk=meeting.pk)
    refusal = meeting_not_open(meeting)
    if refusal:
        raise ValidationError(refusal)
    _raise(errors)
    meeting.status = SupervisionMeeting.Status.CANCELLED
    meeting._change_reason = reason.strip()
    meeting.save(update_fields=["status"])
    return meeting


def cancel_reasons(meeting_ids: Iterable[int]) -> dict[int, str]:
    """The reason each cancelled meeting was cancelled with (from its history): one query."""
    rows = (
        SupervisionMeeting.history.filter(
            id__in=list(meeting_ids), status=SupervisionMeeting.Status.CANCELLED
        )
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .order_by("history_id")
        .values_list("id", "history_change_reason")
    )
    return dict(rows)


# The meeting's record -------------------------------------------------------------------------


@dataclass
class IssueRow:
    category: str
    text: str


@dataclass
class ActionRow:
    text: str
    owner: User | None
    due_on: date | None
    community: Community | None = None


def meeting_record_errors(
    *,
    meeting: SupervisionMeeting,
    held_on: date | None,
    staff_present: list[User],
    peers_present: list[Person],
    summary: str,
    issues: list[IssueRow],
    actions: list[ActionRow],
    today: date | None = None,
) -> Errors:
    errors: Errors = {}
    today = today or _today()
    if held_on is not None and held_on > today:
        _add(errors, "held_on", _("A meeting in the future cannot be recorded as held."))
    if held_on is not None and not _in_program(meeting.program, held_on):
        _add(errors, "held_on", _("This day is outside the program."))
    if not staff_present and not peers_present:
        _add(errors, "staff_present", _("Tick who attended."))
    community_ids = set(meeting.communities.values_list("pk", flat=True))
    owners = action_owners(meeting, on=held_on or today)
    staff_ok = {u.pk for u in owners if u.role != Role.PEER}
    if any(u.pk not in staff_ok for u in staff_present):
        _add(errors, "staff_present", _("Choose staff of the meeting's communities."))
    peer_ids = set(
        Enrolment.objects.current()
        .filter(community_id__in=community_ids, role=Enrolment.Role.PEER)
        .values_list("person_id", flat=True)
    )
    if any(p.pk not in peer_ids for p in peers_present):
        _add(errors, "peers_present", _("Choose peers of the meeting's communities."))
    if len(summary) > TEXT_MAX * 2:
        _add(errors, "summary", _("At most %(n)s characters.") % {"n": TEXT_MAX * 2})
    for row in issues:
        if row.category not in IssueCategory.values:
            _add(errors, "issues", _("Choose a category for every issue."))
            break
    if any(not row.text.strip() for row in issues):
        _add(errors, "issues", _("Say what each issue was."))
    if any(not row.text.strip() for row in actions):
        _add(errors, "actions", _("Say what each action is."))
    if any(row.owner is None for row in actions):
        _add(errors, "actions", _("Give each action an owner."))
    if any(row.due_on is None for row in actions):
        _add(errors, "actions", _("Give each action a due date."))
    owners_ok = {u.pk for u in owners}
    if any(row.owner is not None and row.owner.pk not in owners_ok for row in actions):
        _add(errors, "actions", _("Choose an owner among the meeting's staff and peers."))
    if any(
        row.due_on is not None and held_on is not None and row.due_on < held_on for row in actions
    ):
        _add(errors, "actions", _("A due date is before the meeting."))
    return errors


def action_owners(meeting: SupervisionMeeting, *, on: date | None = None) -> list[User]:
    """Who may attend and own an action: the meeting's attendees (staff, and peers with an
    account) and the program's manager."""
    attendees = meeting_attendees(
        meeting.program, meeting.communities.values_list("pk", flat=True), on or meeting.held_on
    )
    managers = User.objects.filter(
        role=Role.PROJECT_MANAGER, is_active=True, programs=meeting.program
    )
    return list({u.pk: u for u in [*attendees, *managers]}.values())


@transaction.atomic
def meeting_record(
    *,
    meeting: SupervisionMeeting,
    version: int | None,
    held_on: date,
    starts_at: time | None,
    place: str,
    staff_present: list[User],
    peers_present: list[Person],
    summary: str,
    issues: list[IssueRow],
    actions: list[ActionRow],
    by,
    now: datetime | None = None,
) -> MeetingResult:
    """The meeting was held: who attended, the summary, the issues raised (the whole list,
    replacing the earlier one) and new agreed actions (each owner is notified)."""
    meeting = SupervisionMeeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, version)
    if meeting.is_voided:
        raise ValidationError(_("This meeting was voided."))
    if meeting.status == SupervisionMeeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    now = now or timezone.now()
    _raise(
        meeting_record_errors(
            meeting=meeting,
            held_on=held_on,
            staff_present=staff_present,
            peers_present=peers_present,
            summary=summary,
            issues=issues,
            actions=actions,
            today=timezone.localdate(now),
        )
    )
    fields = {
        "held_on": held_on,
        "starts_at": starts_at,
        "place": place.strip(),
        "summary": summary.strip(),
        "status": SupervisionMeeting.Status.HELD,
    }
    if meeting.recorded_by_id is None:
        fields["recorded_by"] = by
    changed = assign_changes(meeting, fields)
    staff_ids = {u.pk for u in staff_present}
    peer_ids = {p.pk for p in peers_present}
    lists_changed = staff_ids != set(meeting.staff_present.values_list("pk", flat=True)) or (
        peer_ids != set(meeting.peers_present.values_list("pk", flat=True))
    )
    wanted = [(row.category, row.text.strip()) for row in issues]
    have = list(meeting.issues.order_by("pk"))
    issues_changed = wanted != [(i.category, i.text) for i in have]
    # Save even when only the lists changed: the version moves on for the next editor.
    if changed or lists_changed or issues_changed or actions:
        meeting.save(update_fields=changed or None)
    if lists_changed:
        meeting.staff_present.set(staff_present)
        meeting.peers_present.set(peers_present)
    if issues_changed:
        # Rows said again are kept; the others removed, the new ones added. One save a
        # row (not bulk): the history keeps each issue.
        remaining = list(wanted)
        for issue in have:
            if (issue.category, issue.text) in remaining:
                remaining.remove((issue.category, issue.text))
            else:
                issue.delete()
        for category, text in remaining:
            SupervisionIssue.objects.create(meeting=meeting, category=category, text=text)
    notified: list[Notification] = []
    for row in actions:
        action = SupervisionAction.objects.create(
            meeting=meeting,
            community=row.community,
            text=row.text.strip(),
            owner=row.owner,
            due_on=row.due_on,
            created_by=by,
        )
        notified += action_notify(action, by=by)
    return MeetingResult(meeting, notified)


def action_notify(action: SupervisionAction, *, by) -> list[Notification]:
    """ACTION_ASSIGNED to the owner (not when they assigned it to themselves)."""
    if action.owner_id == by.pk:
        return []
    program = action.meeting.program if action.meeting_id else action.request.community.program
    return notification_send(
        recipients=[action.owner],
        kind=Kind.ACTION_ASSIGNED,
        subject=action.due_on.isoformat(),
        url=reverse("supervision:action_list"),
        program=program,
    )


@transaction.atomic
def meeting_void(*, meeting: SupervisionMeeting, by, reason: str, now=None) -> SupervisionMeeting:
    """Entered by mistake: voided with the reason; its open actions are cancelled with it."""
    meeting = SupervisionMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_voided:
        raise ValidationError(_("This meeting is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    meeting.void(by=by, reason=reason)
    for action in meeting.actions.open():
        action.cancelled_at = now or timezone.now()
        action.cancel_reason = _("The meeting's record was voided: %(reason)s") % {
            "reason": reason.strip()
        }
        action.save(update_fields=["cancelled_at", "cancel_reason"])
    return meeting


# Actions --------------------------------------------------------------------------------------


def can_close_action(user, action: SupervisionAction) -> bool:
    """The owner, or a supervisor (or the manager) who sees the action's meeting or request."""
    from tongban.core import scope

    if action.owner_id == user.pk:
        return True
    if user.is_peer:
        return False
    return (
        scope.supervision_actions(user)
        .filter(pk=action.pk)
        .filter(
            Q(meeting__in=scope.supervision_meetings(user))
            | Q(request__in=scope.supervision_requests(user))
        )
        .exists()
    )


def action_closed(action: SupervisionAction) -> str | None:
    if action.done_at is not None:
        return _("This action is already done.")
    if action.cancelled_at is not None:
        return _("This action was cancelled.")
    return None


@transaction.atomic
def action_done(*, action: SupervisionAction, note: str, by, now: datetime | None = None):
    action = SupervisionAction.objects.select_for_update().get(pk=action.pk)
    refusal = action_closed(action)
    if refusal:
        raise ValidationError(refusal)
    if len(note) > TEXT_MAX:
        raise ValidationError({"note": _("At most %(n)s characters.") % {"n": TEXT_MAX}})
    action.done_at = now or timezone.now()
    action.done_by = by
    action.done_note = note.strip()
    action.save(update_fields=["done_at", "done_by", "done_note"])
    return action


@transaction.atomic
def action_cancel(*, action: SupervisionAction, reason: str, by, now: datetime | None = None):
    action = SupervisionAction.objects.select_for_update().get(pk=action.pk)
    refusal = action_closed(action)
    if refusal:
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    action.cancelled_at = now or timezone.now()
    action.cancel_reason = reason.strip()
    action._change_reason = reason.strip()
    action.save(update_fields=["cancelled_at", "cancel_reason"])
    return action
