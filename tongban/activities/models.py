"""Peer support sessions and their forms (MODEL.md: "Sessions (activities)").

One session is an Activity Plan Form (before), an Activity Process Form (after) and a
Participant List. The plan is the session's identity: the other forms hang off it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, F, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import BilingualNameMixin, VoidableModel, VoidableQuerySet
from tongban.core.queries import count_of


class Category(models.TextChoices):
    """The eight content categories given to peers before they start (paper, Fig. 2)."""

    DAILY_LIFE_SKILLS = "daily_life_skills", _("daily life skills")
    SOCIAL_SKILLS = "social_skills", _("social (interpersonal) skills")
    KNOWLEDGE = "knowledge", _("knowledge of mental disorders")
    ENTERTAINMENT = "entertainment", _("entertainment")
    FINE_MOTOR_EXERCISE = "fine_motor_exercise", _("fine motor skill practice and exercise")
    PERSONAL_PERCEPTIONS = "personal_perceptions", _("personal perceptions")
    HEALTHY_LIFESTYLE = "healthy_lifestyle", _("healthy life style")
    EMOTIONAL_SUPPORT = "emotional_support", _("emotional support")


class Format(models.TextChoices):
    GROUP_DISCUSSION = "group_discussion", _("group discussion")
    ROLE_PLAY = "role_play", _("role play")
    PERSONAL_SHARING = "personal_sharing", _("personal sharing")
    LECTURE = "lecture", _("lecture")
    OUTDOOR_EXERCISE = "outdoor_exercise", _("outdoor exercise")


# A session lasts 40-120 minutes (paper); outside that range the form asks to confirm.
USUAL_MINUTES = (40, 120)
# At least two peers per session, one leading and one assisting.
PEERS_PER_SESSION = 2


class Topic(BilingualNameMixin):
    """A topic peers can choose, under one of the eight categories.

    The paper's examples are loaded by a data migration; project managers add more.
    `for_starters` marks familiar, low-exposure topics for new peers.
    """

    # None: the shared library (the paper's examples), offered in every program.
    program = models.ForeignKey(
        "registry.Program",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
        verbose_name=_("program"),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    for_starters = models.BooleanField(
        _("good first topic"),
        default=False,
        help_text=_("Familiar, low-exposure topics for peers who are new to leading."),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class ActivityPlanQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> ActivityPlanQuerySet:
        from tongban.core import scope

        return self.filter(community__in=scope.communities(user))

    def with_session_date(self) -> ActivityPlanQuerySet:
        """`session_on`, the database twin of ActivityPlan.session_date (the day held when
        there is a current process form, else the planned day), and `held`."""
        held = Q(record__isnull=False, record__voided_at__isnull=True)
        return self.annotate(
            session_on=Case(
                When(held, then=F("record__held_on")),
                default=F("planned_on"),
                output_field=models.DateField(),
            ),
            held=Case(
                When(held, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )

    def with_counts(self) -> ActivityPlanQuerySet:
        """Planned peers, peers and consumers present, computed in the database.

        One correlated COUNT per plan and figure, not LEFT JOINs and a GROUP BY: those
        joined every plan of the queryset to its peers and participant list rows (about
        two million rows in a city) before a page kept 25 of them. A subquery is
        evaluated for the rows the query returns: after ORDER BY ... LIMIT for a page
        (PostgreSQL postpones costly output columns past the limit), and not at all for
        a paginator's COUNT(*), which drops unused annotations."""
        present = ActivityRecord.peers_present.through.objects.filter(
            activityrecord__plan=OuterRef("pk")
        )
        attending = Attendance.objects.current().filter(record__plan=OuterRef("pk"))
        return self.annotate(
            planned_peers=count_of(
                ActivityPlan.assisting_peers.through.objects.filter(activityplan=OuterRef("pk"))
            )
            + 1,
            peers_present=count_of(present),
            consumers_present=count_of(attending),
        )


