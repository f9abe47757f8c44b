"""Satisfaction and benefit evaluation: questions, rounds of interviews, and the answers.

The paper's research assistant asked consumers, peers and caregivers yes/no questions face to
face (MODEL.md, "Evaluation"). Questions are program data: the eight of the paper are in every
installation (program None); a program may add its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongban.core.models import VoidableModel, VoidableQuerySet, bilingual
from tongban.registry.models import Community, Person, Program


class Respondent(models.TextChoices):
    # In the paper's order (consumers, peers, caregivers): lists and reports follow it.
    CONSUMER = "consumer", _("consumer")
    PEER = "peer", _("peer")
    CAREGIVER = "caregiver", _("caregiver")


class Domain(models.TextChoices):
    SATISFACTION = "satisfaction", _("service satisfaction")
    BENEFIT = "benefit", _("perceived benefit")


class Scale(models.TextChoices):
    # Only yes/no for now; the field lets a program add other scales later.
    YES_NO = "yes_no", _("yes / no")


class Answer(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")


class NotAssessedReason(models.TextChoices):
    PERSONAL_ISSUES = "personal_issues", _("personal issues")
    REFUSED = "refused", _("refused")
    UNREACHABLE = "unreachable", _("could not be reached")
    IN_HOSPITAL = "in_hospital", _("in hospital")
    OTHER = "other", _("other")


class QuestionQuerySet(models.QuerySet):
    def for_program(self, program: Program) -> QuestionQuerySet:
        """The standard questions and the program's own, in order."""
        return self.filter(Q(program=None) | Q(program=program)).order_by(
            "respondent", "position", "pk"
        )

    def offered(self) -> QuestionQuerySet:
        return self.filter(is_active=True)


class Question(models.Model):
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_questions",
        verbose_name=_("program"),
        help_text=_("Empty for the standard questions, which every program asks."),
    )
    code = models.SlugField(_("code"), max_length=60)
    respondent = models.CharField(_("respondent"), max_length=10, choices=Respondent.choices)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    scale = models.CharField(_("answer scale"), max_length=20, choices=Scale, default=Scale.YES_NO)
    wording = models.CharField(_("question (Chinese)"), max_length=300)
    wording_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)

    history = HistoricalRecords()
    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["respondent", "position", "pk"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(program=None), name="one_standard_question_per_code"
            ),
            models.UniqueConstraint(
                fields=["program", "code"], name="one_program_question_per_code"
            ),
        ]

    def __str__(self) -> str:
        return self.display_wording

    @property
    def display_wording(self) -> str:
        return bilingual(self.wording, self.wording_en)


class EvaluationRoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvaluationRoundQuerySet:
        """Rounds of the chosen program covering at least one of the user's communities."""
        from tongban.core import scope

        return self.filter(
            program=scope.program(user), communities__in=scope.communities(user)
        ).distinct()


class EvaluationRound(models.Model):
    """One round of interviews: the paper's was December 2014 in Tuanjiehu and Maizidian."""

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
        verbose_name=_("program"),
    )
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    communities = models.ManyToManyField(
        Community, related_name="evaluation_rounds", verbose_name=_("communities covered")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[communities])
    objects = EvaluationRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="round_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


class InterviewQuerySet(VoidableQuerySet):
    def visible_to(self, user) -> InterviewQuerySet:
        from tongban.core import scope

        return self.filter(community__in=scope.communities(user))


class Interview(VoidableModel):
    """One respondent in one round: interviewed (with answers) or not assessed, with why.

    No row means the interview is still pending. `community` is where the respondent (or,
    for a caregiver, the person cared for) was in service at the round's start; it scopes
    the record like every other clinical record.
    """

    class Outcome(models.TextChoices):
        INTERVIEWED = "interviewed", _("interviewed")
        NOT_ASSESSED = "not_assessed", _("not assessed")

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("evaluation round"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("respondent")
    )
    respondent = models.CharField(_("respondent type"), max_length=10, choices=Respondent.choices)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("community")
    )
    cares_for = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caregiver of"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    not_assessed_reason = models.CharField(
        _("why not assessed"), max_length=20, choices=NotAssessedReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    interviewed_on = models.DateField(_("interview date"), null=True, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["round", "respondent", "person__name", "pk"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person", "respondent"],
                condition=Q(voided_at__isnull=True),
                name="one_current_interview_per_respondent_and_round",
            ),
            models.CheckConstraint(
                condition=(
                    Q(outcome="interviewed", not_assessed_reason="", interviewed_on__isnull=False)
                    | (Q(outcome="not_assessed") & ~Q(not_assessed_reason=""))
                ),
                name="interview_outcome_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_respondent_display()} · {self.round}"


class InterviewAnswer(models.Model):
    """One answer; an empty value means the respondent did not answer this question."""

    interview = models.ForeignKey(
        Interview, on_delete=models.PROTECT, related_name="answers", verbose_name=_("interview")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question__position", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value or '-'}"
