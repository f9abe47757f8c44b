"""Helpers of the consent tests: people screened, consented and enrolled through the gate,
and new versions of the program's documents."""

from __future__ import annotations

from datetime import date

from tongban.screening import services
from tongban.screening.models import ConsentDocument

from .conftest import consent_all, new_candidate, screen

ENROLLED = date(2014, 1, 15)


def enrolled(name, *, community, users, role="consumer", on=ENROLLED):
    """A person screened, consented (version 1, 2014-01-12) and enrolled on `on`."""
    candidate = new_candidate(name, community=community, role=role, by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"])
    consent_all(candidate.person, role, by=users["research"])
    services.candidate_enrol(candidate=candidate, started_on=on, by=users["manager"])
    return candidate.person


def new_version(
    program, kind, *, by, effective_from, reconsent_required_from=None, text="第二版"
) -> ConsentDocument:
    latest = ConsentDocument.objects.filter(program=program, kind=kind).order_by("-version")[0]
    return services.consent_document_create(
        program=program,
        kind=kind,
        by=by,
        title=latest.title,
        title_en=latest.title_en,
        body=f"{latest.body}\n{text}",
        body_en=f"{latest.body_en}\n{text}",
        effective_from=effective_from,
        reconsent_required_from=reconsent_required_from,
        note="修订",
    )
