"""Supervision of peers and their wellbeing (MODEL.md, "Supervision"; the paper's Discussion).

- Support phases: year one, guidance before and after every session; later, as-needed
  supervision and group supervision every six weeks. Program settings that change over time.
- Group supervision meetings: proposed from the phases, confirmed or moved by staff, then
  recorded (who attended, issues raised by category, agreed actions with owner and due date).
- As-needed supervision requests from a peer to a community doctor, escalated when urgent
  and unanswered.
- Guidance notes before and after a session, in the first phase.
- Wellbeing check-ins every two weeks, alerts on worrying answers or missed check-ins, and
  break requests that become a leave once a supervisor agrees.

Clinical records (meeting records, requests, notes, check-ins) are versioned and voided with
a reason, never deleted.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import VoidableModel
from tongban.registry.models import Community, Person, Program

USER = settings.AUTH_USER_MODEL


# Settings and phases -------------------------------------------------------------------------


class SupportSettings(models.Model):
    """A program's supervision settings that do not change with the phase."""

    program = models.OneToOneField(
        Program,
        on_delete=models.CASCADE,
        related_name="support_settings",
        verbose_name=_("program"),
    )
    urgent_reminder_hours = models.PositiveSmallIntegerField(
        _("remind the doctor of an urgent request after (hours)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    urgent_escalation_hours = models.PositiveSmallIntegerField(
        _("send an unanswered urgent request to the psychologist after (hours)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    routine_reminder_hours = models.PositiveSmallIntegerField(
        _("remind the doctor of a routine request after (hours)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    checkin_every_days = models.PositiveSmallIntegerField(
        _("wellbeing check-in every (days)"),
        default=14,
        validators=[MinValueValidator(7), MaxValueValidator(60)],
    )
    missed_checkins_alert = models.PositiveSmallIntegerField(
        _("alert after this many missed check-ins"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    group_question_hours = models.PositiveSmallIntegerField(
        _("tell the community doctor of a question unanswered in the group after (hours)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision settings")
        verbose_name_plural = _("supervision settings")

    def __str__(self) -> str:
        return str(self.program)


class SupportPhase(models.Model):
    """From `starts_on` (until the next phase) the program gives this kind of support."""

    class Kind(models.TextChoices):
        # The paper's first year: doctors and psychologists direct peers before and after
        # each activity.
        FIRST = "first", _("first phase: guidance before and after every session")
        # From July 2014: as-needed supervision, group supervision every six weeks.
        LATER = "later", _("later phase: as-needed supervision and group supervision")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="support_phases", verbose_name=_("program")
    )
    kind = models.CharField(_("phase"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    guidance_every_session = models.BooleanField(
        _("guidance before and after every session"), default=False
    )
    # 0: no group supervision in this phase.
    group_every_days = models.PositiveSmallIntegerField(
        _("group supervision every (days)"),
        default=42,
        validators=[MaxValueValidator(366)],
        help_text=_("0 for no group supervision in this phase; the model's is 42 days."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "starts_on"]
        verbose_name = _("support phase")
        verbose_name_plural = _("support phases")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "starts_on"], name="one_support_phase_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.starts_on.isoformat()}"


class SocialWorkerAssignment(models.Model):
    """A social worker helps a community from a date (the paper's March 2016)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="social_workers",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("social worker")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["community", "starts_on"]
        verbose_name = _("social worker assignment")
        verbose_name_plural = _("social worker assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.community} · {self.starts_on.isoformat()}"


# Group supervision -----------------------------------------------------------------------------


class IssueCategory(models.TextChoices):
    # Drawn from the paper's "Peer training and supervision" and Discussion.
    TOPICS = "topics", _("choosing and preparing topics")
    RUNNING = "running", _("running activities")
    ENGAGEMENT = "engagement", _("consumers' engagement (boredom, not listening)")
    FEELINGS = "feelings", _("peers' difficulties and feelings (frustration when goals are missed)")
    ROLE = "role", _("the peer role and its boundaries")
    SAFETY = "safety", _("safety")


class SupervisionMeeting(VoidableModel):
    """A group supervision meeting: proposed from the phases, confirmed or moved, held."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="supervision_meetings",
        verbose_name=_("program"),
    )
    communities = models.ManyToManyField(
        Community, related_name="supervision_meetings", verbose_name=_("communities")
    )
    # The date the schedule proposed; `held_on` is the day staff confirmed or moved it to.
    proposed_on = models.DateField(_("proposed date"), null=True, blank=True)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    staff_present = models.ManyToManyField(
        USER, blank=True, related_name="supervision_meetings", verbose_name=_("staff present")
    )
    peers_present = models.ManyToManyField(
        Person, blank=True, related_name="supervision_meetings", verbose_name=_("peers present")
    )
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[communities, staff_present, peers_present])

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")
        indexes = [models.Index(fields=["program", "held_on"])]

    def __str__(self) -> str:
        return f"{_('group supervision')} · {self.held_on.isoformat()}"


class SupervisionIssue(models.Model):
    """An issue raised at a meeting, under one of the paper's categories."""

    meeting = models.ForeignKey(
        SupervisionMeeting,
        on_delete=models.CASCADE,
        related_name="issues",
        verbose_name=_("meeting"),
    )
    category = models.CharField(_("category"), max_length=20, choices=IssueCategory.choices)
    text = models.TextField(_("issue"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("issue raised")
        verbose_name_plural = _("issues raised")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text[:40]}"


class SupervisionActionQuerySet(models.QuerySet):
    def open(self) -> SupervisionActionQuerySet:
        return self.filter(done_at__isnull=True, cancelled_at__isnull=True)


class SupervisionAction(models.Model):
    """An agreed action with an owner and a due date: on the owner's home page until done."""

    meeting = models.ForeignKey(
        SupervisionMeeting,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("meeting"),
    )
    request = models.ForeignKey(
        "SupervisionRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("supervision request"),
    )
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
    )
    text = models.TextField(_("action"))
    # An account (staff, or a peer's account) owns it.
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="supervision_actions", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_note = models.TextField(_("note on completion"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = SupervisionActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        indexes = [models.Index(fields=["owner", "done_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(request__isnull=False),
                name="action_from_meeting_or_request",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None


# As-needed supervision -------------------------------------------------------------------------


class SupervisionRequest(VoidableModel):
    """A peer asks a community doctor for supervision; the doctor answers and records it."""

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("urgent: today")
        ROUTINE = "routine", _("routine: in the next days")

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="supervision_requests",
        verbose_name=_("community"),
    )
    peer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="supervision_requests",
        verbose_name=_("peer"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    details = models.TextField(_("what happened, what you need"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    doctor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="supervision_requests",
        verbose_name=_("community doctor"),
    )
    # Optional: the session it is about.
    session = models.ForeignKey(
        "activities.ActivityPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_requests",
        verbose_name=_("session"),
    )
    asked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # How the answer was given (on the phone, face to face, written here).
    answered_how = models.CharField(_("answered by way of"), max_length=100, blank=True)
    reminded_at = models.DateTimeField(_("doctor reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("sent to the psychologist at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("supervision request")
        verbose_name_plural = _("supervision requests")
        indexes = [models.Index(fields=["answered_at", "urgency"])]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class GuidanceNote(VoidableModel):
    """Guidance given to the peers before or after a session (the first phase's support)."""

    class When(models.TextChoices):
        BEFORE = "before", _("before the session")
        AFTER = "after", _("after the session")

    session = models.ForeignKey(
        "activities.ActivityPlan",
        on_delete=models.PROTECT,
        related_name="guidance_notes",
        verbose_name=_("session"),
    )
    when = models.CharField(_("when"), max_length=10, choices=When.choices)
    given_on = models.DateField(_("date"))
    text = models.TextField(_("guidance"))
    given_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("given by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "when", "pk"]
        verbose_name = _("guidance note")
        verbose_name_plural = _("guidance notes")

    def __str__(self) -> str:
        return f"{self.get_when_display()} · {self.session_id}"


# Peer wellbeing ------------------------------------------------------------------------------

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class WellbeingCheckIn(VoidableModel):
    """A peer's short check-in (every two weeks): answered on a phone in under a minute."""

    class Level(models.IntegerChoices):
        VERY_LOW = 1, _("very low")
        LOW = 2, _("low")
        MEDIUM = 3, _("medium")
        HIGH = 4, _("high")
        VERY_HIGH = 5, _("very high")

    peer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="wellbeing_checkins", verbose_name=_("peer")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    answered_on = models.DateField(_("date"))
    workload = models.PositiveSmallIntegerField(
        _("workload"), choices=Level.choices, validators=SCALE
    )
    stress = models.PositiveSmallIntegerField(_("stress"), choices=Level.choices, validators=SCALE)
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Level.choices, validators=SCALE
    )
    wants_break = models.BooleanField(_("I would like a break"), default=False)
    text = models.TextField(_("anything else"), blank=True)
    worrying = models.BooleanField(_("worrying answer"), default=False, editable=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-answered_on", "-pk"]
        verbose_name = _("wellbeing check-in")
        verbose_name_plural = _("wellbeing check-ins")
        indexes = [models.Index(fields=["peer", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.peer} · {self.answered_on.isoformat()}"

    def compute_worrying(self) -> bool:
        """The answers supervisors are alerted on: high stress, low confidence, the heaviest
        workload, or a wish for a break."""
        return bool(
            (self.stress or 0) >= self.Level.HIGH
            or (self.confidence or 5) <= self.Level.LOW
            or (self.workload or 0) >= self.Level.VERY_HIGH
            or self.wants_break
        )


class WellbeingAlert(models.Model):
    """Supervisors were alerted about a peer: a worrying answer, or missed check-ins.

    One row per alert sent, so that the same missed period never alerts twice."""

    class Kind(models.TextChoices):
        WORRYING = "worrying", _("worrying answer")
        MISSED = "missed", _("check-ins missed")

    peer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("peer")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    checkin = models.ForeignKey(
        WellbeingCheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    # For missed check-ins: the day the last missed one was due (one alert per run of misses).
    due_on = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    seen_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seen by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("wellbeing alert")
        verbose_name_plural = _("wellbeing alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "community", "kind", "due_on"],
                condition=Q(kind="missed"),
                name="one_missed_alert_per_due_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.peer}"


class BreakRequest(VoidableModel):
    """A peer asks for a break; a supervisor's agreement makes it a leave in the enrolment."""

    class Status(models.TextChoices):
        ASKED = "asked", _("asked")
        AGREED = "agreed", _("agreed")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn by the peer")

    peer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="break_requests", verbose_name=_("peer")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("back on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASKED
    )
    asked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("break request")
        verbose_name_plural = _("break requests")

    def __str__(self) -> str:
        return f"{self.peer} · {self.starts_on.isoformat()}"


def default_phases(program: Program) -> list[tuple[str, object, bool, int]]:
    """The model's phases for a program: (kind, starts_on, guidance, group_every_days).

    The first year with guidance before and after every session (the paper's July 2013 to
    June 2014), then as-needed supervision and group supervision every six weeks."""
    started = program.started_on
    try:
        year_later = started.replace(year=started.year + 1)
    except ValueError:  # 29 February
        year_later = started + timedelta(days=365)
    return [
        (SupportPhase.Kind.FIRST, started, True, 0),
        (SupportPhase.Kind.LATER, year_later, False, 42),
    ]
