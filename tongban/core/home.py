"""Reads for the home page: what each role has to do now.

Each block is a fixed number of queries whatever the rows (tests/core/test_home.py
counts them with one row and with several). The blocks a role gets are chosen in
`home_context`; the view only renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Q
from django.utils import timezone

from tongban.accounts.models import Role
from tongban.activities import selectors as activities
from tongban.activities.models import ActivityPlan
from tongban.activities.selectors import SessionStatus
from tongban.core import scope
from tongban.core.permissions import (
    can_add_candidates,
    can_back_enter,
    can_read_screening,
    can_record_sessions,
)
from tongban.core.queries import count_of
from tongban.emergencies import selectors as emergencies
from tongban.emergencies.models import Status as EventStatus
from tongban.programs.selectors import setup_checklist, setup_done
from tongban.registry import selectors as registry
from tongban.registry.models import Enrolment, EnrolmentStatusChange
from tongban.screening import selectors as screening
from tongban.submissions import cycles
from tongban.submissions import selectors as submissions
from tongban.submissions.cycles import Cycle, State
from tongban.supervision import meeting_selectors, request_selectors, wellbeing_selectors
from tongban.training import selectors as training

# Rows shown per list; the rest are counted or linked.
SHOWN = 5
# A session needs a lead and an assisting peer (MODEL.md): fewer active peers is a flag.
MIN_ACTIVE_PEERS = 2
# Overdue cycles linked one by one per community on the manager's page.
OVERDUE_SHOWN = 3
# Roles with screening work: the psychiatrist assesses; doctors recommend and witness
# consents, research assistants record them, the manager oversees.
SCREENING_ROLES = {
    Role.PSYCHIATRIST,
    Role.COMMUNITY_DOCTOR,
    Role.RESEARCH_ASSISTANT,
    Role.PROJECT_MANAGER,
}


@dataclass
class OpenEmergency:
    """An open event with what a responder needs at a glance."""

    event: object
    now: object

    @property
    def awaiting(self) -> bool:
        return self.event.status == EventStatus.AWAITING

    @property
    def escalated(self) -> bool:
        return self.event.status == EventStatus.ESCALATED

    @property
    def escalates_at(self):
        return self.event.escalates_at

    @property
    def escalation_hours(self) -> int:
        """The program's escalation delay, for "N hours have passed"."""
        return self.event.escalation_hours

    @property
    def escalation_due(self) -> bool:
        """Awaiting acknowledgement past the program's delay (the check has not run yet)."""
        return self.awaiting and self.escalates_at is not None and self.escalates_at <= self.now


def open_emergencies(user) -> list[OpenEmergency]:
    """The user's open events, escalated first, then awaiting, then acknowledged: one query."""
    now = timezone.now()
    return [OpenEmergency(event, now) for event in emergencies.open_emergencies_for_home(user)]


@dataclass
class CommunityWork:
    """One community on the manager's page: this cycle's sessions and its flags."""

    community: object
    active_peers: int
    has_doctor: bool
    sessions: int = 0
    held: int = 0
    overdue: list[int] = field(default_factory=list)  # cycle numbers, newest first

    @property
    def few_peers(self) -> bool:
        return self.active_peers < MIN_ACTIVE_PEERS

    @property
    def flagged(self) -> bool:
        return self.few_peers or not self.has_doctor

    @property
    def overdue_shown(self) -> list[int]:
        return self.overdue[:OVERDUE_SHOWN]

    @property
    def overdue_more(self) -> int:
        return max(0, len(self.overdue) - OVERDUE_SHOWN)


def current_cycle(communities: list, today: date) -> Cycle | None:
    """The program's cycle today (an ended program's last one); None before it starts.

    The communities are those of the chosen program: its calendar is theirs."""
    if not communities:
        return None
    return cycles.for_program(communities[0].program).current(today)


def _communities_with_flags(user) -> list:
    """Communities with `has_doctor`, `peers`, `consumers` and `active_peers`: one query,
    each community counting its own enrolments (as communities_overview does)."""
    active = (
        Enrolment.objects.current()
        .with_status()
        .filter(
            role=Enrolment.Role.PEER,
            current_status=EnrolmentStatusChange.Status.ACTIVE,
            community=OuterRef("pk"),
        )
    )
    return list(
        registry.communities_overview(user)
        .select_related("program")
        .annotate(active_peers=count_of(active))
    )


