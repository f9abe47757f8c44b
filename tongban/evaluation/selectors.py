"""Reads for evaluation rounds: who is to be interviewed, and where each one stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from tongban.core import scope
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Enrolment,
    EnrolmentStatusChange,
    Person,
)

from .models import EvaluationRound, Interview, Question, Respondent


def rounds(user) -> QuerySet[EvaluationRound]:
    return EvaluationRound.objects.visible_to(user)


def questions(program, respondent: str | None = None) -> QuerySet[Question]:
    found = Question.objects.for_program(program).offered()
    return found.filter(respondent=respondent) if respondent else found


def in_service_on(day: date, communities) -> QuerySet[Enrolment]:
    """Enrolments in the communities that had started by `day` and were not withdrawn then
    (on leave counts as in service)."""
    status_then = EnrolmentStatusChange.objects.filter(
        enrolment=OuterRef("pk"), effective_on__lte=day
    ).order_by("-effective_on", "-pk")
    return (
        Enrolment.objects.current()
        .filter(community__in=communities, started_on__lte=day)
        .annotate(status_then=Subquery(status_then.values("status")[:1]))
        .exclude(status_then=EnrolmentStatusChange.Status.WITHDRAWN)
        .exclude(status_then__isnull=True)
    )


class State:
    DONE = "done"
    PENDING = "pending"
    NOT_ASSESSED = "not_assessed"

    LABELS = {
        DONE: _("done"),
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
    and their caregivers who had agreed to be contacted by its last day. A person enrolled
    as both peer and consumer is interviewed as a peer. Three queries, whatever the size.
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
    links = (
        CaregiverLink.objects.filter(
            cared_for_id__in=list(by_person),
            contact_agreed_on__isnull=False,
            contact_agreed_on__lte=evaluation_round.ends_on,
        )
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
    order = {Respondent.CONSUMER: 0, Respondent.PEER: 1, Respondent.CAREGIVER: 2}
    return sorted(
        found.values(),
        key=lambda e: (order[e.respondent], e.community.name, e.person.name, e.person.pk),
    )


def expected_one(
    evaluation_round: EvaluationRound, *, person: Person, respondent: str, user=None
) -> Expected | None:
    """The round's entry for this person and role, or None if they are not on its list."""
    for entry in expected(evaluation_round, user):
        if entry.person.pk == person.pk and entry.respondent == respondent:
            return entry
    return None
