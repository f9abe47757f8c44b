"""Reads for the program report: each table is one grouped query, whatever the data size.

Every function takes the report's parameters (`report.ReportParams`: program, range,
communities) and returns the grouped rows as plain dicts; `report.build` reshapes them and
runs the statistics. Nothing here loops over sessions, people or interviews in Python.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from tongban.activities.models import PEERS_PER_SESSION, ActivityRecord, Attendance
from tongban.emergencies.models import EmergencyEvent
from tongban.evaluation.models import EvaluationRound, Interview, InterviewAnswer, Question
from tongban.registry.models import Enrolment, EnrolmentStatusChange, Person, status_on
from tongban.supervision.models import (
    GuidanceNote,
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
    SupervisionRequest,
)
from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession
from tongban.training.readiness import required_workshops as curriculum_required

if TYPE_CHECKING:
    from .report import ReportParams

PERIOD_MONTHS = 6
# Added before the integer division and taken off after it, so that a month before the
# program's start falls in period -1, not 0 (SQL division truncates towards zero).
_PERIOD_OFFSET = 10_000
IN_SERVICE = EnrolmentStatusChange.IN_SERVICE


def month_number(day: date) -> int:
    """Months since year 0: the same number the database computes in `_month_number`."""
    return day.year * 12 + day.month


def _int(expression) -> Cast:
    # PostgreSQL's EXTRACT gives numeric; integers make the division below an integer one.
    return Cast(expression, IntegerField())


def _month_number(field: str):
    return _int(ExtractYear(field)) * Value(12) + _int(ExtractMonth(field))


def period_index(field: str, start: date):
    """The six-month period of a date column, counted from `start`'s month (0, 1, ...)."""
    months = _month_number(field) - Value(month_number(start) - PERIOD_MONTHS * _PERIOD_OFFSET)
    return Cast(months / Value(PERIOD_MONTHS), IntegerField()) - Value(_PERIOD_OFFSET)


# --- Service process and content -------------------------------------------------------


def sessions(params: ReportParams) -> QuerySet[ActivityRecord]:
    """The sessions of the report: current process forms on current plans, held in the
    range, in the covered communities."""
    return (
        ActivityRecord.objects.delivered()
        .filter(
            held_on__gte=params.date_from,
            held_on__lte=params.date_to,
            plan__community__in=params.communities,
        )
        .order_by()
    )


def session_groups(params: ReportParams) -> list[dict[str, Any]]:
    """The sessions grouped by community, six-month period, format, venue kind and content
    category, with each group's count, first and last day, and its durations' minimum,
    maximum, sum and sum of squares: Fig. 1, the frequency, the duration, the formats, the
    venues and Fig. 2 from one scan of the sessions (at most communities × periods × 5 × 4
    × 8 rows, whatever the number of sessions)."""
    minutes = _int(F("duration_minutes"))  # PostgreSQL multiplies smallints as smallints
    return list(
        sessions(params)
        .annotate(period=period_index("held_on", params.program.started_on))
        .values(
            "period",
            "format",
            community_id=F("plan__community_id"),
            venue_kind=F("plan__venue__kind"),
            category=F("plan__category"),
        )
        .annotate(
            sessions=Count("pk"),
            first=Min("held_on"),
            last=Max("held_on"),
            duration_min=Min("duration_minutes"),
            duration_max=Max("duration_minutes"),
            # Sums, not AVG/STDDEV_SAMP: SQLite's STDDEV_SAMP fails on one row, and integer
            # sums give the mean and the sample SD exactly, group by group (report.py).
            duration_sum=Sum("duration_minutes"),
            duration_squares=Sum(minutes * minutes),
        )
        .order_by()
    )


