"""The confirmation after filing says exactly who was notified, by name and role, and
never claims a doctor was told when the community has none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.emergencies.models import EmergencyEvent
from tongban.notifications.models import Notification

from .conftest import file_event, skip_until_translated

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "kind": "self_harm",
        "occurred_at": timezone.localtime(timezone.now() - timedelta(minutes=30)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "description": "一位服务对象用笔划自己的手臂",
        "actions_taken": "拿走笔，陪伴，联系家属",
        "emergency_services_called": "no",
    }
    data.update(overrides)
    return data


def speak(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def file_and_read(client, path: str = "/emergencies/new/", language: str = "en") -> list[str]:
    response = speak(client, language).post(path, form_data(), follow=True)
    assert response.redirect_chain, response.context["form"].errors
    assert EmergencyEvent.objects.exists()
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def peer_b(community_b):
    person = make_person("乙同伴", community=community_b, role="peer")
    return make_user("peer-b", Role.PEER, person=person)


def deactivate(*users) -> None:
    for user in users:
        user.is_active = False
        user.save()


def test_the_doctor_is_named_with_their_role(client_for, users, community_a):
    messages = file_and_read(client_for(users["peer"]))
    assert messages == ["Emergency event filed. Notified: doctor (community doctor)."]


def test_every_doctor_is_named(client_for, users, community_a):
    make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    messages = file_and_read(client_for(users["peer"]))
    assert messages == [
        "Emergency event filed. Notified: doctor (community doctor), doctor2 (community doctor)."
    ]


def test_without_a_doctor_it_says_so_and_names_the_psychiatrist(client_for, users, peer_b):
    messages = file_and_read(client_for(peer_b))
    assert messages == [
        "Emergency event filed. This community has no community doctor; "
        "notified: psychiatrist (psychiatrist)."
    ]
    assert [n.recipient for n in Notification.objects.all()] == [users["psychiatrist"]]


def test_without_a_psychiatrist_it_names_the_manager(client_for, users, peer_b):
    deactivate(users["psychiatrist"])
    messages = file_and_read(client_for(peer_b))
    assert messages == [
        "Emergency event filed. This community has no community doctor; "
        "notified: manager (project manager)."
    ]
    assert [n.recipient for n in Notification.objects.all()] == [users["manager"]]


def test_an_inactive_doctor_is_no_doctor(client_for, users, community_a):
    deactivate(users["doctor"])
    messages = file_and_read(client_for(users["peer"]))
    assert "no community doctor" in messages[0]
    assert "psychiatrist (psychiatrist)" in messages[0]
    assert "(community doctor)" not in messages[0]


def test_when_nobody_can_be_notified_it_says_so_and_asks_to_phone(client_for, users, peer_b):
    deactivate(users["psychiatrist"], users["manager"])
    messages = file_and_read(client_for(peer_b))
    assert len(messages) == 1
    assert "nobody could be notified" in messages[0] and "Phone" in messages[0]
    assert not Notification.objects.exists()


def test_a_doctor_who_files_alone_is_told_nobody_else_was_notified(client_for, users):
    messages = file_and_read(client_for(users["doctor"]))
    assert messages == [
        "Emergency event filed. You receive this community's emergencies yourself, so nobody "
        "else was notified: acknowledge it when it is in hand."
    ]
    assert not Notification.objects.exists()


def test_a_doctor_who_files_sees_the_other_doctor_named_not_themselves(
    client_for, users, community_a
):
    make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    messages = file_and_read(client_for(users["doctor"]))
    assert messages == ["Emergency event filed. Notified: doctor2 (community doctor)."]


def test_the_service_reports_the_recipients_it_notified(users, community_a, community_b):
    event = file_event(users["peer"], community_a)
    assert event.notified.recipients == [users["doctor"]]
    assert event.notified.has_doctor and not event.notified.reporter_is_responder
    assert [n.recipient for n in Notification.objects.all()] == event.notified.recipients

    other = file_event(users["manager"], community_b)
    assert other.notified.recipients == [users["psychiatrist"]]
    assert not other.notified.has_doctor


def test_the_form_says_who_will_be_notified(client_for, users, peer_b):
    page = speak(client_for(users["peer"]), "en").get("/emergencies/new/")
    assert "Filing this form notifies at once: doctor (community doctor)." in page.content.decode()
    page = speak(client_for(peer_b), "en").get("/emergencies/new/")
    html = page.content.decode()
    assert "notifies at once: psychiatrist (psychiatrist)." in html
    assert "community doctor at once" not in html


def test_in_chinese_without_a_doctor(client_for, users, peer_b):
    skip_until_translated(
        "Emergency event filed. This community has no community doctor; notified: %(people)s."
    )
    messages = file_and_read(client_for(peer_b), language="zh-hans")
    assert messages == [
        "紧急事件表已提交。本社区没有社区医生，已通知：psychiatrist（精神科医生）。"
    ]


def test_in_chinese_with_two_doctors(client_for, users, community_a):
    skip_until_translated("Emergency event filed. Notified: %(people)s.")
    make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    messages = file_and_read(client_for(users["peer"]), language="zh-hans")
    assert messages == ["紧急事件表已提交。已通知：doctor（社区医生）、doctor2（社区医生）。"]
