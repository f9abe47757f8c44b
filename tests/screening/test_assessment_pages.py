"""The psychiatrist's assessment pages: one form with the criteria of the version in
force, the verdict per criterion, corrections under the assessment's own version, voiding,
reassessment after screening out, and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tongban.core.concurrency import current_version
from tongban.screening import services
from tongban.screening.models import Assessment, AssessmentResult, Criteria, Stage

from .conftest import PASSING, new_candidate, screen
from .helpers import born_aged, in_english


def assess_url(candidate) -> str:
    return f"/screening/candidates/{candidate.pk}/assess/"


def form_data(**changes) -> dict:
    data = {
        "assessed_on": "2014-01-10",
        "diagnosis": "schizophrenia",
        "medical_record": "王医生（社区卫生服务中心）",
        "stable_months": "12",
        "adherence_patient": "yes",
        "adherence_family": "yes",
        "insight": "yes",
        "substance_abuse": "no",
        "severe_medical_illness": "no",
        "psp_score": "70",
        "compassionate": "on",
        "practical_skills": "烹饪",
        "note": "",
        "override_justification": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def psychiatrist(client_for, users):
    return client_for(in_english(users["psychiatrist"]))


def test_a_peer_candidate_gets_every_peer_criterion(psychiatrist, users, community_a):
    candidate = new_candidate("同伴候选", community=community_a, by=users["doctor"], role="peer")
    response = psychiatrist.get(assess_url(candidate))
    assert response.status_code == 200
    fields = set(response.context["form"].fields)
    assert {
        "assessed_on",
        "diagnosis",
        "medical_record",
        "stable_months",
        "adherence_patient",
        "adherence_family",
        "insight",
        "substance_abuse",
        "severe_medical_illness",
        "psp_score",
        "compassionate",
        "practical_skills",
        "overridden",
        "override_justification",
    } <= fields
    assert "age" not in fields  # from the date of birth
    body = response.content.decode()
    assert 'type="radio" name="insight" value="unknown"' in body
    assert "Compassionate and willing to help others" in body  # the preferred qualities
    assert 'id="age-shown"' in body


def test_a_consumer_candidate_gets_the_consumer_criteria(psychiatrist, users, community_a):
    candidate = new_candidate("服务对象候选", community=community_a, by=users["doctor"])
    fields = set(psychiatrist.get(assess_url(candidate)).context["form"].fields)
    assert not fields & {"psp_score", "adherence_patient", "insight", "compassionate"}
    assert {"substance_abuse", "severe_medical_illness", "stable_months"} <= fields


def test_the_age_is_asked_only_without_a_date_of_birth(psychiatrist, users, community_a):
    candidate = new_candidate("无生日", community=community_a, by=users["doctor"], born=None)
    form = psychiatrist.get(assess_url(candidate)).context["form"]
    assert "age" in form.fields
    response = psychiatrist.post(assess_url(candidate), form_data(age="45"))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.age, assessment.result) == (45, AssessmentResult.ELIGIBLE)


def test_the_age_shown_is_on_the_assessment_date(psychiatrist, users, community_a):
    today = timezone.localdate()
    born = born_aged(40, today)
    candidate = new_candidate(
        "年龄显示", community=community_a, by=users["doctor"], born=born, recommended_on=today
    )
    response = psychiatrist.get(assess_url(candidate))
    assert response.context["form"].shown_age == 40
    assert '<strong id="age-value">40</strong>' in response.content.decode()


def test_saving_shows_the_verdict_per_criterion(psychiatrist, users, community_a):
    candidate = new_candidate("合格", community=community_a, by=users["doctor"], role="peer")
    response = psychiatrist.post(assess_url(candidate), form_data())
    assert response.status_code == 302
    assert response["Location"] == f"/screening/candidates/{candidate.pk}/"
    assessment = Assessment.objects.get()
    assert assessment.result == AssessmentResult.ELIGIBLE
    assert (assessment.assessed_by, assessment.psp_score, assessment.compassionate) == (
        users["psychiatrist"],
        70,
        True,
    )
    assert assessment.medical_record == "王医生（社区卫生服务中心）"
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ELIGIBLE
    body = psychiatrist.get(response["Location"]).content.decode()
    assert body.count("verdict-pass") == 8  # every peer criterion
    assert "PSP 70 (at least 51)" in body
    assert "schizophrenia, accepted" in body
    assert "result-eligible" in body


def test_a_failed_criterion_screens_out_with_the_reason(psychiatrist, users, community_a):
    candidate = new_candidate("不合格", community=community_a, by=users["doctor"], role="peer")
    psychiatrist.post(assess_url(candidate), form_data(psp_score="45", substance_abuse="yes"))
    assessment = Assessment.objects.get()
    assert assessment.result == AssessmentResult.NOT_ELIGIBLE
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SCREENED_OUT
    # Stored in the program's language.
    assert "PSP 45 分，低于要求的 51 分" in candidate.screened_out_reason
    body = psychiatrist.get(f"/screening/candidates/{candidate.pk}/").content.decode()
    assert body.count("verdict-fail") == 2
    assert "drug or alcohol abuse" in body


def test_every_error_in_one_round_nothing_saved(psychiatrist, users, community_a):
    candidate = new_candidate("错误", community=community_a, by=users["doctor"], role="peer")
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = form_data(
        assessed_on=future, psp_score="101", stable_months="-1", insight="maybe", overridden="on"
    )
    response = psychiatrist.post(assess_url(candidate), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {
        "assessed_on",
        "psp_score",
        "stable_months",
        "insight",
        "override_justification",
    } <= set(errors)
    assert "error-summary" in response.content.decode()
    assert not Assessment.objects.exists()
    # Before the candidate came.
    response = psychiatrist.post(assess_url(candidate), form_data(assessed_on="2013-12-01"))
    assert (
        "The date is before the candidate came" in response.context["form"].errors["assessed_on"][0]
    )
    assert not Assessment.objects.exists()


def test_the_extra_criteria_of_the_version_are_asked_and_judged(psychiatrist, users, community_a):
    current = services.criteria_current(program=community_a.program, role="consumer")
    fields = {name: getattr(current, name) for name in services.CRITERIA_FIELDS}
    fields["extra"] = [
        {"code": "lives_nearby", "label": "住在社区附近", "label_en": "Lives nearby"}
    ]
    services.criteria_revise(
        program=community_a.program,
        role="consumer",
        by=users["manager"],
        version=current.version,
        fields=fields,
        note="加一条：住在附近",
    )
    candidate = new_candidate("附近", community=community_a, by=users["doctor"])
    form = psychiatrist.get(assess_url(candidate)).context["form"]
    assert form.fields["extra_0"].label == "Lives nearby"
    psychiatrist.post(assess_url(candidate), form_data(extra_0="no"))
    assessment = Assessment.objects.get()
    assert assessment.extra_answers == {"lives_nearby": "no"}
    assert assessment.criteria.version == 2
    assert assessment.result == AssessmentResult.NOT_ELIGIBLE
    body = psychiatrist.get(f"/screening/candidates/{candidate.pk}/").content.decode()
    assert "Lives nearby: no" in body


@pytest.mark.parametrize("name", ["doctor", "manager", "research", "psychologist", "peer"])
def test_only_the_psychiatrist_assesses(client_for, users, community_a, name):
    candidate = new_candidate("权限", community=community_a, by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"])
    assessment = Assessment.objects.get()
    client = client_for(users[name])
    for url in (
        assess_url(candidate),
        f"/screening/assessments/{assessment.pk}/edit/",
        f"/screening/assessments/{assessment.pk}/void/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, form_data()).status_code == 403
    assert Assessment.objects.count() == 1


# --- Reassessment, correction, voiding -------------------------------------------------------


def test_a_screened_out_candidate_is_assessed_again_later(psychiatrist, users, community_a):
    candidate = new_candidate("再评估", community=community_a, by=users["doctor"])
    psychiatrist.post(assess_url(candidate), form_data(stable_months="2"))
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SCREENED_OUT
    body = psychiatrist.get(f"/screening/candidates/{candidate.pk}/").content.decode()
    assert assess_url(candidate) in body  # "assess again"
    psychiatrist.post(assess_url(candidate), form_data(assessed_on="2014-03-10", stable_months="4"))
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ELIGIBLE
    results = list(candidate.assessments.order_by("assessed_on").values_list("result", flat=True))
    assert results == [AssessmentResult.NOT_ELIGIBLE, AssessmentResult.ELIGIBLE]
    page = psychiatrist.get(f"/screening/candidates/{candidate.pk}/")
    assert len(page.context["assessments"]) == 2


def test_correcting_completes_an_assessment_and_keeps_the_history(psychiatrist, users, community_a):
    candidate = new_candidate("补全", community=community_a, by=users["doctor"], role="peer")
    assessment = services.assessment_record(
        candidate=candidate,
        by=users["psychiatrist"],
        assessed_on=date(2014, 1, 10),
        fields={**PASSING, "adherence_family": "unknown"},
    )
    assert assessment.result == AssessmentResult.INCOMPLETE
    url = f"/screening/assessments/{assessment.pk}/edit/"
    form = psychiatrist.get(url).context["form"]
    assert form.initial["adherence_family"] == "unknown"
    assert form.initial["version"] == current_version(assessment)
    data = form_data(version=str(current_version(assessment)), adherence_family="yes")
    response = psychiatrist.post(url, data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.result == AssessmentResult.ELIGIBLE
    page = psychiatrist.get(f"/screening/assessments/{assessment.pk}/")
    history = page.context["history"]
    assert len(history) == 2  # created, then changed
    changed = {change.label for change in history[0].changes}
    assert "adherent to medication (family's report)" in changed
    assert "result" in changed


def test_a_stale_form_is_refused_with_what_changed(psychiatrist, users, community_a):
    candidate = new_candidate("并发", community=community_a, by=users["doctor"])
    assessment = screen(candidate, psychiatrist=users["psychiatrist"])
    opened = current_version(assessment)
    services.assessment_update(
        assessment=assessment,
        version=opened,
        assessed_on=date(2014, 1, 10),
        fields={**PASSING, "stable_months": 2},
    )
    url = f"/screening/assessments/{assessment.pk}/edit/"
    response = psychiatrist.post(url, form_data(version=str(opened), stable_months="24"))
    assert response.status_code == 200
    assert "months stable" in " ".join(response.context["conflict"])
    assessment.refresh_from_db()
    assert assessment.stable_months == 2


def test_void_with_a_reason(psychiatrist, users, community_a):
    candidate = new_candidate("作废", community=community_a, by=users["doctor"])
    assessment = screen(candidate, psychiatrist=users["psychiatrist"])
    url = f"/screening/assessments/{assessment.pk}/void/"
    response = psychiatrist.post(url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    response = psychiatrist.post(url, {"reason": "录入了错误的人"})
    assert response["Location"] == f"/screening/candidates/{candidate.pk}/"
    assessment.refresh_from_db()
    assert assessment.is_voided and assessment.void_reason == "录入了错误的人"
    candidate.refresh_from_db()
    assert candidate.stage == Stage.RECOMMENDED
    body = psychiatrist.get(f"/screening/candidates/{candidate.pk}/").content.decode()
    assert "录入了错误的人" in body and "status-voided" in body
    # A voided assessment is neither edited nor voided again.
    assert psychiatrist.get(f"/screening/assessments/{assessment.pk}/edit/").status_code == 302
    assert psychiatrist.post(url, {"reason": "again"}).status_code == 302
    detail = psychiatrist.get(f"/screening/assessments/{assessment.pk}/").content.decode()
    assert f"/screening/assessments/{assessment.pk}/edit/" not in detail


def test_staff_of_the_community_read_the_assessment(client_for, users, community_a):
    candidate = new_candidate("阅读", community=community_a, by=users["doctor"])
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], note="家属陪同来访")
    for name in ("doctor", "research", "psychologist", "socialworker", "manager"):
        response = client_for(users[name]).get(f"/screening/assessments/{assessment.pk}/")
        assert response.status_code == 200
        assert "家属陪同来访" in response.content.decode()
        assert f"/screening/assessments/{assessment.pk}/edit/" not in response.content.decode()


def test_the_criteria_version_of_the_assessment_is_named(psychiatrist, users, community_a):
    candidate = new_candidate("版本", community=community_a, by=users["doctor"])
    assessment = screen(candidate, psychiatrist=users["psychiatrist"])
    criteria = Criteria.objects.get()
    body = psychiatrist.get(f"/screening/assessments/{assessment.pk}/").content.decode()
    assert f'href="/screening/criteria/{criteria.pk}/"' in body
    assert "criteria for consumer, version 1" in body


def test_a_criterion_not_known_yet_says_so_once(client_for, users, community_a, documents):
    from tests.screening.conftest import new_candidate, screen

    candidate = new_candidate(
        "待补家属报告", community=community_a, role="peer", by=users["doctor"]
    )
    screen(candidate, psychiatrist=users["psychiatrist"], insight="unknown")
    page = client_for(users["psychiatrist"]).get(f"/screening/candidates/{candidate.pk}/")
    body = page.content.decode()
    assert 'verdict-word">尚不清楚</span>' in body
    assert 'verdict-reason">尚不清楚<' not in body
