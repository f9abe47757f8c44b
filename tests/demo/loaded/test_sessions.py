"""The demo program's sessions and submissions against the paper (numbers in tests/demo/paper.py).

The demo is loaded once for the module (it takes seconds) inside a transaction that is rolled
back at the end; each test runs in a savepoint within it, as pytest-django's `db` does.
"""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Value, When
from scipy.stats import chi2_contingency

from tests.demo import paper
from tongban.accounts.models import User
from tongban.activities import rules
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.activities.services import minutes_between
from tongban.demo.loader import COMMUNITIES as COMMUNITY_PLAN
from tongban.demo.population import demo_population
from tongban.demo.sessions import demo_sessions
from tongban.emergencies.models import EmergencyEvent
from tongban.registry.models import Community
from tongban.submissions import cycles
from tongban.submissions.models import Submission, SubmissionEvent

COMMUNITIES = [code for role, code in paper.TABLE_1 if role == "peer"]
# The demo also loads the living program (test_living.py): these are the paper's figures.
PAPER = {"community__code__in": COMMUNITIES}
FIRST, LAST = date(*paper.SESSIONS_FROM), date(*paper.SESSIONS_TO)


@pytest.fixture(scope="module")
def demo(demo_output):
    return demo_output


@pytest.fixture
def delivered(demo, db):
    return ActivityRecord.objects.delivered().filter(held_on__range=(FIRST, LAST))


