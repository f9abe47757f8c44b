"""Writes of the online supervision group. Every function checks, through the scope, that
the user may read what they write to, and runs in one transaction."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import permissions, scope
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send
from tongban.registry.models import Community, Enrolment, Person, Program

from . import privacy
from .models import Message, ModerationEntry, ReadMark, Space, Topic

MAX_LENGTH = 4000
# @username, as the writer types it (letters, digits, . _ - @ + as Django allows).
MENTION = re.compile(r"(?<![\w.@])@([\w.@+-]+)")


class PrivacyWarning(ValidationError):
    """The text looks like it holds private data; the writer may edit it or post anyway."""

    def __init__(self, findings: list[privacy.Finding]) -> None:
        self.findings = findings
        super().__init__([finding.reason for finding in findings], code="privacy")


# --- Spaces ---------------------------------------------------------------------------------


def spaces_ensure(*, program: Program) -> list[Space]:
    """The program's own space and one per community (created when missing)."""
    spaces = [Space.objects.get_or_create(program=program, community=None)[0]]
    for community in Community.objects.filter(program=program):
        spaces.append(Space.objects.get_or_create(program=program, community=community)[0])
    return spaces


# --- Posting --------------------------------------------------------------------------------


def consumer_names(user) -> list[str]:
    """Full names of the consumers of the writer's communities: what must not be posted."""
    consumers = Enrolment.objects.current().filter(
        role=Enrolment.Role.CONSUMER, community__in=scope.communities(user)
    )
    return list(
        Person.objects.filter(pk__in=consumers.values("person_id"))
        .values_list("name", flat=True)
        .distinct()
    )


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")})
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("At most %(max)s characters: split it into two messages.")
                % {"max": MAX_LENGTH}
            }  # fmt: skip
        )
    return text


def _privacy(*, text: str, by, post_anyway: bool) -> list[str]:
    """The kinds found and posted anyway ([] when nothing was found); PrivacyWarning when
    something was found and the writer has not chosen to post anyway."""
    findings = privacy.find_private(text, names=consumer_names(by))
    if findings and not post_anyway:
        raise PrivacyWarning(findings)
    return sorted({finding.kind for finding in findings})


def _mentioned(text: str, *, space: Space, by) -> list:
    names = {match.group(1).rstrip(".") for match in MENTION.finditer(text)}
    if not names:
        return []
    # Only people who can read the space: a mention never reaches outside it.
    return list(scope.discussion_members(space).filter(username__in=names).exclude(pk=by.pk))


def _readable_topic(topic: Topic, by) -> Topic:
    try:
        return scope.discussion_topics(by).select_for_update(of=("self",)).get(pk=topic.pk)
    except Topic.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def message_post(
    *,
    topic: Topic,
    by,
    text: str,
    quote: Message | None = None,
    session=None,
    supervision_request=None,
    post_anyway: bool = False,
) -> Message:
    topic = _readable_topic(topic, by)
    text = _check_text(text)
    if quote is not None and quote.topic_id != topic.pk:
        raise ValidationError({"quote": _("Quote a message of this topic.")})
    if session is not None:
        from tongban.activities.models import ActivityPlan

        if not ActivityPlan.objects.visible_to(by).filter(pk=session.pk).exists():
            raise ValidationError({"session": _("You cannot see that session.")})
    if (
        supervision_request is not None
        and not scope.supervision_requests(by).filter(pk=supervision_request.pk).exists()
    ):
        raise ValidationError({"supervision_request": _("You cannot see that request.")})
    despite = _privacy(text=text, by=by, post_anyway=post_anyway)
    message = Message.objects.create(
        topic=topic,
        author=by,
        text=text,
        quote=quote,
        session=session,
        supervision_request=supervision_request,
        posted_despite=despite,
    )
    if despite:
        ModerationEntry.objects.create(
            space=topic.space,
            message=message,
            moderator=by,
            action=ModerationEntry.Action.POSTED_DESPITE,
            reason=", ".join(despite),
        )
    mentioned = _mentioned(text, space=topic.space, by=by)
    message.mentions.set(mentioned)
    Topic.objects.filter(pk=topic.pk).update(
        last_message_at=message.created_at, last_message_id=message.pk
    )
    ReadMark.objects.update_or_create(user=by, topic=topic, defaults={"last_read_id": message.pk})
    if mentioned:
        notification_send(
            recipients=mentioned,
            kind=Notification.Kind.DISCUSSION_MENTION,
            subject=topic.space.display_name,
            url=f"/group/topics/{topic.pk}/#message-{message.pk}",
            program=topic.space.program,
            # A busy thread would send a mail per message: the digest (group_digest)
            # gathers mentions and waiting questions instead.
            email=False,
        )
    return message


