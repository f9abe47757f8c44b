"""Satisfaction and benefit: per question, respondents, not assessed with reasons, yes, no,
unanswered, the two percentages and the goodness of fit; the latest interview counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from scipy import stats

from tests.conftest import make_person, make_user
from tests.reports.conftest import build
from tongban.accounts.models import Role
from tongban.evaluation.models import EvaluationRound, Interview, InterviewAnswer, Question

SATISFIED = "consumer_satisfied_with_peers"
CONTINUE = "consumer_wants_to_continue"
SOCIAL = "consumer_better_social_skills"


@pytest.fixture
def by(program):
    return make_user("research", Role.RESEARCH_ASSISTANT)


def make_round(program, by, starts_on, ends_on, communities, name="评估") -> EvaluationRound:
    evaluation_round = EvaluationRound.objects.create(
        program=program, name=name, starts_on=starts_on, ends_on=ends_on, created_by=by
    )
    evaluation_round.communities.set(communities)
    return evaluation_round


def interview(evaluation_round, person, community, by, answers=None, *, respondent="consumer",
              reason="", voided=False) -> Interview:  # fmt: skip
    """Answers by code; "" is a blank answer; a code left out has no answer row."""
    done = answers is not None
    record = Interview.objects.create(
        round=evaluation_round,
        person=person,
        respondent=respondent,
        community=community,
        outcome="interviewed" if done else "not_assessed",
        not_assessed_reason="" if done else reason,
        interviewed_on=evaluation_round.starts_on if done else None,
        created_by=by,
        voided_at=timezone.now() if voided else None,
        void_reason="x" if voided else "",
    )
    for code, value in (answers or {}).items():
        question = Question.objects.get(code=code)
        InterviewAnswer.objects.create(interview=record, question=question, value=value)
    return record


def answers(satisfied, continue_, social) -> dict[str, str]:
    return {SATISFIED: satisfied, CONTINUE: continue_, SOCIAL: social}


@pytest.fixture
def rounds(program, community_a, community_b, by):
    a, b = community_a, community_b
    r0 = make_round(program, by, date(2012, 12, 1), date(2012, 12, 31), [a])  # before the range
    r1 = make_round(program, by, date(2014, 12, 1), date(2014, 12, 31), [a, b], name="R1")
    r2 = make_round(program, by, date(2015, 6, 1), date(2015, 6, 30), [a], name="R2")
    own = Question.objects.create(
        program=program, code="consumer_likes_snacks", respondent="consumer",
        domain="satisfaction", wording="您喜欢点心吗？", position=10,
    )  # fmt: skip
    Question.objects.create(
        program=program, code="consumer_old", respondent="consumer", domain="benefit",
        wording="旧问题", position=11, is_active=False,
    )  # fmt: skip
    Question.objects.create(
        program=program, code="consumer_never_answered", respondent="consumer",
        domain="benefit", wording="没人答", position=12, is_active=False,
    )  # fmt: skip
    c = {name: make_person(name, community=a) for name in ("c1", "c2", "c3", "c4", "c5", "c6")}
    cb = make_person("cb", community=b)
    c7 = make_person("c7", community=a)
    q1 = make_person("q1", community=a, role="peer")
    g1 = make_person("g1")

    interview(r1, c["c1"], a, by, answers("yes", "yes", "no"))
    interview(r2, c["c1"], a, by, answers("no", "yes", ""))  # the later round counts
    interview(r1, c["c2"], a, by, {**answers("yes", "no", "yes"), "consumer_old": "yes"})
    interview(r1, c["c3"], a, by, reason="personal_issues")
    interview(r2, c["c3"], a, by, {**answers("yes", "yes", "yes"), own.code: "yes"})
    interview(r1, c["c4"], a, by, answers("yes", "yes", "yes"))
    interview(r2, c["c4"], a, by, reason="refused")  # latest: not assessed
    interview(r1, c["c5"], a, by, reason="personal_issues")
    interview(r1, c["c6"], a, by, answers("no", "no", "no"))
    interview(r2, c["c6"], a, by, answers("yes", "yes", "yes"), voided=True)  # voided: R1 counts
    interview(r1, cb, b, by, answers("yes", "no", "no"))
    interview(r0, c7, a, by, answers("yes", "yes", "yes"))  # outside the range
    interview(r1, q1, a, by, {"peer_better_working_skills": "yes"}, respondent="peer")
    interview(
        r1, g1, a, by, respondent="caregiver",
        answers={"caregiver_wants_continuation": "yes", "caregiver_saw_better_social_skills": "no",
                 "caregiver_own_mood_better": "yes"},
    )  # fmt: skip
    return {"r0": r0, "r1": r1, "r2": r2}


def questions(data) -> dict[str, dict]:
    return {q["code"]: q for q in data["evaluation"]["questions"]}


def test_question_order_and_which_are_reported(rounds, program):
    codes = [q["code"] for q in build(program)["evaluation"]["questions"]]
    assert codes == [
        SATISFIED, CONTINUE, SOCIAL,
        "consumer_likes_snacks",
        "consumer_old",  # no longer asked, but answered
        "peer_better_working_skills", "peer_better_social_skills",
        "caregiver_wants_continuation", "caregiver_saw_better_social_skills",
        "caregiver_own_mood_better",
    ]  # fmt: skip


def test_one_question_counted_by_hand(rounds, program):
    satisfied = questions(build(program))[SATISFIED]
    # Counted: c1 (R2), c2, c3 (R2), c4 (R2, refused), c5 (not assessed), c6 (R1), cb.
    assert satisfied["respondents"] == 7
    assert satisfied["not_assessed"] == 2
    reasons = {r["key"]: r["count"] for r in satisfied["reasons"]}
    assert reasons == {
        "personal_issues": 1,
        "refused": 1,
        "unreachable": 0,
        "in_hospital": 0,
        "other": 0,
    }
    assert satisfied["interviewed"] == 5
    # c1 no (R2), c2 yes, c3 yes, c6 no, cb yes.
    assert (satisfied["yes"], satisfied["no"], satisfied["unanswered"]) == (3, 2, 0)
    assert satisfied["answered"] == 5
    assert satisfied["yes_percent"] == pytest.approx(300 / 7)
    assert satisfied["yes_percent_answered"] == 60.0
    expected = stats.chisquare([3, 2])
    test = satisfied["test"]
    assert test["test"] == "chi_square_goodness_of_fit"
    assert test["df"] == 1
    assert test["statistic"] == pytest.approx(expected.statistic)
    assert test["p"] == pytest.approx(expected.pvalue)
    assert satisfied["domain"] == "satisfaction" and satisfied["respondent"] == "consumer"


def test_blank_and_missing_answers_are_unanswered(rounds, program):
    found = questions(build(program))
    social = found[SOCIAL]
    # c1's R2 answer is blank; c2 yes, c3 yes, c6 no, cb no.
    assert (social["yes"], social["no"], social["unanswered"]) == (2, 2, 1)
    assert social["yes_percent_answered"] == 50.0
    snacks = found["consumer_likes_snacks"]
    assert (snacks["respondents"], snacks["yes"], snacks["unanswered"]) == (7, 1, 4)
    peer_social = found["peer_better_social_skills"]
    assert (peer_social["respondents"], peer_social["answered"], peer_social["unanswered"]) == (
        1, 0, 1,
    )  # fmt: skip
    assert peer_social["test"]["computed"] is False
    assert peer_social["test"]["reason"] == "too_few"
    assert peer_social["yes_percent_answered"] is None


def test_respondents_summary_and_rounds(rounds, program):
    evaluation = build(program)["evaluation"]
    summary = {r["key"]: r for r in evaluation["respondents"]}
    assert [r["key"] for r in evaluation["respondents"]] == ["consumer", "peer", "caregiver"]
    assert (summary["consumer"]["respondents"], summary["peer"]["respondents"],
            summary["caregiver"]["respondents"]) == (7, 1, 1)  # fmt: skip
    assert [(r["name"], r["communities"]) for r in evaluation["rounds"]] == [
        ("R1", ["alpha", "beta"]),
        ("R2", ["alpha"]),
    ]
    assert evaluation["rounds"][0]["starts_on"] == "2014-12-01"


def test_the_range_decides_which_rounds_count(rounds, program):
    found = questions(build(program, date(2013, 7, 1), date(2015, 3, 31)))
    satisfied = found[SATISFIED]
    # Without R2: c1 yes, c2 yes, c3 personal issues, c4 yes, c5 personal issues, c6 no, cb yes.
    assert (satisfied["respondents"], satisfied["not_assessed"]) == (7, 2)
    assert (satisfied["yes"], satisfied["no"]) == (4, 1)
    assert {r["key"]: r["count"] for r in satisfied["reasons"]}["personal_issues"] == 2


def test_only_the_chosen_communities(rounds, program, community_a):
    satisfied = questions(build(program, communities=[community_a]))[SATISFIED]
    assert satisfied["respondents"] == 6  # not cb
    assert satisfied["yes"] == 2


def test_rounds_starting_the_same_day_the_later_created_counts(program, community_a, by):
    person = make_person("p", community=community_a)
    first = make_round(program, by, date(2015, 3, 1), date(2015, 3, 31), [community_a])
    second = make_round(program, by, date(2015, 3, 1), date(2015, 3, 10), [community_a])
    interview(first, person, community_a, by, answers("no", "no", "no"))
    interview(second, person, community_a, by, answers("yes", "yes", "yes"))
    satisfied = questions(build(program))[SATISFIED]
    assert (satisfied["respondents"], satisfied["yes"], satisfied["no"]) == (1, 1, 0)


def test_the_paper_percentages_and_tests():
    """The paper's counts (Results): 19 of 24 consumers is 79.2 %; 17 of 21 who answered
    want to continue, χ²(1) = 8.05, p = 0.005; 14 of 15 caregivers, χ²(1) = 11.27, p = 0.001."""
    from tongban.reports import statistics

    assert statistics.format_percent(statistics.percent(19, 24)) == "79.2"
    assert statistics.goodness_of_fit(17, 4).printed() == "χ²(1) = 8.05, p = 0.005"
    assert statistics.goodness_of_fit(14, 1).printed() == "χ²(1) = 11.27, p = 0.001"
