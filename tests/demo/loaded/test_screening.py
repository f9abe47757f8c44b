"""Screening and consent in the demo (issue 10, item 7): every peer and consumer of both
programs passed the gate on their own enrolment day with records made in the right order;
the paper's program has the issue's four screened-out candidates; the living program has
a candidate at every stage, one waiting for the psychiatrist on the first-load day.

The demo is loaded once for the module with the clock frozen on D, inside a transaction
rolled back at the end (as test_living.py). The plans (no database) are tested for other
first-load days as well.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Min
from django.utils import timezone

from tongban.accounts.models import User
from tongban.activities.models import ActivityRecord, Attendance
from tongban.demo import living as living_demo
from tongban.demo import screening as demo_screening
from tongban.demo.loader import COMMUNITIES
from tongban.demo.population import demo_population
from tongban.evaluation import selectors as evaluation_selectors
from tongban.evaluation.models import EvaluationRound
from tongban.registry.models import CaregiverLink, Enrolment, Person, Program
from tongban.screening import gate
from tongban.screening.criteria import judge_assessment
from tongban.screening.models import (
    REQUIRED_CONSENTS,
    Assessment,
    AssessmentResult,
    Candidate,
    Consent,
    ConsentDocument,
    Criteria,
    NeedsInterview,
    NeedsInterviewCategory,
    Stage,
)

D = date(2026, 3, 16)  # a Monday
MOMENT = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
# Fig. 2's top three, in order (the paper; typed here, not imported).
TOP_THREE = ("fine_motor_exercise", "daily_life_skills", "emotional_support")


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def paper(loaded, db) -> Program:
    return Program.objects.get(slug="chaoyang-2013")


@pytest.fixture
def living(loaded, db) -> Program:
    return Program.objects.get(slug="living")


def enrolments(program: Program):
    return (
        Enrolment.objects.current()
        .filter(community__program=program)
        .select_related("person", "community", "candidate")
        .order_by("pk")
    )


def first_sessions(program: Program) -> dict[int, date]:
    """person -> the first day they took part in a session (attended, or led/assisted)."""
    attended = (
        Attendance.objects.current()
        .filter(record__plan__community__program=program)
        .values("person_id")
        .annotate(first=Min("record__held_on"))
    )
    served = (
        ActivityRecord.objects.filter(plan__community__program=program)
        .values("peers_present")
        .annotate(first=Min("held_on"))
    )
    first = {row["person_id"]: row["first"] for row in attended}
    for row in served:
        pk = row["peers_present"]
        if pk is not None:
            first[pk] = min(first.get(pk, row["first"]), row["first"])
    return first


def check_screened_before_enrolment(program: Program) -> Counter:
    """Every peer and consumer of `program`: through the gate on their own enrolment day,
    with the records in order. Returns the candidacies' sources by role."""
    psychiatrist = User.objects.get(username="psychiatrist")
    research = User.objects.get(username="research")
    first = first_sessions(program)
    sources: Counter = Counter()
    found = enrolments(program)
    assert found.exists()
    for enrolment in found:
        person, started = enrolment.person, enrolment.started_on
        assert not enrolment.before_screening, person
        assert gate.missing(person, role=enrolment.role, on=started) == [], person
        candidate = enrolment.candidate
        assert candidate.stage == Stage.ENROLLED and candidate.role == enrolment.role
        assert candidate.recommended_on <= started
        sources[enrolment.role, candidate.source] += 1
        if candidate.source == "doctor":
            assert candidate.recommended_by.role == "community_doctor"

        assessment = candidate.assessments.current().get()
        assert assessment.result == AssessmentResult.ELIGIBLE and not assessment.overridden
        assert assessment.assessed_by == psychiatrist
        assert candidate.recommended_on <= assessment.assessed_on < started
        assert 3 <= (started - assessment.assessed_on).days <= 60, person
        assert assessment.diagnosis == person.diagnosis
        assert assessment.age == person.age_on(assessment.assessed_on)
        assert 18 <= assessment.age <= 60
        assert assessment.assessed_on.weekday() < 5
        if enrolment.role == "peer":
            assert 55 <= assessment.psp_score <= 80 and assessment.stable_months >= 6
            assert candidate.source == "doctor" and candidate.practical_skills
        else:
            assert assessment.stable_months >= 3

        consents = Consent.objects.current().filter(person=person).select_related("document")
        kinds = {c.document.kind: c for c in consents}
        assert set(REQUIRED_CONSENTS[enrolment.role]) <= set(kinds), person
        for kind in REQUIRED_CONSENTS[enrolment.role]:
            consent = kinds[kind]
            assert assessment.assessed_on <= consent.signed_on <= started, person
            assert consent.witness.strip() and consent.recorded_by == research
            assert consent.withdrawn_on is None
            assert consent.document.effective_from <= consent.signed_on
        signed = max(kinds[kind].signed_on for kind in REQUIRED_CONSENTS[enrolment.role])

        interview = NeedsInterview.objects.current().get(person=person, respondent=enrolment.role)
        assert interview.interviewer == research
        assert signed <= interview.interviewed_on <= started
        assert interview.interviewed_on < first.get(person.pk, date.max)
        assert interview.categories.exists() and interview.note
        assert interview.community == enrolment.community

        # Entered when they were done: the records and their audit trails.
        for record, day in (
            (candidate, candidate.recommended_on),
            (assessment, assessment.assessed_on),
            (kinds[REQUIRED_CONSENTS[enrolment.role][0]], signed),
            (interview, interview.interviewed_on),
        ):
            assert timezone.localdate(record.created_at) == day, record
            assert record.history.get(history_type="+").history_date == record.created_at
    return sources