@transaction.atomic
def topic_start(
    *,
    space: Space,
    by,
    title: str,
    text: str,
    is_question: bool = False,
    session=None,
    supervision_request=None,
    post_anyway: bool = False,
) -> Topic:
    if not scope.discussion_spaces(by).filter(pk=space.pk).exists():
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the topic a title.")})
    # The title is read by everyone in the space, like the text.
    _privacy(text=title, by=by, post_anyway=post_anyway)
    now = timezone.now()
    topic = Topic.objects.create(
        space=space, title=title[:120], started_by=by, last_message_at=now,
        is_question=is_question,
    )  # fmt: skip
    message_post(
        topic=topic, by=by, text=text, session=session,
        supervision_request=supervision_request, post_anyway=post_anyway,
    )  # fmt: skip
    topic.refresh_from_db()
    return topic


# --- Editing, withdrawing, moderating -------------------------------------------------------


def _own(message: Message, by) -> Message:
    message = (
        scope.discussion_messages(by).select_for_update(of=("self",)).filter(pk=message.pk).first()
    )
    if message is None or message.author_id != by.pk:
        raise PermissionDenied
    if not message.is_visible:
        raise ValidationError(_("This message was withdrawn or hidden: it cannot change."))
    return message


@transaction.atomic
def message_edit(*, message: Message, by, text: str, post_anyway: bool = False) -> Message:
    """The author's correction; the earlier text stays in the history for moderators."""
    message = _own(message, by)
    text = _check_text(text)
    if text == message.text:
        return message
    despite = _privacy(text=text, by=by, post_anyway=post_anyway)
    message.text = text
    message.edited_at = timezone.now()
    message.posted_despite = sorted(set(message.posted_despite) | set(despite))
    message.save(update_fields=["text", "edited_at", "posted_despite"])
    if despite:
        ModerationEntry.objects.create(
            space=message.topic.space, message=message, moderator=by,
            action=ModerationEntry.Action.POSTED_DESPITE, reason=", ".join(despite),
        )  # fmt: skip
    return message


@transaction.atomic
def message_withdraw(*, message: Message, by) -> Message:
    message = _own(message, by)
    message.withdrawn_at = timezone.now()
    message.save(update_fields=["withdrawn_at"])
    return message


def _moderated(message: Message, by) -> Message:
    message = (
        scope.discussion_messages(by)
        .select_for_update(of=("self",))
        .select_related("topic__space")
        .filter(pk=message.pk)
        .first()
    )
    if message is None:
        raise PermissionDenied
    if not permissions.can_moderate_space(by, message.topic.space):
        raise PermissionDenied
    return message


@transaction.atomic
def message_hide(*, message: Message, by, reason: str) -> Message:
    """Gone for readers, kept for moderators, and in the moderation log."""
    message = _moderated(message, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the message is hidden.")})
    if message.hidden_at is not None:
        raise ValidationError(_("This message is hidden already."))
    message.hidden_at = timezone.now()
    message.hidden_by = by
    message.hidden_reason = reason
    message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    ModerationEntry.objects.create(
        space=message.topic.space, message=message, moderator=by,
        action=ModerationEntry.Action.HIDE, reason=reason,
    )  # fmt: skip
    return message


@transaction.atomic
def message_show(*, message: Message, by, reason: str) -> Message:
    message = _moderated(message, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the message is shown again.")})
    if message.hidden_at is None:
        raise ValidationError(_("This message is not hidden."))
    message.hidden_at = None
    message.hidden_by = None
    message.save(update_fields=["hidden_at", "hidden_by"])
    ModerationEntry.objects.create(
        space=message.topic.space, message=message, moderator=by,
        action=ModerationEntry.Action.SHOW, reason=reason,
    )  # fmt: skip
    return message


def _space_to_name_in(space: Space, by) -> Space:
    """Only those who always moderate (the psychiatrist, the project manager) name others."""
    space = scope.discussion_spaces(by).select_for_update(of=("self",)).filter(pk=space.pk).first()
    if space is None:
        raise PermissionDenied
    if not permissions.can_name_moderators(by):
        raise PermissionDenied
    return space


@transaction.atomic
def space_moderator_name(*, space: Space, by, user, reason: str = "") -> Space:
    """Name a member of the space as one of its moderators (logged)."""
    space = _space_to_name_in(space, by)
    if not scope.discussion_members(space).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Choose someone who is in this space.")})
    if permissions.can_name_moderators(user):
        raise ValidationError(
            {"user": _("The psychiatrist and the project manager always moderate.")}
        )
    if space.moderators.filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": _("%(name)s moderates this space already.") % {"name": user.display_name}}
        )
    space.moderators.add(user)
    ModerationEntry.objects.create(
        space=space, moderator=by, subject=user,
        action=ModerationEntry.Action.NAME_MODERATOR, reason=(reason or "").strip(),
    )  # fmt: skip
    return space


@transaction.atomic
def space_moderator_remove(*, space: Space, by, user, reason: str = "") -> Space:
    space = _space_to_name_in(space, by)
    if not space.moderators.filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": _("%(name)s does not moderate this space.") % {"name": user.display_name}}
        )
    space.moderators.remove(user)
    ModerationEntry.objects.create(
        space=space, moderator=by, subject=user,
        action=ModerationEntry.Action.REMOVE_MODERATOR, reason=(reason or "").strip(),
    )  # fmt: skip
    return space


