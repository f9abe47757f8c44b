"""A new emergency in an accepted six-weekly cycle is a new fact, not a correction: it is
filed without a change reason, and the project manager hears the cycle gained one."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent
from tongban.notifications.models import Notification
from tongban.submissions.models import Submission

from .conftest import file_event, local

pytestmark = pytest.mark.django_db
DAY = date(2014, 1, 10)  # cycle 5 of a program started on 2013-07-01
Kind = Notification.Kind


@pytest.fixture
def accepted(users, community_a) -> Submission:
    return Submission.objects.create(
        community=community_a,
        cycle=5,
        status=Submission.Status.ACCEPTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
    )


def form_data(**overrides) -> dict:
    data = {
        "kind": "self_harm",
        "occurred_at": "2014-01-10T10:00",
        "description": "纸质表格补录：一位服务对象划伤手臂",
        "actions_taken": "包扎，联系家属",
        "emergency_services_called": "no",
    }
    data.update(overrides)
    return data


def test_the_form_asks_no_change_reason(client_for, users, accepted):
    client = client_for(users["research"])
    page = client.get("/emergencies/new/")
    assert "change_reason" not in page.content.decode()
    response = client.post("/emergencies/new/", form_data())
    assert response.status_code == 302
    event = EmergencyEvent.objects.get()
    assert event.occurred_at == local(DAY)
    assert event.history.earliest().history_change_reason in (None, "")


def test_the_manager_hears_the_accepted_cycle_gained_an_emergency(users, community_a, accepted):
    second = make_user("manager2", Role.PROJECT_MANAGER)
    event = file_event(users["research"], community_a, occurred_at=local(DAY))
    gained = Notification.objects.filter(kind=Kind.EMERGENCY_IN_ACCEPTED_CYCLE)
    assert {n.recipient for n in gained} == {users["manager"], second}
    notification = gained.get(recipient=users["manager"])
    assert (notification.subject, notification.detail) == (community_a.name, "5")
    assert notification.url == event.get_absolute_url()
    with translation.override("en"):
        assert notification.text == "甲社区 cycle 5 (accepted): an emergency event form was added"
    # The doctor is notified as for any other event.
    assert Notification.objects.get(kind=Kind.EMERGENCY_FILED).recipient == users["doctor"]


def test_an_open_cycle_tells_the_manager_nothing(users, community_a):
    file_event(users["research"], community_a, occurred_at=local(DAY))
    assert not Notification.objects.filter(kind=Kind.EMERGENCY_IN_ACCEPTED_CYCLE).exists()


def test_a_returned_cycle_is_not_accepted(users, community_a, accepted):
    accepted.status = Submission.Status.RETURNED
    accepted.save()
    file_event(users["research"], community_a, occurred_at=local(DAY))
    assert not Notification.objects.filter(kind=Kind.EMERGENCY_IN_ACCEPTED_CYCLE).exists()


def test_the_manager_filing_is_not_told_of_it_but_other_managers_are(users, community_a, accepted):
    second = make_user("manager2", Role.PROJECT_MANAGER)
    file_event(users["manager"], community_a, occurred_at=local(DAY))
    gained = Notification.objects.filter(kind=Kind.EMERGENCY_IN_ACCEPTED_CYCLE)
    assert [n.recipient for n in gained] == [second]


def test_voiding_in_an_accepted_cycle_still_needs_a_reason(users, community_a, accepted):
    event = file_event(users["research"], community_a, occurred_at=local(DAY))
    with pytest.raises(ValidationError) as error:
        services.emergency_void(event=event, by=users["doctor"], reason="  ")
    assert "reason" in error.value.error_dict
