"""The paper's December 2014 satisfaction and benefit round, with the paper's counts.

Results, "Service satisfaction" and "Service perceived benefit": the round covered
Tuanjiehu and Maizidian; of 24 consumers, 3 were not assessed (personal issues) and of the
21 interviewed 19 were satisfied with the peers, 17 wanted to continue and 10 saw better
social skills; of 7 peers, 6 saw better working skills and 4 better social skills; of 15
caregivers, 14 wanted the patient to continue, 6 saw better social skills and 5 felt
their own mood better. Who said what is invented: `paper_interviews` (no database, seeded)
deals the answers out plausibly; `load` writes them through the evaluation services,
dated in December 2014, and is idempotent (a recorded respondent is left alone).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.evaluation import selectors as evaluation_selectors
from tongban.evaluation import services as evaluation
from tongban.evaluation.models import EvaluationRound, Interview, InterviewAnswer
from tongban.evaluation.standard import ensure_standard_questions
from tongban.registry.models import Community, Person, Program

from .population import DemoCaregiver, DemoPerson, status_on

SEED = 2014
ROUND_NAME = "2014年12月满意度与获益评估"
ROUND_NAME_EN = "December 2014 satisfaction and benefit evaluation"
ROUND_STARTS, ROUND_ENDS = date(2014, 12, 1), date(2014, 12, 31)
ROUND_COMMUNITIES = ("tuanjiehu", "maizidian")
ROUND_CREATED = datetime(2014, 11, 24, 10, 0)  # a week before it began (invented)
# Face-to-face interviews, one community after the other (invented): weekdays only.
INTERVIEW_DAYS = {
    "tuanjiehu": (date(2014, 12, 2), date(2014, 12, 12)),
    "maizidian": (date(2014, 12, 15), date(2014, 12, 26)),
}
NOT_ASSESSED_ENTERED = datetime(2014, 12, 29, 10, 0)  # entered when the round was closed
NOT_ASSESSED_NOTE = "本人因个人原因未能接受访谈。"  # program data, in the program's language

# The paper's counts: those not assessed, then the yes of each question (the rest said no).
NOT_ASSESSED_CONSUMERS = 3
YES = {
    "consumer_satisfied_with_peers": 19,
    "consumer_wants_to_continue": 17,
    "consumer_better_social_skills": 10,
    "peer_better_working_skills": 6,
    "peer_better_social_skills": 4,
    "caregiver_wants_continuation": 14,
    "caregiver_saw_better_social_skills": 6,
    "caregiver_own_mood_better": 5,
}
QUITTER = "peer-13"  # the Tuanjiehu peer who quit in March 2015 for "too much pressure"


@dataclass(frozen=True)
class DemoInterview:
    key: str  # the respondent's DemoPerson or DemoCaregiver key
    respondent: str  # "consumer" | "peer" | "caregiver"
    community: str
    interviewed_on: date | None  # None: not assessed
    answers: dict[str, str] = field(default_factory=dict)
    not_assessed_reason: str = ""


def _on_the_list(person: DemoPerson) -> bool:
    """In service in a covered community on the round's first day (as selectors.expected)."""
    return (
        person.community in ROUND_COMMUNITIES
        and person.enrolled_on <= ROUND_STARTS
        and status_on(person, ROUND_STARTS) != "withdrawn"
    )


def _yes_for_top(scores: dict[str, float], n: int) -> dict[str, str]:
    """The n highest scores answer yes, the others no; ties broken by key, for determinism."""
    ranked = sorted(scores, key=lambda key: (-scores[key], key))
    return {key: "yes" if i < n else "no" for i, key in enumerate(ranked)}


