"""The program, its communities and venues, and the people it serves (MODEL.md: roles)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import (
    BilingualNameMixin,
    VoidableModel,
    VoidableQuerySet,
    bilingual,
)


class ProgramQuerySet(models.QuerySet):
    def in_order(self) -> ProgramQuerySet:
        """Newest first: the program a user most likely works in today heads the switcher."""
        return self.order_by("-started_on", "pk")


class Program(models.Model):
    """One peer support program (a district's); an installation can host several."""

    name = models.CharField(_("program name (Chinese)"), max_length=200)
    name_en = models.CharField(_("program name (English)"), max_length=200, blank=True)
    # For the command line and exports (`--program SLUG`).
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    started_on = models.DateField(_("program start date"))
    # A program that has ended (the paper's ran July 2013 - June 2016) takes no new
    # sessions and owes no six-weekly submissions after this day.
    ended_on = models.DateField(_("program end date"), null=True, blank=True)
    # The model's six-weekly cycle and next-day escalation, as settings a program may change.
    cycle_days = models.PositiveSmallIntegerField(
        _("reporting cycle (days)"),
        default=42,
        validators=[MinValueValidator(7), MaxValueValidator(183)],
        help_text=_("Peers hand in a community's forms once a cycle; the model's is 42 days."),
    )
    submission_due_days = models.PositiveSmallIntegerField(
        _("days to hand in after a cycle"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_("A cycle's forms are overdue this many days after it ends."),
    )
    escalation_hours = models.PositiveSmallIntegerField(
        _("escalation delay (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_(
            "An emergency event not acknowledged by the community doctor within this "
            "time goes to the psychiatrist."
        ),
    )
    # People enrolled before screening was recorded (Enrolment.before_screening) pass the
    # gate into service until this day; from it on they need an assessment and consents
    # like everyone else (tongban.screening.gate). Empty: not asked yet.
    screening_records_from = models.DateField(
        _("screening records required from"),
        null=True,
        blank=True,
        help_text=_(
            "People enrolled before screening was recorded need an eligible assessment and "
            "their consents from this day on. Leave empty until their records are in."
        ),
    )

    # The same for training: peers enrolled before Tongban's records lead without recorded
    # pre-service training until this day (tongban.training.readiness).
    training_records_from = models.DateField(
        _("training records required from"),
        null=True,
        blank=True,
        help_text=_(
            "Peers enrolled before screening was recorded need their pre-service training "
            "recorded to lead sessions from this day on. Leave empty until it is in."
        ),
    )

    history = HistoricalRecords()
    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def escalate_after(self) -> timedelta:
        return timedelta(hours=self.escalation_hours)


class Community(BilingualNameMixin):
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="communities", verbose_name=_("program")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    started_on = models.DateField(_("service start date"), null=True, blank=True)
    # A community with records is never deleted: it is closed from this day on.
    ended_on = models.DateField(_("service end date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")


class Venue(BilingualNameMixin):
    class Kind(models.TextChoices):
        REHABILITATION_CENTRE = "rehabilitation_centre", _("community rehabilitation centre")
        HEALTH_CARE_CENTRE = "health_care_centre", _("community health care centre")
        OUTDOORS = "outdoors", _("outdoors")
        OTHER = "other", _("other")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="venues", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # A venue sessions were held at stays for their history; one no longer used is not offered.
    in_use = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Education(models.TextChoices):
    # The levels of Table 2, in order.
    PRIMARY = "primary", _("primary school")
    JUNIOR_HIGH = "junior_high", _("junior high school")
    SENIOR_HIGH = "senior_high", _("senior high school")
    JUNIOR_COLLEGE = "junior_college", _("junior college")
    UNDERGRADUATE = "undergraduate", _("undergraduate degree")
    POSTGRADUATE = "postgraduate", _("postgraduate degree")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("single / never married")
    MARRIED = "married", _("married")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


class WorkingStatus(models.TextChoices):
    NOT_WORKING = "not_working", _("not working")
    PART_TIME = "part_time", _("working part-time")
    FULL_TIME = "full_time", _("working full-time")


class Diagnosis(models.TextChoices):
    SCHIZOPHRENIA = "schizophrenia", _("schizophrenia")
    BIPOLAR = "bipolar", _("bipolar disorder")
    OTHER = "other", _("other")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> PersonQuerySet:
        from tongban.core import scope

        return scope.people(user, self)

    def with_roles(self, user) -> PersonQuerySet:
        """Flags for the roles a person holds in the user's scope, computed in the database.

        Roles held elsewhere stay unseen: being a caregiver or a peer in another community
        says something about a family that the user has no need to know.
        """
        from tongban.core import scope

        current = Enrolment.objects.current().filter(
            person=OuterRef("pk"), community__in=scope.communities(user)
        )
        if user.is_peer:
            is_caregiver = Value(False)
        else:
            is_caregiver = Exists(
                CaregiverLink.objects.filter(
                    caregiver=OuterRef("pk"), cared_for__in=scope.people(user)
                )
            )
        return self.annotate(
            is_peer=Exists(current.filter(role=Enrolment.Role.PEER)),
            is_consumer=Exists(current.filter(role=Enrolment.Role.CONSUMER)),
            is_caregiver=is_caregiver,
        )

    def search(self, text: str, *, by_phone: bool = True) -> PersonQuerySet:
        """Name, and phone for those allowed to see phones (never peers: see scope)."""
        text = text.strip()
        if not text:
            return self
        if not by_phone:
            return self.filter(name__icontains=text)
        return self.filter(Q(name__icontains=text) | Q(phone__icontains=text))


class Person(models.Model):
    """One record per human being, whatever roles they hold over time, in one program.

    A person belongs to the program that registered them: a city hosting several
    districts' programs keeps each district's people apart.
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="people", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    education = models.CharField(
        _("education level"), max_length=20, choices=Education.choices, blank=True
    )
    marital_status = models.CharField(
        _("marital status"), max_length=20, choices=MaritalStatus.choices, blank=True
    )
    working_status = models.CharField(
        _("working status"), max_length=20, choices=WorkingStatus.choices, blank=True
    )
    diagnosis = models.CharField(
        _("diagnosis"), max_length=20, choices=Diagnosis.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    # Fields a peer may not see of anyone but themselves (issue 2: never a consumer's
    # diagnosis or contact details; the rest of Table 2 is just as personal).
    PRIVATE_FIELDS = (
        "date_of_birth",
        "education",
        "marital_status",
        "working_status",
        "diagnosis",
        "phone",
        "address",
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int | None:
        if not self.date_of_birth:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def status_on(day: date | OuterRef) -> Subquery:
    """An enrolment's status in force on `day`: its latest change effective by then (None
    before the first). `day` is a date, or an OuterRef when the enrolments are themselves a
    subquery (an evaluation round's first day, say)."""
    inner_day = OuterRef(day) if isinstance(day, OuterRef) else day
    latest = EnrolmentStatusChange.objects.filter(
        enrolment=OuterRef("pk"), effective_on__lte=inner_day
    ).order_by("-effective_on", "-pk")
    return Subquery(latest.values("status")[:1])


class EnrolmentQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> EnrolmentQuerySet:
        from tongban.core import scope

        return self.filter(community__in=scope.communities(user))

    def with_status(self) -> EnrolmentQuerySet:
        """Annotate the status in force today: the latest dated change."""
        latest = EnrolmentStatusChange.objects.filter(enrolment=OuterRef("pk")).order_by(
            "-effective_on", "-pk"
        )
        return self.annotate(
            current_status=Subquery(latest.values("status")[:1]),
            status_since=Subquery(latest.values("effective_on")[:1]),
        )

    def with_status_on(self, day: date | OuterRef) -> EnrolmentQuerySet:
        """Alias `status_on`: the status in force on `day` (see `status_on`)."""
        return self.alias(status_on=status_on(day))

    def in_service_on(self, day: date | OuterRef) -> EnrolmentQuerySet:
        """Current enrolments started by `day` and active or on leave then."""
        return (
            self.current()
            .filter(started_on__lte=day)
            .with_status_on(day)
            .filter(status_on__in=EnrolmentStatusChange.IN_SERVICE)
        )

    def active_on(self, day: date) -> EnrolmentQuerySet:
        """Current enrolments started by `day` and active then (not on leave)."""
        return (
            self.current()
            .filter(started_on__lte=day)
            .with_status_on(day)
            .filter(status_on=EnrolmentStatusChange.Status.ACTIVE)
        )

    def in_service(self) -> EnrolmentQuerySet:
        """Current enrolments whose status is active or on leave (not withdrawn)."""
        return (
            self.current()
            .with_status()
            .exclude(current_status=EnrolmentStatusChange.Status.WITHDRAWN)
        )


class Enrolment(VoidableModel):
    """A peer or consumer enrolled in a community from a start date."""

    class Role(models.TextChoices):
        PEER = "peer", _("peer")
        CONSUMER = "consumer", _("consumer")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("community")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    started_on = models.DateField(_("start date"))
    # Enrolled before screening and consent were recorded in Tongban (set by the migration
    # that brought screening in, and by imports of old programs): the gate asks for their
    # records only from the program's `screening_records_from`.
    before_screening = models.BooleanField(
        _("enrolled before screening was recorded"), default=False, editable=False
    )

    history = HistoricalRecords()
    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["community", "role", "person__name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community", "role"],
                condition=Q(voided_at__isnull=True),
                name="one_current_enrolment_per_role_and_community",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.community}"

    @property
    def current_status_label(self) -> str:
        """Label of the status annotated by EnrolmentQuerySet.with_status()."""
        status = getattr(self, "current_status", None)
        return EnrolmentStatusChange.Status(status).label if status else ""


class EnrolmentStatusChange(models.Model):
    """The status history of an enrolment; the first row is 'active' on the start date."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ON_LEAVE = "on_leave", _("on leave")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # In service: on the roster (on leave included), as Table 1 counts enrolment.
    IN_SERVICE = (Status.ACTIVE, Status.ON_LEAVE)

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    effective_on = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_on", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.effective_on})"


class CaregiverLink(models.Model):
    """A caregiver (family member) of a peer or a consumer."""

    class Relationship(models.TextChoices):
        PARENT = "parent", _("parent")
        SPOUSE = "spouse", _("spouse")
        SIBLING = "sibling", _("sibling")
        CHILD = "child", _("child")
        OTHER = "other", _("other relative")

    caregiver = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cares_for", verbose_name=_("caregiver")
    )
    cared_for = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="caregivers", verbose_name=_("cares for")
    )
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    started_on = models.DateField(_("caring since"), null=True, blank=True)
    # A caregiver's agreement to be contacted for the follow-up evaluation is a consent
    # record (screening.Consent of kind caregiver_contact), not a field here.

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("caregiver link")
        verbose_name_plural = _("caregiver links")
        constraints = [
            models.UniqueConstraint(fields=["caregiver", "cared_for"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~Q(caregiver=models.F("cared_for")), name="caregiver_is_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caregiver} → {self.cared_for}"
