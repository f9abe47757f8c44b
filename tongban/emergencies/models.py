"""Emergency Event Form (MODEL.md: "Sessions"): filed by a peer, submitted to the community doctor.

An event is linked to a session or only to a community. The doctor acknowledges it; one left
unacknowledged for its program's escalation delay (`Program.escalation_hours`) goes to the
program's psychiatrist. Follow-up notes, then closure.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import VoidableModel, VoidableQuerySet

# The shortest escalation delay a program may set (Program.escalation_hours' minimum):
# a bound on reported_at that the partial index below can answer before any join.
SHORTEST_ESCALATION = timedelta(hours=1)


class Hours(Func):
    """A whole number of hours (an integer column) as a duration, in the database."""

    template = "(%(expressions)s * INTERVAL '1 hour')"
    output_field = DurationField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps durations as integer microseconds.
        return self.as_sql(compiler, connection, template="(%(expressions)s * 3600000000)", **extra)


def escalates_at_expression() -> ExpressionWrapper:
    """reported_at plus the delay of the event's own program, in the database."""
    return ExpressionWrapper(
        F("reported_at") + Hours(F("community__program__escalation_hours")),
        output_field=DateTimeField(),
    )


class Status(models.TextChoices):
    """Where an event stands; derived from its dates, never stored."""

    AWAITING = "awaiting", _("awaiting acknowledgement")
    ESCALATED = "escalated", _("escalated to the psychiatrist")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CLOSED = "closed", _("closed")
    VOIDED = "voided", _("voided")


# Unacknowledged, not escalated yet, still current: what escalation looks at.
AWAITING_ESCALATION = Q(
    acknowledged_at__isnull=True,
    escalated_at__isnull=True,
    closed_at__isnull=True,
    voided_at__isnull=True,
)


class EmergencyEventQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> EmergencyEventQuerySet:
        """Events of the user's communities.

        A peer sees the events that peers filed or that belong to a session of their
        community; an event a doctor filed from a clinic visit is about one consumer's
        health and stays with the staff.
        """
        from tongban.core import scope

        visible = self.filter(community__in=scope.communities(user))
        if user.is_authenticated and user.is_peer:
            visible = visible.seen_by_peers()
        return visible

    def seen_by_peers(self) -> EmergencyEventQuerySet:
        """The events peers may see: filed by a peer, or belonging to a session."""
        from tongban.accounts.models import Role

        return self.filter(Q(session__isnull=False) | Q(reported_by__role=Role.PEER))

    def overdue(self, now: datetime) -> EmergencyEventQuerySet:
        """Unacknowledged for its own program's escalation delay and not escalated yet.

        The awaiting rows come from the small partial index (no program waits less than
        SHORTEST_ESCALATION); each is then compared with its program's delay.
        """
        return (
            self.filter(AWAITING_ESCALATION, reported_at__lte=now - SHORTEST_ESCALATION)
            .alias(due_at=escalates_at_expression())
            .filter(due_at__lte=now)
        )

    def with_status(self, status: str) -> EmergencyEventQuerySet:
        current = Q(voided_at__isnull=True)
        unacknowledged = current & Q(acknowledged_at__isnull=True, closed_at__isnull=True)
        conditions = {
            Status.AWAITING: unacknowledged & Q(escalated_at__isnull=True),
            Status.ESCALATED: unacknowledged & Q(escalated_at__isnull=False),
            Status.ACKNOWLEDGED: current & Q(acknowledged_at__isnull=False, closed_at__isnull=True),
            Status.CLOSED: current & Q(closed_at__isnull=False),
            Status.VOIDED: Q(voided_at__isnull=False),
        }
        return self.filter(conditions[status])

    def in_list_order(self) -> EmergencyEventQuerySet:
        """Unacknowledged first (escalated at the very top), then acknowledged, closed, voided."""
        rank = Case(
            When(voided_at__isnull=False, then=Value(4)),
            When(closed_at__isnull=False, then=Value(3)),
            When(acknowledged_at__isnull=False, then=Value(2)),
            When(escalated_at__isnull=False, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return self.annotate(list_rank=rank).order_by("list_rank", "-occurred_at", "-pk")


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
        indexes = [
            models.Index(fields=["community", "occurred_at"]),
            # Every page asks whether an event is overdue: keep that lookup tiny.
            models.Index(
                fields=["reported_at"], condition=AWAITING_ESCALATION, name="emergency_awaiting"
            ),
        ]

    def __str__(self) -> str:
        # Local time: the day a reader knows, not the UTC one.
        return f"{timezone.localtime(self.occurred_at):%Y-%m-%d} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("emergencies:emergency_detail", args=[self.pk])

    @property
    def status(self) -> Status:
        if self.voided_at is not None:
            return Status.VOIDED
        if self.closed_at is not None:
            return Status.CLOSED
        if self.acknowledged_at is not None:
            return Status.ACKNOWLEDGED
        if self.escalated_at is not None:
            return Status.ESCALATED
        return Status.AWAITING

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def escalation_hours(self) -> int:
        """The delay of the event's program (select `community__program` to read it free)."""
        return self.community.program.escalation_hours

    @property
    def escalates_at(self) -> datetime | None:
        """When an unacknowledged event goes to the psychiatrist: reported_at plus its
        program's escalation delay."""
        if self.reported_at is None:
            return None
        return self.reported_at + self.community.program.escalate_after

    @property
    def is_open(self) -> bool:
        return self.status in (Status.AWAITING, Status.ESCALATED, Status.ACKNOWLEDGED)


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
        return f"{self.event} · {timezone.localtime(self.written_at):%Y-%m-%d %H:%M}"
