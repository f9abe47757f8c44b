"""Scoping of sessions: a peer or staff member of another community gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.activities.foreign import objects


@pytest.mark.parametrize("username", ["peer", "doctor", "research"])
@pytest.mark.parametrize("name", ["session_detail", "plan_edit", "record_edit", "session_void"])
def test_other_communitys_session_answers_404(client_for, users, community_b, username, name):
    foreign = objects(community_b, users)
    client = client_for(users[username])
    response = client.get(reverse(f"activities:{name}", args=[foreign[f"activities:{name}"]]))
    assert response.status_code == 404


def test_other_communitys_sessions_are_not_listed(client_for, users, community_b):
    objects(community_b, users)
    page = client_for(users["peer"]).get(reverse("activities:session_list")).content.decode()
    assert "乙社区专属活动" not in page


def test_program_wide_roles_see_every_session(client_for, users, community_b):
    foreign = objects(community_b, users)
    for username in ("manager", "psychiatrist"):
        url = reverse("activities:session_detail", args=[foreign["activities:session_detail"]])
        page = client_for(users[username]).get(url).content.decode()
        assert "乙社区出席者" in page
