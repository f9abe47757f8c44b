"""Reads of six-weekly cycles and submissions, always through the scoping layer.

Which cycle a record belongs to: a session by its date (the day it was held if it has a
current process form, else the planned day); an emergency by the local day it happened.
Both are database filters on the cycle's date range. Every community's cycles are those
of its program (`cycles.for_program`): its start date, cycle length and due days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.activities.models import PEERS_PER_SESSION, ActivityPlan, ActivityRecord, Attendance
from tongban.core import audit, scope
from tongban.emergencies.models import EmergencyEvent
from tongban.registry.models import Community

from . import cycles
from .cycles import Cycle, State
from .models import Submission, SubmissionEvent

# Cycles side by side in the manager's overview.
OVERVIEW_WIDTH = 6
# Overdue cycles linked one by one per community; the rest are counted.
OVERDUE_LINKS = 6


@dataclass
class CycleRow:
    """One community's cycle with its state; counts are filled in for the rows shown."""

    community: Community
    cycle: Cycle
    submission_status: str | None
    today: date
    sessions: int = 0
    held: int = 0
    emergencies: int = 0

    @property
    def state(self) -> State:
        return cycles.state(self.cycle, self.today, self.submission_status)

    @property
    def overdue(self) -> bool:
        return cycles.is_overdue(self.cycle, self.today, self.submission_status)

    @property
    def missing(self) -> bool:
        return cycles.is_missing(self.cycle, self.today, self.submission_status)

    @property
    def needs_submission(self) -> bool:
        """Waiting for the peers: due, overdue or returned."""
        return self.state in (State.DUE, State.OVERDUE, State.RETURNED)


@dataclass
class CommunityOverdue:
    community: Community
    numbers: list[int] = field(default_factory=list)  # newest first

    @property
    def shown(self) -> list[int]:
        return self.numbers[:OVERDUE_LINKS]

    @property
    def more(self) -> int:
        return max(0, len(self.numbers) - OVERDUE_LINKS)


def today() -> date:
    return timezone.localdate()


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local midnight of the first day and of the day after the last: [start, end)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return start, end


def _communities(user) -> QuerySet:
    return scope.communities(user).select_related("program").order_by("started_on", "name", "pk")


def calendar(community: Community) -> cycles.Calendar:
    return cycles.for_program(community.program)


def community_numbers(community: Community, on: date) -> range:
    return calendar(community).numbers_for(community.started_on, on)


def community_cycle_get(user, community_pk: int, number: int) -> tuple[Community, Cycle]:
    """The community (404 outside the user's scope) and one of its cycles up to today."""
    community = get_object_or_404(_communities(user), pk=community_pk)
    if number not in community_numbers(community, today()):
        raise Http404("no such cycle")
    return community, calendar(community).cycle(number)


def program_calendar(user) -> cycles.Calendar | None:
    """The cycles of the user's chosen program (None without one), for the pages' notes."""
    program = scope.program(user)
    return cycles.for_program(program) if program is not None else None


def _plans(user) -> QuerySet:
    return ActivityPlan.objects.current().visible_to(user).with_session_date()