def _weekdays(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [day for day in days if day.weekday() < 5]


def paper_interviews(
    people: list[DemoPerson], caregivers: list[DemoCaregiver]
) -> list[DemoInterview]:
    """Every respondent of the round with their answers, reproducing the paper's counts.

    Plausible rather than random: each peer and consumer has a seeded "how well it went"
    score; the least content consumers are the two not satisfied, and the same ones are
    among the four not wanting to continue. Social skills follow the score with noise, and
    a caregiver's answers follow their patient's. The peer who quit in 2015 for the
    pressure is the one who saw no better working skills, and their caregiver the one not
    wanting them to go on (both invented; the paper does not say who answered what).
    """
    rng = random.Random(SEED)
    consumers = [p for p in people if p.role == "consumer" and _on_the_list(p)]
    peers = [p for p in people if p.role == "peer" and _on_the_list(p)]
    assert (len(consumers), len(peers)) == (24, 7), (len(consumers), len(peers))
    patients = {p.key: p for p in (*consumers, *peers)}
    families = [c for c in caregivers if c.cares_for in patients]
    assert len(families) == 15, len(families)

    # Drawn in key order, so the scores do not depend on how the lists were sorted.
    went_well = {key: rng.random() for key in sorted(patients)}
    went_well[QUITTER] = -1.0
    social = {key: went_well[key] + rng.gauss(0, 0.3) for key in sorted(patients)}
    absent = set(rng.sample(sorted(p.key for p in consumers), NOT_ASSESSED_CONSUMERS))
    asked = [p.key for p in consumers if p.key not in absent]

    answers: dict[str, dict[str, str]] = {
        key: {} for key in [*patients, *(c.key for c in families)]
    }

    def deal(code: str, scores: dict[str, float]) -> None:
        for key, value in _yes_for_top(scores, YES[code]).items():
            answers[key][code] = value

    deal("consumer_satisfied_with_peers", {k: went_well[k] for k in asked})
    deal("consumer_wants_to_continue", {k: went_well[k] for k in asked})
    deal("consumer_better_social_skills", {k: social[k] for k in asked})
    deal("peer_better_working_skills", {p.key: went_well[p.key] for p in peers})
    deal("peer_better_social_skills", {p.key: social[p.key] for p in peers})
    noise = {c.key: (rng.gauss(0, 0.2), rng.gauss(0, 0.2), rng.gauss(0, 0.3)) for c in families}
    deal(
        "caregiver_wants_continuation",
        {c.key: went_well[c.cares_for] + noise[c.key][0] for c in families},
    )
    deal(
        "caregiver_saw_better_social_skills",
        {c.key: social[c.cares_for] + noise[c.key][1] for c in families},
    )
    deal(
        "caregiver_own_mood_better",
        {c.key: went_well[c.cares_for] + noise[c.key][2] for c in families},
    )

    # Days: each community's patients spread over its weekdays in a seeded order; a
    # caregiver is seen on the patient's day (at home, or when bringing them).
    day_of: dict[str, date] = {}
    for code, (first, last) in INTERVIEW_DAYS.items():
        keys = sorted(key for key, p in patients.items() if p.community == code)
        rng.shuffle(keys)
        days = _weekdays(first, last)
        for i, key in enumerate(keys):
            day_of[key] = days[i * len(days) // len(keys)]

    interviews = []
    for person in (*consumers, *peers):
        if person.key in absent:
            interviews.append(
                DemoInterview(
                    person.key,
                    person.role,
                    person.community,
                    None,
                    not_assessed_reason="personal_issues",
                )
            )
        else:
            interviews.append(
                DemoInterview(
                    person.key,
                    person.role,
                    person.community,
                    day_of[person.key],
                    answers[person.key],
                )
            )
    for caregiver in families:
        patient = patients[caregiver.cares_for]
        interviews.append(
            DemoInterview(
                caregiver.key,
                "caregiver",
                patient.community,
                day_of[patient.key],
                answers[caregiver.key],
            )
        )
    return interviews


def as_of(user: User, program: Program) -> User:
    """The account as if it had switched to `program` (in memory, not saved): the services
    check the round's list within the user's scope, which follows the chosen program."""
    fresh = User.objects.get(pk=user.pk)
    fresh.current_program_id = program.pk
    return fresh


@transaction.atomic
def load(
    *,
    program: Program,
    communities: dict[str, Community],
    persons: dict[str, Person],
    people: list[DemoPerson],
    caregivers: list[DemoCaregiver],
    users: list[User],
) -> EvaluationRound:
    """The round and its interviews; what is already there is kept."""
    # The living demo's stamp rewriter (forms dated when they were filled in); imported
    # here because living.py imports this module.
    from .living import _dated

    ensure_standard_questions()  # a flushed test database may have lost them
    research = next(u for u in users if u.role == Role.RESEARCH_ASSISTANT)
    by = as_of(research, program)
    evaluation_round = EvaluationRound.objects.filter(program=program, name=ROUND_NAME).first()
    if evaluation_round is None:
        with _dated(_aware(ROUND_CREATED), program, EvaluationRound):
            evaluation_round = evaluation.evaluation_round_create(
                program=program,
                by=by,
                name=ROUND_NAME,
                name_en=ROUND_NAME_EN,
                starts_on=ROUND_STARTS,
                ends_on=ROUND_ENDS,
                communities=[communities[code] for code in ROUND_COMMUNITIES],
            )
    recorded = {
        (e.person.pk, e.respondent)
        for e in evaluation_selectors.expected(evaluation_round)
        if e.interview is not None
    }
    for k, plan in enumerate(paper_interviews(people, caregivers)):
        person = persons[plan.key]
        if (person.pk, plan.respondent) in recorded:
            continue
        if plan.interviewed_on is None:
            entered = _aware(NOT_ASSESSED_ENTERED + timedelta(minutes=5 * k))
        else:  # typed in at the end of the interview day
            entered = _aware(datetime.combine(plan.interviewed_on, time(16, 30)))
            entered += timedelta(minutes=7 * k % 90)
        with _dated(entered, program, Interview, InterviewAnswer):
            evaluation.interview_record(
                evaluation_round=evaluation_round,
                person=person,
                respondent=plan.respondent,
                by=by,
                outcome="interviewed" if plan.interviewed_on else "not_assessed",
                interviewed_on=plan.interviewed_on,
                interviewer=research if plan.interviewed_on else None,
                answers=plan.answers,
                not_assessed_reason=plan.not_assessed_reason,
                note="" if plan.interviewed_on else NOT_ASSESSED_NOTE,
            )
    return evaluation_round


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment)
