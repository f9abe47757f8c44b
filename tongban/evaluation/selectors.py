"""Reads for evaluation rounds: who is to be interviewed, and where each one stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from tongban.core import audit, scope
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Enrolment,
    Person,
)
from tongban.screening import gate
from tongban.screening.models import Consent, ConsentDocument, ConsentKind

from .models import Answer, EvaluationRound, Interview, InterviewAnswer, Question, Respondent


def rounds(user) -> QuerySet[EvaluationRound]:
    return EvaluationRound.objects.visible_to(user)


def questions(program, respondent: str | None = None) -> QuerySet[Question]:
    found = Question.objects.for_program(program).offered()
    return found.filter(respondent=respondent) if respondent else found


def in_service_on(day: date, communities) -> QuerySet[Enrolment]:
    """Enrolments in the communities that had started by `day` and were not withdrawn then
    (on leave counts as in service)."""
    return Enrolment.objects.in_service_on(day).filter(community__in=communities)


class State:
    DONE = "done"
    PENDING = "pending"
    NOT_ASSESSED = "not_assessed"

    LABELS = {
        DONE: _("interviewed"),
        PENDING: _("pending"),
        NOT_ASSESSED: _("not assessed"),
    }


@dataclass
class Expected:
    """One person the round should interview, in one respondent role."""

    person: Person
    respondent: str
    community: Community
    cares_for: Person | None = None
    interview: Interview | None = None

    @property
    def state(self) -> str:
        if self.interview is None:
            return State.PENDING
        if self.interview.outcome == Interview.Outcome.NOT_ASSESSED:
            return State.NOT_ASSESSED
        return State.DONE

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])

    @property
    def respondent_label(self) -> str:
        return str(Respondent(self.respondent).label)


def expected(evaluation_round: EvaluationRound, user=None) -> list[Expected]:
    """Who the round is to interview, each with their current interview if there is one.

    The peers and consumers in service in the covered communities on the round's first day,
    and their caregivers whose agreement to be contacted (a consent) was in force on its
    last day. A person enrolled
    as both peer and consumer is interviewed as a peer. Four queries, whatever the size.
    With `user`, only the communities the user may see.
    """
    communities = evaluation_round.communities.all()
    if user is not None:
        communities = communities.filter(pk__in=scope.communities(user).values("pk"))
    found: dict[tuple[int, str], Expected] = {}
    enrolments = (
        in_service_on(evaluation_round.starts_on, communities)
        .select_related("person", "community")
        .order_by("community__name", "person__name", "pk")
    )
    by_person: dict[int, Expected] = {}
    for enrolment in enrolments:
        role = enrolment.role
        previous = by_person.get(enrolment.person_id)
        if previous is not None:
            if role == Respondent.PEER and previous.respondent != Respondent.PEER:
                del found[(enrolment.person_id, previous.respondent)]
            else:
                continue
        entry = Expected(person=enrolment.person, respondent=role, community=enrolment.community)
        by_person[enrolment.person_id] = entry
        found[(enrolment.person_id, role)] = entry
    agreed = _agreed_to_contact(evaluation_round.program, evaluation_round.ends_on)
    links = (
        CaregiverLink.objects.filter(cared_for_id__in=list(by_person))
        .filter(Exists(agreed.filter(person=OuterRef("caregiver_id"))))
        .select_related("caregiver")
        .order_by("caregiver__name", "pk")
    )
    for link in links:
        key = (link.caregiver_id, Respondent.CAREGIVER)
        if key in found:  # one interview for a caregiver of two patients
            continue
        patient = by_person[link.cared_for_id]
        found[key] = Expected(
            person=link.caregiver,
            respondent=Respondent.CAREGIVER,
            community=patient.community,
            cares_for=patient.person,
        )
    for interview in (
        Interview.objects.current()
        .filter(round=evaluation_round)
        .select_related("interviewer__person")
    ):
        entry = found.get((interview.person_id, interview.respondent))
        if entry is not None:
            entry.interview = interview
    order = {respondent: i for i, respondent in enumerate(Respondent)}
    return sorted(
        found.values(),
        key=lambda e: (order[e.respondent], e.community.name, e.person.name, e.person.pk),
    )


def _agreed_to_contact(program, day: date) -> QuerySet[Consent]:
    """Caregivers' agreements to be contacted in force on `day` (the round's last day):
    signed by then and not withdrawn by then, on a version that still counts (the gate's
    own rule for consents, screening.gate.valid_consents)."""
    versions = gate.counting_versions(program, day)
    return gate.valid_consents(program, ConsentKind.CAREGIVER_CONTACT, day, versions)


def _agreed_by_round_end(caregiver_ref, ends_on_ref) -> Exists:
    """`_agreed_to_contact` inside the rounds' counting query, where each round has its own
    last day: the same rule written in SQL (a signature counts unless a later version
    requiring re-consent has reached its date)."""
    replaced = ConsentDocument.objects.filter(
        program=OuterRef("document__program"),
        kind=OuterRef("document__kind"),
        version__gt=OuterRef("document__version"),
        reconsent_required_from__lte=OuterRef(ends_on_ref),
    )
    return Exists(
        Consent.objects.current()
        .filter(
            person=caregiver_ref,
            document__kind=ConsentKind.CAREGIVER_CONTACT,
            signed_on__lte=ends_on_ref,
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=ends_on_ref))
        .filter(~Exists(replaced))
    )


def expected_one(
    evaluation_round: EvaluationRound, *, person: Person, respondent: str, user=None
) -> Expected | None:
    """The round's entry for this person and role, or None if they are not on its list."""
    for entry in expected(evaluation_round, user):
        if entry.person.pk == person.pk and entry.respondent == respondent:
            return entry
    return None