# --- the paper's program ---------------------------------------------------------------------


def test_every_paper_peer_and_consumer_was_screened_and_consented_before_enrolment(paper):
    sources = check_screened_before_enrolment(paper)
    assert sources["peer", "doctor"] == 13 and sources["peer", "poster"] == 0
    # Consumers: some referred by a community doctor, some came after seeing a poster.
    assert sources["consumer", "doctor"] >= 10 and sources["consumer", "poster"] >= 10
    assert sources["consumer", "doctor"] + sources["consumer", "poster"] == 50
    doctor = User.objects.get(username="doctor")
    recommended_by = Candidate.objects.filter(community__program=paper, source="doctor")
    assert set(recommended_by.values_list("recommended_by", flat=True)) == {doctor.pk}


def test_the_four_screened_out_candidates_and_their_reasons(paper):
    screened_out = Candidate.objects.filter(community__program=paper, stage=Stage.SCREENED_OUT)
    assert screened_out.count() == 4
    assert not Candidate.objects.filter(community__program=paper).exclude(
        stage__in=(Stage.ENROLLED, Stage.SCREENED_OUT)
    )
    failed = {}
    for candidate in screened_out.select_related("person"):
        assert candidate.enrolment is None
        assert not candidate.person.enrolments.exists()  # never counted in Tables 1 and 2
        assessment = candidate.assessments.current().get()
        assert assessment.result == AssessmentResult.NOT_ELIGIBLE and not assessment.overridden
        judgement = judge_assessment(assessment)
        assert len(judgement.failed) == 1, candidate  # one reason each
        finding = judgement.failed[0]
        assert candidate.screened_out_reason == judgement.failed_in_words()
        failed[candidate.role, finding.code] = (candidate, assessment, finding)
    assert set(failed) == {
        ("consumer", "age"),
        ("consumer", "stable_months"),
        ("consumer", "substance_abuse"),
        ("peer", "psp"),
    }
    candidate, assessment, finding = failed["consumer", "age"]
    assert assessment.age == 63 == candidate.person.age_on(assessment.assessed_on)
    assert "63" in finding.reason and "63" in candidate.screened_out_reason
    candidate, assessment, finding = failed["consumer", "stable_months"]
    assert assessment.stable_months == 2 and "2" in candidate.screened_out_reason
    candidate, assessment, finding = failed["consumer", "substance_abuse"]
    assert assessment.substance_abuse == "yes" and assessment.note
    candidate, assessment, finding = failed["peer", "psp"]
    assert assessment.psp_score == 45 and "45" in candidate.screened_out_reason
    assert candidate.source == "doctor" and candidate.recommended_by.username == "doctor"


def test_the_paper_tables_count_only_the_enrolled(paper):
    in_service = Enrolment.objects.in_service().filter(community__program=paper)
    assert in_service.filter(role="peer").count() == 12
    assert in_service.filter(role="consumer").count() == 50
    assert Enrolment.objects.filter(community__program=paper).count() == 63