def manager_work(user, communities: list, today: date) -> dict:
    """Submissions to review, overdue cycles, this cycle's sessions per community, flags.

    Four queries: communities (with flags), submission statuses and communities for the
    cycle rows, this cycle's session counts.
    """
    rows = submissions.cycle_rows(user)
    awaiting = sorted(
        (row for row in rows if row.state == State.SUBMITTED),
        key=lambda row: (row.cycle.number, row.community.started_on or today),
    )
    cycle = current_cycle(communities, today)
    counts: dict = {}
    if cycle is not None:
        counts = {
            row["community_id"]: row
            for row in ActivityPlan.objects.current()
            .visible_to(user)
            .with_session_date()
            .filter(session_on__range=(cycle.starts_on, cycle.ends_on))
            .values("community_id")
            .annotate(n=Count("pk"), held_n=Count("pk", filter=Q(held=True)))
            .order_by()
        }
    work = {
        community.pk: CommunityWork(
            community=community,
            active_peers=community.active_peers,
            has_doctor=community.has_doctor,
            sessions=counts.get(community.pk, {}).get("n", 0),
            held=counts.get(community.pk, {}).get("held_n", 0),
        )
        for community in communities
    }
    for row in rows:  # newest first
        if row.overdue and row.community.pk in work:
            work[row.community.pk].overdue.append(row.cycle.number)
    lines = list(work.values())
    return {
        "awaiting": awaiting,
        "cycle": cycle,
        "community_work": lines,
        "overdue_total": sum(len(line.overdue) for line in lines),
        "flagged": [line for line in lines if line.flagged],
    }


def program_figures(user, today: date) -> dict:
    """Sessions held, adverse events per 100 sessions, days since the last adverse event:
    three queries."""
    rate = emergencies.adverse_events_per_100_sessions(user)
    safety = emergencies.safety_by_community(user, today=today)
    days = [row.days_since_last_event for row in safety if row.days_since_last_event is not None]
    return {
        "rate": rate,
        "safety": safety,
        "days_since_last_event": min(days) if days else None,
    }


def latest_entries(user) -> list:
    """The sessions this user typed in most recently (plan or process form): one query."""
    return list(
        ActivityPlan.objects.filter(Q(created_by=user) | Q(record__created_by=user))
        .visible_to(user)
        .select_related("community", "record")
        .order_by("-created_at", "-pk")[:SHOWN]
    )


def training_supervision_work(user, today: date) -> dict:
    """The blocks of training and supervision (issue 11): each part's `home_work(user,
    today)` gives what this user has to do this week (its own keys, a fixed number of
    queries) and its include in templates/core/home.html renders it; a part with nothing
    to show returns {}."""
    work: dict = {}
    for part in (training, meeting_selectors, request_selectors, wellbeing_selectors):
        work.update(part.home_work(user, today))
    return work


def home_context(user) -> dict:
    """The blocks of the user's home page, by role."""
    today = timezone.localdate()
    context: dict = {"today": today}
    if user.is_peer:
        communities = list(registry.communities_overview(user))
        context["communities"] = communities
        context["rosters"] = [
            {"community": community, **registry.roster_by_role(user, community)}
            for community in communities
        ]
        waiting = [row for row in submissions.cycle_rows(user) if row.needs_submission]
        context["cycles_waiting"] = waiting[:3]
        context["cycles_waiting_more"] = max(0, len(waiting) - 3)
    else:
        communities = _communities_with_flags(user)
        context["communities"] = communities
        context["no_doctor"] = [c for c in communities if not c.has_doctor]
        context["emergencies"] = open_emergencies(user)
    if can_record_sessions(user):
        context["can_record"] = True
        context["to_record"] = list(
            activities.sessions(user, status=SessionStatus.TO_RECORD)[:SHOWN]
        )
    if not user.is_program_wide:
        context["upcoming"] = list(activities.sessions(user, status=SessionStatus.PLANNED)[:SHOWN])
    if user.role == Role.PROJECT_MANAGER:
        context.update(manager_work(user, communities, today))
        # The first-run checklist, until the program is set up (two queries).
        steps = setup_checklist(scope.program(user))
        if not setup_done(steps):
            context["setup_steps"] = steps
    if user.role == Role.PSYCHIATRIST:
        context.update(program_figures(user, today))
    if can_read_screening(user) and user.role in SCREENING_ROLES:
        context.update(screening.screening_work(user, shown=SHOWN))
    context["can_add_candidates"] = can_add_candidates(user)
    if can_back_enter(user) and user.role == Role.RESEARCH_ASSISTANT:
        context["can_back_enter"] = True
        context["latest_entries"] = latest_entries(user)
    # The parts' keys never replace the page's own.
    return {**training_supervision_work(user, today), **context}
