"""Evaluation rounds: created and edited by research assistants and the manager."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.core.concurrency import current_version
from tongban.evaluation.models import EvaluationRound


def round_data(*communities, **extra) -> dict:
    data = {
        "name": "2015年6月评估",
        "name_en": "June 2015 evaluation",
        "starts_on": "2015-06-01",
        "ends_on": "2015-06-30",
        "communities": [c.pk for c in communities],
    }
    data.update(extra)
    return data


def test_a_research_assistant_creates_a_round(client_for, users, community_a):
    client = client_for(users["research"])
    page = client.get("/evaluation/new/").content.decode()
    # Only the communities the assistant works in are offered.
    assert "甲社区" in page and "乙社区" not in page
    response = client.post("/evaluation/new/", round_data(community_a))
    evaluation_round = EvaluationRound.objects.get()
    assert response["Location"] == f"/evaluation/{evaluation_round.pk}/"
    assert (evaluation_round.starts_on, evaluation_round.ends_on) == (
        date(2015, 6, 1),
        date(2015, 6, 30),
    )
    assert list(evaluation_round.communities.all()) == [community_a]
    assert evaluation_round.created_by == users["research"]
    assert evaluation_round.program == community_a.program
    listing = client.get("/evaluation/").content.decode()
    assert "2015年6月评估" in listing


def test_every_error_in_one_round(client_for, users, community_a, community_b):
    client = client_for(users["research"])
    response = client.post(
        "/evaluation/new/",
        round_data(name="", ends_on="2015-05-31", communities=[]),
    )
    assert set(response.context["form"].errors) == {"name", "ends_on", "communities"}
    # A community outside the assistant's scope is not a choice.
    response = client.post("/evaluation/new/", round_data(community_b, ends_on="2015-05-31"))
    assert set(response.context["form"].errors) == {"ends_on", "communities"}
    response = client.post("/evaluation/new/", round_data(communities=["²"], starts_on="x"))
    assert set(response.context["form"].errors) == {"starts_on", "communities"}
    assert not EvaluationRound.objects.exists()


def test_an_edit_keeps_the_communities_the_editor_does_not_see(
    client_for, users, community_a, community_b
):
    manager = client_for(users["manager"])
    manager.post("/evaluation/new/", round_data(community_a, community_b))
    evaluation_round = EvaluationRound.objects.get()
    research = client_for(users["research"])
    url = f"/evaluation/{evaluation_round.pk}/edit/"
    page = research.get(url)
    assert "乙社区" not in page.content.decode()
    version = page.context["form"]["version"].value()
    response = research.post(url, round_data(community_a, name="改过的名字", version=version))
    assert response.status_code == 302
    evaluation_round.refresh_from_db()
    assert evaluation_round.name == "改过的名字"
    assert set(evaluation_round.communities.all()) == {community_a, community_b}


def test_an_edit_conflict(client_for, users, community_a, community_b):
    manager = client_for(users["manager"])
    manager.post("/evaluation/new/", round_data(community_a))
    evaluation_round = EvaluationRound.objects.get()
    url = f"/evaluation/{evaluation_round.pk}/edit/"
    opened = current_version(evaluation_round)
    # Someone adds a community (a many-to-many change moves the version on too).
    manager.post(url, round_data(community_a, community_b, version=opened))
    assert current_version(evaluation_round) != opened
    research = client_for(users["research"])
    response = research.post(url, round_data(community_a, name="晚了一步", version=opened))
    assert response.status_code == 200
    assert response.context["conflict"]
    evaluation_round.refresh_from_db()
    assert evaluation_round.name == "2015年6月评估"
    assert set(evaluation_round.communities.all()) == {community_a, community_b}


@pytest.mark.parametrize("username", ["doctor", "psychologist", "socialworker", "psychiatrist"])
def test_other_staff_read_but_do_not_run_rounds(client_for, users, username, community_a):
    client_for(users["manager"]).post("/evaluation/new/", round_data(community_a))
    evaluation_round = EvaluationRound.objects.get()
    client = client_for(users[username])
    listing = client.get("/evaluation/")
    assert listing.status_code == 200
    assert "2015年6月评估" in listing.content.decode()
    assert "/evaluation/new/" not in listing.content.decode()
    detail = client.get(f"/evaluation/{evaluation_round.pk}/")
    assert detail.status_code == 200
    assert "/edit/" not in detail.content.decode().split("<main>")[1]
    assert client.get("/evaluation/new/").status_code == 403
    assert client.post("/evaluation/new/", round_data(community_a)).status_code == 403
    assert client.get(f"/evaluation/{evaluation_round.pk}/edit/").status_code == 403
    assert EvaluationRound.objects.count() == 1


def test_a_manager_without_a_program_gets_404(client_for, program):
    newcomer = make_user("new-manager", Role.PROJECT_MANAGER, programs=[])
    client = client_for(newcomer)
    assert client.get("/evaluation/").status_code == 200
    assert client.get("/evaluation/new/").status_code == 404
