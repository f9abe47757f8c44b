"""Session list and record page: query counts do not grow with the rows."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.activities.conftest import plan_fields, record_fields
from tests.conftest import count_queries, make_person
from tongban.activities import services


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2016, 6, 30), tick=False):
        yield


def add_sessions(n, *, users, community, venue, lead, helper, start=date(2016, 3, 1)):
    consumers = [make_person(f"参加者{i}", community=community) for i in range(3)]
    for i in range(n):
        day = start + timedelta(days=i)
        plan = services.plan_create(
            by=users["peer"],
            community=community,
            fields=plan_fields(venue, lead, planned_on=day, theme=f"活动{i}"),
            assisting_peers=[helper],
        )
        services.record_save(
            plan=plan,
            by=users["peer"],
            fields=record_fields(held_on=day),
            peers_present=[lead, helper],
            consumers=consumers,
        )


def test_session_list_queries_do_not_grow(
    client_for, users, community_a, venue_a, peer_person_a, second_peer_a
):
    client = client_for(users["peer"])
    url = reverse("activities:session_list")
    kwargs = dict(
        users=users, community=community_a, venue=venue_a, lead=peer_person_a, helper=second_peer_a
    )
    add_sessions(2, **kwargs)
    few = count_queries(client, url)
    add_sessions(15, **kwargs, start=date(2016, 4, 1))
    assert count_queries(client, url) == few


def test_record_page_queries_do_not_grow(
    client_for, users, community_a, venue_a, plan, peer_person_a, second_peer_a
):
    client = client_for(users["peer"])
    services.record_save(plan=plan, by=users["peer"], fields=record_fields())
    url = reverse("activities:record_edit", args=[plan.pk])
    few = count_queries(client, url)
    consumers = [make_person(f"新人{i}", community=community_a) for i in range(20)]
    services.record_save(
        plan=plan,
        by=users["peer"],
        fields=record_fields(),
        peers_present=[peer_person_a, second_peer_a],
        consumers=consumers,
    )
    assert count_queries(client, url) == few


def test_session_list_shows_what_to_record(client_for, users, plan):
    page = client_for(users["peer"]).get(reverse("activities:session_list")).content.decode()
    assert plan.theme in page
    assert reverse("activities:record_edit", args=[plan.pk]) in page


def test_filter_by_status(client_for, users, plan):
    client = client_for(users["peer"])
    url = reverse("activities:session_list")
    assert client.get(url, {"status": "recorded"}).context["page"].paginator.count == 0
    assert client.get(url, {"status": "to_record"}).context["page"].paginator.count == 1


def test_home_page_sessions_block_queries_do_not_grow(
    client_for, users, community_a, venue_a, peer_person_a, second_peer_a
):
    client = client_for(users["peer"])
    for i in range(8):
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 6, 1 + i)),
        )
    few = count_queries(client, "/")
    for i in range(8):
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 7, 1 + i)),
        )
    assert count_queries(client, "/") == few
    assert "/sessions/" in client.get("/").content.decode()


def test_summary_counts_sessions_with_fewer_than_two_peers(
    client_for, users, community_a, venue_a, peer_person_a, second_peer_a
):
    add_sessions(
        2,
        users=users,
        community=community_a,
        venue=venue_a,
        lead=peer_person_a,
        helper=second_peer_a,
    )
    alone = services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 5, 4)),
    )
    services.record_save(
        plan=alone,
        by=users["peer"],
        fields=record_fields(held_on=date(2016, 5, 4), ended_at=time(15, 0)),
        peers_present=[peer_person_a],
    )
    summary = client_for(users["peer"]).get(reverse("activities:session_list")).context["summary"]
    assert summary["delivered"] == 3
    assert summary["fewer_than_two_peers"] == 1
    assert round(summary["mean_minutes"]) == round((90 + 90 + 60) / 3)
