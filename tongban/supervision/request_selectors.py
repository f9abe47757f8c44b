"""Reads for the request part of supervision: requests and guidance notes, always through
the scoping layer (tongban.core.scope), each list a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tongban.activities.models import ActivityPlan
from tongban.core import audit, scope
from tongban.core.permissions import can_answer_supervision, can_give_guidance

from . import phases
from .models import GuidanceNote, SupervisionAction, SupervisionRequest

# Rows shown per home-page list; the rest are counted and linked.
SHOWN = 5
# A peer sees the answers of the last two weeks on their home page.
ANSWERS_SHOWN_DAYS = 14
# The sessions a request may be about: the community's recent and coming ones.
SESSIONS_OFFERED = 30

URGENT = SupervisionRequest.Urgency.URGENT


class Status:
    OPEN = "open"
    ANSWERED = "answered"
    VOIDED = "voided"
    choices = [OPEN, ANSWERED, VOIDED]


def _open() -> Q:
    return Q(answered_at__isnull=True, voided_at__isnull=True)


# Requests ------------------------------------------------------------------------------------


def requests(user) -> QuerySet[SupervisionRequest]:
    """A peer's own requests; supervisors' and the manager's of their communities."""
    return scope.supervision_requests(user)


def request_get(user, pk: int) -> SupervisionRequest:
    """A request the user may see, else 404 (another peer's, another community's)."""
    queryset = requests(user).select_related(
        "community__program",
        "peer",
        "doctor__person",
        "session",
        "asked_by__person",
        "answered_by__person",
        "voided_by__person",
    )
    return get_object_or_404(queryset, pk=pk)


