"""The cycle overview's "upto" is read as a plain id: Unicode digits never 500 (item 18)."""

from __future__ import annotations

import pytest

from tests.registry.test_ids_from_request import ODD


@pytest.mark.parametrize("value", ODD)
def test_submission_overview_ignores_odd_cycles(client_for, users, value):
    response = client_for(users["manager"]).get("/submissions/", {"upto": value})
    assert response.status_code == 200
    assert response.context["columns"][0].number == response.context["current"]
