"""Community B's candidate, assessment and criteria objects for the URL walk (collected by
foreign.py; also called with program B's community and users by
tests/registry/other_program.py)."""

from __future__ import annotations

from datetime import date

from tongban.registry.models import Person, Program
from tongban.screening.models import (
    Assessment,
    AssessmentResult,
    Candidate,
    Criteria,
    Source,
)
from tongban.screening.standard import PAPER_CRITERIA

# Texts that only these objects hold: no page of a user of another community may show them.
SENTINELS: list[str] = [
    "乙社区候选人哨兵",
    "乙社区推荐理由哨兵",
    "乙社区评估备注哨兵",
    "乙社区推翻理由哨兵",
    "乙社区病历来源哨兵",
    "别项目标准哨兵",
]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    program = community_b.program
    # Straight through the ORM: the walk wants the bare records, not the services' checks.
    person = Person.objects.create(
        program=program, name="乙社区候选人哨兵", sex="male", date_of_birth=date(1980, 1, 1)
    )
    candidate = Candidate.objects.create(
        person=person,
        community=community_b,
        role="consumer",
        source=Source.DOCTOR_RECOMMENDATION,
        recommended_by=users["doctor"],
        recommended_on=date(2015, 8, 3),
        reason="乙社区推荐理由哨兵",
        created_by=users["manager"],
    )
    criteria = Criteria.objects.filter(program=program, role="consumer").first()
    if criteria is None:
        criteria = Criteria.objects.create(
            program=program, role="consumer", version=1, **PAPER_CRITERIA["consumer"]
        )
    assessment = Assessment.objects.create(
        candidate=candidate,
        criteria=criteria,
        assessed_on=date(2015, 8, 10),
        assessed_by=users["psychiatrist"],
        diagnosis="other",
        medical_record="乙社区病历来源哨兵",
        age=35,
        stable_months=1,
        result=AssessmentResult.NOT_ELIGIBLE,
        overridden=True,
        override_justification="乙社区推翻理由哨兵",
        note="乙社区评估备注哨兵",
    )
    # Criteria belong to a program, not to a community: every staff member of the program
    # reads them. The only criteria a user must not reach are another program's, so the
    # walk gets a version of a program none of its users belongs to.
    elsewhere = Program.objects.create(
        name="别项目",
        name_en="Elsewhere",
        slug=f"criteria-walk-{community_b.code}",
        started_on=date(2012, 1, 1),
    )
    foreign_criteria = Criteria.objects.create(
        program=elsewhere,
        role="peer",
        version=1,
        note="别项目标准哨兵",
        **PAPER_CRITERIA["peer"],
    )
    return {
        "screening:candidate_detail": candidate.pk,
        "screening:candidate_enrol": candidate.pk,
        "screening:candidate_close": candidate.pk,
        "screening:assessment_create": candidate.pk,
        "screening:assessment_detail": assessment.pk,
        "screening:assessment_edit": assessment.pk,
        "screening:assessment_void": assessment.pk,
        "screening:criteria_detail": foreign_criteria.pk,
        # The edit page changes the user's own program's criteria, named by role: there is
        # no object of another community or program to give it. A role without criteria
        # answers 404 (the manager) or 403 (everyone else).
        "screening:criteria_edit": {"role": "caregiver"},
    }
