"""Reads for the candidate, assessment and criteria pages, always through the scoping layer.

Candidates and assessments are seen by the staff of the candidate's community (the
psychiatrist and the manager: the whole program); peers see none of it. Criteria are the
program's: every staff member of the program reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, scope
from tongban.core.models import bilingual
from tongban.registry.models import Community, Diagnosis, Enrolment

from . import criteria as judging
from .models import Assessment, Candidate, Criteria, Stage

Role = Enrolment.Role


# --- Candidates ------------------------------------------------------------------------------


def candidates(user) -> QuerySet[Candidate]:
    return Candidate.objects.visible_to(user)


def _latest_assessment() -> QuerySet[Assessment]:
    return (
        Assessment.objects.current()
        .filter(candidate=OuterRef("pk"))
        .order_by("-assessed_on", "-pk")
    )


def candidate_list(
    user,
    *,
    q: str = "",
    stage: str = "",
    role: str = "",
    community: Community | None = None,
) -> QuerySet[Candidate]:
    """The user's candidates, filtered, each with its latest assessment's date, result and
    override flag (subqueries: the query count does not grow with the rows)."""
    found = candidates(user)
    text = q.strip()
    if text:
        found = found.filter(person__name__icontains=text)
    if stage:
        found = found.filter(stage=stage)
    if role:
        found = found.filter(role=role)
    if community is not None:
        found = found.filter(community=community)
    latest = _latest_assessment()
    return found.select_related("person", "community", "recommended_by__person").annotate(
        latest_assessed_on=Subquery(latest.values("assessed_on")[:1]),
        latest_result=Subquery(latest.values("result")[:1]),
        latest_overridden=Subquery(latest.values("overridden")[:1]),
    )


@dataclass
class FigureRow:
    stage: str
    label: str
    peer: int = 0
    consumer: int = 0

    @property
    def total(self) -> int:
        return self.peer + self.consumer


@dataclass
class Figures:
    rows: list[FigureRow] = field(default_factory=list)
    overrides: int = 0

    @property
    def peer(self) -> int:
        return sum(row.peer for row in self.rows)

    @property
    def consumer(self) -> int:
        return sum(row.consumer for row in self.rows)

    @property
    def total(self) -> int:
        return self.peer + self.consumer


def candidate_figures(found: QuerySet[Candidate]) -> Figures:
    """Candidates by stage and role, and the overridden results among their assessments
    (voided ones not counted), in one grouped query over the filtered set."""
    grouped = (
        found.order_by()
        .values("stage", "role")
        .annotate(
            candidates=Count("pk", distinct=True),
            overrides=Count(
                "assessments",
                filter=Q(assessments__overridden=True, assessments__voided_at__isnull=True),
                distinct=True,
            ),
        )
    )
    counts = {(row["stage"], row["role"]): row for row in grouped}
    figures = Figures()
    for stage in Stage:
        row = FigureRow(stage=stage.value, label=str(stage.label))
        for role in Role:
            found_row = counts.get((stage.value, role.value))
            if found_row is not None:
                setattr(row, role.value, found_row["candidates"])
                figures.overrides += found_row["overrides"]
        figures.rows.append(row)
    return figures


def candidate_get(user, pk: int) -> Candidate:
    return get_object_or_404(
        candidates(user).select_related(
            "person",
            "community",
            "recommended_by__person",
            "created_by__person",
            "enrolment",
        ),
        pk=pk,
    )


@dataclass
class Judged:
    """An assessment with its judgement under its own criteria version."""

    assessment: Assessment
    judgement: judging.Judgement


def judged(assessment: Assessment) -> Judged:
    return Judged(assessment=assessment, judgement=judging.judge_assessment(assessment))


def candidate_assessments(candidate: Candidate) -> list[Judged]:
    """Every assessment of the candidate, newest first, the voided ones too (marked)."""
    found = candidate.assessments.select_related(
        "criteria", "assessed_by__person", "voided_by__person"
    ).order_by("-assessed_on", "-pk")
    return [judged(assessment) for assessment in found]


def candidate_history(candidate: Candidate) -> list[audit.AuditEntry]:
    return audit.merge(
        audit.audit_entries(
            Candidate.history.filter(id=candidate.pk).select_related("history_user__person"),
            model=Candidate,
            subject=lambda _record: str(Candidate._meta.verbose_name),
            hidden_fields=("person", "enrolment", "created_by"),
        )
    )


def earlier_candidacies(candidate: Candidate, user) -> QuerySet[Candidate]:
    """The person's other candidacies the user may see (a screened-out person who came
    again, or one considered for both roles)."""
    return (
        candidates(user)
        .filter(person=candidate.person)
        .exclude(pk=candidate.pk)
        .select_related("community")
        .order_by("-recommended_on", "-pk")
    )


def doctors(communities) -> QuerySet:
    """Active community-doctor accounts of `communities`, who recommend peers and refer
    consumers."""
    from tongban.accounts.models import Role as UserRole
    from tongban.accounts.models import User

    return (
        User.objects.filter(
            role=UserRole.COMMUNITY_DOCTOR, is_active=True, communities__in=communities
        )
        .distinct()
        .select_related("person")
        .prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("name")))
        .order_by("first_name", "username")
    )


# --- Assessments -----------------------------------------------------------------------------


def assessment_get(user, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(user).select_related(
            "candidate__person",
            "candidate__community",
            "criteria",
            "assessed_by__person",
            "voided_by__person",
        ),
        pk=pk,
    )


def assessment_history(assessment: Assessment) -> list[audit.AuditEntry]:
    return audit.merge(
        audit.audit_entries(
            Assessment.history.filter(id=assessment.pk).select_related("history_user__person"),
            model=Assessment,
            subject=lambda _record: str(Assessment._meta.verbose_name),
            hidden_fields=("candidate", "criteria"),
        )
    )


def age_today(candidate: Candidate) -> int | None:
    return candidate.person.age_on(timezone.localdate())


# --- Criteria --------------------------------------------------------------------------------


def criteria_visible(user) -> QuerySet[Criteria]:
    """Every version of the criteria of the user's program (staff)."""
    program = scope.program(user)
    if program is None or user.is_peer:
        return Criteria.objects.none()
    return Criteria.objects.filter(program=program)


