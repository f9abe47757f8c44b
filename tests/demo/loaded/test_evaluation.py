"""The demo's evaluation rounds: the paper's December 2014 round with the paper's counts,
and the living program's round in progress.

The expected numbers come from tests/demo/paper.py (typed from the paper). The demo is
loaded once for the module with the clock frozen on D, inside a transaction rolled back at
the end, as in test_living.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from tests.demo.paper import EVALUATION_ROUND, NOT_ASSESSED, RESPONDENTS, YES
from tongban.accounts.models import User
from tongban.demo import living as living_demo
from tongban.demo.evaluation import paper_interviews
from tongban.demo.population import demo_population
from tongban.evaluation import selectors
from tongban.evaluation.models import EvaluationRound, Interview, InterviewAnswer
from tongban.registry.models import CaregiverLink, Program
from tongban.screening.models import Consent

D = date(2026, 3, 16)  # a Monday
MOMENT = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def paper_round(loaded, db) -> EvaluationRound:
    return EvaluationRound.objects.get(program__slug="chaoyang-2013")


@pytest.fixture
def living_round(loaded, db) -> EvaluationRound:
    return EvaluationRound.objects.get(program__slug="living")


def states(evaluation_round, user=None) -> Counter:
    return Counter((e.respondent, e.state) for e in selectors.expected(evaluation_round, user))


def answer_counts(evaluation_round) -> dict[str, tuple[int, int]]:
    """(yes, no) per question code, counted in the database."""
    rows = (
        InterviewAnswer.objects.filter(
            interview__round=evaluation_round, interview__voided_at__isnull=True
        )
        .values("question__code")
        .annotate(yes=Count("pk", filter=Q(value="yes")), no=Count("pk", filter=Q(value="no")))
    )
    return {row["question__code"]: (row["yes"], row["no"]) for row in rows}


# --- the paper's round, without the database ------------------------------------------------


def test_the_plan_has_the_papers_counts():
    interviews = paper_interviews(*demo_population())
    assert Counter(i.respondent for i in interviews) == RESPONDENTS
    absent = [i for i in interviews if i.interviewed_on is None]
    assert Counter(i.respondent for i in absent) == NOT_ASSESSED
    assert {i.not_assessed_reason for i in absent} == {"personal_issues"}
    yes = Counter(code for i in interviews for code, v in i.answers.items() if v == "yes")
    assert dict(yes) == YES
    for i in interviews:  # everyone interviewed answered every question asked of them
        if i.interviewed_on is not None:
            assert all(code.startswith(i.respondent) for code in i.answers)
            assert len(i.answers) == {"consumer": 3, "peer": 2, "caregiver": 3}[i.respondent]
            assert set(i.answers.values()) <= {"yes", "no"}


def test_the_plan_is_plausible_and_deterministic():
    population = demo_population()
    interviews = paper_interviews(*population)
    assert paper_interviews(*demo_population()) == interviews
    consumers = [i.answers for i in interviews if i.respondent == "consumer" and i.answers]
    # A consumer not satisfied with the peers does not want to go on.
    for answers in consumers:
        if answers["consumer_satisfied_with_peers"] == "no":
            assert answers["consumer_wants_to_continue"] == "no"
    # The peer who quit in 2015 for the pressure saw no better working skills, and their
    # caregiver is the one who did not want them to go on.
    people, caregivers = population
    quitter = next(p for p in people if any(c.status == "withdrawn" for c in p.status_changes))
    by_key = {i.key: i for i in interviews}
    assert by_key[quitter.key].answers["peer_better_working_skills"] == "no"
    family = next(c for c in caregivers if c.cares_for == quitter.key)
    assert by_key[family.key].answers["caregiver_wants_continuation"] == "no"
    # Weekdays of December 2014; a caregiver is seen on the patient's day.
    (year, month), _communities = EVALUATION_ROUND
    for i in interviews:
        if i.interviewed_on is not None:
            assert (i.interviewed_on.year, i.interviewed_on.month) == (year, month)
            assert i.interviewed_on.weekday() < 5
    for c in caregivers:
        patient_day = by_key[c.cares_for].interviewed_on
        assert patient_day is None or by_key[c.key].interviewed_on == patient_day


# --- the paper's round, in the database -------------------------------------------------------


def test_the_paper_round_covers_the_first_two_communities_in_december_2014(paper_round):
    (year, month), communities = EVALUATION_ROUND
    assert (paper_round.starts_on, paper_round.ends_on) == (
        date(year, month, 1),
        date(year, month, 31),
    )
    assert set(paper_round.communities.values_list("code", flat=True)) == set(communities)
    assert paper_round.name and paper_round.name_en and paper_round.name != paper_round.name_en


def test_the_paper_round_lists_24_consumers_7_peers_15_caregivers_with_their_states(
    paper_round,
):
    listed = selectors.expected(paper_round)
    assert Counter(e.respondent for e in listed) == RESPONDENTS
    assert states(paper_round) == {
        ("consumer", "done"): 21,
        ("consumer", "not_assessed"): 3,
        ("peer", "done"): 7,
        ("caregiver", "done"): 15,
    }
    absent = [e.interview for e in listed if e.state == "not_assessed"]
    assert {i.not_assessed_reason for i in absent} == {"personal_issues"}
    assert all(i.interviewed_on is None and i.interviewer is None for i in absent)
    # 7 peers: 5 in Tuanjiehu (the one who quit in 2015 among them), 2 in Maizidian.
    peers = [e for e in listed if e.respondent == "peer"]
    assert Counter(e.community.code for e in peers) == {"tuanjiehu": 5, "maizidian": 2}
    assert any(
        e.person.enrolments.filter(status_changes__status="withdrawn").exists() for e in peers
    )
    # 15 caregivers from 15 families: 7 of the peers, 8 of consumers, all agreed in time.
    cared = Counter(e.cares_for.pk for e in listed if e.respondent == "caregiver")
    assert len(cared) == 15
    patients = {e.person.pk: e.respondent for e in listed if e.respondent != "caregiver"}
    assert Counter(patients[pk] for pk in cared) == {"peer": 7, "consumer": 8}
    links = CaregiverLink.objects.filter(cared_for__program__slug="chaoyang-2013")
    assert links.count() == 15
    # Each agreed to be contacted (a consent of kind caregiver_contact) before the round ended.
    agreed = Consent.objects.current().filter(
        document__kind="caregiver_contact",
        signed_on__lte=paper_round.ends_on,
        withdrawn_on__isnull=True,
        person__in=links.values("caregiver"),
    )
    assert agreed.values("person").distinct().count() == 15


def test_the_paper_round_answers_per_question(paper_round):
    interviewed = {r: n - NOT_ASSESSED.get(r, 0) for r, n in RESPONDENTS.items()}
    expected = {code: (n, interviewed[code.split("_")[0]] - n) for code, n in YES.items()}
    assert answer_counts(paper_round) == expected
    # 19 yes, 2 no of 21 interviewed, 24 on the list: the paper's 79.2 % is of the 24.
    assert round(100 * YES["consumer_satisfied_with_peers"] / 24, 1) == 79.2


def test_the_paper_interviews_are_dated_in_december_2014_by_the_research_assistant(
    paper_round,
):
    research = User.objects.get(username="research")
    interviews = Interview.objects.filter(round=paper_round)
    done = interviews.filter(outcome="interviewed")
    assert done.count() == 43
    assert set(done.values_list("interviewer", flat=True)) == {research.pk}
    assert set(interviews.values_list("created_by", flat=True)) == {research.pk}
    for interview in interviews:
        entered = timezone.localdate(interview.created_at)
        assert (entered.year, entered.month) == (2014, 12), interview
        if interview.interviewed_on is not None:
            assert paper_round.starts_on <= interview.interviewed_on == entered
        assert interview.history.get(history_type="+").history_date == interview.created_at
    assert timezone.localdate(paper_round.created_at) < paper_round.starts_on


def test_loading_again_adds_no_round_interview_or_answer(paper_round, living_round):
    tables = (EvaluationRound, Interview, InterviewAnswer, CaregiverLink)
    before = [t.objects.count() for t in tables] + [t.history.count() for t in tables]
    with time_machine.travel(MOMENT + timedelta(days=30), tick=False):
        call_command("demo", stdout=StringIO())
    assert [t.objects.count() for t in tables] + [t.history.count() for t in tables] == before


# --- the living program's round in progress ---------------------------------------------------


def test_the_living_round_is_in_progress_with_interviews_to_do_today(living_round):
    program = Program.objects.get(slug="living")
    assert living_demo.first_load_day(program) == D
    assert living_round.starts_on == D - timedelta(days=4)
    assert living_round.ends_on == D + timedelta(days=14)
    assert set(living_round.communities.values_list("code", flat=True)) == {
        "hepingjie",
        "balizhuang",
    }
    research = User.objects.get(username="research")
    assert list(selectors.rounds(research)) == [living_round]  # lands in the living program
    counted = states(living_round, research)
    # 4 + 1 peers in service on the first day (one withdrew before), 16 consumers, 4 caregivers.
    assert sum(counted.values()) == 25
    assert sum(n for (role, state), n in counted.items() if state == "done") == 7
    assert counted["consumer", "not_assessed"] == 1
    pending = sum(n for (role, state), n in counted.items() if state == "pending")
    assert pending == 17
    assert {role for (role, state) in counted if state == "pending"} == {
        "consumer",
        "peer",
        "caregiver",
    }
    absent = Interview.objects.get(round=living_round, outcome="not_assessed")
    assert absent.not_assessed_reason == "in_hospital" and absent.note


def test_the_living_interviews_are_dated_between_the_round_start_and_yesterday(living_round):
    research = User.objects.get(username="research")
    done = Interview.objects.filter(round=living_round, outcome="interviewed")
    for interview in done:
        assert living_round.starts_on <= interview.interviewed_on < D
        assert interview.interviewed_on.weekday() < 5
        assert interview.interviewer == research
        assert timezone.localdate(interview.created_at) == interview.interviewed_on
    assert all(i.created_at < MOMENT for i in Interview.objects.filter(round=living_round))
    assert timezone.localdate(living_round.created_at) < living_round.starts_on
    # One question left unanswered is an answer row with no value, or none at all.
    answers = answer_counts(living_round)
    assert sum(y + n for y, n in answers.values()) == 2 * 2 + 3 * 2 + 3 * 2 + 2


@pytest.mark.parametrize("weekday", range(7))
def test_every_first_load_weekday_leaves_working_days_for_the_done_interviews(weekday):
    t0 = D + timedelta(days=weekday)
    days = living_demo.round_interview_days(t0)
    assert len(days) >= 2
    assert all(t0 - timedelta(days=4) <= day < t0 and day.weekday() < 5 for day in days)
