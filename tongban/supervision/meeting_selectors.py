"""Reads for the meeting part of supervision: the settings page, the group supervision
schedule (proposed dates merged with stored meetings), a meeting's record and history,
agreed actions, and the home page's block. Reads never write: a program without stored
phases reads the model's defaults. Every list is a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from tongban.core import audit, scope
from tongban.core.permissions import can_read_supervision, can_schedule_supervision
from tongban.registry.models import Community, Enrolment, Program

from . import phases as phase_rules
from .meeting_services import cancel_reasons
from .models import (
    SocialWorkerAssignment,
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
    SupportPhase,
)

# How far ahead the home page looks.
HOME_DAYS = 7


# Settings -------------------------------------------------------------------------------------


def stored_phases(program: Program) -> list[SupportPhase]:
    return list(SupportPhase.objects.filter(program=program).order_by("starts_on"))


def phase_get(user, pk: int) -> SupportPhase:
    """A stored phase of the user's chosen program, else 404."""
    program = scope.program(user)
    return get_object_or_404(SupportPhase.objects.filter(program=program), pk=pk)


def social_worker_rows(user) -> QuerySet[SocialWorkerAssignment]:
    return (
        SocialWorkerAssignment.objects.filter(community__in=scope.communities(user))
        .select_related("community", "user__person")
        .order_by("community__started_on", "community__name", "starts_on", "pk")
    )


def social_worker_get(user, pk: int) -> SocialWorkerAssignment:
    return get_object_or_404(social_worker_rows(user), pk=pk)


def open_communities(user, on: date) -> list[Community]:
    """The user's communities in service on `on` (started by then, not closed)."""
    return list(
        scope.communities(user)
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=on))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("started_on", "name")
    )


# The schedule ---------------------------------------------------------------------------------


@dataclass
class ScheduleRow:
    """A proposed date (no meeting) or a stored meeting, in date order."""

    day: date
    proposed_on: date | None
    meeting: SupervisionMeeting | None = None
    cancel_reason: str = ""
    # For a proposal: the user's communities not yet given a meeting for it.
    missing: list[Community] = field(default_factory=list)
    partly: bool = False

    @property
    def state(self) -> str:
        return self.meeting.status if self.meeting is not None else "proposed"

    @property
    def moved(self) -> bool:
        m = self.meeting
        return m is not None and m.proposed_on is not None and m.proposed_on != m.held_on


def meetings(user) -> QuerySet[SupervisionMeeting]:
    """Meetings the user may see (none for peers and research assistants)."""
    return scope.supervision_meetings(user)


def schedule(user, *, since: date, until: date) -> list[ScheduleRow]:
    """Proposed dates from the phases (reads never write) merged with the stored meetings
    in scope, between `since` and `until`. Five queries whatever the rows."""
    program = scope.program(user)
    if program is None:
        return []
    known = phase_rules.phases(program)
    proposed = phase_rules.group_dates(program, since=since, until=until, known=known)
    stored = list(
        meetings(user)
        .current()
        .filter(
            Q(held_on__range=(since, until))
            | Q(proposed_on__range=(since, until))
            | Q(proposed_on__in=proposed)
        )
        .prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("name")))
        .order_by("held_on", "pk")
    )
    reasons = cancel_reasons(
        [m.pk for m in stored if m.status == SupervisionMeeting.Status.CANCELLED]
    )
    mine = list(scope.communities(user).order_by("started_on", "name"))
    covered: dict[date, set[int]] = {}
    for meeting in stored:
        if meeting.proposed_on is not None:
            covered.setdefault(meeting.proposed_on, set()).update(
                c.pk for c in meeting.communities.all()
            )
    rows = [
        ScheduleRow(
            day=m.held_on,
            proposed_on=m.proposed_on,
            meeting=m,
            cancel_reason=reasons.get(m.pk, ""),
        )
        for m in stored
    ]
    for day in proposed:
        in_service = [
            c
            for c in mine
            if (c.started_on is None or c.started_on <= day)
            and (c.ended_on is None or c.ended_on >= day)
        ]
        missing = [c for c in in_service if c.pk not in covered.get(day, set())]
        if missing:
            rows.append(
                ScheduleRow(day=day, proposed_on=day, missing=missing, partly=day in covered)
            )
    rows.sort(
        key=lambda row: (row.day, row.meeting is not None, row.meeting.pk if row.meeting else 0)
    )
    return rows


# One meeting ----------------------------------------------------------------------------------


def meeting_get(user, pk: int) -> SupervisionMeeting:
    """A meeting the user may see, else 404 (always for peers and research assistants)."""
    queryset = meetings(user).select_related("program", "recorded_by__person", "voided_by__person")
    return get_object_or_404(queryset, pk=pk)


