"""Overrides: only of a failed result, only with a written justification; flagged wherever
the result shows and counted on the program's figures."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.core.concurrency import current_version
from tongban.screening.models import Assessment, AssessmentResult, Stage

from .conftest import consent_all, new_candidate, screen
from .helpers import in_english
from .test_assessment_pages import assess_url, form_data

JUSTIFICATION = "稳定仅两个月，但家属全力支持，社区医生每周随访"


@pytest.fixture
def psychiatrist(client_for, users):
    return client_for(in_english(users["psychiatrist"]))


def test_an_eligible_result_cannot_be_overridden(psychiatrist, users, community_a):
    candidate = new_candidate("合格", community=community_a, by=users["doctor"])
    data = form_data(overridden="on", override_justification=JUSTIFICATION)
    response = psychiatrist.post(assess_url(candidate), data)
    assert response.status_code == 200
    assert response.context["form"].errors["overridden"] == [
        "Only a failed result can be overridden."
    ]
    assert not Assessment.objects.exists()


def test_an_incomplete_result_cannot_be_overridden(psychiatrist, users, community_a):
    candidate = new_candidate("不全", community=community_a, by=users["doctor"])
    data = form_data(substance_abuse="unknown", overridden="on", override_justification="x")
    response = psychiatrist.post(assess_url(candidate), data)
    assert "overridden" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_the_justification_is_required(psychiatrist, users, community_a):
    candidate = new_candidate("无理由", community=community_a, by=users["doctor"])
    data = form_data(stable_months="2", overridden="on", override_justification="  ")
    response = psychiatrist.post(assess_url(candidate), data)
    assert response.context["form"].errors["override_justification"] == [
        "Write the justification for overriding the failed result."
    ]
    assert not Assessment.objects.exists()


def test_an_override_is_flagged_everywhere_and_counted(
    psychiatrist, client_for, users, community_a, documents
):
    candidate = new_candidate("推翻", community=community_a, by=users["doctor"])
    data = form_data(stable_months="2", overridden="on", override_justification=JUSTIFICATION)
    assert psychiatrist.post(assess_url(candidate), data).status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.result, assessment.overridden) == (AssessmentResult.NOT_ELIGIBLE, True)
    assert assessment.override_justification == JUSTIFICATION
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ELIGIBLE  # it passes: the gate may open

    # An ordinary eligible candidate beside it, to tell the two apart.
    plain = new_candidate("普通", community=community_a, by=users["doctor"])
    screen(plain, psychiatrist=users["psychiatrist"])

    reader = client_for(in_english(users["research"]))
    listing = reader.get("/screening/candidates/")
    rows = listing.content.decode().split('<tr id="candidate-')
    flagged = next(row for row in rows if row.startswith(f'{candidate.pk}"'))
    unflagged = next(row for row in rows if row.startswith(f'{plain.pk}"'))
    assert "override-flag" in flagged and "override-flag" not in unflagged
    assert listing.context["figures"].overrides == 1
    assert "1 failed result overridden by the psychiatrist" in listing.content.decode()

    for url in (
        f"/screening/candidates/{candidate.pk}/",
        f"/screening/assessments/{assessment.pk}/",
    ):
        body = reader.get(url).content.decode()
        assert "override-flag" in body
        assert JUSTIFICATION in body
        assert "stable 2 months, fewer than the 3 required" in body

    # Through the gate with the consents.
    consent_all(candidate.person, "consumer", by=users["research"])
    manager = client_for(users["manager"])
    url = f"/screening/candidates/{candidate.pk}/enrol/"
    assert manager.post(url, {"started_on": "2014-02-01"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ENROLLED


def test_voided_overrides_are_not_counted(psychiatrist, users, community_a):
    candidate = new_candidate("作废推翻", community=community_a, by=users["doctor"])
    data = form_data(stable_months="2", overridden="on", override_justification=JUSTIFICATION)
    psychiatrist.post(assess_url(candidate), data)
    assessment = Assessment.objects.get()
    psychiatrist.post(f"/screening/assessments/{assessment.pk}/void/", {"reason": "录错"})
    assert psychiatrist.get("/screening/candidates/").context["figures"].overrides == 0


def test_override_added_and_removed_on_edit(psychiatrist, users, community_a):
    candidate = new_candidate("修改推翻", community=community_a, by=users["doctor"])
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], stable_months=2)
    url = f"/screening/assessments/{assessment.pk}/edit/"
    data = form_data(
        version=str(current_version(assessment)),
        stable_months="2",
        overridden="on",
        override_justification=JUSTIFICATION,
    )
    assert psychiatrist.post(url, data).status_code == 302
    assessment.refresh_from_db()
    candidate.refresh_from_db()
    assert assessment.overridden and candidate.stage == Stage.ELIGIBLE
    history = psychiatrist.get(f"/screening/assessments/{assessment.pk}/").context["history"]
    changed = {change.label: change.new for change in history[0].changes}
    assert changed["failed result overridden"] == "yes"
    assert changed["justification for the override"] == JUSTIFICATION
    # Corrected findings that pass leave nothing to override: the override must go.
    data = form_data(
        version=str(current_version(assessment)),
        stable_months="12",
        overridden="on",
        override_justification=JUSTIFICATION,
    )
    response = psychiatrist.post(url, data)
    assert "overridden" in response.context["form"].errors
    data = form_data(version=str(current_version(assessment)), stable_months="12")
    assert psychiatrist.post(url, data).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.result, assessment.overridden, assessment.override_justification) == (
        AssessmentResult.ELIGIBLE,
        False,
        "",
    )


def test_the_overridden_result_shows_its_date(psychiatrist, users, community_a):
    candidate = new_candidate("日期", community=community_a, by=users["doctor"])
    data = form_data(stable_months="1", overridden="on", override_justification=JUSTIFICATION)
    psychiatrist.post(assess_url(candidate), data)
    body = psychiatrist.get("/screening/candidates/").content.decode()
    assert date(2014, 1, 10).isoformat() in body
