"""Ids in the query string are ASCII digits or a 404, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "٣", "1²", "-1", " 1", "abc", ""])
@pytest.mark.parametrize("name", ["community", "session"])
def test_odd_ids_answer_404(client_for, users, community_a, name, value):
    for username in ("peer", "psychiatrist"):
        client = client_for(users[username])
        assert client.get(f"/emergencies/new/?{name}={value}").status_code == 404
        assert client.post(f"/emergencies/new/?{name}={value}", {}).status_code == 404


def test_a_plain_id_still_works(client_for, users, community_a):
    client = client_for(users["psychiatrist"])
    assert client.get(f"/emergencies/new/?community={community_a.pk}").status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "-1"])
def test_odd_ids_in_the_form_are_field_errors(client_for, users, community_a, value):
    client = client_for(users["peer"])
    response = client.post(
        "/emergencies/new/",
        {"session": value, "people_involved": [value], "walk_ins": [value], "kind": "other"},
    )
    assert response.status_code == 200
    assert {"session", "people_involved"} <= set(response.context["form"].errors)
