"""`notification_send(email=False)`: the notice stays in the app (the online group's
mentions and waiting questions reach e-mail through digests instead)."""

from __future__ import annotations

import pytest

from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor(users, settings):
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["doctor"].email = "doctor@example.org"
    users["doctor"].save()
    return users["doctor"]


def send(doctor, program, **kwargs):
    return notification_send(
        recipients=[doctor],
        kind=Notification.Kind.DISCUSSION_MENTION,
        subject="甲社区",
        url="/group/topics/1/",
        program=program,
        **kwargs,
    )


def test_by_default_the_notice_is_emailed_too(
    doctor, program, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(doctor, program)
    assert [mail.to for mail in mailoutbox] == [["doctor@example.org"]]


def test_email_false_keeps_the_notice_in_the_app(
    doctor, program, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notifications = send(doctor, program, email=False)
    assert [n.recipient for n in notifications] == [doctor]
    assert Notification.objects.filter(recipient=doctor).count() == 1
    assert callbacks == [] and mailoutbox == []
