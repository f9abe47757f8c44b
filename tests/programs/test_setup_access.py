"""Only the project manager sets up; another program's manager gets 404 for this one's
communities and venues, and the setup pages never show them."""

from __future__ import annotations

import pytest

from tongban.core.concurrency import current_version
from tongban.registry.models import Community, Venue

pytestmark = pytest.mark.django_db


def community_urls(community: Community, venue: Venue) -> list[str]:
    return [
        f"/program/communities/{community.pk}/",
        f"/program/communities/{community.pk}/edit/",
        f"/program/communities/{community.pk}/close/",
        f"/program/communities/{community.pk}/delete/",
        f"/program/communities/{community.pk}/venues/new/",
        f"/program/venues/{venue.pk}/edit/",
    ]


@pytest.mark.parametrize(
    "role", ["psychiatrist", "doctor", "psychologist", "socialworker", "research", "peer"]
)
def test_other_roles_get_403(client_for, users, community_a, role):
    client = client_for(users[role])
    venue = community_a.venues.get()
    for url in ["/program/", "/program/new/", "/program/edit/", "/program/communities/new/",
                *community_urls(community_a, venue)]:  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert client.post(f"/program/venues/{venue.pk}/in-use/", {"in_use": "0"}).status_code == 403
    assert client.post(f"/program/communities/{community_a.pk}/delete/").status_code == 403
    assert Venue.objects.get(pk=venue.pk).in_use


def test_a_manager_of_another_program_gets_404(
    client_for, users, community_a, other_manager, other_community
):
    client = client_for(other_manager)
    venue = community_a.venues.get()
    for url in community_urls(community_a, venue):
        assert client.get(url).status_code == 404, url
    version = current_version(community_a)
    posts = {
        f"/program/communities/{community_a.pk}/edit/": {"name": "改", "version": version},
        f"/program/communities/{community_a.pk}/close/": {"ended_on": "2016-01-01"},
        f"/program/communities/{community_a.pk}/delete/": {},
        f"/program/communities/{community_a.pk}/venues/new/": {"kind": "other", "name": "x"},
        f"/program/venues/{venue.pk}/edit/": {"kind": "other", "name": "x"},
        f"/program/venues/{venue.pk}/in-use/": {"in_use": "0"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    community_a.refresh_from_db()
    assert community_a.name == "甲社区" and community_a.ended_on is None
    assert community_a.venues.count() == 1 and community_a.venues.get().in_use

    # Their own program's pages show only their own communities.
    page = client.get("/program/").content.decode()
    assert "丙社区" in page and "甲社区" not in page and "乙社区" not in page
    assert client.get(f"/program/communities/{other_community.pk}/").status_code == 200


def test_the_chosen_program_decides(client_for, users, community_a, other_program, other_community):
    """A manager of both programs works in the chosen one: the other's communities are
    404 until they switch."""
    manager = users["manager"]
    manager.programs.add(other_program)
    client = client_for(manager)
    client.post("/program/switch/", {"program": community_a.program.pk})
    assert client.get(f"/program/communities/{other_community.pk}/").status_code == 404
    client.post("/program/switch/", {"program": other_program.pk})
    assert client.get(f"/program/communities/{other_community.pk}/").status_code == 200
    assert client.get(f"/program/communities/{community_a.pk}/").status_code == 404
    # A community made now belongs to the chosen program.
    client.post(
        "/program/communities/new/", {"name": "丁", "name_en": "", "started_on": "2020-02-01"}
    )
    assert Community.objects.get(name="丁").program == other_program


def test_ids_from_outside_are_404_not_500(client_for, users, community_a):
    client = client_for(users["manager"])
    assert client.get("/program/communities/99999999/").status_code == 404
    assert client.post("/program/switch/", {"program": "٣"}).status_code == 404
