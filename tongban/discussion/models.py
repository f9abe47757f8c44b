"""The online supervision group (MODEL.md, "Supervision"): in place of the program's WeChat
group, spaces hold topics and topics hold messages (as in Zulip).

A program has one program-wide space and one space per community. Who is in a space is
not stored: it follows the scope (tongban.core.scope.discussion_spaces), so a user who
leaves a community leaves its space. Messages are never deleted: an edit keeps the old
text (history), a withdrawn or hidden message stays for moderators, and every moderation
is in the log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import bilingual
from tongban.registry.models import Community, Program

USER = settings.AUTH_USER_MODEL


class Space(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="spaces", verbose_name=_("program")
    )
    # None: the program-wide space.
    # A community deleted (one added by mistake, with no records) takes its empty space
    # with it; a space with topics protects the community (the topics are records).
    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space",
        verbose_name=_("community"),
    )
    # Besides the psychiatrist and the project manager, who always moderate.
    moderators = models.ManyToManyField(
        USER, blank=True, related_name="moderated_spaces", verbose_name=_("moderators")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[moderators])

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(community__isnull=True),
                name="one_program_wide_space",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.community_id is None:
            return bilingual(self.program.name, self.program.name_en)
        return self.community.display_name


class Topic(models.Model):
    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="topics", verbose_name=_("space")
    )
    title = models.CharField(_("topic"), max_length=120)
    started_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # Kept with each message, so lists sort and count without reading the messages.
    last_message_at = models.DateTimeField(_("last message at"), db_index=True)
    last_message_id = models.PositiveBigIntegerField(_("last message"), default=0)
    # A question waits for an answer; the asker or a professional marks it answered.
    is_question = models.BooleanField(_("a question"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked answered by"),
    )
    # When the community's doctor was told the question was still waiting.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["space", "-last_message_at"])]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="messages", verbose_name=_("topic")
    )
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("message"))
    quote = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quoting"),
    )
    mentions = models.ManyToManyField(
        USER, blank=True, related_name="mentioned_in", verbose_name=_("mentions")
    )
    # A link to something the writer may see (checked through the scope when posted).
    session = models.ForeignKey(
        "activities.ActivityPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    supervision_request = models.ForeignKey(
        "supervision.SupervisionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervision request"),
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # What the privacy check found and the writer posted anyway (kinds, for moderators).
    posted_despite = models.JSONField(_("posted despite the privacy warning"), default=list)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.TextField(_("why hidden"), blank=True)

    # Every version of the text, for moderators.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        # Cursor pagination backwards within a topic.
        indexes = [models.Index(fields=["topic", "-id"])]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_visible(self) -> bool:
        return self.withdrawn_at is None and self.hidden_at is None


class ReadMark(models.Model):
    """How far a user has read a topic: unread = messages with a higher id."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_marks")
    last_read_id = models.PositiveBigIntegerField(default=0)
    muted = models.BooleanField(_("muted"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_read_mark_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.topic_id} · {self.last_read_id}"


class ModerationEntry(models.Model):
    """The moderation log: who did what to which message, when and why."""

    class Action(models.TextChoices):
        HIDE = "hide", _("hid a message")
        SHOW = "show", _("showed a hidden message again")
        POSTED_DESPITE = "posted_despite", _("posted despite the privacy warning")
        NAME_MODERATOR = "name_moderator", _("named a moderator")
        REMOVE_MODERATOR = "remove_moderator", _("removed a moderator")

    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="moderation", verbose_name=_("space")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation",
        verbose_name=_("message"),
    )
    moderator = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    # The moderator named or removed.
    subject = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("moderation entry")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class DigestMark(models.Model):
    """When the user's last e-mail digest of the group went (tongban.discussion.digests):
    the next one tells only what is new since."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("digest sent at"))

    def __str__(self) -> str:
        return f"{self.user_id} · {self.sent_at:%Y-%m-%d %H:%M}"