def test_caregivers_agreed_to_be_contacted_and_the_round_lists_them(paper):
    people, caregivers = demo_population()
    enrolled_on = {p.name: p.enrolled_on for p in people}
    links = CaregiverLink.objects.filter(cared_for__program=paper).select_related(
        "caregiver", "cared_for"
    )
    assert links.count() == 15
    for link in links:
        consent = Consent.objects.current().get(
            person=link.caregiver, document__kind="caregiver_contact"
        )
        # The day the patient enrolled, as before consents existed.
        assert consent.signed_on == enrolled_on[link.cared_for.name]
        assert consent.witness and consent.recorded_by.username == "research"
        interview = NeedsInterview.objects.current().get(
            person=link.caregiver, respondent="caregiver"
        )
        assert interview.interviewed_on == consent.signed_on
    december = EvaluationRound.objects.get(program=paper)
    listed = Counter(e.respondent for e in evaluation_selectors.expected(december))
    assert listed == {"consumer": 24, "peer": 7, "caregiver": 15}


def test_needs_sums_follow_the_papers_top_three(paper, living):
    for program in (paper, living):
        rows = (
            NeedsInterviewCategory.objects.filter(
                interview__community__program=program, interview__voided_at__isnull=True
            )
            .values("category")
            .annotate(n=Count("pk"))
        )
        sums = {row["category"]: row["n"] for row in rows}
        assert len(sums) == 8, program  # every category named by someone
        ranked = sorted(sums, key=lambda c: -sums[c])
        assert tuple(ranked[:3]) == TOP_THREE, (program, sums)
        assert sums[TOP_THREE[0]] > sums[TOP_THREE[1]] > sums[TOP_THREE[2]] > sums[ranked[3]]


def test_documents_and_criteria_are_version_1_in_use_before_the_first_signature(paper, living):
    for program in (paper, living):
        documents = ConsentDocument.objects.filter(program=program)
        assert sorted(documents.values_list("kind", "version")) == [
            ("caregiver_contact", 1),
            ("informed_consent", 1),
            ("service_agreement", 1),
        ]
        first = Consent.objects.filter(document__program=program).aggregate(m=Min("signed_on"))
        assert all(d.effective_from <= first["m"] for d in documents)
        assert set(Criteria.objects.filter(program=program).values_list("role", "version")) == {
            ("peer", 1),
            ("consumer", 1),
        }


# --- the living program ----------------------------------------------------------------------


def test_every_living_peer_and_consumer_was_screened_and_consented_before_enrolment(living):
    sources = check_screened_before_enrolment(living)
    assert sum(sources.values()) == 23  # with the new peer in training


def test_the_living_program_has_a_candidate_at_every_stage(living):
    candidates = Candidate.objects.filter(community__program=living).select_related("person")
    stages = Counter(candidates.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values)
    assert stages[Stage.ENROLLED] == 23

    # Recommended a few days ago; waiting for the psychiatrist today: no assessment yet.
    waiting = candidates.get(stage=Stage.RECOMMENDED)
    assert D - timedelta(days=7) <= waiting.recommended_on < D
    assert not Assessment.objects.filter(candidate=waiting).exists()
    assert f"{D.month} 月 {D.day} 日" in waiting.reason
    assert waiting.source == "doctor" and waiting.recommended_by.username == "doctor"

    # Assessed, the family's report on medication awaited.
    assessed = candidates.get(stage=Stage.ASSESSED).assessments.current().get()
    assert assessed.result == AssessmentResult.INCOMPLETE
    assert assessed.adherence_family == "unknown" and assessed.adherence_patient == "yes"
    assert [f.code for f in judge_assessment(assessed).unknown] == ["adherence"]

    eligible = candidates.get(stage=Stage.ELIGIBLE)
    assert eligible.assessments.current().get().result == AssessmentResult.ELIGIBLE
    assert not Consent.objects.filter(person=eligible.person).exists()

    consented = candidates.get(stage=Stage.CONSENTED)
    assert consented.enrolment is None and not consented.person.enrolments.exists()
    kinds = set(
        Consent.objects.current()
        .filter(person=consented.person)
        .values_list("document__kind", flat=True)
    )
    assert kinds == set(REQUIRED_CONSENTS[consented.role])
    assert gate.missing(consented.person, role=consented.role, on=D) == []

    out = candidates.get(stage=Stage.SCREENED_OUT)
    assessment = out.assessments.current().get()
    assert out.screened_out_reason == judge_assessment(assessment).failed_in_words()
    assert out.screened_out_reason and "4" in out.screened_out_reason

    for candidate in candidates:
        assert candidate.recommended_on < D
        for assessment in candidate.assessments.all():
            assert candidate.recommended_on <= assessment.assessed_on < D
            assert timezone.localdate(assessment.created_at) == assessment.assessed_on
        assert candidate.created_at < MOMENT
        assert timezone.localdate(candidate.created_at) == candidate.recommended_on