class ActivityPlan(VoidableModel):
    """Activity Plan Form: filled in by the lead peer before a session."""

    community = models.ForeignKey(
        "registry.Community",
        on_delete=models.PROTECT,
        related_name="activity_plans",
        verbose_name=_("community"),
    )
    venue = models.ForeignKey(
        "registry.Venue",
        on_delete=models.PROTECT,
        related_name="activity_plans",
        verbose_name=_("venue"),
    )
    planned_on = models.DateField(_("date"))
    planned_start = models.TimeField(_("planned start"))
    planned_end = models.TimeField(_("planned end"))
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("topic from the library"),
    )
    theme = models.CharField(_("topic"), max_length=200)
    aim = models.TextField(_("aim"))
    format = models.CharField(_("format"), max_length=30, choices=Format.choices)
    lead_peer = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="sessions_led",
        verbose_name=_("lead peer"),
    )
    assisting_peers = models.ManyToManyField(
        "registry.Person",
        blank=True,
        related_name="sessions_assisted",
        verbose_name=_("assisting peers"),
    )
    materials = models.TextField(_("materials"), blank=True)
    warm_up_plan = models.TextField(_("warm-up"), blank=True)
    main_plan = models.TextField(_("main activity"), blank=True)
    close_plan = models.TextField(_("close"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[assisting_peers])
    objects = ActivityPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_on", "-planned_start", "-pk"]
        verbose_name = _("activity plan form")
        verbose_name_plural = _("activity plan forms")
        indexes = [models.Index(fields=["community", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.planned_on:%Y-%m-%d} · {self.theme}"

    @property
    def session_date(self):
        """The date that places the session in a reporting cycle: held, else planned.

        ActivityPlanQuerySet.with_session_date() computes the same in the database."""
        record = getattr(self, "record", None)
        return record.held_on if record is not None and not record.is_voided else self.planned_on


class ActivityRecordQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> ActivityRecordQuerySet:
        from tongban.core import scope

        return self.filter(plan__community__in=scope.communities(user))

    def delivered(self) -> ActivityRecordQuerySet:
        """Sessions that happened: a current process form on a current plan."""
        return self.current().filter(plan__voided_at__isnull=True)


class ActivityRecord(VoidableModel):
    """Activity Process Form: what happened, filled in after the session."""

    plan = models.OneToOneField(
        ActivityPlan,
        on_delete=models.PROTECT,
        related_name="record",
        verbose_name=_("activity plan form"),
    )
    held_on = models.DateField(_("date held"))
    started_at = models.TimeField(_("start time"))
    ended_at = models.TimeField(_("end time"))
    # Stored so that reports can average it in the database; set by the services.
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), editable=False)
    format = models.CharField(_("format"), max_length=30, choices=Format.choices)
    theme = models.CharField(_("aim and theme"), max_length=200)
    warm_up = models.TextField(_("warm-up"), blank=True)
    main_activity = models.TextField(_("main activity"), blank=True)
    close = models.TextField(_("close"), blank=True)
    feedback = models.TextField(_("consumers' feedback"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    peers_present = models.ManyToManyField(
        "registry.Person",
        blank=True,
        related_name="sessions_attended_as_peer",
        verbose_name=_("peers present"),
    )
    staff_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sessions_attended",
        verbose_name=_("staff present"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[peers_present, staff_present])
    objects = ActivityRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-started_at", "-pk"]
        verbose_name = _("activity process form")
        verbose_name_plural = _("activity process forms")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=models.F("started_at")),
                name="record_ends_after_start",
                violation_error_message=_("The end time must be after the start time."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} · {self.theme}"


class Attendance(VoidableModel):
    """One consumer on a session's Participant List.

    A consumer of the community is ticked from its roster. A walk-in from another
    community is written by name with their community and a note: the peer may not
    browse another community's roster (scope), so staff can link the person later.
    """

    record = models.ForeignKey(
        ActivityRecord,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("session"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("consumer"),
    )
    walk_in_name = models.CharField(_("walk-in's name"), max_length=100, blank=True)
    # Free text: a peer may not browse the program's other communities (scope).
    walk_in_community = models.CharField(_("walk-in's community"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["person__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "person"],
                condition=Q(voided_at__isnull=True),
                name="one_attendance_per_person_and_session",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(walk_in_name=""),
                name="attendance_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.record}"

    @property
    def is_walk_in(self) -> bool:
        return self.person_id is None

    @property
    def name(self) -> str:
        return self.person.name if self.person_id else self.walk_in_name
