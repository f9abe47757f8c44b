"""Emergency Event Form (MODEL.md: "Sessions"): filed by a peer, submitted to the community doctor.

An event is linked to a session or only to a community. The doctor acknowledges it; one left
unacknowledged for ESCALATE_AFTER goes to the psychiatrist. Follow-up notes, then closure.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import VoidableModel, VoidableQuerySet

ESCALATE_AFTER = timedelta(hours=24)


class EmergencyEventQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> EmergencyEventQuerySet:
        from tongban.core import scope

        return self.filter(community__in=scope.communities(user))


class EmergencyEvent(VoidableModel):
    class Kind(models.TextChoices):
        VIOLENCE = "violence", _("violence")
        SELF_HARM = "self_harm", _("self-harm")
        SUICIDAL_TALK = "suicidal_talk", _("suicidal talk")
        POORLY_CONTROLLED = "poorly_controlled", _("poorly controlled behaviour")
        MEDICAL = "medical", _("medical emergency")
        OTHER = "other", _("other")

    community = models.ForeignKey(
        "registry.Community",
        on_delete=models.PROTECT,
        related_name="emergency_events",
        verbose_name=_("community"),
    )
    session = models.ForeignKey(
        "activities.ActivityPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emergency_events",
        verbose_name=_("session"),
    )
    kind = models.CharField(_("type of event"), max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    people_involved = models.ManyToManyField(
        "registry.Person",
        blank=True,
        related_name="emergency_events",
        verbose_name=_("people involved"),
    )
    involved_note = models.TextField(_("who was involved"), blank=True)
    description = models.TextField(_("what happened"))
    actions_taken = models.TextField(_("what was done"))
    emergency_services_called = models.BooleanField(_("emergency services called"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    history = HistoricalRecords(m2m_fields=[people_involved])
    objects = EmergencyEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("emergency event form")
        verbose_name_plural = _("emergency event forms")
        indexes = [models.Index(fields=["community", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class FollowUp(models.Model):
    """A dated follow-up note on an emergency event."""

    event = models.ForeignKey(
        EmergencyEvent,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("emergency event"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    text = models.TextField(_("follow-up"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self) -> str:
        return f"{self.event} · {self.written_at:%Y-%m-%d %H:%M}"
