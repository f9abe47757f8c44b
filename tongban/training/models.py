"""Peer training: the curriculum (workshops), training rounds and their sessions, and who
attended each (MODEL.md, "Training").

A peer may lead a session only once every pre-service workshop is attended, in its round
or in a make-up session (`tongban.training.readiness`). Attendance is a record about a
person: versioned, and voided with a reason, never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import VoidableModel, VoidableQuerySet, bilingual
from tongban.registry.models import Community, Person, Program


class TrainingFormat(models.TextChoices):
    # The paper: "coursework, group sharing and discussion, role play, and storytelling".
    COURSEWORK = "coursework", _("coursework")
    GROUP_SHARING = "group_sharing", _("group sharing and discussion")
    ROLE_PLAY = "role_play", _("role play")
    STORYTELLING = "storytelling", _("storytelling")


class WorkshopQuerySet(models.QuerySet):
    def for_program(self, program: Program) -> WorkshopQuerySet:
        """The standard curriculum and the program's own workshops, in order."""
        return self.filter(Q(program=None) | Q(program=program)).order_by("position", "pk")

    def pre_service(self) -> WorkshopQuerySet:
        """The workshops a peer must attend before leading (in use, pre-service)."""
        return self.filter(pre_service=True, in_use=True)


class Workshop(models.Model):
    """One workshop of the curriculum; program None is the model's standard curriculum."""

    program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workshops",
        verbose_name=_("program"),
        help_text=_("Empty: the standard curriculum of every program."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    contents = models.TextField(_("contents (Chinese)"), blank=True)
    contents_en = models.TextField(_("contents (English)"), blank=True)
    # TrainingFormat values; a workshop mixes several.
    formats = models.JSONField(_("formats"), default=list, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(_("planned length (minutes)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    pre_service = models.BooleanField(
        _("required before service"),
        default=True,
        help_text=_("A peer must attend every required workshop before leading a session."),
    )
    in_use = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()
    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "code"], name="workshop_code_unique_per_program"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(program=None), name="standard_workshop_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def display_contents(self) -> str:
        return bilingual(self.contents, self.contents_en)

    @property
    def format_labels(self) -> list[str]:
        return [str(TrainingFormat(code).label) for code in self.formats if code in TrainingFormat]


class TrainingRound(models.Model):
    """A round of pre-service training for new peers, or a continuing-training event after
    service starts, with its trainers and the experienced peers who co-present."""

    class Kind(models.TextChoices):
        PRE_SERVICE = "pre_service", _("pre-service training")
        CONTINUING = "continuing", _("continuing training")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="training_rounds", verbose_name=_("program")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    communities = models.ManyToManyField(
        Community, related_name="training_rounds", verbose_name=_("communities")
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_rounds_given",
        verbose_name=_("trainers"),
    )
    # The paper's June 2015 round: peers of the first communities shared their experience.
    co_presenters = models.ManyToManyField(
        Person,
        blank=True,
        related_name="training_rounds_presented",
        verbose_name=_("peers co-presenting"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[communities, trainers, co_presenters])

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("training round")
        verbose_name_plural = _("training rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_round_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


class TrainingSessionQuerySet(VoidableQuerySet):
    pass


class TrainingSession(VoidableModel):
    """One sitting of a round: a workshop of the curriculum (or, in continuing training, a
    topic of its own) on a day. A make-up session repeats a workshop for peers who missed
    it."""

    round = models.ForeignKey(
        TrainingRound, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("round")
    )
    # Empty for a continuing-training session on a topic outside the curriculum.
    workshop = models.ForeignKey(
        Workshop,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("workshop"),
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    make_up = models.BooleanField(
        _("make-up session"),
        default=False,
        help_text=_("A repeat of the workshop for peers who missed it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "starts_at", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(workshop=None) | ~Q(topic=""),
                name="training_session_has_workshop_or_topic",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.held_on.isoformat()}"

    @property
    def title(self) -> str:
        return self.workshop.display_name if self.workshop_id else self.topic


class TrainingAttendance(VoidableModel):
    """A peer attended a training session (or a co-presenting peer took part)."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("training session"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="training_attendance",
        verbose_name=_("peer"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "person__name"]
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(voided_at__isnull=True),
                name="one_current_attendance_per_training_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"