def _ordered(queryset: QuerySet) -> QuerySet:
    """Unanswered first, urgent first among them, the longest waiting first; then the
    others, newest first."""
    return queryset.annotate(
        is_open=Case(
            When(_open(), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        open_rank=Case(
            When(_open() & Q(urgency=URGENT), then=Value(0)),
            When(_open(), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        waiting_since=Case(
            When(_open(), then=F("asked_at")), default=None, output_field=DateTimeField()
        ),
    ).order_by("open_rank", "waiting_since", "-asked_at", "-pk")


def request_list(user, *, community=None, status: str = "") -> QuerySet[SupervisionRequest]:
    """The list page's rows: one query per page, whatever the number of rows."""
    queryset = requests(user)
    if community is not None:
        queryset = queryset.filter(community=community)
    if status == Status.OPEN:
        queryset = queryset.filter(_open())
    elif status == Status.ANSWERED:
        queryset = queryset.current().filter(answered_at__isnull=False)
    elif status == Status.VOIDED:
        queryset = queryset.filter(voided_at__isnull=False)
    else:
        queryset = queryset.current()
    return _ordered(
        queryset.select_related(
            "community", "peer", "doctor__person", "answered_by__person"
        ).annotate(action_count=Count("actions", distinct=True))
    )


def open_count(user) -> int:
    return requests(user).filter(_open()).count()


def request_actions(request: SupervisionRequest) -> QuerySet[SupervisionAction]:
    return request.actions.select_related("owner__person", "created_by__person").order_by(
        "due_on", "pk"
    )


_REQUEST_CONTEXT = ("community", "peer", "asked_by")


def request_history(request: SupervisionRequest) -> list[audit.AuditEntry]:
    """The request's saves, newest first: the answer's every version stays."""
    entries = audit.audit_entries(
        SupervisionRequest.history.filter(id=request.pk).select_related("history_user__person"),
        model=SupervisionRequest,
        subject=lambda _record: str(SupervisionRequest._meta.verbose_name),
        hidden_fields=_REQUEST_CONTEXT,
    )
    action_entries = audit.audit_entries(
        SupervisionAction.history.filter(request_id=request.pk).select_related(
            "history_user__person"
        ),
        model=SupervisionAction,
        subject=lambda _record: str(SupervisionAction._meta.verbose_name),
        hidden_fields=("request", "meeting", "community", "created_by"),
    )
    # How the answer was given is stored as a code: show its label.
    how = str(SupervisionRequest._meta.get_field("answered_how").verbose_name)
    for entry in entries:
        for change in entry.changes:
            if change.label == how:
                change.old = _how(change.old)
                change.new = _how(change.new)
    return audit.merge(entries, action_entries)


def _how(value: str) -> str:
    from .request_services import answered_how_label

    return answered_how_label(value) if value and value != "—" else value


def sessions_offered(community) -> QuerySet[ActivityPlan]:
    """The community's sessions a request may be about: the latest ones and the next."""
    return (
        ActivityPlan.objects.current()
        .filter(community=community)
        .order_by("-planned_on", "-planned_start", "-pk")[:SESSIONS_OFFERED]
    )


# Guidance notes ------------------------------------------------------------------------------


def session_guidance(user, plan: ActivityPlan) -> list[GuidanceNote]:
    """The current guidance notes on a session the user sees (before first): one query."""
    return list(
        scope.guidance_notes(user)
        .current()
        .filter(session=plan)
        .select_related("given_by__person")
        .order_by("when", "given_on", "pk")
    )


def guidance_open(user, plan: ActivityPlan) -> bool:
    """May the user add a guidance note to this session now? (The program's first phase.)"""
    if not can_give_guidance(user) or plan.is_voided:
        return False
    return phases.guidance_due(plan.community.program, plan.session_date)


def guidance_get(user, pk: int) -> GuidanceNote:
    queryset = scope.guidance_notes(user).select_related(
        "session__community__program", "given_by__person", "voided_by__person"
    )
    return get_object_or_404(queryset, pk=pk)


def session_get(user, pk: int) -> ActivityPlan:
    """A session the user sees, else 404."""
    queryset = ActivityPlan.objects.visible_to(user).select_related("community__program", "record")
    return get_object_or_404(queryset, pk=pk)


# The home page -------------------------------------------------------------------------------


@dataclass
class GuidanceDue:
    """A session of this week in a guidance phase that lacks its before or after note."""

    session: ActivityPlan
    needs: str  # GuidanceNote.When


@dataclass
class RequestWork:
    """The home page's request block."""

    # Supervisors: unanswered requests of their communities (urgent first).
    waiting: list = field(default_factory=list)
    waiting_total: int = 0
    # Guidance givers: this week's sessions still without their note.
    guidance: list = field(default_factory=list)
    # A peer: their open requests, and the answers of the last two weeks.
    mine_open: list = field(default_factory=list)
    answered: list = field(default_factory=list)
    is_supervisor: bool = False
    gives_guidance: bool = False
    is_peer: bool = False
    week_starts: date | None = None
    week_ends: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.waiting or self.guidance or self.mine_open or self.answered)


def _week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def guidance_missing(user, today: date) -> list[GuidanceDue]:
    """This week's sessions of the user's communities in a guidance phase: those not held
    yet without a before note, those held without an after note. Two queries."""
    program = scope.program(user)
    if program is None:
        return []
    known = phases.phases(program)
    monday, sunday = _week(today)
    if not any(
        phase.guidance_every_session
        and phase.starts_on <= sunday
        and (phase.ends_on is None or phase.ends_on >= monday)
        for phase in known
    ):
        return []
    notes = GuidanceNote.objects.current().filter(session=OuterRef("pk"))
    sessions = (
        ActivityPlan.objects.visible_to(user)
        .current()
        .with_session_date()
        .filter(session_on__gte=monday, session_on__lte=sunday)
        .annotate(
            has_before=Exists(notes.filter(when=GuidanceNote.When.BEFORE)),
            has_after=Exists(notes.filter(when=GuidanceNote.When.AFTER)),
        )
        .filter(Q(held=False, has_before=False) | Q(held=True, has_after=False))
        .select_related("community")
        .order_by("session_on", "planned_start", "pk")
    )
    found = []
    for session in sessions:
        if not phases.guidance_due(program, session.session_on, known=known):
            continue
        needs = GuidanceNote.When.AFTER if session.held else GuidanceNote.When.BEFORE
        found.append(GuidanceDue(session=session, needs=needs))
    return found


def home_work(user, today: date) -> dict:
    """Context for the home page's request block (templates/supervision/_home_request.html):
    what this user has to do this week. A fixed number of queries whatever the rows.

    Merge it into the page's context: the block reads `request_work` (a RequestWork)."""
    work = RequestWork()
    work.week_starts, work.week_ends = _week(today)
    if user.is_peer:
        work.is_peer = True
        mine = requests(user).current().select_related("doctor__person", "answered_by__person")
        work.mine_open = list(mine.filter(answered_at__isnull=True).order_by("asked_at", "pk"))
        since = timezone.make_aware(
            datetime.combine(today - timedelta(days=ANSWERS_SHOWN_DAYS), time.min)
        )
        work.answered = list(
            mine.filter(answered_at__gte=since).order_by("-answered_at", "-pk")[:SHOWN]
        )
        return {"request_work": work}
    if can_answer_supervision(user):
        work.is_supervisor = True
        waiting = _ordered(
            requests(user).filter(_open()).select_related("community", "peer", "doctor__person")
        )
        work.waiting = list(waiting[:SHOWN])
        work.waiting_total = requests(user).filter(_open()).count()
    if can_give_guidance(user):
        work.gives_guidance = True
        work.guidance = guidance_missing(user, today)
    if not (work.is_supervisor or work.guidance):
        return {}  # nothing for this role (a social worker with no guidance due)
    return {"request_work": work}
