"""Screening fixtures: the program's paper criteria and documents, and a person screened,
consented and enrolled through the gate (not through `make_person`'s legacy path)."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.registry.models import Person
from tongban.screening import services
from tongban.screening.models import REQUIRED_CONSENTS, Answer, ConsentDocument

# Findings that pass every criterion of the paper's, for either role.
PASSING = {
    "diagnosis": "schizophrenia",
    "stable_months": 12,
    "adherence_patient": Answer.YES,
    "adherence_family": Answer.YES,
    "insight": Answer.YES,
    "substance_abuse": Answer.NO,
    "severe_medical_illness": Answer.NO,
    "psp_score": 70,
}


@pytest.fixture
def documents(program) -> dict[str, ConsentDocument]:
    """kind -> version 1 of the program's documents (the paper's texts)."""
    services.consent_documents_ensure(program=program)
    return {d.kind: d for d in ConsentDocument.objects.filter(program=program, version=1)}


def new_candidate(
    name,
    *,
    community,
    role="consumer",
    by,
    recommended_on=date(2014, 1, 6),
    born=date(1975, 3, 1),
    **fields,
) -> services.Candidate:
    """A new person as a candidate (a doctor's recommendation)."""
    return services.candidate_create_with_person(
        fields={"name": name, "sex": "female", "date_of_birth": born, **fields},
        community=community,
        role=role,
        by=by,
        source="doctor",
        recommended_by=by,
        recommended_on=recommended_on,
    )


def screen(candidate, *, psychiatrist, on=date(2014, 1, 10), **findings):
    """An assessment with passing findings, changed by `findings`."""
    return services.assessment_record(
        candidate=candidate, by=psychiatrist, assessed_on=on, fields={**PASSING, **findings}
    )


def consent_all(person: Person, role: str, *, by, on=date(2014, 1, 12), documents=None):
    """Sign every document the role requires (version 1)."""
    documents = documents or {
        d.kind: d for d in ConsentDocument.objects.filter(program=person.program, version=1)
    }
    return [
        services.consent_record(
            person=person, document=documents[kind], signed_on=on, witness="王护士", by=by
        )
        for kind in REQUIRED_CONSENTS[role]
    ]
