"""Objects of community B for the URL-walking access test (tests/test_access_walk.py).

Also used for program B (tests/registry/other_program.py): `community_b` is then program
B's community and `users` are program B's accounts.
"""

from __future__ import annotations

from datetime import date

from tests.conftest import make_person
from tongban.evaluation.models import EvaluationRound, Interview, Respondent

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = [
    "乙社区评估轮次哨兵",
    "Beta round sentinel",
    "乙社区待访谈哨兵",
    "乙社区已访谈哨兵",
    "乙社区访谈备注哨兵",
]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B."""
    started = date(2015, 8, 1)
    evaluation_round = EvaluationRound.objects.create(
        program=community_b.program,
        name="乙社区评估轮次哨兵",
        name_en="Beta round sentinel",
        starts_on=date(2016, 6, 1),
        ends_on=date(2016, 6, 30),
        created_by=users["manager"],
    )
    evaluation_round.communities.set([community_b])
    pending = make_person("乙社区待访谈哨兵", community=community_b, started_on=started)
    done = make_person("乙社区已访谈哨兵", community=community_b, started_on=started)
    # Straight through the ORM: the walk wants the bare record, not the service's checks.
    interview = Interview.objects.create(
        round=evaluation_round,
        person=done,
        respondent=Respondent.CONSUMER,
        community=community_b,
        outcome=Interview.Outcome.NOT_ASSESSED,
        not_assessed_reason="refused",
        note="乙社区访谈备注哨兵",
        created_by=users["manager"],
    )
    return {
        "evaluation:round_detail": evaluation_round.pk,
        "evaluation:round_edit": evaluation_round.pk,
        "evaluation:interview_create": {
            "round_pk": evaluation_round.pk,
            "person_pk": pending.pk,
            "respondent": Respondent.CONSUMER.value,
        },
        "evaluation:interview_detail": interview.pk,
        "evaluation:interview_edit": interview.pk,
        "evaluation:interview_void": interview.pk,
    }
