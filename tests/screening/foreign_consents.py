"""Community B's consents objects for the URL walk (collected by foreign.py; also called
with program B's community and users by tests/registry/other_program.py)."""

from __future__ import annotations

from datetime import date

from tests.conftest import make_person
from tongban.registry.models import Program
from tongban.screening import services
from tongban.screening.models import Consent, ConsentDocument

# Texts that only these objects hold: no page of a user of another community may show them.
SENTINELS: list[str] = [
    "乙社区签署者哨兵",
    "乙社区见证人哨兵",
    "乙社区同意备注哨兵",
    "乙社区撤回理由哨兵",
    "别项目同意书哨兵",
    "Elsewhere consent sentinel",
    "别项目同意书正文哨兵",
]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    program = community_b.program
    services.consent_documents_ensure(program=program)
    # In service in community B, on version 1 of the informed consent; version 2 asks
    # for re-consent, so the people-to-sign-again page has a community-B row to keep out.
    person = make_person("乙社区签署者哨兵", community=community_b, started_on=date(2015, 8, 1))
    first = ConsentDocument.objects.get(program=program, kind="informed_consent", version=1)
    # Straight through the ORM: the walk wants the bare records, not the services' checks.
    signed = Consent.objects.create(
        person=person,
        document=first,
        signed_on=date(2015, 8, 1),
        witness="乙社区见证人哨兵",
        note="乙社区同意备注哨兵",
        recorded_by=users["manager"],
    )
    Consent.objects.create(
        person=person,
        document=ConsentDocument.objects.get(program=program, kind="service_agreement", version=1),
        signed_on=date(2015, 8, 1),
        witness="乙社区见证人哨兵",
        recorded_by=users["manager"],
        withdrawn_on=date(2015, 9, 1),
        withdrawal_reason="乙社区撤回理由哨兵",
    )
    latest = ConsentDocument.objects.filter(program=program, kind="informed_consent")
    if not latest.filter(reconsent_required_from__isnull=False).exists():
        services.consent_document_create(
            program=program,
            kind="informed_consent",
            by=users["manager"],
            title=first.title,
            title_en=first.title_en,
            body=first.body + "\n\n（第二版）",
            body_en=first.body_en + "\n\n(Version 2)",
            effective_from=date(2016, 1, 1),
            reconsent_required_from=date(2016, 3, 1),
            note="walk",
        )
    # Documents belong to a program, not to a community: every staff member of the program
    # reads them. The only documents a user must not reach are another program's.
    elsewhere = Program.objects.create(
        name="别项目",
        name_en="Elsewhere",
        slug=f"consents-walk-{community_b.code}",
        started_on=date(2012, 1, 1),
    )
    foreign_document = ConsentDocument.objects.create(
        program=elsewhere,
        kind="informed_consent",
        version=1,
        title="别项目同意书哨兵",
        title_en="Elsewhere consent sentinel",
        body="别项目同意书正文哨兵",
        effective_from=date(2012, 1, 1),
    )
    return {
        "screening:document_detail": foreign_document.pk,
        "screening:document_print": foreign_document.pk,
        # A new version is of the user's own program's document, named by kind: there is
        # no object of another community or program to give it. A kind that does not
        # exist answers 404 (the manager) or 403 (everyone else).
        "screening:document_create": {"kind": "no_such_document"},
        "screening:consent_create": {"person_pk": person.pk},
        "screening:consent_detail": signed.pk,
        "screening:consent_withdraw": signed.pk,
        "screening:consent_void": signed.pk,
    }
