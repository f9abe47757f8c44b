"""E-mail digests of the online group: what is new for a user in their spaces since their
last digest. How many times they were mentioned, and, for professionals, the questions
waiting for an answer. The in-app notices of mentions and waiting questions are not
e-mailed one by one (notification_send(email=False)): this is the group's e-mail.

E-mail leaves the system: a digest names spaces, counts, how long the oldest question has
waited and links into the group; never a message's text, a topic's title or a person.

Run by `manage.py group_digest` (cron). The spaces are those of the user's chosen program,
as in the app (tongban.core.scope).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongban.core import scope
from tongban.notifications.models import Notification

from . import selectors
from .models import DigestMark, ReadMark

log = logging.getLogger(__name__)

# A question that was in a digest already is told again at most this often; a new
# question or a new mention goes in the next digest.
REPEAT_AFTER = timedelta(days=1)
# How a mention's notice links to its message (services.message_post): the digest counts
# only messages still there for the user, so it reads the message's id from the link.
_MENTION_URL = re.compile(r"^/group/topics/\d+/#message-(\d+)$")


@dataclass(frozen=True)
class _Waiting:
    count: int
    oldest: datetime
    # The latest thing that happened to one of them: asked, or its doctor reminded.
    latest: datetime


@dataclass(frozen=True)
class _Digest:
    user_pk: int
    email: str
    subject: str
    body: str
    previous: datetime | None
    claimed: datetime


def _mentions(user, *, since: datetime | None, now: datetime) -> dict[int, int]:
    """Space id -> mentions notified after `since` and still unseen: the notice unopened,
    the message neither withdrawn nor hidden nor past the user's read mark, in a space the
    user is still in. Two queries, whatever the number."""
    notices = Notification.objects.filter(
        recipient=user,
        kind=Notification.Kind.DISCUSSION_MENTION,
        read_at__isnull=True,
        created_at__lte=now,
    )
    if since is not None:
        notices = notices.filter(created_at__gt=since)
    ids = {
        int(match.group(1))
        for url in notices.values_list("url", flat=True)
        if (match := _MENTION_URL.match(url))
    }
    if not ids:
        return {}
    read = ReadMark.objects.filter(user=user, topic=OuterRef("topic_id")).values("last_read_id")
    return dict(
        scope.discussion_messages(user)
        .filter(pk__in=ids, withdrawn_at__isnull=True, hidden_at__isnull=True)
        .annotate(last_read=Coalesce(Subquery(read[:1]), 0, output_field=IntegerField()))
        .filter(pk__gt=F("last_read"))
        .order_by()
        .values("topic__space_id")
        .annotate(n=Count("pk"))
        .values_list("topic__space_id", "n")
    )


def _waiting(user, *, now: datetime) -> dict[int, _Waiting]:
    """Space id -> the questions waiting for an answer there (not the user's own, not in a
    topic they muted). One query."""
    muted = ReadMark.objects.filter(user=user, topic=OuterRef("pk"), muted=True)
    rows = (
        scope.discussion_topics(user)
        .filter(is_question=True, answered_at__isnull=True, created_at__lte=now)
        .exclude(started_by=user)
        .exclude(Exists(muted))
        .order_by()
        .values("space_id")
        .annotate(
            n=Count("pk"),
            oldest=Min("created_at"),
            newest=Max("created_at"),
            reminded=Max("reminded_at"),
        )
    )
    return {
        row["space_id"]: _Waiting(
            count=row["n"],
            oldest=row["oldest"],
            latest=max(row["newest"], row["reminded"] or row["newest"]),
        )
        for row in rows
    }


def _is_news(
    mentions: dict[int, int],
    waiting: dict[int, _Waiting],
    *,
    since: datetime | None,
    now: datetime,
) -> bool:
    if mentions:
        return True
    if not waiting:
        return False
    if since is None or now - since >= REPEAT_AFTER:
        return True
    return any(questions.latest > since for questions in waiting.values())


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _compose(user, spaces, mentions, waiting, *, now: datetime) -> tuple[str, str]:
    """The subject and body in the user's language: space names, counts, waits, links."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        lines: list[str] = []
        if mentions:
            lines.append(_("You were mentioned in the online group:"))
            for space in spaces:
                if count := mentions.get(space.pk):
                    text = ngettext(
                        "%(space)s: %(count)d mention", "%(space)s: %(count)d mentions", count
                    ) % {"space": space.display_name, "count": count}
                    lines += [f"- {text}", f"  {_link(_space_path(space))}"]
            lines.append("")
        if waiting:
            lines.append(_("Questions waiting for an answer:"))
            for space in spaces:
                if questions := waiting.get(space.pk):
                    text = ngettext(
                        "%(space)s: %(count)d question, waiting for %(wait)s",
                        "%(space)s: %(count)d questions, the oldest waiting for %(wait)s",
                        questions.count,
                    ) % {
                        "space": space.display_name,
                        "count": questions.count,
                        "wait": timesince(questions.oldest, now, depth=1),
                    }
                    lines += [f"- {text}", f"  {_link(_space_path(space))}"]
            lines.append("")
        lines.append(
            _("What was written stays in the group; read it there: %(url)s")
            % {"url": _link(reverse("discussion:space_list"))}
        )
        subject = f"[{settings.PROGRAM_EMAIL_PREFIX}] {_('New in the online group')}"
    return subject, "\n".join(lines) + "\n"