def criteria_get(user, pk: int) -> Criteria:
    return get_object_or_404(
        criteria_visible(user)
        .select_related("created_by__person")
        .annotate(assessment_count=Count("assessments", filter=Q(assessments__voided_at=None))),
        pk=pk,
    )


def criteria_versions(user) -> dict[str, list[Criteria]]:
    """role -> its versions, newest (the one in force) first, each with the number of
    assessments judged under it (one query)."""
    found = (
        criteria_visible(user)
        .select_related("created_by__person")
        .annotate(assessment_count=Count("assessments", filter=Q(assessments__voided_at=None)))
        .order_by("role", "-version")
    )
    versions: dict[str, list[Criteria]] = {role.value: [] for role in Role}
    for criteria in found:
        versions.setdefault(criteria.role, []).append(criteria)
    return versions


def _diagnosis_label(value: str) -> str:
    return str(Diagnosis(value).label) if value in Diagnosis.values else value


def criteria_in_words(criteria: Criteria) -> list[str]:
    """The rules of one version, one sentence each, as the psychiatrist applies them."""
    rules = [
        _("Diagnosis from the medical record: %(diagnoses)s")
        % {"diagnoses": _(", ").join(_diagnosis_label(d) for d in criteria.diagnoses)},
        _("Aged %(min)s to %(max)s on the assessment date")
        % {"min": criteria.min_age, "max": criteria.max_age},
        _("Stable for at least %(months)s months") % {"months": criteria.min_stable_months},
    ]
    if criteria.require_adherence:
        rules.append(_("Adherent to medication, by the patient's and by the family's report"))
    if criteria.require_insight:
        rules.append(_("Has insight into the illness (from the interview)"))
    if criteria.exclude_substance_abuse:
        rules.append(_("No drug or alcohol abuse"))
    if criteria.exclude_severe_medical_illness:
        rules.append(_("No severe medical illness"))
    if criteria.min_psp is not None:
        rules.append(_("PSP score of at least %(min)s (0-100)") % {"min": criteria.min_psp})
    for extra in criteria.extra:
        label = bilingual(extra.get("label", ""), extra.get("label_en", ""))
        rules.append(_("%(criterion)s: yes") % {"criterion": label})
    return rules


# Stages still moving, in the order the work is done.
OPEN_STAGES = (Stage.RECOMMENDED, Stage.ASSESSED, Stage.ELIGIBLE, Stage.CONSENTED)
# Whose turn each open stage is: the psychiatrist assesses (or completes an assessment);
# the others collect signatures and enrol.
PSYCHIATRIST_STAGES = (Stage.RECOMMENDED, Stage.ASSESSED)


def screening_work(user, *, shown: int) -> dict:
    """The home page's screening block: the oldest open candidacies whose turn it is for
    this user's role, and how many there are (two queries whatever the rows)."""
    from tongban.accounts.models import Role

    stages = PSYCHIATRIST_STAGES if user.role == Role.PSYCHIATRIST else OPEN_STAGES
    waiting = candidates(user).filter(stage__in=stages)
    return {
        "screening_waiting": list(
            waiting.select_related("person", "community").order_by("recommended_on", "pk")[:shown]
        ),
        "screening_waiting_total": waiting.count(),
    }