def meeting_parts(meeting: SupervisionMeeting) -> dict:
    """Communities, attendees, issues and actions of a meeting: five queries."""
    return {
        "communities": list(meeting.communities.order_by("started_on", "name")),
        "staff_present": list(
            meeting.staff_present.select_related("person").order_by("role", "first_name")
        ),
        "peers_present": list(meeting.peers_present.order_by("name")),
        "issues": list(meeting.issues.order_by("pk")),
        "actions": list(
            meeting.actions.select_related("owner__person", "done_by__person").order_by(
                "due_on", "pk"
            )
        ),
    }


def meeting_history(meeting: SupervisionMeeting) -> list[audit.AuditEntry]:
    """The meeting's changes, its issues and its actions, newest first."""
    entries = audit.audit_entries(
        SupervisionMeeting.history.filter(id=meeting.pk).select_related("history_user__person"),
        model=SupervisionMeeting,
        subject=lambda _record: str(SupervisionMeeting._meta.verbose_name),
        hidden_fields=("program",),
        m2m_fields=("communities", "staff_present", "peers_present"),
    )
    issue_entries = audit.grouped_entries(
        SupervisionIssue.history.filter(meeting_id=meeting.pk).select_related(
            "history_user__person"
        ),
        label=str(SupervisionIssue._meta.verbose_name_plural),
        name=lambda record: f"{record.get_category_display()}: {record.text[:40]}",
        subject=str(SupervisionMeeting._meta.verbose_name),
    )
    action_entries = audit.audit_entries(
        SupervisionAction.history.filter(meeting_id=meeting.pk).select_related(
            "history_user__person"
        ),
        model=SupervisionAction,
        subject=lambda record: f"{SupervisionAction._meta.verbose_name} «{record.text[:30]}»",
        hidden_fields=("meeting", "request", "created_by"),
    )
    return audit.merge(entries, issue_entries, action_entries)


# Actions --------------------------------------------------------------------------------------


def actions(user) -> QuerySet[SupervisionAction]:
    """Actions the user may see: their own, and (supervisors) those of meetings and
    requests in scope; never those of voided meetings or requests."""
    return (
        scope.supervision_actions(user)
        .exclude(meeting__voided_at__isnull=False)
        .exclude(request__voided_at__isnull=False)
    )


def action_get(user, pk: int) -> SupervisionAction:
    queryset = actions(user).select_related(
        "owner__person", "meeting", "request", "community", "done_by__person"
    )
    return get_object_or_404(queryset, pk=pk)


def action_list(user, *, mine: bool, closed: bool = False) -> QuerySet[SupervisionAction]:
    """Open actions (overdue first: by due date), the user's own or all in scope; or the
    done and cancelled ones. One query."""
    rows = actions(user)
    if mine:
        rows = rows.filter(owner_id=user.pk)
    rows = rows.exclude(done_at=None, cancelled_at=None) if closed else rows.open()
    order = ("-due_on", "-pk") if closed else ("due_on", "pk")
    return rows.select_related(
        "owner__person", "meeting", "request__community", "community"
    ).order_by(*order)


# Home -----------------------------------------------------------------------------------------


def home_work(user, today: date) -> dict:
    """Context for the home page's meeting block (templates/supervision/_home_meeting.html):
    what this user has to do this week. A fixed number of queries whatever the rows.

    - open actions the user owns in the program (from meetings and from requests),
      overdue first, with the due date;
    - for schedulers: a proposed meeting in the next seven days not yet confirmed;
    - for attendees (supervisors, and peers in service): a confirmed meeting in the next
      seven days."""
    program = scope.program(user)
    if program is None:
        return {}
    own = list(
        actions(user)
        .filter(owner_id=user.pk)
        .open()
        .select_related("meeting", "request__community", "community")
        .order_by("due_on", "pk")
    )
    for action in own:
        action.overdue = action.due_on < today
    until = today + timedelta(days=HOME_DAYS)
    to_confirm: list[date] = []
    if can_schedule_supervision(user):
        rows = schedule(user, since=today, until=until)
        to_confirm = [row.day for row in rows if row.meeting is None]
    coming: list[SupervisionMeeting] = []
    if can_read_supervision(user):
        coming = list(
            meetings(user)
            .current()
            .filter(status=SupervisionMeeting.Status.CONFIRMED, held_on__range=(today, until))
            .order_by("held_on", "starts_at", "pk")
        )
    elif user.is_peer:
        # A peer never opens the records, but is told when and where to come.
        in_service = Enrolment.objects.in_service().filter(
            person_id=user.person_id,
            role=Enrolment.Role.PEER,
            community__program=program,
        )
        coming = list(
            SupervisionMeeting.objects.current()
            .filter(
                program=program,
                status=SupervisionMeeting.Status.CONFIRMED,
                held_on__range=(today, until),
                communities__in=in_service.values("community_id"),
            )
            .distinct()
            .order_by("held_on", "starts_at", "pk")
        )
    if not (own or to_confirm or coming):
        return {}
    return {
        "meeting_actions": own,
        "meeting_overdue": sum(1 for a in own if a.overdue),
        "meeting_to_confirm": to_confirm,
        "meeting_coming": coming,
        "meeting_can_open": can_read_supervision(user),
    }
