"""Who a round is to interview, and each one's state: the list, its page, its counts."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.evaluation import selectors, services
from tongban.registry import services as registry

from .conftest import IN_ROUND, change_status, link_caregiver


@pytest.fixture
def people(users, community_a, community_b, peer_person_a):
    """Hand-made cases around the round's first day (2014-12-01) in community A."""
    p = {"peer": peer_person_a}
    p["active"] = make_person("在服务者", community=community_a)
    p["from_first_day"] = make_person(
        "首日入组者", community=community_a, started_on=date(2014, 12, 1)
    )
    p["enrolled_after"] = make_person(
        "开始后入组者", community=community_a, started_on=date(2014, 12, 2)
    )
    p["withdrawn_before"] = make_person("开始前退出者", community=community_a)
    change_status(p["withdrawn_before"], "withdrawn", date(2014, 11, 30))
    p["withdrawn_during"] = make_person("期间退出者", community=community_a)
    change_status(p["withdrawn_during"], "withdrawn", date(2014, 12, 15))
    p["on_leave"] = make_person("请假者", community=community_a)
    change_status(p["on_leave"], "on_leave", date(2014, 11, 1))
    p["back"] = make_person("退出后回来者", community=community_a)
    change_status(p["back"], "withdrawn", date(2014, 9, 1))
    change_status(p["back"], "active", date(2014, 10, 1))
    p["voided"] = make_person("误录者", community=community_a)
    registry.enrolment_void(
        enrolment=p["voided"].enrolments.get(), by=users["manager"], reason="录错了"
    )
    p["elsewhere"] = make_person(
        "乙社区服务对象", community=community_b, started_on=date(2014, 3, 1)
    )
    # A consumer who became a peer: interviewed once, as a peer.
    p["became_peer"] = make_person("转为同伴者", community=community_a)
    registry.enrolment_create(
        person=p["became_peer"],
        community=community_a,
        role="peer",
        started_on=date(2014, 6, 1),
        before_screening=True,  # a fixture of the roster, not of screening
    )
    # Caregivers: agreed, not agreed, agreed too late, of two patients, of someone not listed.
    p["carer"] = make_person("同意的照料者")
    link_caregiver(p["carer"], p["active"])
    p["carer_no"] = make_person("未同意的照料者")
    link_caregiver(p["carer_no"], p["active"], agreed_on=None)
    p["carer_late"] = make_person("同意太晚的照料者")
    link_caregiver(p["carer_late"], p["on_leave"], agreed_on=date(2015, 1, 1))
    p["carer_during"] = make_person("期间同意的照料者")
    link_caregiver(p["carer_during"], p["on_leave"], agreed_on=date(2014, 12, 31))
    p["carer_two"] = make_person("照料两人者")
    link_caregiver(p["carer_two"], p["peer"])
    link_caregiver(p["carer_two"], p["back"])
    p["carer_unlisted"] = make_person("退出者的照料者")
    link_caregiver(p["carer_unlisted"], p["withdrawn_before"])
    return p


EXPECTED = {
    ("在服务者", "consumer"),
    ("首日入组者", "consumer"),
    ("期间退出者", "consumer"),
    ("请假者", "consumer"),
    ("退出后回来者", "consumer"),
    ("甲同伴", "peer"),
    ("转为同伴者", "peer"),
    ("同意的照料者", "caregiver"),
    ("期间同意的照料者", "caregiver"),
    ("照料两人者", "caregiver"),
}


def listed(evaluation_round, user=None) -> set[tuple[str, str]]:
    return {(e.person.name, e.respondent) for e in selectors.expected(evaluation_round, user)}


def test_who_is_to_be_interviewed(evaluation_round, people):
    entries = selectors.expected(evaluation_round)
    assert {(e.person.name, e.respondent) for e in entries} == EXPECTED
    # Nobody twice: the consumer who became a peer, the caregiver of two.
    assert len(entries) == len(EXPECTED)
    carer_two = next(e for e in entries if e.person == people["carer_two"])
    assert carer_two.cares_for in (people["peer"], people["back"])


