"""After filing: acknowledgement, follow-up notes, closure, voiding; who may do each."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent, FollowUp, Status
from tongban.notifications.models import Notification
from tongban.submissions.models import Submission

from .conftest import file_event, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(users, community_a) -> EmergencyEvent:
    return file_event(users["peer"], community_a)


def url(event, action: str = "") -> str:
    return f"/emergencies/{event.pk}/{action + '/' if action else ''}"


# Acknowledgement -----------------------------------------------------------------------


def test_the_doctor_acknowledges(client_for, users, event):
    client = client_for(users["doctor"])
    page = client.get(url(event)).content.decode()
    assert url(event, "acknowledge") in page
    response = client.post(url(event, "acknowledge"))
    assert response.status_code == 302 and response["Location"] == url(event)
    event.refresh_from_db()
    assert event.acknowledged_by == users["doctor"]
    assert event.acknowledged_at is not None
    assert event.status == Status.ACKNOWLEDGED
    # Acknowledging deals with the notification too.
    assert Notification.objects.get(recipient=users["doctor"]).read_at is not None


def test_a_double_click_on_acknowledge_answers_with_a_message(client_for, users, event):
    client = client_for(users["doctor"])
    client.post(url(event, "acknowledge"))
    first = EmergencyEvent.objects.get().acknowledged_at
    response = client.post(url(event, "acknowledge"), follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert users["doctor"].display_name in messages[-1]
    assert EmergencyEvent.objects.get().acknowledged_at == first
    assert EmergencyEvent.history.filter(id=event.pk).count() == 2  # filed, acknowledged


def test_the_psychiatrist_may_acknowledge(client_for, users, event):
    client_for(users["psychiatrist"]).post(url(event, "acknowledge"))
    event.refresh_from_db()
    assert event.acknowledged_by == users["psychiatrist"]


def test_the_manager_acknowledges_when_nobody_else_can(client_for, users, event):
    # No doctor and no psychiatrist: the manager received the event and must close the loop.
    for username in ("doctor", "psychiatrist"):
        users[username].is_active = False
        users[username].save()
    client_for(users["manager"]).post(url(event, "acknowledge"))
    event.refresh_from_db()
    assert event.acknowledged_by == users["manager"]


NOT_ACKNOWLEDGING = ["peer", "psychologist", "socialworker", "research", "manager"]


@pytest.mark.parametrize("username", NOT_ACKNOWLEDGING)
def test_others_may_not_acknowledge(client_for, users, event, username):
    client = client_for(users[username])
    assert url(event, "acknowledge") not in client.get(url(event)).content.decode()
    assert client.post(url(event, "acknowledge")).status_code == 403
    assert EmergencyEvent.objects.get().acknowledged_at is None


def test_a_doctor_of_another_community_gets_404(client_for, users, event, community_b):
    doctor_b = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    client = client_for(doctor_b)
    for action in ("", "acknowledge", "follow-up", "close", "void"):
        assert client.get(url(event, action)).status_code == 404
        assert client.post(url(event, action)).status_code == 404


def test_a_get_on_acknowledge_changes_nothing(client_for, users, event):
    response = client_for(users["doctor"]).get(url(event, "acknowledge"))
    assert response.status_code == 302
    assert EmergencyEvent.objects.get().acknowledged_at is None


# Follow-up and closure -----------------------------------------------------------------


def test_staff_write_follow_up_notes_and_close(client_for, users, event):
    client = client_for(users["socialworker"])
    response = client.post(url(event, "follow-up"), {"text": "次日电话随访，情绪平稳"})
    assert response.status_code == 302
    note = FollowUp.objects.get()
    assert (note.author, note.text) == (users["socialworker"], "次日电话随访，情绪平稳")

    # Not before acknowledgement.
    response = client.post(url(event, "close"), {"closing_note": "已解决"}, follow=True)
    assert EmergencyEvent.objects.get().closed_at is None
    assert [m.level_tag for m in response.context["messages"]][-1] == "info"

    client_for(users["doctor"]).post(url(event, "acknowledge"))
    client = client_for(users["socialworker"])
    response = client.post(url(event, "close"), {"closing_note": ""})
    assert response.status_code == 200
    assert "closing_note" in response.context["close_form"].errors
    response = client.post(url(event, "close"), {"closing_note": "已转介精神科门诊，结案"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Status.CLOSED
    assert event.closed_by == users["socialworker"]
    assert event.closing_note == "已转介精神科门诊，结案"

    # Closed: no more notes, and a second close says so.
    response = client.post(url(event, "follow-up"), {"text": "再补一句"}, follow=True)
    assert FollowUp.objects.count() == 1
    response = client.post(url(event, "close"), {"closing_note": "again"}, follow=True)
    assert response.status_code == 200
    assert EmergencyEvent.objects.get().closing_note == "已转介精神科门诊，结案"


def test_an_empty_note_shows_an_error(client_for, users, event):
    response = client_for(users["doctor"]).post(url(event, "follow-up"), {"text": "  "})
    assert response.status_code == 200
    assert response.context["follow_up_form"].errors
    assert not FollowUp.objects.exists()


def test_peers_neither_write_notes_nor_close_nor_void(client_for, users, event):
    client_for(users["doctor"]).post(url(event, "acknowledge"))
    client = client_for(users["peer"])
    assert client.post(url(event, "follow-up"), {"text": "x"}).status_code == 403
    assert client.post(url(event, "close"), {"closing_note": "x"}).status_code == 403
    assert client.get(url(event, "void")).status_code == 403
    assert client.post(url(event, "void"), {"reason": "x"}).status_code == 403
    assert not FollowUp.objects.exists()
    assert EmergencyEvent.objects.get().status == Status.ACKNOWLEDGED


# Voiding -------------------------------------------------------------------------------


def test_void_with_a_reason(client_for, users, event):
    client = client_for(users["doctor"])
    assert client.get(url(event, "void")).status_code == 200
    response = client.post(url(event, "void"), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url(event, "void"), {"reason": "重复提交"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Status.VOIDED and event.void_reason == "重复提交"
    assert event.history.latest().history_change_reason == "重复提交"
    # A voided event takes no acknowledgement, and a second void says so.
    assert client.post(url(event, "acknowledge")).status_code == 302
    assert EmergencyEvent.objects.get().acknowledged_at is None
    assert client.post(url(event, "void"), {"reason": "again"}).status_code == 302


def test_history_is_kept_and_readable(client_for, users, event):
    client_for(users["doctor"]).post(url(event, "acknowledge"))
    client_for(users["doctor"]).post(url(event, "follow-up"), {"text": "随访"})
    history = client_for(users["psychologist"]).get(url(event)).context["history"]
    assert len(history) >= 3
    assert any(change.label for entry in history for change in entry.changes)


def test_voiding_an_event_of_an_accepted_cycle_records_the_reason(users, community_a):
    event = file_event(users["research"], community_a, occurred_at=local(date(2014, 1, 10)))
    Submission.objects.create(
        community=community_a,
        cycle=5,
        status=Submission.Status.ACCEPTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
    )
    services.emergency_void(event=event, by=users["doctor"], reason="表格重复录入")
    assert event.history.latest().history_change_reason == "表格重复录入"
