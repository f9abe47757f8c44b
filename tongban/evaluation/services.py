"""Writes for evaluation rounds and interviews; each checks everything before it writes."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.concurrency import check_version
from tongban.core.models import assign_changes
from tongban.registry.models import Community, Person, Program

from . import selectors
from .models import (
    Answer,
    EvaluationRound,
    Interview,
    InterviewAnswer,
    NotAssessedReason,
    Question,
)


def round_errors(
    *, program: Program, starts_on: date | None, ends_on: date | None, communities: list
) -> dict[str, str]:
    """The round's rules, keyed by form field (the form shows them with its own errors)."""
    errors: dict[str, str] = {}
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if not communities:
        errors["communities"] = _("Choose at least one community.")
    elif any(c.program_id != program.pk for c in communities):
        errors["communities"] = _("Choose communities of this program.")
    return errors


def _check_round(
    *, program: Program, starts_on: date, ends_on: date, communities: list[Community]
) -> None:
    errors = round_errors(
        program=program, starts_on=starts_on, ends_on=ends_on, communities=communities
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def evaluation_round_create(
    *,
    program: Program,
    by,
    name: str,
    name_en: str = "",
    starts_on: date,
    ends_on: date,
    communities: list[Community],
) -> EvaluationRound:
    _check_round(program=program, starts_on=starts_on, ends_on=ends_on, communities=communities)
    evaluation_round = EvaluationRound.objects.create(
        program=program,
        name=name,
        name_en=name_en,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    evaluation_round.communities.set(communities)
    return evaluation_round


@transaction.atomic
def evaluation_round_update(
    *,
    evaluation_round: EvaluationRound,
    version: int | None,
    name: str,
    name_en: str = "",
    starts_on: date,
    ends_on: date,
    communities: list[Community],
) -> EvaluationRound:
    evaluation_round = EvaluationRound.objects.select_for_update().get(pk=evaluation_round.pk)
    check_version(evaluation_round, version)
    _check_round(
        program=evaluation_round.program,
        starts_on=starts_on,
        ends_on=ends_on,
        communities=communities,
    )
    changed = assign_changes(
        evaluation_round,
        {"name": name, "name_en": name_en, "starts_on": starts_on, "ends_on": ends_on},
    )
    if changed:
        evaluation_round.save(update_fields=changed)
    if {c.pk for c in communities} != set(
        evaluation_round.communities.values_list("pk", flat=True)
    ):
        evaluation_round.communities.set(communities)
    return evaluation_round


def interview_errors(
    *,
    evaluation_round: EvaluationRound,
    respondent: str,
    outcome: str,
    interviewed_on: date | None,
    interviewer,
    answers: dict[str, str],
    not_assessed_reason: str,
    asked: list[Question] | None = None,
) -> dict[str, str]:
    """Every rule at once, keyed by form field (`asked`: the questions, if already read)."""
    errors: dict[str, str] = {}
    if asked is None:
        asked = list(selectors.questions(evaluation_round.program, respondent))
    if outcome == Interview.Outcome.INTERVIEWED:
        if interviewed_on is None:
            errors["interviewed_on"] = _("Enter the date of the interview.")
        elif interviewed_on > timezone.localdate():
            errors["interviewed_on"] = _("The interview date cannot be in the future.")
        elif not evaluation_round.starts_on <= interviewed_on <= evaluation_round.ends_on:
            # The round's window is when its interviews happen; a late one means the
            # round should be extended first, so that its dates stay true.
            errors["interviewed_on"] = _(
                "The interview date must be within the round, from %(start)s to %(end)s."
            ) % {
                "start": evaluation_round.starts_on.isoformat(),
                "end": evaluation_round.ends_on.isoformat(),
            }
        if interviewer is None:
            errors["interviewer"] = _("Choose who interviewed.")
        known = {q.code for q in asked}
        for code, value in answers.items():
            if code not in known:
                errors["__all__"] = _("The questions have changed: open the form again.")
            elif value not in ("", *Answer.values):
                errors[f"q_{code}"] = _("Answer yes or no, or leave it unanswered.")
        if "__all__" not in errors and not any(answers.get(q.code) for q in asked):
            errors["__all__"] = _("Record at least one answer, or mark the person not assessed.")
    elif outcome == Interview.Outcome.NOT_ASSESSED:
        if not not_assessed_reason:
            errors["not_assessed_reason"] = _("Choose why the person was not assessed.")
        elif not_assessed_reason not in NotAssessedReason.values:
            errors["not_assessed_reason"] = _("Choose one of the reasons listed.")
    else:
        errors["outcome"] = _("Choose whether the person was interviewed.")
    return errors


def _check_interview(*, evaluation_round: EvaluationRound, respondent: str, **fields) -> list:
    """Every error at once, keyed by form field; the questions asked of this respondent."""
    asked = list(selectors.questions(evaluation_round.program, respondent))
    errors = interview_errors(
        evaluation_round=evaluation_round, respondent=respondent, asked=asked, **fields
    )
    if errors:
        raise ValidationError(errors)
    return asked


def _write_answers(interview: Interview, asked: list[Question], answers: dict[str, str]) -> bool:
    """Whether any answer changed."""
    changed = False
    existing = {a.question_id: a for a in interview.answers.all()}
    for question in asked:
        value = answers.get(question.code, "") if interview.outcome == "interviewed" else ""
        answer = existing.get(question.pk)
        if answer is None:
            if value:
                InterviewAnswer.objects.create(interview=interview, question=question, value=value)
                changed = True
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])
            changed = True
    return changed


