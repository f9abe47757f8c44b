"""Ids read from the query string: Unicode digits are ignored or 404, never a 500
(issue 7, item 18)."""

from __future__ import annotations

import pytest

ODD = ["²", "٣", "１", "-1", "1.0", "9" * 30]


@pytest.mark.parametrize("value", ODD)
def test_registry_and_account_pages_ignore_odd_ids(client_for, users, consumer_a, value):
    client = client_for(users["manager"])
    response = client.get("/people/new/", {"role": "caregiver", "cared_for": value})
    assert response.status_code == 200
    assert response.context["form"]["cared_for"].value() in (None, "")
    for path, key in (("/people/", "community"), ("/people/", "page"), ("/accounts/", "page")):
        assert client.get(path, {key: value}).status_code == 200, f"{path}?{key}={value}"


def test_a_plain_id_still_prefills_the_person_cared_for(client_for, users, consumer_a):
    response = client_for(users["manager"]).get(
        "/people/new/", {"role": "caregiver", "cared_for": str(consumer_a.pk)}
    )
    assert response.context["form"]["cared_for"].value() == consumer_a.pk


def test_a_unicode_digit_does_not_choose_a_record(client_for, users, community_a, consumer_a):
    """int("٣") is 3: the filter must not read it as community 3 (or any other)."""
    client = client_for(users["manager"])
    odd = "".join(chr(0x0660 + int(d)) for d in str(community_a.pk))  # Arabic-Indic digits
    response = client.get("/people/", {"community": odd})
    assert response.status_code == 200
    assert not response.context["filters"].is_valid()
    plain = client.get("/people/", {"community": str(community_a.pk)})
    assert plain.context["filters"].cleaned_data["community"] == community_a


@pytest.mark.parametrize("value", ODD)
def test_record_choices_in_posted_forms_refuse_odd_ids(client_for, users, consumer_a, value):
    client = client_for(users["manager"])
    response = client.post(
        "/accounts/new/",
        {"username": "x1", "full_name": "某", "role": "social_worker", "communities": [value]},
    )
    assert response.status_code == 200 and "communities" in response.context["form"].errors
    response = client.post("/accounts/new/?kind=peer", {"person": value, "username": "x2"})
    assert response.status_code == 200 and "person" in response.context["form"].errors
    response = client.post(
        f"/people/{consumer_a.pk}/enrol/",
        {"community": value, "role": "peer", "started_on": "2015-01-01"},
    )
    assert response.status_code == 200 and "community" in response.context["form"].errors