def half_year_table(records) -> list[list[int]]:
    """Sessions per community (rows) and half-year (columns), counted in the database."""
    half = Case(
        *[
            When(held_on__range=(date(*start), date(*end)), then=Value(i))
            for i, (start, end) in enumerate(paper.HALF_YEARS)
        ],
        output_field=IntegerField(),
    )
    counts = (
        records.annotate(half=half)
        .values("plan__community__code", "half")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table = {code: [0] * len(paper.HALF_YEARS) for code in COMMUNITIES}
    for row in counts:
        table[row["plan__community__code"]][row["half"]] = row["n"]
    return [table[code] for code in COMMUNITIES]


def test_214_sessions_from_july_2013_to_june_2016(delivered):
    assert delivered.count() == paper.SESSIONS
    plans = ActivityPlan.objects.current().filter(**PAPER)
    assert plans.count() == paper.SESSIONS  # none outside the period


def test_sessions_per_community_and_half_year_give_the_papers_chi_square(delivered):
    table = half_year_table(delivered)
    assert sum(map(sum, table)) == paper.SESSIONS
    chi2, p, dof, _expected = chi2_contingency(table, correction=False)
    assert (dof, round(chi2, 2)) == paper.SESSIONS_CHI2
    assert p < paper.SESSIONS_P_BELOW


def test_no_sessions_where_the_paper_says_none(delivered):
    for code, (start, end) in paper.NO_SESSIONS.items():
        held = delivered.filter(
            plan__community__code=code, held_on__range=(date(*start), date(*end))
        )
        assert not held.exists()
    newer = delivered.filter(plan__community__code__in=paper.STARTED_AUGUST_2015)
    assert not newer.filter(held_on__lt=date(2015, 8, 1)).exists()
    firsts = newer.values("plan__community__code").annotate(first=Min("held_on"))
    assert {row["first"].replace(day=1) for row in firsts} == {date(2015, 8, 1)}


def test_frequencies_follow_the_papers_account(delivered):
    table = dict(zip(COMMUNITIES, half_year_table(delivered), strict=True))
    for code in ("tuanjiehu", "maizidian"):
        assert 3 <= table[code][0] <= 6  # first 6 months: every one or two months
        assert 11 <= table[code][2] <= 15  # second year: about every two weeks
        assert table[code][5] >= 26  # 2016: once or twice a week
    for code in paper.STARTED_AUGUST_2015:
        assert 8 <= table[code][4] <= 12  # every two weeks from August 2015
        assert 11 <= table[code][5] <= 15


def test_category_shares(delivered):
    counts = dict(
        delivered.values_list("plan__category")
        .annotate(n=Count("pk"))
        .order_by("-n", "plan__category")
    )
    assert len(counts) == paper.CATEGORIES
    top_three = list(counts)[:3]
    assert set(top_three) == set(paper.TOP_CATEGORIES)
    assert min(counts[c] for c in top_three) > max(
        n for c, n in counts.items() if c not in top_three
    )
    for category, percent in paper.TOP_CATEGORIES.items():
        assert round(100 * counts[category] / paper.SESSIONS) == percent
    # The topic comes from the library, in the plan's category.
    assert not delivered.filter(plan__topic__isnull=True).exists()
    assert not delivered.exclude(plan__topic__category=F("plan__category")).exists()


def test_durations(delivered):
    span = delivered.aggregate(shortest=Min("duration_minutes"), longest=Max("duration_minutes"))
    assert (span["shortest"], span["longest"]) == paper.DURATION_MINUTES
    for started_at, ended_at, minutes in delivered.values_list(
        "started_at", "ended_at", "duration_minutes"
    ):
        assert minutes_between(started_at, ended_at) == minutes


def test_two_peers_in_service_of_the_community_at_every_session(delivered):
    counted = delivered.annotate(
        peers=Count("peers_present", distinct=True),
        assisting=Count("plan__assisting_peers", distinct=True),
    )
    assert not counted.exclude(peers=paper.PEERS_PER_SESSION).exists()
    assert not counted.exclude(assisting=1).exists()
    records = delivered.select_related("plan__community").prefetch_related(
        "peers_present", "plan__assisting_peers"
    )
    for record in records:
        plan = record.plan
        present = {p.pk for p in record.peers_present.all()}
        assisting = {p.pk for p in plan.assisting_peers.all()}
        assert present == {plan.lead_peer_id} | assisting and plan.lead_peer_id not in assisting
        in_service = set(
            rules.peers_in_service(plan.community, record.held_on).values_list("pk", flat=True)
        )
        assert present <= in_service, (record.held_on, plan.community.code)


def test_attendees_are_consumers_enrolled_in_the_community_that_day(delivered):
    assert not delivered.annotate(n=Count("attendances")).filter(n=0).exists()
    assert not Attendance.objects.filter(person__isnull=True).exists()  # no walk-ins
    records = delivered.select_related("plan__community").prefetch_related("attendances")
    for record in records:
        attending = {a.person_id for a in record.attendances.all()}
        enrolled = set(
            rules.consumers_in_service(record.plan.community, record.held_on).values_list(
                "pk", flat=True
            )
        )
        assert attending <= enrolled, (record.held_on, record.plan.community.code)


def test_no_emergency_events(demo, db):
    assert EmergencyEvent.objects.filter(**PAPER).count() == paper.EMERGENCY_EVENTS


def test_every_cycle_of_the_study_accepted(demo, db):
    manager = User.objects.get(username="manager")
    for community in Community.objects.filter(code__in=COMMUNITIES).select_related("program"):
        calendar = cycles.for_program(community.program)
        expected = calendar.numbers_for(community.started_on, LAST)
        submissions = Submission.objects.filter(community=community)
        assert sorted(submissions.values_list("cycle", flat=True)) == list(expected)
        for submission in submissions:
            ends_on = calendar.cycle(submission.cycle).ends_on
            submitted = submission.submitted_at.date()
            assert timedelta(3) <= submitted - ends_on <= timedelta(6)
            assert timedelta(1) <= submission.reviewed_at.date() - submitted <= timedelta(4)
    submissions = Submission.objects.filter(**PAPER)
    assert not submissions.exclude(status=Submission.Status.ACCEPTED).exists()
    assert not submissions.exclude(reviewed_by=manager).exists()
    steps = submissions.annotate(
        submitted=Count("events", filter=Q(events__status="submitted")),
        accepted=Count("events", filter=Q(events__status="accepted")),
    )
    assert not steps.exclude(submitted=1, accepted=1).exists()
    for submission in submissions.prefetch_related("events"):
        events = list(submission.events.all())
        assert [e.status for e in events] == ["submitted", "accepted"]
        assert [e.at for e in events] == [submission.submitted_at, submission.reviewed_at]


def test_forms_entered_by_the_peer_account_or_the_research_assistant(delivered):
    entered = set(
        ActivityPlan.objects.filter(**PAPER)
        .values_list("community__code", "created_by__username")
        .distinct()
    )
    # The demo accounts peer1 and peer2 serve Tuanjiehu and Xiangheyuan; the research
    # assistant typed in the others' paper forms.
    assert entered == {
        ("tuanjiehu", "peer1"),
        ("maizidian", "research"),
        ("xiangheyuan", "peer2"),
        ("jinsong", "research"),
    }
    records = ActivityRecord.objects.filter(plan__community__code__in=COMMUNITIES)
    assert not records.exclude(created_by=F("plan__created_by")).exists()


def test_audit_trail_has_a_creation_entry(delivered):
    plans = ActivityPlan.objects.filter(**PAPER)
    created = ActivityPlan.history.filter(history_type="+", id__in=plans.values("pk"))
    assert created.count() == plans.count()
    records = ActivityRecord.history.filter(history_type="+", id__in=delivered.values("pk"))
    assert records.count() == delivered.count()
    attendances = Attendance.objects.filter(record__in=delivered)
    assert (
        Attendance.history.filter(history_type="+", id__in=attendances.values("pk")).count()
        == attendances.count()
    )
    entry = created.order_by("history_date").first()
    plan = plans.get(pk=entry.id)
    assert entry.history_user_id == plan.created_by_id
    assert entry.history_date.date() < plan.planned_on  # written before the session
    assert [p.person_id for p in entry.assisting_peers.all()] == [
        p.pk for p in plan.assisting_peers.all()
    ]


def test_loading_twice_adds_nothing(demo, db):
    models = (
        ActivityPlan,
        ActivityRecord,
        Attendance,
        ActivityPlan.assisting_peers.through,
        ActivityRecord.peers_present.through,
        Submission,
        SubmissionEvent,
    )

    def counts():
        return [m.objects.count() for m in models] + [
            ActivityPlan.history.count(),
            Attendance.history.count(),
            Submission.history.count(),
        ]

    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before


def test_sessions_are_the_same_on_every_run():
    people, _caregivers = demo_population()
    starts = {code: started_on for code, _name, _en, started_on in COMMUNITY_PLAN}
    assert demo_sessions(people, starts) == demo_sessions(people, starts)
