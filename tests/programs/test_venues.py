"""Venues of a community: add, edit (versioned), mark not in use; audited."""

from __future__ import annotations

import pytest

from tongban.core.concurrency import current_version
from tongban.registry.models import Venue

pytestmark = pytest.mark.django_db


def test_add_a_venue(client_for, users, community_b):
    client = client_for(users["manager"])
    response = client.post(
        f"/program/communities/{community_b.pk}/venues/new/",
        {"kind": "outdoors", "name": "乙公园", "name_en": "Beta Park", "address": "乙路1号"},
    )
    assert response.status_code == 302
    venue = community_b.venues.get()
    assert (venue.kind, venue.name, venue.name_en, venue.address, venue.in_use) == (
        "outdoors", "乙公园", "Beta Park", "乙路1号", True
    )  # fmt: skip
    assert venue.history.get().history_user == users["manager"]
    page = client.get(f"/program/communities/{community_b.pk}/").content.decode()
    assert "乙公园" in page and "Venue Beta Park" in page  # listed, and in the history


def test_every_error_in_one_round_and_nothing_saved(client_for, users, community_b):
    response = client_for(users["manager"]).post(
        f"/program/communities/{community_b.pk}/venues/new/", {"kind": "palace", "name": " "}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "name"}
    assert not community_b.venues.exists()


def test_edit_is_versioned(client_for, users, community_a):
    venue = community_a.venues.get()
    client = client_for(users["manager"])
    opened = {
        "kind": venue.kind, "name": venue.name, "name_en": "", "address": "",
        "in_use": "on", "version": current_version(venue),
    }  # fmt: skip
    url = f"/program/venues/{venue.pk}/edit/"
    assert client.post(url, {**opened, "address": "甲路2号"}).status_code == 302
    conflict = client.post(url, {**opened, "address": "甲路3号"})
    assert conflict.status_code == 200 and conflict.context["conflict"]
    venue.refresh_from_db()
    assert venue.address == "甲路2号"


def test_mark_not_in_use_and_back(client_for, users, community_a):
    venue = community_a.venues.get()
    client = client_for(users["manager"])
    url = f"/program/venues/{venue.pk}/in-use/"
    response = client.post(url, {"in_use": "0", "version": current_version(venue)})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert not venue.in_use
    page = client.get(f"/program/communities/{community_a.pk}/").content.decode()
    assert "not in use" in page
    # A second tap from the old page (stale version) changes nothing and says why.
    stale = client.post(url, {"in_use": "1", "version": 1}, follow=True)
    venue.refresh_from_db()
    assert not venue.in_use
    assert any(m.level_tag == "error" for m in stale.context["messages"])
    client.post(url, {"in_use": "1", "version": current_version(venue)})
    venue.refresh_from_db()
    assert venue.in_use
    assert [r.in_use for r in venue.history.order_by("history_id")] == [True, False, True]


def test_in_use_only_by_post_and_with_sane_values(client_for, users, community_a):
    venue = community_a.venues.get()
    client = client_for(users["manager"])
    assert client.get(f"/program/venues/{venue.pk}/in-use/").status_code == 405
    response = client.post(f"/program/venues/{venue.pk}/in-use/", {"in_use": "x", "version": "²"})
    assert response.status_code == 302
    assert Venue.objects.get(pk=venue.pk).in_use