@transaction.atomic
def interview_record(
    *,
    evaluation_round: EvaluationRound,
    person: Person,
    respondent: str,
    by,
    outcome: str,
    interviewed_on: date | None = None,
    interviewer=None,
    answers: dict[str, str] | None = None,
    not_assessed_reason: str = "",
    note: str = "",
) -> Interview:
    """Record one respondent's interview (answers by question code) or why they were not
    assessed. Only people on the round's list, within `by`'s communities, can be recorded."""
    answers = answers or {}
    entry = selectors.expected_one(evaluation_round, person=person, respondent=respondent, user=by)
    if entry is None:
        raise ValidationError(_("This person is not on this round's list."))
    if entry.interview is not None:
        raise ValidationError(_("This person's interview has already been recorded."))
    asked = _check_interview(
        evaluation_round=evaluation_round,
        respondent=respondent,
        outcome=outcome,
        interviewed_on=interviewed_on,
        interviewer=interviewer,
        answers=answers,
        not_assessed_reason=not_assessed_reason,
    )
    interviewed = outcome == Interview.Outcome.INTERVIEWED
    try:
        with transaction.atomic():
            interview = Interview.objects.create(
                round=evaluation_round,
                person=person,
                respondent=respondent,
                community=entry.community,
                cares_for=entry.cares_for,
                outcome=outcome,
                not_assessed_reason="" if interviewed else not_assessed_reason,
                note=note,
                interviewed_on=interviewed_on if interviewed else None,
                interviewer=interviewer if interviewed else None,
                created_by=by,
            )
    except IntegrityError as error:  # someone recorded the same person a moment ago
        raise ValidationError(_("This person's interview has already been recorded.")) from error
    _write_answers(interview, asked, answers)
    return interview


@transaction.atomic
def interview_update(
    *,
    interview: Interview,
    version: int | None,
    outcome: str,
    interviewed_on: date | None = None,
    interviewer=None,
    answers: dict[str, str] | None = None,
    not_assessed_reason: str = "",
    note: str = "",
) -> Interview:
    """Correct an interview; refused (EditConflict) when someone saved it since `version`."""
    answers = answers or {}
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.is_voided:
        raise ValidationError(_("This interview has been voided."))
    check_version(interview, version)
    asked = _check_interview(
        evaluation_round=interview.round,
        respondent=interview.respondent,
        outcome=outcome,
        interviewed_on=interviewed_on,
        interviewer=interviewer,
        answers=answers,
        not_assessed_reason=not_assessed_reason,
    )
    interviewed = outcome == Interview.Outcome.INTERVIEWED
    changed = assign_changes(
        interview,
        {
            "outcome": outcome,
            "not_assessed_reason": "" if interviewed else not_assessed_reason,
            "note": note,
            "interviewed_on": interviewed_on if interviewed else None,
            "interviewer": interviewer if interviewed else None,
        },
    )
    if changed:
        interview.save(update_fields=changed)
    if _write_answers(interview, asked, answers) and not changed:
        # Answers live in their own table: a save of the interview moves its version
        # on, so that a form opened before this change is refused (no lost update).
        interview.save(update_fields=["note"])
    return interview


@transaction.atomic
def interview_void(*, interview: Interview, by, reason: str) -> Interview:
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.is_voided:
        raise ValidationError(_("This interview has already been voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    interview.void(by=by, reason=reason)
    return interview
