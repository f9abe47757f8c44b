"""In-app notifications: a list per user with an unread count on every page.

The text is rendered when shown, in the reader's language, from `kind` and `subject`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        EMERGENCY_FILED = "emergency_filed", _("emergency event reported")
        EMERGENCY_ESCALATED = "emergency_escalated", _("emergency event not acknowledged")
        EMERGENCY_ACKNOWLEDGED = "emergency_acknowledged", _("emergency event acknowledged")
        EMERGENCY_CLOSED = "emergency_closed", _("emergency event closed")
        EMERGENCY_IN_ACCEPTED_CYCLE = (
            "emergency_in_accepted_cycle",
            _("emergency event added to an accepted cycle"),
        )
        SUBMISSION_SUBMITTED = "submission_submitted", _("submission received")
        SUBMISSION_RETURNED = "submission_returned", _("submission returned")
        SUBMISSION_ACCEPTED = "submission_accepted", _("submission accepted")
        ACCEPTED_FORMS_CHANGED = "accepted_forms_changed", _("accepted forms changed")
        # Training and supervision. The subject is a community's name or a date; never a
        # request's topic or a check-in's answers (e-mail leaves the system).
        TRAINING_SCHEDULED = "training_scheduled", _("training session scheduled")
        MEETING_CONFIRMED = "meeting_confirmed", _("group supervision confirmed")
        MEETING_MOVED = "meeting_moved", _("group supervision moved")
        ACTION_ASSIGNED = "action_assigned", _("agreed action assigned")
        SUPERVISION_ASKED = "supervision_asked", _("supervision requested")
        SUPERVISION_REMINDER = "supervision_reminder", _("supervision request waiting")
        SUPERVISION_ESCALATED = "supervision_escalated", _("supervision request escalated")
        SUPERVISION_ANSWERED = "supervision_answered", _("supervision request answered")
        WELLBEING_WORRYING = "wellbeing_worrying", _("worrying wellbeing check-in")
        WELLBEING_MISSED = "wellbeing_missed", _("wellbeing check-ins missed")
        BREAK_ASKED = "break_asked", _("break requested")
        BREAK_AGREED = "break_agreed", _("break agreed")
        BREAK_DECLINED = "break_declined", _("break declined")
        # The online supervision group: the subject is the space's name, never the text.
        DISCUSSION_MENTION = "discussion_mention", _("mentioned in the group")
        DISCUSSION_WAITING = "discussion_waiting", _("a question in the group is waiting")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # Shown only while this program is the reader's chosen one (header switcher).
    program = models.ForeignKey(
        "registry.Program",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("program"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Program data shown in the message (a community's name, a cycle): no health details,
    # since e-mail leaves the system.
    subject = models.CharField(_("about"), max_length=200, blank=True)
    # A code the in-app text shows with the subject: an emergency event's kind (a health
    # detail, so never in an e-mail; an escalation adds ":<hours>", its program's delay,
    # see texts.escalation_detail), or the number of a reporting cycle.
    detail = models.CharField(_("detail"), max_length=30, blank=True)
    url = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject}"

    @property
    def text(self) -> str:
        """The message in the active language."""
        from .texts import message

        return message(self)

    @property
    def public_text(self) -> str:
        """The message without health details, for e-mail."""
        from .texts import public_message

        return public_message(self)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
