"""The reporter hears when the doctor acknowledges the event and when it is closed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent
from tongban.notifications.models import Notification

from .conftest import file_event

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def event(users, community_a) -> EmergencyEvent:
    return file_event(users["peer"], community_a, kind=EmergencyEvent.Kind.SELF_HARM)


def to_reporter(users) -> list[Notification]:
    return list(Notification.objects.filter(recipient=users["peer"]).order_by("pk"))


def test_acknowledging_notifies_the_reporter(client_for, users, event):
    assert to_reporter(users) == []
    client_for(users["doctor"]).post(f"/emergencies/{event.pk}/acknowledge/")
    (notification,) = to_reporter(users)
    assert notification.kind == Kind.EMERGENCY_ACKNOWLEDGED
    assert notification.url == event.get_absolute_url()
    assert notification.detail == "self_harm" and notification.subject == "甲社区"
    with translation.override("en"):
        assert notification.text == "甲社区: self-harm, your report was acknowledged"


def test_closing_notifies_the_reporter(client_for, users, event):
    services.emergency_acknowledge(event=event, by=users["doctor"])
    client = client_for(users["psychologist"])
    response = client.post(f"/emergencies/{event.pk}/close/", {"closing_note": "已随访，情况稳定"})
    assert response.status_code == 302
    kinds = [n.kind for n in to_reporter(users)]
    assert kinds == [Kind.EMERGENCY_ACKNOWLEDGED, Kind.EMERGENCY_CLOSED]
    closed = to_reporter(users)[-1]
    with translation.override("en"):
        assert closed.text == "甲社区: self-harm, your report was closed"


def test_the_reporter_can_open_what_they_are_told_about(client_for, users, event):
    services.emergency_acknowledge(event=event, by=users["doctor"])
    (notification,) = to_reporter(users)
    client = client_for(users["peer"])
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_nobody_is_told_of_their_own_step(users, community_a):
    """A doctor who files and then acknowledges and closes is not notified of it."""
    event = file_event(users["doctor"], community_a)
    services.emergency_acknowledge(event=event, by=users["doctor"])
    services.emergency_close(event=event, by=users["doctor"], closing_note="已处理")
    assert not Notification.objects.filter(recipient=users["doctor"]).exists()


def test_a_refused_step_tells_nobody(users, event):
    services.emergency_acknowledge(event=event, by=users["doctor"])
    with pytest.raises(ValidationError):  # already acknowledged
        services.emergency_acknowledge(event=event, by=users["psychiatrist"])
    assert len(to_reporter(users)) == 1


def test_an_inactive_reporter_is_not_notified(users, event):
    users["peer"].is_active = False
    users["peer"].save()
    services.emergency_acknowledge(event=event, by=users["doctor"])
    assert to_reporter(users) == []
