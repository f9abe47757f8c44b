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