# Pages ------------------------------------------------------------------------------------


class _CountDistinct(Func):
    """COUNT(DISTINCT column) in a correlated subquery: the whole subquery is one group."""

    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def _in_service_of_round(communities: QuerySet, ref) -> QuerySet[Enrolment]:
    """`in_service_on` for the round that `ref(name)` points to from inside a subquery."""
    return Enrolment.objects.in_service_on(ref("starts_on")).filter(
        community__evaluation_rounds=ref("pk"), community__in=communities
    )


def _counted(queryset: QuerySet, column: str) -> Subquery:
    counted = queryset.order_by().annotate(n=_CountDistinct(F(column))).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def rounds_with_counts(user) -> QuerySet[EvaluationRound]:
    """The user's rounds, newest first, each with the counts of `expected` in one query.

    expected_people: peers and consumers in service at the start (a person once, in
    whichever role); expected_caregivers: their caregivers whose agreement to be contacted
    was in force on the last day; expected, their sum; done and not_assessed: current interviews;
    pending, what is left. All within the user's
    communities, so the figures are those of the round's page.
    """
    communities = scope.communities(user)
    visible = EvaluationRound.objects.visible_to(user).values("pk")
    enrolments = _in_service_of_round(communities, OuterRef)
    linked = _in_service_of_round(communities, lambda name: OuterRef(OuterRef(name)))
    caregivers = CaregiverLink.objects.filter(cared_for__in=linked.values("person_id")).filter(
        _agreed_by_round_end(OuterRef("caregiver_id"), OuterRef(OuterRef("ends_on")))
    )
    interviews = Interview.objects.current().filter(round=OuterRef("pk"), community__in=communities)
    return (
        EvaluationRound.objects.filter(pk__in=visible)
        .annotate(
            expected_people=_counted(enrolments, "person_id"),
            expected_caregivers=_counted(caregivers, "caregiver_id"),
            done=_counted(interviews.filter(outcome=Interview.Outcome.INTERVIEWED), "pk"),
            not_assessed=_counted(interviews.filter(outcome=Interview.Outcome.NOT_ASSESSED), "pk"),
        )
        .annotate(expected=F("expected_people") + F("expected_caregivers"))
        .annotate(
            # An interview of someone since taken off the list (an enrolment voided) is
            # not one of theirs: never fewer than none pending.
            pending=Greatest(F("expected") - F("done") - F("not_assessed"), Value(0))
        )
        .order_by("-starts_on", "-pk")
    )


def round_get(user, pk: int) -> EvaluationRound:
    return get_object_or_404(rounds(user).select_related("program"), pk=pk)


def round_communities(evaluation_round: EvaluationRound, user) -> tuple[list[Community], int]:
    """The covered communities the user may see, and how many others the round covers
    (their names are not the user's to read)."""
    covered = list(evaluation_round.communities.order_by("started_on", "name", "pk"))
    mine = set(scope.communities(user).values_list("pk", flat=True))
    shown = [c for c in covered if c.pk in mine]
    return shown, len(covered) - len(shown)


