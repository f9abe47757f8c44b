"""An evaluation round in community A (December 2014, like the paper's) and helpers."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.evaluation import services
from tongban.evaluation.models import EvaluationRound
from tongban.evaluation.standard import ensure_standard_questions
from tongban.registry import services as registry
from tongban.screening import services as screening
from tongban.screening.models import Consent, ConsentDocument, ConsentKind

ROUND_START = date(2014, 12, 1)
ROUND_END = date(2014, 12, 31)
IN_ROUND = date(2014, 12, 10)


@pytest.fixture(autouse=True)
def standard_questions(db) -> None:
    # A database flushed by a live-server test elsewhere has lost the migration's rows.
    ensure_standard_questions()


@pytest.fixture
def evaluation_round(users, community_a) -> EvaluationRound:
    return services.evaluation_round_create(
        program=community_a.program,
        by=users["research"],
        name="2014年12月评估",
        name_en="December 2014 evaluation",
        starts_on=ROUND_START,
        ends_on=ROUND_END,
        communities=[community_a],
    )


def change_status(person, status: str, on: date, reason: str = "x") -> None:
    registry.enrolment_change_status(
        enrolment=person.enrolments.get(), status=status, effective_on=on, reason=reason
    )


def link_caregiver(caregiver, cared_for, agreed_on: date | None = date(2014, 3, 1)) -> None:
    """A caregiver of `cared_for`; with `agreed_on`, they signed the agreement to be
    contacted (version 1 of the program's document) that day, unless they already had."""
    registry.caregiver_link_create(caregiver=caregiver, cared_for=cared_for, relationship="parent")
    if agreed_on is not None:
        sign_contact_agreement(caregiver, agreed_on)


def sign_contact_agreement(caregiver, on: date, *, version: int = 1):
    screening.consent_documents_ensure(program=caregiver.program)
    document = ConsentDocument.objects.get(
        program=caregiver.program, kind=ConsentKind.CAREGIVER_CONTACT, version=version
    )
    held = Consent.objects.current().filter(person=caregiver, document=document)
    if held.filter(withdrawn_on__isnull=True).exists():
        return held.first()  # a caregiver of two patients agrees once
    return screening.consent_record(
        person=caregiver, document=document, signed_on=on, witness="王护士", by=None
    )


def interview_url(evaluation_round, person, respondent: str = "consumer") -> str:
    return f"/evaluation/{evaluation_round.pk}/interview/{person.pk}/{respondent}/"
