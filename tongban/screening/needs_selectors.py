"""Reads for the pre-service needs interviews: single interviews, the program's sums, the
plan form's panel, and who in service has not been interviewed yet.

Sums count people, not rows: each person once per respondent type and community, by their
latest interview that is not voided (a person interviewed again counts by what they said
last). Every sum is one grouped query, whatever the number of interviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tongban.activities.models import Category
from tongban.core import audit, scope
from tongban.registry.models import CaregiverLink, Community, Enrolment, Person

from .models import Candidate, NeedsInterview, NeedsInterviewCategory, NeedsRespondent

# --- Single interviews -----------------------------------------------------------------------


def interviews(user) -> QuerySet[NeedsInterview]:
    """The interviews of the user's communities (voided ones too); none for peers."""
    return NeedsInterview.objects.visible_to(user)


def interview_get(user, pk: int) -> NeedsInterview:
    """An interview of the user's communities, else 404."""
    queryset = interviews(user).select_related(
        "person", "community", "interviewer__person", "voided_by__person"
    )
    return get_object_or_404(queryset, pk=pk)


def interview_categories(interview: NeedsInterview) -> list[tuple[str, str]]:
    """(value, label) of the categories ticked, in the categories' own order."""
    ticked = set(interview.categories.values_list("category", flat=True))
    return [(value, str(label)) for value, label in Category.choices if value in ticked]


def person_get(user, pk: int) -> Person:
    """A person the user may see (staff of their communities), else 404."""
    return get_object_or_404(Person.objects.visible_to(user), pk=pk)


def person_interviews(user, person: Person) -> QuerySet[NeedsInterview]:
    """The person's interviews the user may read, newest first (for the person's page)."""
    return interviews(user).filter(person=person).select_related("community")


# Context of the record, shown in the page's header rather than in each change.
_INTERVIEW_CONTEXT = ("person", "community", "respondent")


def interview_history(interview: NeedsInterview) -> list[audit.AuditEntry]:
    """The interview's changes, newest first; the categories ticked or unticked in one
    save are part of that save's entry."""
    entries = audit.audit_entries(
        NeedsInterview.history.filter(id=interview.pk).select_related("history_user__person"),
        model=NeedsInterview,
        subject=lambda _record: str(NeedsInterview._meta.verbose_name),
        hidden_fields=_INTERVIEW_CONTEXT,
    )
    category_entries = audit.grouped_entries(
        NeedsInterviewCategory.history.filter(interview_id=interview.pk).select_related(
            "history_user__person"
        ),
        label=str(NeedsInterviewCategory._meta.verbose_name_plural),
        name=lambda record: str(Category(record.category).label),
        subject=str(NeedsInterview._meta.verbose_name),
    )
    for entry in category_entries:
        entry.object_key = interview.pk  # folds into the interview's save of that moment
    combined = sorted([*entries, *category_entries], key=lambda e: e.when)
    return audit.merge(audit.fold(combined))


# --- What the create form proposes -----------------------------------------------------------


@dataclass
class Proposal:
    """The respondent type and community the create form starts with."""

    respondent: str = ""
    community: Community | None = None


def proposal(user, person: Person) -> Proposal:
    """From the person's role in the user's communities: a peer enrolment first, then a
    consumer enrolment, then a candidacy, then caring for someone enrolled (whose
    community the caregiver's interview counts in). Four small queries at most."""
    mine = scope.communities(user)
    enrolments = (
        Enrolment.objects.current()
        .filter(person=person, community__in=mine)
        .select_related("community")
        .order_by("-started_on", "-pk")
    )
    for role in (NeedsRespondent.PEER, NeedsRespondent.CONSUMER):
        enrolment = next((e for e in enrolments if e.role == role), None)
        if enrolment is not None:
            return Proposal(respondent=role, community=enrolment.community)
    candidacy = (
        Candidate.objects.filter(person=person, community__in=mine)
        .select_related("community")
        .order_by("-recommended_on", "-pk")
        .first()
    )
    if candidacy is not None:
        return Proposal(respondent=candidacy.role, community=candidacy.community)
    cared_for = CaregiverLink.objects.filter(caregiver=person).values("cared_for_id")
    patient_enrolment = (
        Enrolment.objects.current()
        .filter(person__in=cared_for, community__in=mine)
        .select_related("community")
        .order_by("-started_on", "-pk")
        .first()
    )
    if patient_enrolment is not None:
        return Proposal(respondent=NeedsRespondent.CAREGIVER, community=patient_enrolment.community)
    return Proposal()


# --- Sums ------------------------------------------------------------------------------------


def counted(queryset: QuerySet[NeedsInterview] | None = None) -> QuerySet[NeedsInterview]:
    """Interviews that count: not voided, and the latest of their person for the same
    respondent type and community."""
    queryset = NeedsInterview.objects.all() if queryset is None else queryset
    later = NeedsInterview.objects.current().filter(
        person=OuterRef("person"),
        respondent=OuterRef("respondent"),
        community=OuterRef("community"),
    )
    later = later.filter(
        Q(interviewed_on__gt=OuterRef("interviewed_on"))
        | Q(interviewed_on=OuterRef("interviewed_on"), pk__gt=OuterRef("pk"))
    )
    return queryset.current().filter(~Exists(later))


def _category_counts() -> dict[str, Count]:
    """People asking for each category (the interview's category rows are a LEFT JOIN, so
    an interview with free text only still counts as interviewed)."""
    return {
        f"asked_{value}": Count("pk", distinct=True, filter=Q(categories__category=value))
        for value in Category.values
    }