def _space_path(space) -> str:
    return reverse("discussion:space_detail", args=[space.pk])


def _claim(user, spaces, *, now: datetime) -> _Digest | None:
    """The user's digest, with their mark moved to `now`; None when there is nothing new,
    or another run holds the user. Call inside a transaction."""
    from tongban.accounts.models import User

    # One run at a time per user: a second run skips them (it would find nothing new).
    locked = User.objects.select_for_update(skip_locked=True).filter(pk=user.pk)
    if not list(locked.values_list("pk", flat=True)):
        return None
    mark = DigestMark.objects.filter(user=user).first()
    since = mark.sent_at if mark else None
    mentions = _mentions(user, since=since, now=now)
    waiting = {} if user.is_peer else _waiting(user, now=now)
    if not _is_news(mentions, waiting, since=since, now=now):
        return None
    subject, body = _compose(user, spaces, mentions, waiting, now=now)
    DigestMark.objects.update_or_create(user=user, defaults={"sent_at": now})
    return _Digest(
        user_pk=user.pk, email=user.email, subject=subject, body=body, previous=since, claimed=now
    )


def _send(digest: _Digest, sent: list[int]) -> None:
    """After the commit: send, or give the mark back so the next run tries again."""
    try:
        send_mail(
            subject=digest.subject,
            message=digest.body,
            from_email=None,
            recipient_list=[digest.email],
        )
    except (OSError, SMTPException):
        log.exception("group digest to %s failed", digest.user_pk)
        marks = DigestMark.objects.filter(user_id=digest.user_pk, sent_at=digest.claimed)
        if digest.previous is None:
            marks.delete()
        else:
            marks.update(sent_at=digest.previous)
        return
    sent.append(digest.user_pk)


def discussion_digests_send(*, now=None) -> int:
    """E-mail each active user with an address in the group what is new there, at most
    one e-mail each per run; nothing unless settings.NOTIFY_BY_EMAIL.

    Each user's digest is claimed in its own transaction (their mark moved) and sent after
    it commits, so a rolled-back claim sends nothing; a mail server that fails is logged
    and gives the mark back. Returns the e-mails sent (when called outside a transaction,
    as the command does; inside one they go when it commits). A constant number of
    queries per user.
    """
    from tongban.accounts.models import User

    if not settings.NOTIFY_BY_EMAIL:
        return 0
    now = now or timezone.now()
    sent: list[int] = []
    for user in User.objects.filter(is_active=True).exclude(email="").order_by("pk"):
        spaces = list(selectors.spaces(user))  # as the group lists them
        if not spaces:
            continue
        with transaction.atomic():
            digest = _claim(user, spaces, now=now)
            if digest is not None:
                # robust: an unexpected error in one e-mail does not stop the others.
                transaction.on_commit(partial(_send, digest, sent), robust=True)
    return len(sent)