def sessions_with_peers(params: ReportParams, minimum: int = PEERS_PER_SESSION) -> int:
    """How many sessions have at least `minimum` peers on their process form (grouped on
    the peers-present table, cheaper than a count per session)."""
    through = ActivityRecord.peers_present.through
    return (
        through.objects.filter(activityrecord__in=sessions(params).values("pk"))
        .values("activityrecord_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum)
        .order_by()
        .count()
    )


def attendance_summary(params: ReportParams) -> dict[str, Any]:
    """Current Participant List rows of the sessions, the distinct people among them and the
    rows of walk-ins not linked to a person (grouped by person first: cheaper than a
    COUNT(DISTINCT) over every row)."""
    return (
        Attendance.objects.current()
        .filter(record__in=sessions(params).values("pk"))
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by()
        .aggregate(
            attendances=Coalesce(Sum("n"), Value(0)),
            reached=Count("person_id"),
            walk_ins=Coalesce(Sum("n", filter=Q(person_id__isnull=True)), Value(0)),
        )
    )


def _day_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The range as aware datetimes in the installation's time zone: [start, end)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def adverse_events_by_kind(params: ReportParams) -> list[dict[str, Any]]:
    """Rows {kind, events}: current Emergency Event Forms that happened in the range in the
    covered communities. A peer counts only the events a peer may see (EmergencyEvent
    visible_to: filed by a peer or linked to a session)."""
    start, end = _day_bounds(params.date_from, params.date_to)
    events = EmergencyEvent.objects.current().filter(
        community__in=params.communities, occurred_at__gte=start, occurred_at__lt=end
    )
    if params.peer_view:
        events = events.seen_by_peers()
    return list(events.values("kind").annotate(events=Count("pk")).order_by())


# --- Participants -------------------------------------------------------------------------


def enrolment_by_year(params: ReportParams, days: list[date]) -> list[dict[str, Any]]:
    """Table 1 for peers and consumers in one query: rows {role, community_id, n0, n1, ...},
    `n<i>` the current enrolments started by `days[i]` whose status then was active or on
    leave (not withdrawn, and not before their first status)."""
    enrolments = Enrolment.objects.current().filter(
        community__in=params.communities, started_on__lte=max(days)
    )
    counts = {}
    for i, day in enumerate(days):
        enrolments = enrolments.alias(**{f"status_{i}": status_on(day)})
        counts[f"n{i}"] = Count(
            "pk", filter=Q(started_on__lte=day, **{f"status_{i}__in": IN_SERVICE})
        )
    return list(enrolments.values("role", "community_id").annotate(**counts).order_by())


def people_in_service(params: ReportParams) -> QuerySet[Person]:
    """Table 2's people, each once, annotated `group`: "peer" when a peer enrolment of theirs
    is in service on the range's last day (the role held at the end), else "consumer"."""
    enrolled = Enrolment.objects.in_service_on(params.date_to).filter(
        community__in=params.communities, person=OuterRef("pk")
    )
    as_peer = Exists(enrolled.filter(role=Enrolment.Role.PEER))
    as_consumer = Exists(enrolled.filter(role=Enrolment.Role.CONSUMER))
    return (
        Person.objects.filter(program=params.program)
        .alias(as_peer=as_peer, as_consumer=as_consumer)
        .filter(Q(as_peer=True) | Q(as_consumer=True))
        .annotate(
            group=Case(
                When(as_peer=True, then=Value(Enrolment.Role.PEER.value)),
                default=Value(Enrolment.Role.CONSUMER.value),
            )
        )
        .order_by()
    )


def demographic_counts(params: ReportParams, cells: dict[str, Q]) -> list[dict[str, Any]]:
    """Table 2's counts in one query: a row per group with one count per named condition."""
    counts = {name: Count("pk", filter=condition) for name, condition in cells.items()}
    return list(people_in_service(params).values("group").annotate(n=Count("pk"), **counts))


def ages(params: ReportParams) -> list[dict[str, Any]]:
    """Rows {group, age, n}: age in completed years on the range's last day (None without a
    date of birth), grouped, so that Shapiro–Wilk and the t-test get every value."""
    day = params.date_to
    birthday_to_come = Q(born_month__gt=day.month) | Q(born_month=day.month, born_day__gt=day.day)
    age = (
        Value(day.year)
        - _int(ExtractYear("date_of_birth"))
        - Case(When(birthday_to_come, then=Value(1)), default=Value(0))
    )
    return list(
        people_in_service(params)
        .alias(
            born_month=_int(ExtractMonth("date_of_birth")),
            born_day=_int(ExtractDay("date_of_birth")),
        )
        .annotate(age=age)  # NULL without a date of birth
        .values("group", "age")
        .annotate(n=Count("pk"))
    )


# --- Evaluation ---------------------------------------------------------------------------


def _rounds(params: ReportParams) -> QuerySet[EvaluationRound]:
    return EvaluationRound.objects.filter(
        program=params.program,
        starts_on__lte=params.date_to,
        ends_on__gte=params.date_from,
    )


def rounds(params: ReportParams) -> list[dict[str, Any]]:
    """Rows {pk, name, name_en, starts_on, ends_on, code}: a row per round overlapping the
    range and each of its covered communities."""
    return list(
        _rounds(params)
        .filter(communities__in=params.communities)
        .values("pk", "name", "name_en", "starts_on", "ends_on", code=F("communities__code"))
        .order_by("starts_on", "pk", "communities__started_on", "communities__pk")
    )


def counted_interviews(params: ReportParams) -> QuerySet[Interview]:
    """Current interviews of the overlapping rounds in the covered communities, only the
    latest round's when a person was interviewed (in the same role) in several."""
    base = Interview.objects.current().filter(
        round__in=_rounds(params), community__in=params.communities
    )
    later = base.filter(person=OuterRef("person"), respondent=OuterRef("respondent")).filter(
        Q(round__starts_on__gt=OuterRef("round__starts_on"))
        | Q(round__starts_on=OuterRef("round__starts_on"), round_id__gt=OuterRef("round_id"))
    )
    return base.filter(~Exists(later)).order_by()


def interview_outcomes(params: ReportParams) -> list[dict[str, Any]]:
    """Rows {respondent, outcome, not_assessed_reason, n} of the counted interviews."""
    return list(
        counted_interviews(params)
        .values("respondent", "outcome", "not_assessed_reason")
        .annotate(n=Count("pk"))
    )


def answer_counts(params: ReportParams) -> list[dict[str, Any]]:
    """Rows {question_id, value, n}: answers of the counted interviews, each to a question
    of the interview's own respondent type."""
    return list(
        InterviewAnswer.objects.filter(
            interview__in=counted_interviews(params).values("pk"),
            interview__outcome=Interview.Outcome.INTERVIEWED,
            interview__respondent=F("question__respondent"),
        )
        .values("question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )


def questions(params: ReportParams) -> list[Question]:
    """The standard questions and the program's own, asked or not (one query)."""
    return list(Question.objects.for_program(params.program))


# --- Training and supervision -------------------------------------------------------------


def _covers(through, key: str, params: ReportParams) -> Exists:
    """A row of a many-to-many `through` table links the record (`key`) to a covered
    community: each record counted once, however many covered communities it has."""
    return Exists(through.objects.filter(**{key: OuterRef("pk")}, community__in=params.communities))


def peers_enrolled(params: ReportParams) -> QuerySet[Person]:
    """People with a current peer enrolment in a covered community that started by the
    range's last day (withdrawn since or not: those who quit were trained too)."""
    return Person.objects.filter(
        Exists(
            Enrolment.objects.current().filter(
                person=OuterRef("pk"),
                role=Enrolment.Role.PEER,
                community__in=params.communities,
                started_on__lte=params.date_to,
            )
        )
    ).order_by()


def training_sessions(params: ReportParams) -> dict[str, Any]:
    """Current training sessions held in the range (from the program's start: also those
    before it, the pre-service training), of the program's rounds for a covered community:
    {sessions, make_up_sessions, rounds, pre_service_rounds, continuing_rounds,
    attendances (current, of the covered communities' peers)}. One query."""
    rounds = TrainingRound.objects.filter(program=params.program).filter(
        _covers(TrainingRound.communities.through, "traininground_id", params)
    )
    kind = TrainingRound.Kind
    present = Q(
        attendance__voided_at__isnull=True,
        attendance__person__in=peers_enrolled(params).values("pk"),
    )
    held = Q(held_on__lte=params.date_to)
    if params.date_from > params.program.started_on:
        # A range from the program's start keeps the pre-service training before it.
        held &= Q(held_on__gte=params.date_from)
    return (
        TrainingSession.objects.current()
        .filter(held, round__in=rounds)
        .order_by()
        .aggregate(
            sessions=Count("pk", distinct=True),
            make_up_sessions=Count("pk", filter=Q(make_up=True), distinct=True),
            rounds=Count("round", distinct=True),
            pre_service_rounds=Count(
                "round", filter=Q(round__kind=kind.PRE_SERVICE), distinct=True
            ),
            continuing_rounds=Count("round", filter=Q(round__kind=kind.CONTINUING), distinct=True),
            attendances=Count("attendance", filter=present, distinct=True),
        )
    )


def required_workshops(params: ReportParams) -> int:
    """How many pre-service workshops the program's curriculum requires (one query)."""
    return curriculum_required(params.program).count()


def peers_trained(params: ReportParams, required: int) -> dict[str, Any]:
    """{enrolled, trained, exempt}: the enrolled peers (`peers_enrolled`), those who had
    attended every one of the `required` pre-service workshops by the range's last day (in
    its round or at a make-up session), and those without a complete record who count as
    trained because they were enrolled before Tongban's records (readiness.py). One query."""
    program = params.program
    complete = (
        TrainingAttendance.objects.current()
        .filter(
            session__voided_at__isnull=True,
            session__round__program=program,
            session__held_on__lte=params.date_to,
            session__workshop__in=curriculum_required(program),
        )
        .order_by()
        .values("person_id")
        .annotate(n=Count("session__workshop", distinct=True))
        .filter(n__gte=required)
        .values("person_id")
    )
    trained = Q(pk__in=complete) if required else Q(pk__isnull=False)
    counts = {"enrolled": Count("pk"), "trained": Count("pk", filter=trained)}
    records_from = program.training_records_from
    if records_from is None or params.date_to < records_from:
        before_records = Exists(
            Enrolment.objects.current().filter(
                person=OuterRef("pk"),
                role=Enrolment.Role.PEER,
                community__program=program,
                before_screening=True,
            )
        )
        counts["exempt"] = Count("pk", filter=~trained & Q(before_records))
    return {"exempt": 0, **peers_enrolled(params).aggregate(**counts)}


def held_meetings(params: ReportParams):
    """Current group supervision meetings held in the range with a covered community."""
    return (
        SupervisionMeeting.objects.current()
        .filter(
            program=params.program,
            held_on__gte=params.date_from,
            held_on__lte=params.date_to,
        )
        .filter(_covers(SupervisionMeeting.communities.through, "supervisionmeeting_id", params))
        .order_by()
    )


def meetings_by_year(params: ReportParams) -> list[dict[str, Any]]:
    """Rows {year, held, cancelled}: the meetings of `held_meetings` by calendar year."""
    status = SupervisionMeeting.Status
    return list(
        held_meetings(params)
        .annotate(year=_int(ExtractYear("held_on")))
        .values("year")
        .annotate(
            held=Count("pk", filter=Q(status=status.HELD)),
            cancelled=Count("pk", filter=Q(status=status.CANCELLED)),
        )
        .order_by("year")
    )


def issues_by_category(params: ReportParams) -> list[dict[str, Any]]:
    """Rows {category, n}: issues raised at the meetings held in the range."""
    held = held_meetings(params).filter(status=SupervisionMeeting.Status.HELD)
    return list(
        SupervisionIssue.objects.filter(meeting__in=held.values("pk"))
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    )


def action_counts(params: ReportParams) -> dict[str, Any]:
    """{agreed, done, cancelled, open, overdue}: actions agreed at the meetings held in the
    range (`held_meetings`) or on the requests asked in it (`_requests`), as they stood at
    the range's end (done or cancelled by then, else open; overdue: open past its due day).
    One query."""
    _start, end = _day_bounds(params.date_from, params.date_to)
    held = held_meetings(params).filter(status=SupervisionMeeting.Status.HELD)
    done = Q(done_at__lt=end)
    cancelled = Q(cancelled_at__lt=end) & ~done
    still_open = ~done & ~Q(cancelled_at__lt=end)
    return (
        SupervisionAction.objects.filter(
            Q(meeting__in=held.values("pk")) | Q(request__in=_requests(params).values("pk"))
        )
        .order_by()
        .aggregate(
            agreed=Count("pk"),
            done=Count("pk", filter=done),
            cancelled=Count("pk", filter=cancelled),
            open=Count("pk", filter=still_open),
            overdue=Count("pk", filter=still_open & Q(due_on__lt=params.date_to)),
        )
    )


def _requests(params: ReportParams):

    start, end = _day_bounds(params.date_from, params.date_to)
    return SupervisionRequest.objects.current().filter(
        community__in=params.communities, asked_at__gte=start, asked_at__lt=end
    )


def request_counts(params: ReportParams) -> dict[str, Any]:
    """{asked, urgent, answered, urgent_answered}: as-needed requests asked in the range,
    answered by its end."""
    _start, end = _day_bounds(params.date_from, params.date_to)
    answered = Q(answered_at__lt=end)
    urgent = Q(urgency=SupervisionRequest.Urgency.URGENT)
    return (
        _requests(params)
        .order_by()
        .aggregate(
            asked=Count("pk"),
            urgent=Count("pk", filter=urgent),
            answered=Count("pk", filter=answered),
            urgent_answered=Count("pk", filter=answered & urgent),
        )
    )


def middle_answer_times(params: ReportParams, answered: int) -> list[timedelta]:
    """The one or two middle times from asking to answering among the `answered` requests
    (their median): one query, ordered in the database, whatever their number."""
    _start, end = _day_bounds(params.date_from, params.date_to)
    low, high = (answered - 1) // 2, answered // 2
    return list(
        _requests(params)
        .filter(answered_at__lt=end)
        .annotate(
            waited=ExpressionWrapper(F("answered_at") - F("asked_at"), output_field=DurationField())
        )
        .order_by("waited", "pk")
        .values_list("waited", flat=True)[max(low, 0) : high + 1]
    )


def guidance_by_phase(params: ReportParams, bounds: list[tuple[date, date]]) -> list[dict]:
    """Rows {phase, sessions, with_before, with_after, with_both, notes}: the report's sessions
    (`sessions`) in each of the day ranges `bounds` (phase = its index; None outside them),
    with current guidance notes before and after. One query."""
    notes = GuidanceNote.objects.current().filter(session=OuterRef("plan_id"))
    phase = Case(
        *(
            When(held_on__gte=first, held_on__lte=last, then=Value(index))
            for index, (first, last) in enumerate(bounds)
        ),
        default=Value(None),
        output_field=IntegerField(),
    )
    before = Exists(notes.filter(when=GuidanceNote.When.BEFORE))
    after = Exists(notes.filter(when=GuidanceNote.When.AFTER))
    count = notes.order_by().values("session").annotate(n=Count("pk")).values("n")
    return list(
        sessions(params)
        .annotate(
            phase=phase,
            has_before=before,
            has_after=after,
            note_count=Coalesce(Subquery(count[:1]), Value(0)),
        )
        .values("phase")
        .annotate(
            n=Count("pk"),
            with_before=Count("pk", filter=Q(has_before=True)),
            with_after=Count("pk", filter=Q(has_after=True)),
            with_both=Count("pk", filter=Q(has_before=True, has_after=True)),
            notes=Sum("note_count"),
        )
        .order_by()
    )
