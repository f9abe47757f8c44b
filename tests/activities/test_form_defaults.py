"""The plan asks to confirm an unusual duration; the record form starts from the plan;
back-entry takes the plan's date and times; ids from the query string are checked."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.activities.conftest import DAY, plan_fields
from tongban.activities import services
from tongban.activities.models import ActivityPlan


def form_data(venue, lead, **overrides) -> dict:
    data = {
        "planned_on": DAY.isoformat(),
        "planned_start": "14:00",
        "planned_end": "14:20",
        "venue": venue.pk,
        "category": "entertainment",
        "theme": "短会",
        "aim": "试一试",
        "format": "lecture",
        "lead_peer": lead.pk,
    }
    data.update(overrides)
    return data


def test_the_plan_form_shows_the_norm(client_for, users):
    page = client_for(users["peer"]).get(reverse("activities:plan_create")).content.decode()
    assert "40" in page and "120" in page
    assert 'type="checkbox" name="duration_confirmed"' not in page


def test_a_short_plan_asks_for_confirmation(client_for, users, venue_a, peer_person_a):
    client = client_for(users["peer"])
    url = reverse("activities:plan_create")
    response = client.post(url, form_data(venue_a, peer_person_a))
    assert response.status_code == 200
    assert "20" in " ".join(response.context["form"].errors["planned_end"])
    assert 'type="checkbox" name="duration_confirmed"' in response.content.decode()
    assert not ActivityPlan.objects.exists()
    response = client.post(url, {**form_data(venue_a, peer_person_a), "duration_confirmed": "on"})
    assert response.status_code == 302
    assert ActivityPlan.objects.get().planned_end == time(14, 20)


@pytest.mark.parametrize("end, minutes", [(time(14, 30), 30), (time(16, 30), 150)])
def test_the_plan_service_enforces_the_confirmation(
    users, community_a, venue_a, peer_person_a, end, minutes
):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, planned_end=end),
        )
    assert str(minutes) in str(error.value.message_dict["planned_end"])
    services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, planned_end=end),
        duration_confirmed=True,
    )


def test_the_record_form_starts_from_the_plans_three_parts(client_for, users, plan):
    form = client_for(users["peer"]).get(reverse("activities:record_edit", args=[plan.pk]))
    initial = form.context["form"].initial
    assert (initial["warm_up"], initial["main_activity"], initial["close"]) == (
        plan.warm_up_plan,
        plan.main_plan,
        plan.close_plan,
    )
    page = form.content.decode()
    assert "破冰游戏" in page and "学唱一首歌" in page and "一起合唱" in page


def test_back_entry_asks_for_the_date_and_times_once(client_for, users):
    page = client_for(users["research"]).get(reverse("activities:back_entry")).content.decode()
    assert 'name="plan-planned_on"' in page
    for name in ("held_on", "started_at", "ended_at"):
        assert f'name="record-{name}"' not in page


def test_back_entry_service_takes_the_plans_date_and_times(
    users, community_a, venue_a, peer_person_a
):
    with time_machine.travel(date(2016, 6, 30), tick=False):
        plan = services.session_back_enter(
            by=users["research"],
            community=community_a,
            plan_fields=plan_fields(venue_a, peer_person_a, planned_on=date(2014, 5, 7)),
            record_fields={
                "format": "lecture",
                "theme": "书法",
                "warm_up": "",
                "main_activity": "",
                "close": "",
                "feedback": "",
                "summary": "",
            },
        )
    record = plan.record
    assert (record.held_on, record.started_at, record.ended_at) == (
        date(2014, 5, 7),
        time(14, 0),
        time(15, 30),
    )


@pytest.mark.parametrize("value", ["²", "٣", "1²", "-1", "abc"])
def test_unicode_digits_in_the_community_answer_404(client_for, users, value):
    client = client_for(users["manager"])
    for name in ("activities:plan_create", "activities:back_entry"):
        assert client.get(reverse(name), {"community": value}).status_code == 404
        assert client.post(reverse(name), {"community": value}).status_code == 404


def test_the_community_filter_says_all_communities(client_for, users):
    page = client_for(users["manager"]).get(reverse("activities:session_list"))
    html = page.content.decode()
    assert "---------" not in html
    assert "全部社区" in html
    assert client_for(users["manager"]).get(
        reverse("activities:session_list"), {"community": "²"}
    ).status_code in (200,)