def test_every_living_person_has_an_enrolment_a_caregiver_link_or_a_candidacy(living):
    people = Person.objects.filter(program=living)
    assert not (
        people.exclude(enrolments__community__program=living)
        .exclude(cares_for__isnull=False)
        .exclude(candidacies__isnull=False)
        .exists()
    )
    for link in CaregiverLink.objects.filter(cared_for__program=living):
        consent = Consent.objects.current().get(
            person=link.caregiver, document__kind="caregiver_contact"
        )
        assert consent.signed_on == link.started_on


SCREENING_MODELS = (
    Candidate,
    Assessment,
    Consent,
    ConsentDocument,
    Criteria,
    NeedsInterview,
    NeedsInterviewCategory,
    Person,
    Enrolment,
)


def screening_counts() -> list[int]:
    tables = [*SCREENING_MODELS, *(m.history.model for m in SCREENING_MODELS)]
    return [table.objects.count() for table in tables]


def test_loading_again_adds_nothing_the_same_day_or_a_month_later(living):
    before = screening_counts()
    stages = list(Candidate.objects.order_by("pk").values_list("stage", flat=True))
    call_command("demo", stdout=StringIO())
    assert screening_counts() == before
    with time_machine.travel(MOMENT + timedelta(days=30), tick=False):
        call_command("demo", stdout=StringIO())
    assert screening_counts() == before
    assert list(Candidate.objects.order_by("pk").values_list("stage", flat=True)) == stages


def test_the_command_mentions_the_candidates(loaded):
    assert "screened out" in loaded and "candidate at each stage" in loaded


# --- the plans (no database) -----------------------------------------------------------------


def test_paper_plans_are_in_order_on_working_days():
    people, caregivers = demo_population()
    names = {code: name for code, name, _en, _started in COMMUNITIES}
    plans, _needs = demo_screening.paper_plans(people, caregivers, names)
    for person in people:
        plan = plans[person.key]
        days = (
            plan.recommended_on,
            plan.assessed_on,
            plan.consented_on,
            plan.interviewed_on,
            plan.enrolled_on,
        )
        assert list(days) == sorted(days) and plan.enrolled_on == person.enrolled_on
        assert plan.assessed_on < plan.enrolled_on
        assert all(day.weekday() < 5 for day in days), person.key
        assert plan.recommended_on >= demo_screening.PAPER_DOCUMENTS_FROM
    # The same plans every time (seeded).
    assert demo_screening.paper_plans(people, caregivers, names)[0] == plans


@pytest.mark.parametrize("years", [-1, 0, 1, 3, 8])
@pytest.mark.parametrize("weekday", [0, 5])
def test_living_plans_hold_on_any_first_load_day(years, weekday):
    """Whatever the first-load day, the people are of an age the criteria accept on their
    assessment day and every step comes before the next and before the day."""
    t0 = D + timedelta(days=365 * years + weekday)
    born = lambda day: living_demo._born(day, t0)  # noqa: E731
    candidates = demo_screening.living_candidates(t0, born)
    plans, _needs = demo_screening.living_plans(
        t0, living_demo.PEOPLE, living_demo.CAREGIVERS, candidates
    )
    people = {p.key: born(p.date_of_birth) for p in living_demo.PEOPLE}
    people |= {c.key: c.fields["date_of_birth"] for c in candidates}
    documents_from = t0 + timedelta(days=demo_screening.LIVING_DOCUMENTS_FROM)
    for key, plan in plans.items():
        days = [
            day
            for day in (
                plan.recommended_on,
                plan.assessed_on,
                plan.consented_on,
                plan.interviewed_on,
                plan.enrolled_on,
            )
            if day is not None
        ]
        assert days == sorted(days) and days[-1] < t0, key
        assert plan.recommended_on >= documents_from
        if plan.assessed_on is not None:
            age = plan.assessed_on.year - people[key].year
            age -= (plan.assessed_on.month, plan.assessed_on.day) < (
                people[key].month,
                people[key].day,
            )
            assert 18 <= age <= 60, (key, age)
            assert plan.assessed_on.weekday() < 5
