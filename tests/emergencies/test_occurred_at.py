"""When it happened: filed from a session it starts at the session's time; impossible
times (future, before the program, after it ended) are refused at the field."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.emergencies.models import EmergencyEvent

from .conftest import file_event, local, make_session

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def form_data(**overrides) -> dict:
    data = {
        "kind": "self_harm",
        "occurred_at": timezone.localtime(timezone.now() - timedelta(minutes=30)).strftime(FORMAT),
        "description": "一位服务对象用笔划自己的手臂",
        "actions_taken": "拿走笔，陪伴，联系家属",
        "emergency_services_called": "no",
    }
    data.update(overrides)
    return data


def initial_time(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    # The bound field gives the value as shown: naive, in the local time zone.
    shown = page.context["form"]["occurred_at"].value().strftime(FORMAT)
    html = page.content.decode()
    assert f'value="{shown}"' in html
    return shown


def test_from_a_held_session_the_time_is_the_process_forms(
    client_for, users, community_a, peer_person_a
):
    plan = make_session(community_a, users["peer"], day=date(2016, 6, 28), lead=peer_person_a)
    plan.record.held_on = date(2016, 6, 29)  # held a day later than planned, at 14:10
    plan.record.started_at = time(14, 10)
    plan.record.save()
    client = client_for(users["peer"])
    assert initial_time(client, f"/emergencies/new/?session={plan.pk}") == "2016-06-29T14:10"


def test_from_a_session_not_yet_recorded_the_time_is_the_plans(
    client_for, users, community_a, peer_person_a
):
    plan = make_session(
        community_a, users["peer"], day=date(2016, 6, 28), lead=peer_person_a, delivered=False
    )
    plan.planned_start = time(9, 30)
    plan.save()
    client = client_for(users["peer"])
    assert initial_time(client, f"/emergencies/new/?session={plan.pk}") == "2016-06-28T09:30"


def test_a_voided_process_form_falls_back_to_the_plan(
    client_for, users, community_a, peer_person_a
):
    plan = make_session(community_a, users["peer"], day=date(2016, 6, 28), lead=peer_person_a)
    plan.record.held_on = date(2016, 6, 29)
    plan.record.save()
    plan.record.void(by=users["manager"], reason="录错了")
    client = client_for(users["peer"])
    assert initial_time(client, f"/emergencies/new/?session={plan.pk}") == "2016-06-28T14:00"


def test_without_a_session_the_time_is_now(client_for, users, community_a):
    client = client_for(users["peer"])
    shown = datetime.strptime(initial_time(client, "/emergencies/new/"), FORMAT)
    now = timezone.localtime().replace(tzinfo=None)
    assert abs(now - shown) < timedelta(minutes=2)


def test_filed_from_a_session_with_the_default_time_it_lands_on_that_day(
    client_for, users, community_a, peer_person_a
):
    plan = make_session(community_a, users["peer"], day=date(2016, 6, 28), lead=peer_person_a)
    client = client_for(users["peer"])
    page = client.get(f"/emergencies/new/?session={plan.pk}")
    initial = page.context["form"]["occurred_at"].value()
    response = client.post(
        f"/emergencies/new/?session={plan.pk}", form_data(occurred_at=initial.strftime(FORMAT))
    )
    assert response.status_code == 302
    event = EmergencyEvent.objects.get()
    assert event.occurred_at == local(date(2016, 6, 28), 14, 0)


# Refused at the field, together with the other errors -------------------------------------


@pytest.mark.parametrize(
    ("when", "words"),
    [
        (lambda: timezone.localtime(timezone.now() + timedelta(hours=2)), "future"),
        (lambda: local(date(2013, 6, 30), 10), "before the program started (2013-07-01)"),
        (lambda: local(date(2016, 7, 2), 10), "after the program ended (2016-06-30)"),
    ],
    ids=["future", "before-start", "after-end"],
)
def test_impossible_times_are_refused_at_the_field_in_one_round(
    client_for, users, community_a, program, settings, when, words
):
    settings.LANGUAGE_CODE = "en"
    program.ended_on = date(2016, 6, 30)
    program.save()
    client = client_for(users["peer"])
    response = client.post(
        "/emergencies/new/",
        form_data(occurred_at=when().strftime(FORMAT), kind="", actions_taken=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    # Every error in the same round: the time's with the other fields'.
    assert set(errors) == {"occurred_at", "kind", "actions_taken"}
    assert words in errors["occurred_at"][0]
    assert 'href="#field-occurred_at"' in response.content.decode()
    assert not EmergencyEvent.objects.exists()


def test_the_last_day_of_the_program_is_accepted(client_for, users, community_a, program):
    program.ended_on = date(2016, 6, 30)
    program.save()
    response = client_for(users["peer"]).post(
        "/emergencies/new/", form_data(occurred_at="2016-06-30T20:00")
    )
    assert response.status_code == 302
    assert EmergencyEvent.objects.get().occurred_at == local(date(2016, 6, 30), 20, 0)


def test_the_service_refuses_a_time_after_the_program_ended(users, community_a, program):
    program.ended_on = date(2016, 6, 30)
    program.save()
    with pytest.raises(ValidationError) as error:
        file_event(users["peer"], community_a, occurred_at=local(date(2016, 7, 1)))
    assert "occurred_at" in error.value.error_dict
    assert not EmergencyEvent.objects.exists()
