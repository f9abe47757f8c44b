"""The emergency list: open ones first, filters, paging, and queries that do not grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent, Status

from .conftest import file_event

pytestmark = pytest.mark.django_db


def hours_ago(hours: int):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def events(users, community_a) -> dict[str, EmergencyEvent]:
    closed = file_event(users["peer"], community_a, occurred_at=hours_ago(1), description="结案")
    services.emergency_acknowledge(event=closed, by=users["doctor"])
    services.emergency_close(event=closed, by=users["doctor"], closing_note="好了")
    acknowledged = file_event(
        users["peer"], community_a, occurred_at=hours_ago(2), description="已确认"
    )
    services.emergency_acknowledge(event=acknowledged, by=users["doctor"])
    awaiting = file_event(users["peer"], community_a, occurred_at=hours_ago(3), description="等待")
    escalated = file_event(users["peer"], community_a, occurred_at=hours_ago(4), description="上报")
    EmergencyEvent.objects.filter(pk=escalated.pk).update(escalated_at=timezone.now())
    voided = file_event(users["peer"], community_a, occurred_at=hours_ago(5), description="作废")
    services.emergency_void(event=voided, by=users["doctor"], reason="重复")
    return {
        "closed": closed,
        "acknowledged": acknowledged,
        "awaiting": awaiting,
        "escalated": escalated,
        "voided": voided,
    }


def listed(client, query: str = "") -> list[int]:
    response = client.get(f"/emergencies/{query}")
    assert response.status_code == 200
    return [event.pk for event in response.context["page"]]


def test_open_events_first_escalated_on_top_voided_left_out(client_for, users, events):
    order = listed(client_for(users["doctor"]))
    assert order == [
        events["escalated"].pk,
        events["awaiting"].pk,
        events["acknowledged"].pk,
        events["closed"].pk,
    ]
    html = client_for(users["doctor"]).get("/emergencies/").content.decode()
    assert "event-escalated" in html


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_filter_by_status(client_for, users, events, status):
    assert listed(client_for(users["doctor"]), f"?status={status}") == [events[status].pk]


def test_filter_by_community(client_for, users, events, community_a, community_b):
    file_event(users["manager"], community_b)
    client = client_for(users["manager"])
    assert len(listed(client)) == 5
    assert len(listed(client, f"?community={community_a.pk}")) == 4
    assert len(listed(client, f"?community={community_b.pk}")) == 1


def test_paginated(client_for, users, community_a, settings):
    settings.PAGE_SIZE = 3
    for i in range(7):
        file_event(users["peer"], community_a, description=f"事件{i}")
    client = client_for(users["doctor"])
    assert len(listed(client)) == 3
    assert len(listed(client, "?page=3")) == 1


def test_the_safety_figures_are_on_top(client_for, users, events, community_a):
    response = client_for(users["doctor"]).get("/emergencies/")
    assert [row.community for row in response.context["safety"]] == [community_a]
    # The latest event was an hour ago: yesterday by the local date just after midnight.
    latest = events["closed"].occurred_at
    expected = (timezone.localdate() - timezone.localdate(latest)).days
    assert response.context["safety"][0].days_since_last_event == expected
    html = response.content.decode()
    assert html.index("safety-community") < html.index('class="events"')


@pytest.mark.parametrize("username", ["doctor", "peer", "manager"])
def test_query_count_does_not_grow_with_rows(client_for, users, community_a, username):
    client = client_for(users[username])
    file_event(users["peer"], community_a, description="第一件")

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/emergencies/").status_code == 200
        return len(context.captured_queries)

    before = count()
    for i in range(6):
        event = file_event(users["peer"], community_a, description=f"事件{i}")
        if i % 2:
            services.emergency_acknowledge(event=event, by=users["doctor"])
    assert count() == before


def test_detail_query_count_does_not_grow_with_notes(client_for, users, community_a, consumer_a):
    event = file_event(users["peer"], community_a, people_involved=[consumer_a])
    services.emergency_follow_up(event=event, by=users["doctor"], text="第一次随访")
    client = client_for(users["doctor"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/emergencies/{event.pk}/").status_code == 200
        return len(context.captured_queries)

    before = count()
    for i in range(4):
        services.emergency_follow_up(event=event, by=users["socialworker"], text=f"随访{i}")
    assert count() == before
