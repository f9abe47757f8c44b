"""Screening and consent (MODEL.md, "Eligibility" and "Consent"; the paper's Methods).

A candidate is a person considered for a role in a community. The psychiatrist assesses
them against the program's eligibility criteria (program data with versions); they sign
the consents their role requires; only then may they be enrolled (`gate.py`). Research
assistants interview peers, consumers and caregivers about their needs before service.

Assessments, consents and needs interviews are clinical records: versioned, voided with a
reason, never deleted. Criteria versions and consent document versions are never edited
once made: an edit makes a new version, and every record keeps the version it was made on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.activities.models import Category
from tongban.core.models import VoidableModel, VoidableQuerySet, bilingual
from tongban.registry.models import Community, Diagnosis, Enrolment, Person, Program

Role = Enrolment.Role


class Answer(models.TextChoices):
    """A criterion's finding as the psychiatrist records it; unknown keeps the form open."""

    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("not known yet")


# --- Criteria --------------------------------------------------------------------------------


class CriteriaQuerySet(models.QuerySet):
    def latest_for(self, program: Program, role: str) -> Criteria | None:
        return self.filter(program=program, role=role).order_by("-version").first()


class Criteria(models.Model):
    """One version of a program's eligibility criteria for one role.

    Never edited: the project manager's edit makes the next version (services), and each
    assessment points at the version it was judged under, so its result never changes.
    The defaults are the paper's (`standard.py`).
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("program")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    diagnoses = models.JSONField(
        _("accepted diagnoses"),
        default=list,
        help_text=_("Diagnoses from the medical record that qualify."),
    )
    min_age = models.PositiveSmallIntegerField(_("youngest age"))
    max_age = models.PositiveSmallIntegerField(_("oldest age"))
    min_stable_months = models.PositiveSmallIntegerField(_("months stable, at least"))
    require_adherence = models.BooleanField(
        _("adherent to medication (patient and family report)"), default=False
    )
    require_insight = models.BooleanField(_("has insight into the illness"), default=False)
    exclude_substance_abuse = models.BooleanField(_("no drug or alcohol abuse"), default=True)
    exclude_severe_medical_illness = models.BooleanField(
        _("no severe medical illness"), default=True
    )
    # The paper: "more than 50 scores in PSP is required": the least passing score is 51.
    min_psp = models.PositiveSmallIntegerField(
        _("PSP score, at least"), null=True, blank=True, help_text=_("Empty: PSP not required.")
    )
    preferred_qualities = models.TextField(_("preferred qualities (not required)"), blank=True)
    preferred_qualities_en = models.TextField(_("preferred qualities (English)"), blank=True)
    # A program's own yes/no criteria: [{"code", "label", "label_en"}]; "yes" passes.
    extra = models.JSONField(_("additional criteria"), default=list, blank=True)
    note = models.TextField(_("what changed and why"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()
    objects = CriteriaQuerySet.as_manager()

    class Meta:
        ordering = ["program", "role", "-version"]
        verbose_name = _("eligibility criteria")
        verbose_name_plural = _("eligibility criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "role", "version"], name="one_criteria_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} v{self.version}"

    @property
    def display_preferred_qualities(self) -> str:
        return bilingual(self.preferred_qualities, self.preferred_qualities_en)


# --- Candidates ------------------------------------------------------------------------------


class Source(models.TextChoices):
    DOCTOR_RECOMMENDATION = "doctor", _("recommended or referred by a community doctor")
    POSTER = "poster", _("came after seeing a poster")
    OTHER = "other", _("other")


class Stage(models.TextChoices):
    # In the order a candidate moves through them.
    RECOMMENDED = "recommended", _("recommended")
    ASSESSED = "assessed", _("assessed, findings incomplete")
    ELIGIBLE = "eligible", _("eligible")
    CONSENTED = "consented", _("consented")
    ENROLLED = "enrolled", _("enrolled")
    SCREENED_OUT = "screened_out", _("screened out")


class CandidateQuerySet(models.QuerySet):
    def visible_to(self, user) -> CandidateQuerySet:
        """Staff of the candidate's community; never peers (they see no screening)."""
        from tongban.core import scope

        if not user.is_authenticated or user.is_peer:
            return self.none()
        return self.filter(community__in=scope.communities(user))