def cycle_plans(user, community: Community, cycle: Cycle) -> QuerySet:
    """The community's sessions of the cycle with their counts, oldest first: one query."""
    on = today()
    return (
        _plans(user)
        .filter(community=community, session_on__range=(cycle.starts_on, cycle.ends_on))
        .annotate(
            unfinished=Case(
                When(held=True, then=Value(False)),
                When(planned_on__lt=on, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .with_counts()
        .select_related("record", "lead_peer")
        .order_by("session_on", "planned_start", "pk")
    )


def cycle_session_counts(plans: QuerySet) -> dict[str, int]:
    """Totals over `cycle_plans`, counted in the database."""
    return plans.order_by().aggregate(
        sessions=Count("pk"),
        held_sessions=Count("pk", filter=Q(held=True)),
        unfinished_sessions=Count("pk", filter=Q(unfinished=True)),
        few_peer_sessions=Count("pk", filter=Q(held=True, peers_present__lt=PEERS_PER_SESSION)),
    )


def cycle_emergencies(user, community: Community, cycle: Cycle) -> QuerySet:
    start, end = day_bounds(cycle.starts_on, cycle.ends_on)
    return (
        EmergencyEvent.objects.current()
        .visible_to(user)
        .filter(community=community, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "pk")
    )


def submission_get(user, community: Community, number: int) -> Submission | None:
    return (
        Submission.objects.visible_to(user)
        .filter(community=community, cycle=number)
        .select_related("submitted_by__person", "reviewed_by__person")
        .first()
    )


def submission_events(submission: Submission | None) -> list[SubmissionEvent]:
    if submission is None:
        return []
    return list(submission.events.select_related("by__person"))


@dataclass
class Change:
    """A change to a form of an accepted cycle, with the reason given for it."""

    when: datetime
    who: str
    form: str
    subject: str
    action: str
    reason: str
    reason_hidden: bool = False


def _staff_reason_hidden(user, record) -> bool:
    """Peers read the reasons peers gave; a reason written by staff (a voiding, a
    correction) is staff-only free text, as on the emergencies' pages."""
    if not user.is_peer:
        return False
    author = record.history_user
    return author is None or not author.is_peer


def _change(record, form: str, subject: str, *, reason_hidden: bool = False) -> Change:
    action = audit.ACTIONS.get(record.history_type, record.history_type)
    if record.history_type == "~" and getattr(record, "voided_at", None):
        action = _("changed or voided")
    user = record.history_user
    return Change(
        when=record.history_date,
        who=user.display_name if user else _("system"),
        form=form,
        subject=subject,
        action=str(action),
        reason="" if reason_hidden else record.history_change_reason or "",
        reason_hidden=reason_hidden and bool(record.history_change_reason),
    )


def changes_since_acceptance(
    user, community: Community, cycle: Cycle, submission: Submission | None
) -> list[Change]:
    """Every version of the cycle's forms saved after the acceptance: four queries."""
    if submission is None or submission.status != Submission.Status.ACCEPTED:
        return []
    since = submission.reviewed_at
    # Voided forms count too: voiding is a change the manager must see.
    plan_ids = (
        ActivityPlan.objects.visible_to(user)
        .with_session_date()
        .filter(community=community, session_on__range=(cycle.starts_on, cycle.ends_on))
        .values("pk")
    )
    start, end = day_bounds(cycle.starts_on, cycle.ends_on)
    emergency_ids = (
        EmergencyEvent.objects.visible_to(user)
        .filter(community=community, occurred_at__gte=start, occurred_at__lt=end)
        .values("pk")
    )
    who = "history_user__person"
    plans = ActivityPlan.history.filter(id__in=plan_ids, history_date__gt=since).select_related(who)
    records = ActivityRecord.history.filter(
        plan_id__in=plan_ids, history_date__gt=since
    ).select_related(who)
    attendances = Attendance.history.filter(
        record_id__in=ActivityRecord.objects.filter(plan__in=plan_ids).values("pk"),
        history_date__gt=since,
    ).select_related(who, "person")
    emergencies = EmergencyEvent.history.filter(
        id__in=emergency_ids, history_date__gt=since
    ).select_related(who)
    changes = [
        *(
            _change(
                r,
                str(ActivityPlan._meta.verbose_name),
                f"{r.planned_on} {r.theme}",
                reason_hidden=_staff_reason_hidden(user, r),
            )
            for r in plans
        ),
        *(
            _change(
                r,
                str(ActivityRecord._meta.verbose_name),
                f"{r.held_on} {r.theme}",
                reason_hidden=_staff_reason_hidden(user, r),
            )
            for r in records
        ),
        *(
            _change(
                r,
                str(Attendance._meta.verbose_name),
                r.person.name if r.person_id else r.walk_in_name,
                reason_hidden=_staff_reason_hidden(user, r),
            )
            for r in attendances
        ),
        *(
            _change(
                r,
                str(EmergencyEvent._meta.verbose_name),
                f"{timezone.localtime(r.occurred_at):%Y-%m-%d %H:%M} {r.get_kind_display()}",
                # As on the event's page: staff's reasons are not for peers.
                reason_hidden=user.is_peer,
            )
            for r in emergencies
        ),
    ]
    return sorted(changes, key=lambda c: c.when, reverse=True)


def _status_map(user, community_ids=None) -> dict[tuple[int, int], str]:
    """(community id, cycle) -> submission status, for every submission in scope."""
    submissions = Submission.objects.visible_to(user)
    if community_ids is not None:
        submissions = submissions.filter(community_id__in=community_ids)
    return {
        (community_id, number): status
        for community_id, number, status in submissions.values_list(
            "community_id", "cycle", "status"
        )
    }


def cycle_rows(user) -> list[CycleRow]:
    """Every cycle of the user's communities up to the current one, newest first."""
    on = today()
    communities = list(_communities(user))
    statuses = _status_map(user)
    rows = [
        CycleRow(
            community=community,
            cycle=calendar(community).cycle(number),
            submission_status=statuses.get((community.pk, number)),
            today=on,
        )
        for community in communities
        for number in reversed(community_numbers(community, on))
    ]
    order = {community.pk: index for index, community in enumerate(communities)}
    rows.sort(key=lambda row: (-row.cycle.number, order[row.community.pk]))
    return rows


def _cycle_case(field_name: str, cycle_list: list[Cycle], *, aware: bool = False) -> Case:
    """Which of the given cycles a date (or a datetime, in local days) falls in."""
    whens = []
    for cycle in cycle_list:
        if aware:
            start, end = day_bounds(cycle.starts_on, cycle.ends_on)
            condition = Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
        else:
            condition = Q(**{f"{field_name}__range": (cycle.starts_on, cycle.ends_on)})
        whens.append(When(condition, then=Value(cycle.number)))
    return Case(*whens, default=None, output_field=IntegerField())


def add_counts(user, rows: list[CycleRow]) -> list[CycleRow]:
    """Fill in the session and emergency counts of the rows: two queries, whatever the rows."""
    if not rows:
        return rows
    cycle_list = list({row.cycle.number: row.cycle for row in rows}.values())
    first = min(c.starts_on for c in cycle_list)
    last = max(c.ends_on for c in cycle_list)
    community_ids = {row.community.pk for row in rows}
    sessions = (
        _plans(user)
        .filter(community_id__in=community_ids, session_on__range=(first, last))
        .annotate(cycle_no=_cycle_case("session_on", cycle_list))
        .exclude(cycle_no=None)
        .values("community_id", "cycle_no")
        .annotate(n=Count("pk"), held_n=Count("pk", filter=Q(held=True)))
        .order_by()
    )
    session_counts = {(s["community_id"], s["cycle_no"]): s for s in sessions}
    start, end = day_bounds(first, last)
    emergencies = (
        EmergencyEvent.objects.current()
        .visible_to(user)
        .filter(community_id__in=community_ids, occurred_at__gte=start, occurred_at__lt=end)
        .annotate(cycle_no=_cycle_case("occurred_at", cycle_list, aware=True))
        .exclude(cycle_no=None)
        .values("community_id", "cycle_no")
        .annotate(n=Count("pk"))
        .order_by()
    )
    emergency_counts = {(e["community_id"], e["cycle_no"]): e["n"] for e in emergencies}
    for row in rows:
        key = (row.community.pk, row.cycle.number)
        found = session_counts.get(key, {})
        row.sessions = found.get("n", 0)
        row.held = found.get("held_n", 0)
        row.emergencies = emergency_counts.get(key, 0)
    return rows


def overview(user, *, upto: int | None = None) -> dict:
    """The program-wide view: every community against recent cycles, with what is missing.

    Rows are communities, columns the OVERVIEW_WIDTH cycles ending with `upto` (default:
    the current one). Submissions awaiting review and overdue cycles are listed for all time.
    """
    on = today()
    communities = list(_communities(user))
    # Scope gives the communities of the chosen program only: one calendar for all.
    program_cycles = program_calendar(user)
    empty = {
        "communities": [],
        "calendar": program_cycles,
        "columns": [],
        "grid": [],
        "awaiting": [],
        "overdue": [],
    }
    if not communities:
        return empty
    # An ended program's last column is the cycle containing its end date.
    latest = program_cycles.current(on)
    if latest is None:
        return empty
    current = latest.number
    upto = min(max(upto or current, 1), current)
    columns = [program_cycles.cycle(n) for n in range(upto, max(upto - OVERVIEW_WIDTH, 0), -1)]
    statuses = _status_map(user)

    grid = []
    for community in communities:
        numbers = community_numbers(community, on)
        cells = [
            {
                "column": column,
                "row": CycleRow(community, column, statuses.get((community.pk, column.number)), on)
                if column.number in numbers
                else None,
            }
            for column in columns
        ]
        grid.append({"community": community, "cells": cells})
    add_counts(user, [cell["row"] for line in grid for cell in line["cells"] if cell["row"]])

    overdue = []
    for community in communities:
        numbers = [
            n
            for n in reversed(community_numbers(community, on))
            if cycles.is_overdue(program_cycles.cycle(n), on, statuses.get((community.pk, n)))
        ]
        if numbers:
            overdue.append(CommunityOverdue(community, numbers))

    awaiting = list(
        Submission.objects.visible_to(user)
        .filter(status=Submission.Status.SUBMITTED)
        .select_related("community__program", "submitted_by__person")
        .order_by("submitted_at", "pk")
    )
    for submission in awaiting:
        submission.cycle_obj = calendar(submission.community).cycle(submission.cycle)
    return {
        "communities": communities,
        "calendar": program_cycles,
        "columns": columns,
        "grid": grid,
        "awaiting": awaiting,
        "overdue": overdue,
        "current": current,
        "earlier": upto - OVERVIEW_WIDTH if upto > OVERVIEW_WIDTH else None,
        "later": min(upto + OVERVIEW_WIDTH, current) if upto < current else None,
    }
