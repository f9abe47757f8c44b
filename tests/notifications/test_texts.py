"""What notifications say: the in-app text names the event's type and community; the
e-mail (which leaves the system) names only the community."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from tests.emergencies.conftest import file_event, skip_until_translated
from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def one(kind: str, detail: str = "", subject: str = "甲社区") -> Notification:
    return Notification(kind=kind, subject=subject, detail=detail, url="/")


@pytest.mark.parametrize(
    ("kind", "detail", "english"),
    [
        (Kind.EMERGENCY_FILED, "self_harm", "甲社区: self-harm, awaiting acknowledgement"),
        # Sent before the delay was a program's setting: the 24 hours there were then.
        (Kind.EMERGENCY_ESCALATED, "violence", "甲社区: violence, not acknowledged for 24 hours"),
        # The hours of the event's program, stored when it was escalated.
        (Kind.EMERGENCY_ESCALATED, "violence:2", "甲社区: violence, not acknowledged for 2 hours"),
        (Kind.EMERGENCY_ESCALATED, "violence:1", "甲社区: violence, not acknowledged for 1 hour"),
        (
            Kind.EMERGENCY_ESCALATED,
            "violence:48",
            "甲社区: violence, not acknowledged for 48 hours",
        ),
        (
            Kind.EMERGENCY_ACKNOWLEDGED,
            "medical",
            "甲社区: medical emergency, your report was acknowledged",
        ),
        (Kind.EMERGENCY_CLOSED, "self_harm", "甲社区: self-harm, your report was closed"),
        (
            Kind.EMERGENCY_IN_ACCEPTED_CYCLE,
            "26",
            "甲社区 cycle 26 (accepted): an emergency event form was added",
        ),
    ],
)
def test_in_app_texts_in_english(kind, detail, english):
    with translation.override("en"):
        assert one(kind, detail).text == english


@pytest.mark.parametrize(
    ("kind", "detail", "chinese", "msgid"),
    [
        (
            Kind.EMERGENCY_FILED,
            "self_harm",
            "甲社区：自伤，待确认",
            "%(subject)s: %(kind)s, awaiting acknowledgement",
        ),
        (
            Kind.EMERGENCY_ACKNOWLEDGED,
            "self_harm",
            "甲社区：自伤，您的报告已被确认",
            "%(subject)s: %(kind)s, your report was acknowledged",
        ),
        (
            Kind.EMERGENCY_CLOSED,
            "self_harm",
            "甲社区：自伤，您的报告已结案",
            "%(subject)s: %(kind)s, your report was closed",
        ),
        (
            Kind.EMERGENCY_IN_ACCEPTED_CYCLE,
            "26",
            "甲社区第 26 期（已验收）新增一份紧急事件表",
            "%(subject)s cycle %(cycle)s (accepted): an emergency event form was added",
        ),
        (
            Kind.ACCEPTED_FORMS_CHANGED,
            "",
            "已验收的六周表格被修改：甲社区",
            "Accepted six-weekly forms changed: %(subject)s",
        ),
    ],
)
def test_in_app_texts_in_chinese(kind, detail, chinese, msgid):
    skip_until_translated(msgid)
    with translation.override("zh-hans"):
        assert one(kind, detail).text == chinese


ESCALATED_SINGULAR = "%(subject)s: %(kind)s, not acknowledged for %(hours)d hour"
ESCALATED_PUBLIC_SINGULAR = "Emergency event in %(subject)s not acknowledged for %(hours)d hour"


def skip_until_plural_translated(singular: str) -> None:
    with translation.override("zh-hans"):
        if translation.ngettext(singular, f"{singular}s", 2) == f"{singular}s":
            pytest.skip(f"catalogue not merged yet: {singular!r}")


def test_escalation_in_chinese_says_the_programs_hours():
    skip_until_plural_translated(ESCALATED_SINGULAR)
    with translation.override("zh-hans"):
        assert one(Kind.EMERGENCY_ESCALATED, "self_harm:2").text == "甲社区：自伤，2 小时未确认"
        assert one(Kind.EMERGENCY_ESCALATED, "self_harm").text == "甲社区：自伤，24 小时未确认"


def test_the_email_text_says_the_programs_hours_too():
    with translation.override("en"):
        assert one(Kind.EMERGENCY_ESCALATED, "self_harm:2").public_text == (
            "Emergency event in 甲社区 not acknowledged for 2 hours"
        )
        assert one(Kind.EMERGENCY_ESCALATED, "self_harm:1").public_text == (
            "Emergency event in 甲社区 not acknowledged for 1 hour"
        )
        assert one(Kind.EMERGENCY_ESCALATED).public_text == (
            "Emergency event in 甲社区 not acknowledged for 24 hours"
        )
    skip_until_plural_translated(ESCALATED_PUBLIC_SINGULAR)
    with translation.override("zh-hans"):
        assert "2 小时" in one(Kind.EMERGENCY_ESCALATED, "self_harm:2").public_text


def test_the_kind_label_follows_the_readers_language():
    """Even before the sentence is translated, the type is the reader's word for it."""
    notification = one(Kind.EMERGENCY_FILED, "self_harm")
    with translation.override("zh-hans"):
        assert "自伤" in notification.text and "甲社区" in notification.text
    with translation.override("en"):
        assert "self-harm" in notification.text


