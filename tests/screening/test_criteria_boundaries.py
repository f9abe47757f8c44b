"""Each criterion of the paper's at its boundary, through the service and the judge; the
reasons in words (English, and the Chinese page renders)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from tongban.screening import criteria as judging
from tongban.screening import services
from tongban.screening.models import AssessmentResult

from .conftest import PASSING, new_candidate, screen
from .helpers import born_aged

ON = date(2014, 1, 10)


def judged(assessment, code: str):
    return next(f for f in judging.judge_assessment(assessment).findings if f.code == code)


@pytest.mark.parametrize(
    ("years", "birthday_passed", "passes"),
    [
        (18, True, True),  # 18 today
        (17, False, False),  # turns 18 tomorrow
        (60, False, True),  # 60, turns 61 tomorrow
        (61, True, False),  # 61 today
    ],
)
def test_age_on_the_assessment_date(users, community_a, years, birthday_passed, passes):
    born = born_aged(years, ON, birthday_passed=birthday_passed)
    candidate = new_candidate("年龄", community=community_a, by=users["doctor"], born=born)
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], on=ON)
    assert assessment.age == years
    finding = judged(assessment, "age")
    assert finding.passed is passes
    expected = AssessmentResult.ELIGIBLE if passes else AssessmentResult.NOT_ELIGIBLE
    assert assessment.result == expected
    with translation.override("en"):
        finding = judged(assessment, "age")
    if passes:
        assert finding.reason == f"{years} years old, within 18-60"
    elif years < 18:
        assert finding.reason == "17 years old, below the lower limit of 18"
    else:
        assert finding.reason == "61 years old, above the upper limit of 60"


def test_the_age_comes_from_the_date_of_birth_not_the_form(users, community_a):
    born = born_aged(61, ON)
    candidate = new_candidate("生日", community=community_a, by=users["doctor"], born=born)
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], on=ON, age=40)
    assert assessment.age == 61
    assert assessment.result == AssessmentResult.NOT_ELIGIBLE


@pytest.mark.parametrize(("score", "passes"), [(51, True), (50, False), (100, True), (0, False)])
def test_psp_for_a_peer(users, community_a, score, passes):
    candidate = new_candidate("评分", community=community_a, by=users["doctor"], role="peer")
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], psp_score=score)
    assert judged(assessment, "psp").passed is passes
    assert (assessment.result == AssessmentResult.ELIGIBLE) is passes
    with translation.override("en"):
        reason = judged(assessment, "psp").reason
    if passes:
        assert reason == f"PSP {score} (at least 51)"
    else:
        assert reason == f"PSP {score}, below the required 51"


def test_a_consumer_needs_no_psp(users, community_a):
    candidate = new_candidate("无评分", community=community_a, by=users["doctor"])
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], psp_score=None)
    assert assessment.result == AssessmentResult.ELIGIBLE
    assert "psp" not in {f.code for f in judging.judge_assessment(assessment).findings}


@pytest.mark.parametrize(
    ("role", "months", "passes"),
    [("peer", 6, True), ("peer", 5, False), ("consumer", 3, True), ("consumer", 2, False)],
)
def test_months_stable(users, community_a, role, months, passes):
    candidate = new_candidate("稳定", community=community_a, by=users["doctor"], role=role)
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], stable_months=months)
    assert judged(assessment, "stable_months").passed is passes
    assert (assessment.result == AssessmentResult.ELIGIBLE) is passes
    least = 6 if role == "peer" else 3
    with translation.override("en"):
        reason = judged(assessment, "stable_months").reason
    if passes:
        assert reason == f"stable {months} months (at least {least})"
    else:
        assert reason == f"stable {months} months, fewer than the {least} required"


@pytest.mark.parametrize(
    ("findings", "code", "reason"),
    [
        ({"diagnosis": "other"}, "diagnosis", "other, not an accepted diagnosis"),
        ({"substance_abuse": "yes"}, "substance_abuse", "drug or alcohol abuse"),
        ({"severe_medical_illness": "yes"}, "severe_medical_illness", "severe medical illness"),
        ({"insight": "no"}, "insight", "no insight into the illness"),
        ({"adherence_family": "no"}, "adherence", "not adherent by the family's report"),
        (
            {"adherence_patient": "no", "adherence_family": "no"},
            "adherence",
            "not adherent by the patient's report and the family's report",
        ),
    ],
)
def test_each_yes_no_criterion_fails_a_peer_in_words(users, community_a, findings, code, reason):
    candidate = new_candidate("同伴候选", community=community_a, by=users["doctor"], role="peer")
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], **findings)
    assert assessment.result == AssessmentResult.NOT_ELIGIBLE
    with translation.override("en"):
        finding = judged(assessment, code)
    assert finding.passed is False
    assert finding.reason.startswith(reason)
    candidate.refresh_from_db()
    assert candidate.stage == "screened_out"


def test_unknown_answers_leave_the_assessment_incomplete(users, community_a):
    candidate = new_candidate("未知", community=community_a, by=users["doctor"], role="peer")
    assessment = services.assessment_record(
        candidate=candidate,
        by=users["psychiatrist"],
        assessed_on=ON,
        fields={**PASSING, "adherence_family": "unknown", "psp_score": None},
    )
    assert assessment.result == AssessmentResult.INCOMPLETE
    unknown = {f.code for f in judging.judge_assessment(assessment).unknown}
    assert unknown == {"adherence", "psp"}
    candidate.refresh_from_db()
    assert candidate.stage == "assessed"


def test_the_reasons_show_on_the_chinese_page(client_for, users, community_a):
    born = born_aged(63, ON)
    candidate = new_candidate("六十三岁", community=community_a, by=users["doctor"], born=born)
    screen(candidate, psychiatrist=users["psychiatrist"], on=ON)
    client = client_for(users["doctor"])
    with translation.override("zh-hans"):
        response = client.get(f"/screening/candidates/{candidate.pk}/", HTTP_ACCEPT_LANGUAGE="zh")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="zh-hans"' in body
    assert "63" in body and "60" in body
    with translation.override("zh-hans"):
        reason = judged(candidate.assessments.get(), "age").reason
    assert reason in body
