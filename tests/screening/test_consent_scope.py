"""Who reaches which consent: staff of another community get 404 for a consent, a person's
consent page and another program's document; peers get 403 on every consent page."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.registry.models import Program
from tongban.screening import services
from tongban.screening.models import Consent, ConsentDocument

from .consent_helpers import enrolled


@pytest.fixture
def consent_b(users, community_b, documents) -> Consent:
    person = enrolled("乙社区服务对象二", community=community_b, users=users)
    return Consent.objects.get(person=person, document__kind="informed_consent")


@pytest.fixture
def elsewhere_document(db) -> ConsentDocument:
    other = Program.objects.create(name="别的项目", slug="elsewhere", started_on=date(2013, 1, 1))
    services.consent_documents_ensure(program=other)
    return other.consent_documents.get(kind="informed_consent")


def consent_urls(consent: Consent) -> list[str]:
    return [
        f"/screening/consents/{consent.pk}/",
        f"/screening/consents/{consent.pk}/withdraw/",
        f"/screening/consents/{consent.pk}/void/",
        f"/screening/people/{consent.person_id}/consents/new/",
    ]


@pytest.mark.parametrize("username", ["doctor", "research"])
def test_staff_of_another_community_get_404(client_for, users, consent_b, username):
    client = client_for(users[username])
    for url in consent_urls(consent_b):
        assert client.get(url).status_code == 404, url
        response = client.post(url, {"on": "2014-06-01", "reason": "x", "witness": "x"})
        assert response.status_code == 404, url
    consent_b.refresh_from_db()
    assert consent_b.withdrawn_on is None and not consent_b.is_voided
    # Nor do their lists show community B's people.
    assert "乙社区服务对象二" not in client.get("/screening/reconsent/").content.decode()


@pytest.mark.parametrize("username", ["manager", "psychiatrist"])
def test_program_wide_roles_reach_every_community(client_for, users, consent_b, username):
    client = client_for(users[username])
    for url in consent_urls(consent_b):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "username", ["manager", "psychiatrist", "doctor", "psychologist", "socialworker", "research"]
)
def test_another_programs_document_is_not_found(
    client_for, users, documents, elsewhere_document, username
):
    client = client_for(users[username])
    for url in (
        f"/screening/documents/{elsewhere_document.pk}/",
        f"/screening/documents/{elsewhere_document.pk}/print/",
    ):
        assert client.get(url).status_code == 404, url
    body = client.get("/screening/documents/").content.decode()
    assert f"/screening/documents/{elsewhere_document.pk}/" not in body


def test_a_new_version_is_of_the_managers_own_program(
    client_for, users, documents, elsewhere_document
):
    first = documents["informed_consent"]
    data = {
        "title": first.title,
        "title_en": first.title_en,
        "body": first.body + "修订",
        "body_en": first.body_en,
        "effective_from": "2015-01-01",
        "reconsent": "no",
        "note": "修订",
        "based_on": "1",
    }
    client = client_for(users["manager"])
    assert client.post("/screening/documents/informed_consent/new/", data).status_code == 302
    assert first.program.consent_documents.filter(kind="informed_consent").count() == 2
    assert elsewhere_document.program.consent_documents.filter(kind="informed_consent").count() == 1


def test_peers_get_403_on_every_consent_page(client_for, users, community_a, documents):
    own = enrolled("甲服务对象二", community=community_a, users=users)
    consent = Consent.objects.filter(person=own).first()
    client = client_for(users["peer"])
    document = documents["informed_consent"]
    for url in [
        *consent_urls(consent),
        "/screening/documents/",
        f"/screening/documents/{document.pk}/",
        f"/screening/documents/{document.pk}/print/",
        "/screening/documents/informed_consent/new/",
        "/screening/reconsent/",
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    # Not even their own consents (staff hold them).
    mine = services.consent_record(
        person=users["peer"].person,
        document=document,
        signed_on=date(2014, 1, 12),
        witness="王护士",
        by=users["research"],
    )
    assert client.get(f"/screening/consents/{mine.pk}/").status_code == 403
    page = client.get(f"/people/{users['peer'].person_id}/").content.decode()
    assert 'id="consents"' not in page and "王护士" not in page
