"""Back-entry: a research assistant types in a paper session on one page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2016, 6, 30), tick=False):
        yield


def paper_session(venue, lead, helper, consumer, **overrides) -> dict:
    data = {
        "plan-planned_on": "2014-05-07",
        "plan-planned_start": "14:00",
        "plan-planned_end": "15:30",
        "plan-venue": venue.pk,
        "plan-category": "fine_motor_exercise",
        "plan-theme": "书法练习",
        "plan-aim": "练习专注",
        "plan-format": "group_discussion",
        "plan-lead_peer": lead.pk,
        "plan-assisting_peers": [helper.pk],
        "record-format": "group_discussion",
        "record-theme": "书法练习",
        "record-peers_present": [lead.pk, helper.pk],
        "record-consumers": [consumer.pk],
    }
    data.update(overrides)
    return data


def test_research_assistant_enters_a_paper_session(
    client_for, users, community_a, venue_a, peer_person_a, second_peer_a, consumer_a
):
    client = client_for(users["research"])
    url = reverse("activities:back_entry")
    response = client.post(url, paper_session(venue_a, peer_person_a, second_peer_a, consumer_a))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?community={community_a.pk}")
    record = ActivityRecord.objects.get()
    assert record.plan.created_by == users["research"]
    # One date and one pair of times on the page: the process form takes the plan's.
    assert (record.held_on, record.started_at, record.ended_at) == (
        record.plan.planned_on,
        record.plan.planned_start,
        record.plan.planned_end,
    )
    assert record.duration_minutes == 90
    assert Attendance.objects.get().person == consumer_a


def test_an_error_saves_nothing(
    client_for, users, venue_a, peer_person_a, second_peer_a, consumer_a
):
    client = client_for(users["research"])
    data = paper_session(
        venue_a, peer_person_a, second_peer_a, consumer_a, **{"plan-planned_end": "13:00"}
    )
    response = client.post(reverse("activities:back_entry"), data)
    assert response.status_code == 200
    assert response.context["plan_form"].errors["planned_end"]
    assert not ActivityPlan.objects.exists()


def test_service_error_lands_next_to_the_right_field(
    client_for, users, venue_a, peer_person_a, second_peer_a, consumer_a
):
    # A consumer enrolled after the paper session's date cannot have attended it.
    data = paper_session(
        venue_a,
        peer_person_a,
        second_peer_a,
        consumer_a,
        **{"plan-planned_on": "2014-01-08"},
    )
    response = client_for(users["research"]).post(reverse("activities:back_entry"), data)
    assert response.status_code == 200
    errors = response.context["plan_form"].errors | response.context["record_form"].errors
    assert errors
    assert not ActivityPlan.objects.exists()


def test_peers_and_doctors_do_not_back_enter(client_for, users):
    for username in ("peer", "doctor"):
        assert client_for(users[username]).get(reverse("activities:back_entry")).status_code == 403