def test_states_on_the_page(client_for, users, evaluation_round, people):
    research = users["research"]
    services.interview_record(
        evaluation_round=evaluation_round,
        person=people["active"],
        respondent="consumer",
        by=research,
        outcome="interviewed",
        interviewed_on=IN_ROUND,
        interviewer=research,
        answers={"consumer_satisfied_with_peers": "yes"},
    )
    services.interview_record(
        evaluation_round=evaluation_round,
        person=people["on_leave"],
        respondent="consumer",
        by=research,
        outcome="not_assessed",
        not_assessed_reason="in_hospital",
    )
    states = {(e.person.name, e.state) for e in selectors.expected(evaluation_round)}
    assert ("在服务者", "done") in states
    assert ("请假者", "not_assessed") in states
    assert ("甲同伴", "pending") in states
    assert selectors.counts(selectors.expected(evaluation_round)).__dict__ == {
        "expected": 10,
        "done": 1,
        "pending": 8,
        "not_assessed": 1,
    }

    client = client_for(research)
    page = client.get(f"/evaluation/{evaluation_round.pk}/").content.decode()
    done_row = page.split(f'id="entry-consumer-{people["active"].pk}"')[1].split("</li>")[0]
    assert "2014-12-10" in done_row and "research" in done_row
    hospital_row = page.split(f'id="entry-consumer-{people["on_leave"].pk}"')[1].split("</li>")[0]
    assert "住院" in hospital_row or "in hospital" in hospital_row
    peer_row = page.split(f'id="entry-peer-{people["peer"].pk}"')[1].split("</li>")[0]
    url = f"/evaluation/{evaluation_round.pk}/interview/{people['peer'].pk}/peer/"
    assert url in peer_row
    # Grouped consumer, peer, caregiver, in that order.
    assert page.index("respondents-consumer") < page.index("respondents-peer")
    assert page.index("respondents-peer") < page.index("respondents-caregiver")
    assert "开始后入组者" not in page and "未同意的照料者" not in page

    pending_only = client.get(f"/evaluation/{evaluation_round.pk}/?state=pending").content.decode()
    assert f'id="entry-peer-{people["peer"].pk}"' in pending_only
    assert f'id="entry-consumer-{people["active"].pk}"' not in pending_only
    assert f'id="entry-consumer-{people["on_leave"].pk}"' not in pending_only
    odd = client.get(f"/evaluation/{evaluation_round.pk}/?state=nonsense")
    assert odd.status_code == 200
    assert f'id="entry-consumer-{people["active"].pk}"' in odd.content.decode()


def test_list_counts_match_the_round_page(client_for, users, evaluation_round, people):
    research = users["research"]
    services.interview_record(
        evaluation_round=evaluation_round,
        person=people["carer"],
        respondent="caregiver",
        by=research,
        outcome="interviewed",
        interviewed_on=IN_ROUND,
        interviewer=research,
        answers={"caregiver_own_mood_better": "no"},
    )
    services.interview_record(
        evaluation_round=evaluation_round,
        person=people["peer"],
        respondent="peer",
        by=research,
        outcome="not_assessed",
        not_assessed_reason="refused",
    )
    row = selectors.rounds_with_counts(research).get()
    assert (row.expected_people, row.expected_caregivers) == (7, 3)
    assert (row.expected, row.done, row.not_assessed, row.pending) == (10, 1, 1, 8)
    page = client_for(research).get("/evaluation/").content.decode()
    assert "10" in page.split("round-counts")[1].split("</p>")[0]


def test_a_user_sees_only_their_communities(
    client_for, users, community_a, community_b, evaluation_round, people
):
    """A round covering A and B: the research assistant of A sees A's people and counts."""
    services.evaluation_round_update(
        evaluation_round=evaluation_round,
        version=None,
        name=evaluation_round.name,
        starts_on=evaluation_round.starts_on,
        ends_on=evaluation_round.ends_on,
        communities=[community_a, community_b],
    )
    research = users["research"]
    assert listed(evaluation_round, research) == EXPECTED
    assert listed(evaluation_round, users["manager"]) == EXPECTED | {("乙社区服务对象", "consumer")}
    assert selectors.rounds_with_counts(research).get().expected == 10
    assert selectors.rounds_with_counts(users["manager"]).get().expected == 11
    b_research = make_user("research-b", Role.RESEARCH_ASSISTANT, [community_b])
    assert listed(evaluation_round, b_research) == {("乙社区服务对象", "consumer")}
    page = client_for(research).get(f"/evaluation/{evaluation_round.pk}/").content.decode()
    assert "乙社区服务对象" not in page
    # The other community is counted, not named.
    assert "乙社区" not in page
