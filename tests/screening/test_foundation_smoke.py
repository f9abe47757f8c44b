from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tongban.screening import gate, services
from tongban.screening.models import AssessmentResult, Stage

from .conftest import consent_all, new_candidate, screen


def test_a_candidate_through_the_gate(users, community_a, documents):
    candidate = new_candidate("候选人", community=community_a, by=users["doctor"])
    assert candidate.stage == Stage.RECOMMENDED
    with pytest.raises(ValidationError) as error:
        services.candidate_enrol(
            candidate=candidate, started_on=date(2014, 2, 1), by=users["manager"]
        )
    assert "入组评估" in str(error.value)
    assessment = screen(candidate, psychiatrist=users["psychiatrist"])
    assert assessment.result == AssessmentResult.ELIGIBLE
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ELIGIBLE
    consent_all(candidate.person, "consumer", by=users["research"])
    candidate.refresh_from_db()
    assert candidate.stage == Stage.CONSENTED
    services.candidate_enrol(candidate=candidate, started_on=date(2014, 2, 1), by=users["manager"])
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ENROLLED
    assert gate.missing(candidate.person, role="consumer", on=date(2014, 2, 1)) == []


def test_age_61_screens_out(users, community_a, documents):
    candidate = new_candidate(
        "老人", community=community_a, by=users["doctor"], born=date(1952, 1, 1)
    )
    assessment = screen(candidate, psychiatrist=users["psychiatrist"])
    assert assessment.result == AssessmentResult.NOT_ELIGIBLE
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SCREENED_OUT
    assert "62 岁，超过 60 岁上限" in candidate.screened_out_reason
