"""Community B's needs objects for the URL walk (collected by foreign.py).

Also built for program B (tests/registry/other_program.py): `community_b` is then program
B's community and `users` its accounts (no research assistant there: the manager
interviews).
"""

from __future__ import annotations

from datetime import date

from tests.conftest import make_person
from tongban.activities.models import Category
from tongban.screening.models import NeedsInterview, NeedsInterviewCategory, NeedsRespondent

# Texts only community B's needs records hold: no page of a community-A user may show them.
SENTINELS: list[str] = [
    "乙社区需求访谈哨兵",
    "乙社区需求备注哨兵",
    "乙社区未访谈哨兵",
]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    started = date(2015, 8, 1)
    interviewed = make_person("乙社区需求访谈哨兵", community=community_b, started_on=started)
    waiting = make_person("乙社区未访谈哨兵", community=community_b, started_on=started)
    # Straight through the ORM: the walk wants the bare record, not the service's checks.
    interview = NeedsInterview.objects.create(
        person=interviewed,
        community=community_b,
        respondent=NeedsRespondent.CONSUMER,
        interviewed_on=date(2015, 8, 3),
        interviewer=users["manager"],
        note="乙社区需求备注哨兵",
    )
    NeedsInterviewCategory.objects.create(interview=interview, category=Category.ENTERTAINMENT)
    return {
        "screening:needs_create": {"person_pk": waiting.pk},
        "screening:needs_detail": interview.pk,
        "screening:needs_edit": interview.pk,
        "screening:needs_void": interview.pk,
    }