@dataclass
class Counts:
    expected: int = 0
    done: int = 0
    pending: int = 0
    not_assessed: int = 0


def counts(entries: list[Expected]) -> Counts:
    """States of a list `expected` already built (no query)."""
    found = Counts(expected=len(entries))
    for entry in entries:
        setattr(found, entry.state, getattr(found, entry.state) + 1)
    return found


def grouped(entries: list[Expected]) -> list[tuple[str, str, list[Expected]]]:
    """(respondent, its label, entries) in the paper's order: consumers, peers, caregivers."""
    return [
        (respondent, str(respondent.label), [e for e in entries if e.respondent == respondent])
        for respondent in Respondent
    ]


def voided_interviews(evaluation_round: EvaluationRound, user) -> QuerySet[Interview]:
    return (
        Interview.objects.visible_to(user)
        .filter(round=evaluation_round, voided_at__isnull=False)
        .select_related("person")
        .order_by("-voided_at", "-pk")
    )


def interviewers(program, *, also=None) -> QuerySet:
    """Active accounts of the program who may run evaluations (and `also`, the interviewer
    already recorded, even if no longer active)."""
    from tongban.accounts.models import Role, User

    members = Q(programs=program) | Q(communities__program=program)
    able = Q(is_active=True, role__in=[Role.RESEARCH_ASSISTANT, Role.PROJECT_MANAGER])
    chosen = able & members
    if also is not None:
        chosen |= Q(pk=also.pk)
    pks = User.objects.filter(chosen).values("pk")
    return User.objects.filter(pk__in=pks).select_related("person").order_by("first_name", "pk")


def interview_get(user, pk: int) -> Interview:
    """An interview of the user's program and communities (voided ones too), else 404."""
    queryset = Interview.objects.visible_to(user).select_related(
        "round__program",
        "person",
        "cares_for",
        "community",
        "interviewer__person",
        "created_by__person",
        "voided_by__person",
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass
class AnswerRow:
    question: Question
    value: str  # "yes", "no" or "" (not answered)

    @property
    def label(self) -> str:
        return str(Answer(self.value).label) if self.value else str(_("not answered"))


def answers(interview: Interview) -> list[AnswerRow]:
    """Each question of the respondent type with its answer, and answers to questions the
    program has stopped asking. Two queries."""
    given = {a.question_id: a.value for a in interview.answers.all()}
    asked = list(questions(interview.round.program, interview.respondent))
    asked_pks = {q.pk for q in asked}
    retired = list(Question.objects.filter(pk__in=set(given) - asked_pks)) if given else []
    return [AnswerRow(question=q, value=given.get(q.pk, "")) for q in [*asked, *retired]]


# Context of the record, shown in the page's header rather than in each change.
_INTERVIEW_CONTEXT = ("round", "person", "respondent", "community", "cares_for", "created_by")


def interview_history(interview: Interview) -> list[audit.AuditEntry]:
    """The interview's changes, newest first; the answers written in one save are part of
    that save's entry, each labelled with its question."""
    entries = audit.audit_entries(
        Interview.history.filter(id=interview.pk).select_related("history_user__person"),
        model=Interview,
        subject=lambda _record: str(Interview._meta.verbose_name),
        hidden_fields=_INTERVIEW_CONTEXT,
    )
    answer_rows = list(
        InterviewAnswer.history.filter(interview_id=interview.pk).select_related(
            "history_user__person"
        )
    )
    wording = {
        q.pk: q.display_wording
        for q in Question.objects.filter(pk__in={r.question_id for r in answer_rows})
    }
    answer_entries = audit.audit_entries(
        answer_rows,
        model=InterviewAnswer,
        subject=lambda record: wording.get(record.question_id, ""),
        hidden_fields=("interview", "question"),
    )
    for entry in answer_entries:
        entry.changes = [
            audit.FieldChange(label=entry.subject, old=change.old, new=change.new)
            for change in entry.changes
        ]
        entry.subject = str(Interview._meta.verbose_name)
        entry.action = str(audit.ACTIONS["~"])
        entry.object_key = interview.pk  # folds into the interview's save of that moment
    combined = sorted([*entries, *answer_entries], key=lambda e: e.when)
    return audit.merge(audit.fold(combined))
