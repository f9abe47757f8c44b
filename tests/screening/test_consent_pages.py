"""Recording a signature, the consent's page, voiding it, and the consent panel on the
person and candidate pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from tests.conftest import make_person
from tongban.registry import services as registry_services
from tongban.screening import services
from tongban.screening.models import Consent

from .conftest import new_candidate, screen
from .consent_helpers import enrolled, new_version


@pytest.fixture(autouse=True)
def english(users):
    """Pages and messages in English (the users' choice), to read them here."""
    for user in users.values():
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield


@pytest.fixture
def candidate(users, community_a, documents):
    return new_candidate("甲候选人", community=community_a, by=users["doctor"])


def url_for(person) -> str:
    return f"/screening/people/{person.pk}/consents/new/"


def post(client, person, document, **changes):
    data = {
        "document": str(document.pk),
        "signed_on": "2014-01-12",
        "witness": "王护士",
        "note": "",
        **changes,
    }
    return client.post(url_for(person), data)


# --- Recording ------------------------------------------------------------------------------


def test_a_signature_is_recorded_with_its_version_date_and_witness(
    client_for, users, candidate, documents
):
    client = client_for(users["research"])
    person = candidate.person
    response = post(client, person, documents["informed_consent"], note="家属陪同")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/#consents"
    consent = Consent.objects.get(person=person)
    assert (consent.document, consent.signed_on, consent.witness, consent.note) == (
        documents["informed_consent"],
        date(2014, 1, 12),
        "王护士",
        "家属陪同",
    )
    assert consent.recorded_by == users["research"]
    # The audit trail has its creation, by whom.
    row = consent.history.get()
    assert (row.history_type, row.history_user) == ("+", users["research"])


def test_the_page_returns_where_it_was_opened_from(client_for, users, candidate, documents):
    client = client_for(users["research"])
    back = f"/screening/candidates/{candidate.pk}/"
    response = post(client, candidate.person, documents["informed_consent"], next=back)
    assert response["Location"] == back
    # Another site is never a destination.
    response = post(
        client, candidate.person, documents["service_agreement"], next="https://example.org/"
    )
    assert response["Location"] == f"/people/{candidate.person.pk}/#consents"


def test_every_error_in_one_round_and_nothing_saved(client_for, users, candidate, documents):
    # A version in use from next month: tomorrow is both in the future and before it.
    today = timezone.localdate()
    upcoming = new_version(
        documents["informed_consent"].program,
        "informed_consent",
        by=users["manager"],
        effective_from=today + timedelta(days=30),
    )
    client = client_for(users["research"])
    tomorrow = today + timedelta(days=1)
    response = post(client, candidate.person, upcoming, signed_on=tomorrow.isoformat(), witness="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "The date cannot be in the future." in errors["signed_on"]
    assert any("was not in use yet" in message for message in errors["signed_on"])
    assert errors["witness"] == ["Name the witness."]
    assert not Consent.objects.exists()
    body = response.content.decode()
    assert "Please correct the 3 errors below." in body


def test_a_version_not_in_use_yet_on_the_day_signed(client_for, users, candidate, documents):
    second = new_version(
        documents["informed_consent"].program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
    )
    response = post(client_for(users["research"]), candidate.person, second)
    assert "signed_on" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_the_same_version_twice_is_refused(client_for, users, candidate, documents):
    client = client_for(users["research"])
    post(client, candidate.person, documents["informed_consent"])
    response = post(client, candidate.person, documents["informed_consent"])
    assert response.status_code == 200
    assert "document" in response.context["form"].errors
    assert Consent.objects.count() == 1


@pytest.mark.parametrize("value", ["٣", "²", "9" * 20, "abc"])
def test_an_odd_document_id_is_an_invalid_choice(client_for, users, candidate, documents, value):
    response = client_for(users["research"]).post(
        url_for(candidate.person),
        {"document": value, "signed_on": "2014-01-12", "witness": "王护士"},
    )
    assert response.status_code == 200
    assert "document" in response.context["form"].errors


def test_another_programs_document_is_not_offered(client_for, users, candidate, documents):
    from tongban.registry.models import Program

    other = Program.objects.create(name="别的项目", slug="other", started_on=date(2013, 1, 1))
    services.consent_documents_ensure(program=other)
    foreign = other.consent_documents.get(kind="informed_consent")
    response = post(client_for(users["research"]), candidate.person, foreign)
    assert "document" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_the_role_s_documents_are_offered_first_and_the_missing_one_chosen(
    client_for, users, community_a, documents
):
    caregiver = make_person("甲照料者")
    consumer = enrolled("甲服务对象二", community=community_a, users=users)
    registry_services.caregiver_link_create(
        caregiver=caregiver, cared_for=consumer, relationship="parent"
    )
    client = client_for(users["research"])
    form = client.get(url_for(caregiver)).context["form"]
    offered = list(form.fields["document"].queryset)
    assert offered[0].kind == "caregiver_contact"
    assert form.initial["document"] == documents["caregiver_contact"].pk
    # A kind asked for in the link wins.
    form = client.get(url_for(caregiver) + "?kind=informed_consent").context["form"]
    assert form.initial["document"] == documents["informed_consent"].pk
    # Anything else is ignored.
    form = client.get(url_for(caregiver) + "?kind=²").context["form"]
    assert form.initial["document"] == documents["caregiver_contact"].pk


@pytest.mark.parametrize("username", ["research", "doctor", "manager", "psychiatrist"])
def test_those_who_sit_with_the_signer_record(client_for, users, candidate, documents, username):
    assert client_for(users[username]).get(url_for(candidate.person)).status_code == 200


@pytest.mark.parametrize("username", ["psychologist", "socialworker", "peer"])
def test_others_may_not_record(client_for, users, candidate, documents, username):
    client = client_for(users[username])
    assert client.get(url_for(candidate.person)).status_code == 403
    assert post(client, candidate.person, documents["informed_consent"]).status_code == 403
    assert not Consent.objects.exists()


# --- The consent's page and voiding ---------------------------------------------------------


def test_the_consent_page_and_voiding(client_for, users, candidate, documents):
    research = client_for(users["research"])
    post(research, candidate.person, documents["informed_consent"])
    consent = Consent.objects.get()
    body = research.get(f"/screening/consents/{consent.pk}/").content.decode()
    assert "王护士" in body and "2014-01-12" in body and "research" in body
    # No reason: refused, nothing changes.
    response = research.post(f"/screening/consents/{consent.pk}/void/", {"reason": ""})
    assert response.status_code == 200
    consent.refresh_from_db()
    assert not consent.is_voided
    response = research.post(f"/screening/consents/{consent.pk}/void/", {"reason": "录错了人"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.is_voided and consent.void_reason == "录错了人"
    assert consent.voided_by == users["research"]
    # Kept, shown as voided, with its history; it no longer counts for the candidate.
    page = research.get(f"/screening/consents/{consent.pk}/")
    assert "录错了人" in page.content.decode()
    rows = consent.history.order_by("history_id")
    assert [(r.history_type, r.history_user) for r in rows] == [
        ("+", users["research"]),
        ("~", users["research"]),
    ]
    assert page.context["history"][0].action == "voided"
    candidate.refresh_from_db()
    assert candidate.stage == "recommended"
    # Voided twice: a message, no error.
    again = research.post(f"/screening/consents/{consent.pk}/void/", {"reason": "再来"})
    assert again.status_code == 302
    assert Consent.objects.get().void_reason == "录错了人"


def test_a_consent_brought_over_by_the_migration_says_so(client_for, users, documents):
    caregiver = make_person("迁移来的照料者")
    consent = Consent.objects.create(
        person=caregiver,
        document=documents["caregiver_contact"],
        signed_on=date(2014, 3, 1),
        witness="—",
        recorded_by=None,
    )
    body = client_for(users["manager"]).get(f"/screening/consents/{consent.pk}/").content.decode()
    assert "a migration (recorded before consent documents)" in body


# --- The panel ------------------------------------------------------------------------------


def test_the_panel_shows_each_required_kind(client_for, users, candidate, documents):
    screen(candidate, psychiatrist=users["psychiatrist"])
    services.consent_record(
        person=candidate.person,
        document=documents["informed_consent"],
        signed_on=date(2014, 1, 12),
        witness="王护士",
        by=users["research"],
    )
    body = client_for(users["research"]).get(f"/people/{candidate.person.pk}/").content.decode()
    assert 'id="consents"' in body
    signed = body[body.index('id="consent-informed_consent"') :]
    assert "Version 1, signed on 2014-01-12, witness: 王护士" in signed
    missing = body[body.index('id="consent-service_agreement"') :]
    assert "missing" in missing[:400]
    # A link to record the missing one, for those allowed.
    assert f"{url_for(candidate.person)}?kind=service_agreement" in body
    # The candidacy with its stage links to the candidate's page.
    assert "Candidate consumer in Alpha" in body
    assert "eligible" in body


def test_the_panel_shows_an_older_version_to_sign_again(client_for, users, community_a, documents):
    person = enrolled("甲服务对象二", community=community_a, users=users)
    today = timezone.localdate()
    second = new_version(
        documents["informed_consent"].program,
        "informed_consent",
        by=users["manager"],
        effective_from=today - timedelta(days=3),
        reconsent_required_from=today + timedelta(days=20),
    )
    body = client_for(users["doctor"]).get(f"/people/{person.pk}/").content.decode()
    item = body[body.index('id="consent-informed_consent"') :]
    item = item[: item.index("</li>")]
    due = (today + timedelta(days=20)).isoformat()
    assert f"must sign version {second.version} by {due}" in item
    assert "on an older version" in item


def test_the_panel_shows_a_withdrawal(client_for, users, community_a, documents):
    person = enrolled("甲服务对象二", community=community_a, users=users)
    consent = Consent.objects.get(person=person, document__kind="service_agreement")
    services.consent_withdraw(
        consent=consent, by=users["research"], on=date(2014, 6, 1), reason="不想参加了"
    )
    body = client_for(users["research"]).get(f"/people/{person.pk}/").content.decode()
    item = body[body.index('id="consent-service_agreement"') :]
    assert "Version 1, withdrawn on 2014-06-01." in item[: item.index("</li>")]


def test_peers_see_no_panel_and_no_consent_page(client_for, users, community_a, documents):
    person = enrolled("甲服务对象二", community=community_a, users=users)
    consent = Consent.objects.filter(person=person).first()
    client = client_for(users["peer"])
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200  # a peer sees their community's roster
    body = page.content.decode()
    assert 'id="consents"' not in body and "王护士" not in body
    assert "Screening and consent" not in body
    for url in (
        f"/screening/consents/{consent.pk}/",
        f"/screening/consents/{consent.pk}/withdraw/",
        f"/screening/consents/{consent.pk}/void/",
        url_for(person),
        "/screening/reconsent/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x", "on": "2014-06-01"}).status_code == 403, url
    consent.refresh_from_db()
    assert consent.withdrawn_on is None and not consent.is_voided


def test_readers_who_may_not_record_see_the_panel_without_links(
    client_for, users, community_a, documents
):
    person = enrolled("甲服务对象二", community=community_a, users=users)
    body = client_for(users["psychologist"]).get(f"/people/{person.pk}/").content.decode()
    assert 'id="consents"' in body
    assert "consents/new/" not in body and "/withdraw/" not in body