def test_accepted_forms_changed_has_its_text():
    with translation.override("en"):
        assert one(Kind.ACCEPTED_FORMS_CHANGED, subject="甲社区 · 26").text == (
            "Accepted six-weekly forms changed: 甲社区 · 26"
        )


def test_older_notifications_without_detail_keep_the_general_text():
    with translation.override("en"):
        assert one(Kind.EMERGENCY_FILED).text == "Emergency event reported in 甲社区"
        assert one(Kind.EMERGENCY_FILED, "not-a-kind").text == "Emergency event reported in 甲社区"


@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_has_a_text_and_an_email_text(kind):
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert one(kind, "self_harm").text
            assert one(kind, "self_harm").public_text


def test_the_public_text_has_no_health_detail():
    for kind in Kind.values:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                public = one(kind, "self_harm").public_text
                assert "self-harm" not in public and "自伤" not in public


def test_filing_stores_the_kind(users, community_a):
    event = file_event(users["peer"], community_a, kind=EmergencyEvent.Kind.SUICIDAL_TALK)
    notification = Notification.objects.get(recipient=users["doctor"])
    assert (notification.kind, notification.detail) == (Kind.EMERGENCY_FILED, "suicidal_talk")
    with translation.override("en"):
        assert notification.text == "甲社区: suicidal talk, awaiting acknowledgement"
    assert notification.url == event.get_absolute_url()


def test_the_list_shows_the_type(client_for, users, community_a, settings):
    file_event(users["peer"], community_a, kind=EmergencyEvent.Kind.SELF_HARM)
    client = client_for(users["doctor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/notifications/").content.decode()
    assert "甲社区: self-harm, awaiting acknowledgement" in html


def test_escalation_names_the_type(users, community_a):
    event = file_event(users["peer"], community_a, kind=EmergencyEvent.Kind.VIOLENCE)
    services.emergencies_escalate_overdue(now=event.reported_at + timedelta(hours=25))
    escalated = Notification.objects.get(kind=Kind.EMERGENCY_ESCALATED)
    assert escalated.detail == "violence:24"
    assert escalated.recipient == users["psychiatrist"]
    assert escalated.program == community_a.program
    with translation.override("en"):
        assert escalated.text == "甲社区: violence, not acknowledged for 24 hours"


def test_the_email_subject_and_body_carry_no_health_detail(
    users, community_a, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["doctor"].email = "doctor@example.org"
    users["doctor"].language = "en"
    users["doctor"].save()
    with django_capture_on_commit_callbacks(execute=True):
        file_event(users["peer"], community_a, kind=EmergencyEvent.Kind.SELF_HARM)
    (mail,) = mailoutbox
    assert "甲社区" in mail.subject
    assert "self-harm" not in mail.subject + mail.body
    assert "/emergencies/" in mail.body
    # The same notification in the app names the type.
    with translation.override("en"):
        assert "self-harm" in Notification.objects.get().text


def test_send_returns_one_notification_per_active_recipient(users, community_a):
    inactive = users["psychologist"]
    inactive.is_active = False
    inactive.save()
    sent = notification_send(
        recipients=[users["doctor"], users["doctor"], inactive],
        kind=Kind.EMERGENCY_FILED,
        subject="甲社区",
        url="/",
        detail="self_harm",
        program=community_a.program,
    )
    assert [n.recipient for n in sent] == [users["doctor"]]
    assert sent[0].program == community_a.program
    assert sent[0].detail == "self_harm"
