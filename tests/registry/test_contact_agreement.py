"""A caregiver's agreement to be contacted for evaluation puts them on a round's list."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.registry.test_people import VALID
from tongban.registry.models import CaregiverLink, Person


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


def test_the_agreement_date_is_kept_and_shown(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    assert _caregiver(client, consumer_a, contact_agreed_on="2014-03-02").status_code == 302
    link = CaregiverLink.objects.get(caregiver__name="同意联系的照料者")
    assert link.contact_agreed_on == date(2014, 3, 2)
    page = client.get(f"/people/{link.caregiver_id}/").content.decode()
    assert "2014-03-02" in page


def test_the_agreement_is_optional(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    assert _caregiver(client, consumer_a).status_code == 302
    assert CaregiverLink.objects.get(caregiver__name="同意联系的照料者").contact_agreed_on is None


def test_a_future_agreement_is_refused_and_nothing_is_saved(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _caregiver(client, consumer_a, contact_agreed_on=tomorrow.isoformat())
    assert response.status_code == 200
    assert "contact_agreed_on" in response.context["form"].errors
    assert not Person.objects.filter(name="同意联系的照料者").exists()