@dataclass
class Cell:
    count: int = 0
    interviewed: int = 0

    @property
    def share(self) -> int | None:
        """Per cent of the people interviewed, rounded; None when nobody was."""
        if not self.interviewed:
            return None
        return round(100 * self.count / self.interviewed)


@dataclass
class SumRow:
    category: str
    label: str
    cells: list[Cell]
    total: Cell


@dataclass
class SumTable:
    """Categories down, columns (communities or respondent types) across, and a total."""

    columns: list[str]
    interviewed: list[int]
    interviewed_total: int
    rows: list[SumRow] = field(default_factory=list)


def _table(columns: list[tuple[object, str]], groups: list[dict], key: str) -> SumTable:
    """Add up the grouped rows (a few per column, never one per interview) into a table."""
    interviewed = {column: 0 for column, _label in columns}
    asked = {(column, value): 0 for column, _label in columns for value in Category.values}
    for group in groups:
        column = group[key]
        if column not in interviewed:
            continue
        interviewed[column] += group["interviewed"]
        for value in Category.values:
            asked[(column, value)] += group[f"asked_{value}"]
    total_interviewed = sum(interviewed.values())
    table = SumTable(
        columns=[label for _column, label in columns],
        interviewed=[interviewed[column] for column, _label in columns],
        interviewed_total=total_interviewed,
    )
    for value in Category.values:
        cells = [
            Cell(count=asked[(column, value)], interviewed=interviewed[column])
            for column, _label in columns
        ]
        total = Cell(count=sum(c.count for c in cells), interviewed=total_interviewed)
        table.rows.append(
            SumRow(category=value, label=str(Category(value).label), cells=cells, total=total)
        )
    return table


@dataclass
class Sums:
    by_community: SumTable
    by_respondent: SumTable


def sums(user, *, community: Community | None = None, respondent: str = "") -> Sums:
    """Needs by category and community, and by category and respondent type: one grouped
    query (community × respondent type), added up into both tables; one more for the
    communities' names."""
    communities = list(scope.communities(user).order_by("started_on", "name", "pk"))
    if community is not None:
        communities = [c for c in communities if c.pk == community.pk]
    chosen = counted(interviews(user)).filter(community__in=[c.pk for c in communities])
    if respondent:
        chosen = chosen.filter(respondent=respondent)
    groups = list(
        chosen.order_by()
        .values("community_id", "respondent")
        .annotate(interviewed=Count("pk", distinct=True), **_category_counts())
    )
    respondents = [r for r in NeedsRespondent if not respondent or r == respondent]
    return Sums(
        by_community=_table([(c.pk, c.display_name) for c in communities], groups, "community_id"),
        by_respondent=_table([(r.value, str(r.label)) for r in respondents], groups, "respondent"),
    )


# --- The plan form's panel -------------------------------------------------------------------


@dataclass
class Asked:
    category: str
    label: str
    count: int


@dataclass
class ConsumerNeeds:
    """What the interviewed consumers of a community asked for: counts only, never who or
    what they said (peers read this)."""

    interviewed: int
    asked: list[Asked]


def consumer_needs(community: Community) -> ConsumerNeeds:
    """The eight categories with how many interviewed consumers of the community asked for
    each, most asked first (the categories' order among equals). One query."""
    found = (
        counted()
        .filter(community=community, respondent=NeedsRespondent.CONSUMER)
        .aggregate(interviewed=Count("pk", distinct=True), **_category_counts())
    )
    order = {value: i for i, value in enumerate(Category.values)}
    asked = [
        Asked(category=value, label=str(Category(value).label), count=found[f"asked_{value}"])
        for value in Category.values
    ]
    asked.sort(key=lambda a: (-a.count, order[a.category]))
    return ConsumerNeeds(interviewed=found["interviewed"], asked=asked)


# --- Who in service has no interview yet -----------------------------------------------------


def _not_interviewed(user, *, community: Community | None, respondent: str, day: date):
    enrolments = Enrolment.objects.in_service_on(day).filter(community__in=scope.communities(user))
    if community is not None:
        enrolments = enrolments.filter(community=community)
    if respondent:
        # Only peers and consumers are enrolled: a caregiver filter leaves nobody.
        enrolments = enrolments.filter(role=respondent)
    interviewed = NeedsInterview.objects.current().filter(
        person=OuterRef("person"), respondent=OuterRef("role")
    )
    return enrolments.filter(~Exists(interviewed))


def not_interviewed_count(user, *, community=None, respondent: str = "") -> int:
    """Peers and consumers in service today with no pre-service interview in that role.
    One query."""
    day = timezone.localdate()
    return _not_interviewed(user, community=community, respondent=respondent, day=day).count()


def not_interviewed(user, *, community=None, respondent: str = "") -> QuerySet[Enrolment]:
    """The same, as enrolments with their person and community, by community and name."""
    day = timezone.localdate()
    return (
        _not_interviewed(user, community=community, respondent=respondent, day=day)
        .select_related("person", "community")
        .order_by("community__started_on", "community__name", "role", "person__name", "pk")
    )


def interview_list(
    user, *, community=None, respondent: str = "", voided: bool = False
) -> QuerySet[NeedsInterview]:
    """The interviews of the page's list, newest first, with their categories (one more
    query for the page's rows)."""
    found = interviews(user)
    found = found.filter(voided_at__isnull=False) if voided else found.current()
    if community is not None:
        found = found.filter(community=community)
    if respondent:
        found = found.filter(respondent=respondent)
    return (
        found.select_related("person", "community", "interviewer__person")
        .prefetch_related("categories")
        .order_by("-interviewed_on", "-pk")
    )