# --- Questions, reading, muting -------------------------------------------------------------


@transaction.atomic
def topic_mark_answered(*, topic: Topic, by) -> Topic:
    """The asker, or any professional in the space, marks a question answered."""
    topic = _readable_topic(topic, by)
    if not topic.is_question:
        raise ValidationError(_("This topic is not a question."))
    if by.is_peer and topic.started_by_id != by.pk:
        raise PermissionDenied
    if topic.answered_at is None:
        topic.answered_at = timezone.now()
        topic.answered_by = by
        topic.save(update_fields=["answered_at", "answered_by"])
    return topic


@transaction.atomic
def topic_mark_read(*, topic: Topic, by, upto: int) -> ReadMark:
    topic = _readable_topic(topic, by)
    mark, _created = ReadMark.objects.get_or_create(user=by, topic=topic)
    upto = min(upto, topic.last_message_id)
    if upto > mark.last_read_id:
        mark.last_read_id = upto
        mark.save(update_fields=["last_read_id"])
    return mark


@transaction.atomic
def topic_mute(*, topic: Topic, by, muted: bool) -> ReadMark:
    topic = _readable_topic(topic, by)
    mark, _created = ReadMark.objects.get_or_create(user=by, topic=topic)
    if mark.muted != muted:
        mark.muted = muted
        mark.save(update_fields=["muted"])
    return mark


# --- Questions waiting too long -------------------------------------------------------------


def _doctors_for(topic: Topic) -> list:
    """The community's doctors; for the program's own space, those of the asker's
    communities."""
    from tongban.accounts.models import Role, User

    if topic.space.community_id is not None:
        communities = [topic.space.community_id]
    else:
        communities = list(scope.communities(topic.started_by).values_list("pk", flat=True))
    return list(
        User.objects.filter(
            role=Role.COMMUNITY_DOCTOR, is_active=True, communities__in=communities
        ).distinct()
    )


def discussion_questions_remind(*, now=None) -> list[Topic]:
    """Tell the community's doctor, once, of a question nobody marked answered within the
    program's `group_question_hours` (default 4). Run by `manage.py supervision_reminders`
    (cron); a question another run holds is skipped."""
    from datetime import timedelta

    from tongban.supervision.wellbeing_selectors import settings_by_program

    now = now or timezone.now()
    reminded: list[Topic] = []
    with transaction.atomic():
        waiting = list(
            Topic.objects.filter(
                is_question=True,
                answered_at__isnull=True,
                reminded_at__isnull=True,
                created_at__lte=now - timedelta(hours=1),  # the shortest setting
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("space__program", "space__community", "started_by")
            .order_by("created_at", "pk")
        )
        settings = settings_by_program({topic.space.program_id for topic in waiting})
        for topic in waiting:
            hours = settings[topic.space.program_id].group_question_hours
            if now - topic.created_at < timedelta(hours=hours):
                continue
            notification_send(
                recipients=_doctors_for(topic),
                kind=Notification.Kind.DISCUSSION_WAITING,
                subject=topic.space.display_name,
                url=f"/group/topics/{topic.pk}/",
                program=topic.space.program,
                email=False,  # the digest names the reminded question's space
            )
            topic.reminded_at = now
            topic.save(update_fields=["reminded_at"])
            reminded.append(topic)
    return reminded
