"""A caregiver's agreement to be contacted for evaluation is a consent record (kind
caregiver_contact) on the program's document version in use that day, with its witness."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.registry.test_people import VALID
from tongban.registry.models import CaregiverLink, Person
from tongban.screening import services as screening_services
from tongban.screening.models import Consent, ConsentDocument, ConsentKind


def _caregiver(client, consumer, **extra):
    data = {
        **VALID,
        "name": "同意联系的照料者",
        "role": "caregiver",
        "cared_for": consumer.pk,
        "relationship": "parent",
        **extra,
    }
    return client.post("/people/new/", data)


def _contact_consents():
    return Consent.objects.filter(
        person__name="同意联系的照料者", document__kind=ConsentKind.CAREGIVER_CONTACT
    )


def test_the_agreement_date_is_kept_and_shown(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    response = _caregiver(
        client, consumer_a, contact_signed_on="2014-03-02", contact_witness="李医生"
    )
    assert response.status_code == 302
    consent = _contact_consents().get()
    assert (consent.signed_on, consent.witness, consent.recorded_by) == (
        date(2014, 3, 2),
        "李医生",
        users["doctor"],
    )
    # A program without documents gets the paper's: version 1, in use from its start.
    assert consent.document.version == 1
    link = CaregiverLink.objects.get(caregiver__name="同意联系的照料者")
    assert consent.person_id == link.caregiver_id
    page = client.get(f"/people/{link.caregiver_id}/").content.decode()
    assert "2014-03-02" in page


def test_the_version_in_use_on_the_day_is_signed(client_for, users, consumer_a, program):
    screening_services.consent_documents_ensure(program=program)
    second = screening_services.consent_document_create(
        program=program,
        kind=ConsentKind.CAREGIVER_CONTACT,
        by=users["manager"],
        based_on=1,
        title="照料者联系同意书（第二版）",
        body="新的文字",
        effective_from=date(2015, 1, 1),
    )
    client = client_for(users["doctor"])
    _caregiver(client, consumer_a, contact_signed_on="2014-12-31", contact_witness="李医生")
    assert _contact_consents().get().document.version == 1
    Person.objects.filter(name="同意联系的照料者").update(name="另一位")
    _caregiver(client, consumer_a, contact_signed_on="2015-01-01", contact_witness="李医生")
    assert _contact_consents().get().document == second


def test_the_agreement_is_optional(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    assert _caregiver(client, consumer_a).status_code == 302
    assert CaregiverLink.objects.filter(caregiver__name="同意联系的照料者").exists()
    assert not _contact_consents().exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"contact_signed_on": "2014-03-02"}, "contact_witness"),
        ({"contact_witness": "李医生"}, "contact_signed_on"),
    ],
)
def test_a_date_goes_with_a_witness(client_for, users, consumer_a, extra, field):
    response = _caregiver(client_for(users["doctor"]), consumer_a, **extra)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Person.objects.filter(name="同意联系的照料者").exists()


def test_a_future_agreement_is_refused_and_nothing_is_saved(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _caregiver(
        client, consumer_a, contact_signed_on=tomorrow.isoformat(), contact_witness="李医生"
    )
    assert response.status_code == 200
    assert "contact_signed_on" in response.context["form"].errors
    assert not Person.objects.filter(name="同意联系的照料者").exists()


def test_a_day_before_any_version_is_refused_and_nothing_is_saved(
    client_for, users, consumer_a, program
):
    """The service's refusal (no version in use yet) sits next to the date; the person and
    the link are not saved either (one transaction)."""
    screening_services.consent_documents_ensure(program=program)
    first = ConsentDocument.objects.get(program=program, kind=ConsentKind.CAREGIVER_CONTACT)
    day_before = first.effective_from - timedelta(days=1)
    response = _caregiver(
        client_for(users["doctor"]),
        consumer_a,
        contact_signed_on=day_before.isoformat(),
        contact_witness="李医生",
    )
    assert response.status_code == 200
    assert "contact_signed_on" in response.context["form"].errors
    assert not Person.objects.filter(name="同意联系的照料者").exists()
    assert not CaregiverLink.objects.filter(cared_for=consumer_a).exists()


def test_a_second_person_cared_for_asks_no_second_agreement(
    client_for, users, consumer_a, community_a
):
    from tests.conftest import make_person

    client = client_for(users["doctor"])
    _caregiver(client, consumer_a, contact_signed_on="2014-03-02", contact_witness="李医生")
    caregiver = Person.objects.get(name="同意联系的照料者")
    other = make_person("另一位服务对象", community=community_a)
    page = client.get(f"/people/{caregiver.pk}/cares-for/")
    assert "contact_signed_on" not in page.context["form"].fields
    response = client.post(
        f"/people/{caregiver.pk}/cares-for/", {"cared_for": other.pk, "relationship": "sibling"}
    )
    assert response.status_code == 302
    assert caregiver.cares_for.count() == 2 and _contact_consents().count() == 1


def test_the_agreement_can_come_with_a_later_link(client_for, users, consumer_a, community_a):
    from tests.conftest import make_person

    client = client_for(users["doctor"])
    _caregiver(client, consumer_a)
    caregiver = Person.objects.get(name="同意联系的照料者")
    other = make_person("另一位服务对象", community=community_a)
    response = client.post(
        f"/people/{caregiver.pk}/cares-for/",
        {
            "cared_for": other.pk,
            "relationship": "sibling",
            "contact_signed_on": "2015-05-05",
            "contact_witness": "王护士",
        },
    )
    assert response.status_code == 302
    assert _contact_consents().get().signed_on == date(2015, 5, 5)
