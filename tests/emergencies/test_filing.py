"""Filing an Emergency Event Form: the rules, and who hears of it at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent
from tongban.notifications.models import Notification

from .conftest import file_event, local, make_session

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
        "involved_note": "",
    }
    data.update(overrides)
    return data


# Notification --------------------------------------------------------------------------


def test_filing_notifies_the_community_doctor_at_once(users, community_a):
    event = file_event(users["peer"], community_a)
    notification = Notification.objects.get()
    assert notification.recipient == users["doctor"]
    assert notification.kind == Notification.Kind.EMERGENCY_FILED
    assert notification.url == f"/emergencies/{event.pk}/"
    assert notification.subject == community_a.name
    assert notification.read_at is None


def test_every_doctor_of_the_community_and_only_them(users, community_a, community_b):
    second = make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    retired = make_user("retired", Role.COMMUNITY_DOCTOR, [community_a])
    retired.is_active = False
    retired.save()
    file_event(users["peer"], community_a)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"doctor", second.username}


def test_a_doctor_who_files_is_not_notified_of_their_own_form(users, community_a):
    second = make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    event = file_event(users["doctor"], community_a)
    assert [n.recipient for n in Notification.objects.all()] == [second]
    assert event.acknowledged_at is None


def test_without_a_doctor_the_psychiatrist_hears_at_once(users, community_b):
    file_event(users["manager"], community_b)  # community B has no doctor account
    assert [n.recipient for n in Notification.objects.all()] == [users["psychiatrist"]]


def test_email_goes_only_when_configured(
    users, community_a, settings, mailoutbox, django_capture_on_commit_callbacks
):
    users["doctor"].email = "doctor@example.org"
    users["doctor"].save()
    settings.NOTIFY_BY_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        file_event(users["peer"], community_a)
    assert mailoutbox == []

    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        file_event(users["peer"], community_a, description="另一件事")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["doctor@example.org"]
    assert community_a.name in mail.subject
    # No health detail leaves the system: neither the type nor the description.
    body = mail.subject + mail.body
    assert "另一件事" not in body and "poorly" not in body.lower() and "情绪" not in body
    assert "/emergencies/" in mail.body


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_after_commit_only(users, community_a, settings, mailoutbox):
    """A filing that fails sends nothing (e-mail waits for the commit)."""
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["doctor"].email = "doctor@example.org"
    users["doctor"].save()
    file_event(users["peer"], community_a)
    assert len(mailoutbox) == 1
    with pytest.raises(ValidationError):
        file_event(users["peer"], community_a, occurred_at=timezone.now() + timedelta(days=1))
    assert len(mailoutbox) == 1


# Rules ---------------------------------------------------------------------------------


def test_the_time_cannot_be_in_the_future(users, community_a):
    with pytest.raises(ValidationError) as error:
        file_event(users["peer"], community_a, occurred_at=timezone.now() + timedelta(hours=1))
    assert "occurred_at" in error.value.error_dict
    assert not EmergencyEvent.objects.exists()
    assert not Notification.objects.exists()
    # A phone's clock a minute ahead is not "the future".
    file_event(users["peer"], community_a, occurred_at=timezone.now() + timedelta(minutes=1))


def test_not_before_the_program_started(users, community_a):
    with pytest.raises(ValidationError) as error:
        file_event(users["peer"], community_a, occurred_at=local(date(2013, 6, 30)))
    assert "occurred_at" in error.value.error_dict


def test_a_session_of_another_community_is_refused(users, community_a, community_b):
    foreign_peer = make_person("乙同伴", community=community_b, role="peer")
    session_b = make_session(
        community_b, users["manager"], day=timezone.localdate(), lead=foreign_peer
    )
    with pytest.raises(ValidationError) as error:
        file_event(users["manager"], community_a, session=session_b)
    assert "session" in error.value.error_dict


def test_a_voided_session_is_refused(users, community_a, session_a):
    session_a.void(by=users["manager"], reason="录入错误")
    with pytest.raises(ValidationError) as error:
        file_event(users["peer"], community_a, session=session_a)
    assert "session" in error.value.error_dict


def test_people_involved_come_from_the_community(users, community_a, consumer_a, consumer_b):
    with pytest.raises(ValidationError) as error:
        file_event(users["doctor"], community_a, people_involved=[consumer_b])
    assert "people_involved" in error.value.error_dict
    event = file_event(users["doctor"], community_a, people_involved=[consumer_a])
    assert list(event.people_involved.all()) == [consumer_a]


def test_description_and_actions_are_required(users, community_a):
    with pytest.raises(ValidationError) as error:
        file_event(users["peer"], community_a, description="  ", actions_taken="")
    assert set(error.value.error_dict) == {"description", "actions_taken"}


def test_only_users_of_the_community_file(users, community_b):
    with pytest.raises(PermissionDenied):
        file_event(users["peer"], community_b)
    with pytest.raises(PermissionDenied):
        file_event(users["doctor"], community_b)


def test_a_double_submit_files_once(users, community_a):
    first = file_event(users["peer"], community_a)
    with pytest.raises(services.AlreadyFiled) as duplicate:
        file_event(users["peer"], community_a, occurred_at=first.occurred_at)
    assert duplicate.value.event == first
    assert EmergencyEvent.objects.count() == 1
    assert Notification.objects.count() == 1


# Through the pages ---------------------------------------------------------------------


def test_a_peer_files_from_the_form(client_for, users, community_a, consumer_a, session_a):
    client = client_for(users["peer"])
    page = client.get(f"/emergencies/new/?session={session_a.pk}")
    assert page.status_code == 200
    assert consumer_a.name in page.content.decode()
    response = client.post(
        f"/emergencies/new/?session={session_a.pk}",
        form_data(people_involved=[consumer_a.pk], emergency_services_called="yes"),
    )
    event = EmergencyEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/emergencies/{event.pk}/"
    assert (event.session, event.community, event.reported_by) == (
        session_a,
        community_a,
        users["peer"],
    )
    assert event.emergency_services_called is True
    assert list(event.people_involved.all()) == [consumer_a]
    assert Notification.objects.get().recipient == users["doctor"]


def test_a_double_click_on_file_lands_on_the_first(client_for, users, community_a):
    client = client_for(users["peer"])
    data = form_data()
    first = client.post("/emergencies/new/", data)
    second = client.post("/emergencies/new/", data)
    assert EmergencyEvent.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_the_form_shows_every_error_at_once(client_for, users, community_a):
    client = client_for(users["peer"])
    future = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/emergencies/new/", form_data(occurred_at=future, kind="", description="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"kind", "occurred_at", "description"}
    html = response.content.decode()
    # One summary at the top, each error linking to its field.
    assert html.count('class="errorbox error-summary"') == 1
    for name in ("kind", "occurred_at", "description"):
        assert f'href="#field-{name}"' in html and f'id="field-{name}"' in html
    assert not EmergencyEvent.objects.exists()


def test_program_wide_users_choose_the_community_first(client_for, users, community_a):
    client = client_for(users["psychiatrist"])
    page = client.get("/emergencies/new/")
    assert page.status_code == 200
    assert f"?community={community_a.pk}" in page.content.decode()
    assert client.get(f"/emergencies/new/?community={community_a.pk}").status_code == 200


def test_a_session_or_community_out_of_scope_is_404(client_for, users, community_b):
    foreign_peer = make_person("乙同伴", community=community_b, role="peer")
    session_b = make_session(community_b, users["manager"], day=date(2016, 3, 9), lead=foreign_peer)
    for username in ("peer", "doctor"):
        client = client_for(users[username])
        assert client.get(f"/emergencies/new/?session={session_b.pk}").status_code == 404
        assert client.get(f"/emergencies/new/?community={community_b.pk}").status_code == 404
        posted = client.post(f"/emergencies/new/?session={session_b.pk}", form_data())
        assert posted.status_code == 404
        assert client.get("/emergencies/new/?session=abc").status_code == 404
    assert not EmergencyEvent.objects.exists()