class Candidate(models.Model):
    """A person being considered for a role in a community (intake).

    `stage` is kept by the services (`candidate_refresh_stage`) from the candidate's
    assessments, consents and enrolment, so lists filter and count it in the database.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("person")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("community")
    )
    role = models.CharField(_("considered for"), max_length=10, choices=Role.choices)
    source = models.CharField(_("came by"), max_length=10, choices=Source.choices)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommended by"),
    )
    recommended_on = models.DateField(_("recommended or came on"))
    reason = models.TextField(_("why recommended"), blank=True)
    practical_skills = models.CharField(
        _("practical skills (cooking, drawing, ...)"), max_length=300, blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=15, choices=Stage.choices, default=Stage.RECOMMENDED
    )
    # Why the candidate was screened out (failed criteria in words, or "declined" ...).
    screened_out_reason = models.TextField(_("reason screened out"), blank=True)
    # Set when a staff member closes the candidacy by hand (declined, moved away).
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidate",
        verbose_name=_("enrolment"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-recommended_on", "pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        indexes = [models.Index(fields=["community", "stage"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.community}"


# --- Assessments -----------------------------------------------------------------------------


class AssessmentResult(models.TextChoices):
    ELIGIBLE = "eligible", _("eligible")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    INCOMPLETE = "incomplete", _("incomplete")


class AssessmentQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        return self.filter(candidate__in=Candidate.objects.visible_to(user))

    def passing(self) -> AssessmentQuerySet:
        """Eligible as judged, or failed and overridden with a justification."""
        return self.filter(
            Q(result=AssessmentResult.ELIGIBLE)
            | Q(result=AssessmentResult.NOT_ELIGIBLE, overridden=True)
        )


class Assessment(VoidableModel):
    """The psychiatrist's eligibility assessment of one candidate, judged under one version
    of the criteria. The findings are kept as recorded; `result` is the judgement made when
    it was saved (criteria.judge), and never changes when the criteria do."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("candidate")
    )
    criteria = models.ForeignKey(
        Criteria, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("criteria")
    )
    assessed_on = models.DateField(_("assessment date"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("psychiatrist"),
    )
    diagnosis = models.CharField(
        _("diagnosis (medical record)"), max_length=20, choices=Diagnosis.choices, blank=True
    )
    medical_record = models.CharField(
        _("medical record supplied by"),
        max_length=200,
        blank=True,
        help_text=_("The community doctor or hospital the record came from."),
    )
    # The age the judgement used: from the date of birth on the assessment date.
    age = models.PositiveSmallIntegerField(_("age on the assessment date"), null=True, blank=True)
    stable_months = models.PositiveSmallIntegerField(_("months stable"), null=True, blank=True)
    adherence_patient = models.CharField(
        _("adherent to medication (patient's report)"),
        max_length=10,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    adherence_family = models.CharField(
        _("adherent to medication (family's report)"),
        max_length=10,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    insight = models.CharField(
        _("has insight (interview)"), max_length=10, choices=Answer.choices, default=Answer.UNKNOWN
    )
    substance_abuse = models.CharField(
        _("drug or alcohol abuse"), max_length=10, choices=Answer.choices, default=Answer.UNKNOWN
    )
    severe_medical_illness = models.CharField(
        _("severe medical illness"), max_length=10, choices=Answer.choices, default=Answer.UNKNOWN
    )
    psp_score = models.PositiveSmallIntegerField(_("PSP score (0-100)"), null=True, blank=True)
    # Preferred, not required (peers): recorded, never judged.
    compassionate = models.BooleanField(_("compassionate, willing to help"), default=False)
    practical_skills = models.CharField(_("practical skills"), max_length=300, blank=True)
    # Answers to the criteria version's `extra` criteria: {code: "yes"|"no"|"unknown"}.
    extra_answers = models.JSONField(_("additional criteria"), default=dict, blank=True)
    result = models.CharField(_("result"), max_length=15, choices=AssessmentResult.choices)
    overridden = models.BooleanField(_("failed result overridden"), default=False)
    override_justification = models.TextField(_("justification for the override"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("eligibility assessment")
        verbose_name_plural = _("eligibility assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden=False) | Q(result="not_eligible"),
                name="only_a_failed_result_is_overridden",
            ),
            models.CheckConstraint(
                condition=Q(psp_score__isnull=True) | Q(psp_score__lte=100),
                name="psp_score_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.assessed_on}"

    @property
    def passes(self) -> bool:
        """Eligible, or failed and overridden with a justification."""
        return self.result == AssessmentResult.ELIGIBLE or (
            self.result == AssessmentResult.NOT_ELIGIBLE and self.overridden
        )


# --- Consent ---------------------------------------------------------------------------------


class ConsentKind(models.TextChoices):
    INFORMED_CONSENT = "informed_consent", _("informed consent")
    SERVICE_AGREEMENT = "service_agreement", _("service and group activity agreement")
    CAREGIVER_CONTACT = "caregiver_contact", _("caregiver's agreement to be contacted")


# The consents each role must hold (MODEL.md, "Consent").
REQUIRED_CONSENTS: dict[str, tuple[str, ...]] = {
    Role.PEER: (ConsentKind.INFORMED_CONSENT,),
    Role.CONSUMER: (ConsentKind.INFORMED_CONSENT, ConsentKind.SERVICE_AGREEMENT),
    "caregiver": (ConsentKind.CAREGIVER_CONTACT,),
}


class ConsentDocument(models.Model):
    """One version of a consent document, in Chinese and English, printed on A4 for
    signing. The signed paper is the legal record; the system records that it exists."""

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="consent_documents",
        verbose_name=_("program"),
    )
    kind = models.CharField(_("document"), max_length=20, choices=ConsentKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    effective_from = models.DateField(_("in use from"))
    # The program's rule for a new version: None, earlier versions stay valid; a date,
    # people on an earlier version must sign this one, and from that date their earlier
    # consent no longer counts at the gate.
    reconsent_required_from = models.DateField(
        _("earlier versions stop counting on"),
        null=True,
        blank=True,
        help_text=_("Leave empty when people who signed an earlier version need not sign again."),
    )
    note = models.TextField(_("what changed and why"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "kind", "-version"]
        verbose_name = _("consent document")
        verbose_name_plural = _("consent documents")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "version"], name="one_consent_document_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_title} v{self.version}"

    @property
    def display_title(self) -> str:
        return bilingual(self.title, self.title_en)

    @property
    def display_body(self) -> str:
        return bilingual(self.body, self.body_en)


class ConsentQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> ConsentQuerySet:
        """Staff who may see the person; never peers (not even their own: staff hold it)."""
        from tongban.core import scope

        if not user.is_authenticated or user.is_peer:
            return self.none()
        return self.filter(person__in=scope.people(user))


class Consent(VoidableModel):
    """That a person signed a version of a consent document, when, and before whom."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    document = models.ForeignKey(
        ConsentDocument,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("document version"),
    )
    signed_on = models.DateField(_("date signed"))
    witness = models.CharField(_("witness"), max_length=100)
    # None: recorded by a migration, not by a user (caregivers' agreements to be contacted
    # that were dates on their caregiver link before consent records existed).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("signed_on")),
                name="consent_withdrawn_after_signing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.document} · {self.signed_on}"


# --- Pre-service needs interviews ------------------------------------------------------------


class NeedsRespondent(models.TextChoices):
    CONSUMER = "consumer", _("consumer")
    PEER = "peer", _("peer")
    CAREGIVER = "caregiver", _("caregiver")


class NeedsInterviewQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> NeedsInterviewQuerySet:
        from tongban.core import scope

        if not user.is_authenticated or user.is_peer:
            return self.none()
        return self.filter(community__in=scope.communities(user))


class NeedsInterview(VoidableModel):
    """A research assistant's pre-service interview: the needs and interests a person
    names across the eight content categories (paper, "Procedure" and "Service contents")."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="needs_interviews", verbose_name=_("person")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="needs_interviews",
        verbose_name=_("community"),
    )
    respondent = models.CharField(_("respondent"), max_length=10, choices=NeedsRespondent.choices)
    interviewed_on = models.DateField(_("interview date"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    note = models.TextField(_("needs and interests in their own words"), blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = NeedsInterviewQuerySet.as_manager()

    class Meta:
        ordering = ["-interviewed_on", "-pk"]
        verbose_name = _("pre-service interview")
        verbose_name_plural = _("pre-service interviews")

    def __str__(self) -> str:
        return f"{self.person} · {self.interviewed_on}"


class NeedsInterviewCategory(models.Model):
    """One content category a person asked for (a row, so that sums run in the database)."""

    interview = models.ForeignKey(
        NeedsInterview,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("pre-service interview"),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "category"], name="one_row_per_needs_category"
            )
        ]

    def __str__(self) -> str:
        return self.get_category_display()
