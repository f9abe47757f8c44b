"""Sending notifications. Other apps call `notification_send`; nothing else writes here."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification
from .texts import public_message

log = logging.getLogger(__name__)


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    url: str,
    program,
    detail: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each active recipient in the app, and by e-mail when configured.

    `program` is the program the notice is about (the community's): the recipient sees
    it while that program is their chosen one.

    Returns the notifications written, one per distinct active recipient: what callers
    tell the user about who was notified is built from this, never from a guess.
    `detail` (an emergency's kind, a cycle number) shows in the app, never in e-mail.

    E-mail is sent after the transaction commits, so a rolled-back write sends nothing,
    and a mail server that is down never undoes the write. `email=False` keeps the notice
    in the app: for kinds that reach e-mail another way (the online group's digests,
    tongban.discussion.digests), so nobody gets one e-mail per message.
    """
    notifications = [
        Notification.objects.create(
            recipient=user, program=program, kind=kind, subject=subject, url=url, detail=detail
        )
        for user in {user.pk: user for user in recipients if user.is_active}.values()
    ]
    if email and settings.NOTIFY_BY_EMAIL:
        for notification in notifications:
            if notification.recipient.email:
                transaction.on_commit(lambda n=notification: _email(n))
    return notifications


def _email(notification: Notification) -> None:
    user = notification.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        # E-mail leaves the system: the text without health details, and the link.
        text = public_message(notification)
        try:
            send_mail(
                subject=f"[{settings.PROGRAM_EMAIL_PREFIX}] {text}",
                message=f"{text}\n\n{settings.SITE_URL}{notification.url}",
                from_email=None,
                recipient_list=[user.email],
            )
        except OSError:
            log.exception("notification e-mail to %s failed", user.pk)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def notifications_mark_all_read(*, user, program) -> int:
    """Mark read the user's unread notifications of `program` (those the list shows)."""
    return Notification.objects.filter(
        recipient=user, program=program, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notifications_mark_read_for_url(*, user, url: str) -> int:
    """The reader dealt with what the link points to (e.g. acknowledged the event)."""
    return Notification.objects.filter(recipient=user, url=url, read_at__isnull=True).update(
        read_at=timezone.now()
    )
