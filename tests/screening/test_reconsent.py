"""People to sign again: when a new version requires re-consent, those on an earlier
version are listed with the day their signature stops counting, and the gate refuses
them from that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_person
from tongban.core import scope
from tongban.registry import services as registry_services
from tongban.screening import consent_selectors as selectors
from tongban.screening import gate, services

from .conftest import new_candidate
from .consent_helpers import enrolled, new_version


@pytest.fixture
def program(documents):
    return documents["informed_consent"].program


def listed(user) -> dict[int, list[str]]:
    """version requiring re-consent -> names listed under it."""
    return {g.document.version: [r.name for r in g.rows] for g in selectors.reconsent(user)}


def sign(person, document, users, on):
    return services.consent_record(
        person=person, document=document, signed_on=on, witness="王护士", by=users["research"]
    )


def test_people_on_an_earlier_version_are_listed(
    client_for, users, community_a, community_b, program, documents
):
    today = timezone.localdate()
    enrolled("第一版服务对象", community=community_a, users=users)
    on_second = enrolled("已签第二版者", community=community_a, users=users)
    enrolled("乙社区第一版者", community=community_b, users=users)
    left = enrolled("已退出者", community=community_a, users=users)
    registry_services.enrolment_change_status(
        enrolment=left.enrolments.get(), status="withdrawn", effective_on=today, reason="搬家"
    )
    candidate = new_candidate("候选第一版者", community=community_a, by=users["doctor"])
    sign(candidate.person, documents["informed_consent"], users, date(2014, 1, 12))
    new_candidate("未签者", community=community_a, by=users["doctor"])
    second = new_version(
        program,
        "informed_consent",
        by=users["manager"],
        effective_from=today - timedelta(days=10),
        reconsent_required_from=today + timedelta(days=20),
    )
    sign(on_second, second, users, today - timedelta(days=2))
    assert listed(users["research"]) == {2: ["候选第一版者", "第一版服务对象"]}
    # The program-wide roles see every community's.
    assert listed(users["manager"]) == {2: ["乙社区第一版者", "候选第一版者", "第一版服务对象"]}
    group = selectors.reconsent(users["research"])[0]
    assert group.passed is False and group.must_sign == second
    row = next(r for r in group.rows if r.name == "第一版服务对象")
    assert (row.version, row.signed_on) == (1, date(2014, 1, 12))
    # The page.
    response = client_for(users["research"]).get("/screening/reconsent/")
    body = response.content.decode()
    assert "第一版服务对象" in body and "候选第一版者" in body
    for absent in ("已签第二版者", "乙社区第一版者", "已退出者", "未签者"):
        assert absent not in body, absent
    assert (today + timedelta(days=20)).isoformat() in body


def test_a_date_passed_is_marked_and_the_gate_refuses(client_for, users, community_a, program):
    person = enrolled("第一版服务对象", community=community_a, users=users)
    new_version(
        program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
        reconsent_required_from=date(2015, 3, 1),
    )
    group = selectors.reconsent(users["research"])[0]
    assert group.passed is True
    assert [r.name for r in group.rows] == ["第一版服务对象"]
    # The gate: the old signature counts the day before, not from the date on.
    assert gate.missing(person, role="consumer", on=date(2015, 2, 28)) == []
    lacking = gate.missing(person, role="consumer", on=date(2015, 3, 1))
    assert len(lacking) == 1 and "知情同意书" in lacking[0]
    # Signing the new version opens it again.
    second = program.consent_documents.get(kind="informed_consent", version=2)
    sign(person, second, users, date(2015, 3, 10))
    assert gate.missing(person, role="consumer", on=date(2015, 3, 10)) == []
    assert listed(users["research"]) == {2: []}


def test_each_person_is_listed_under_the_version_that_first_ends_theirs(
    users, community_a, program
):
    enrolled("第一版者", community=community_a, users=users)
    on_second = enrolled("第二版者", community=community_a, users=users)
    second = new_version(
        program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
        reconsent_required_from=date(2015, 3, 1),
    )
    sign(on_second, second, users, date(2015, 2, 1))
    third = new_version(
        program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2015, 5, 1),
        reconsent_required_from=date(2015, 6, 1),
        text="第三版",
    )
    assert listed(users["research"]) == {3: ["第二版者"], 2: ["第一版者"]}
    groups = selectors.reconsent(users["research"])
    assert {g.must_sign for g in groups} == {third}


def test_caregivers_on_an_earlier_version_are_listed(users, community_a, program, documents):
    consumer = enrolled("服务对象", community=community_a, users=users)
    caregiver = make_person("照料者第一版")
    registry_services.caregiver_link_create(
        caregiver=caregiver, cared_for=consumer, relationship="parent"
    )
    sign(caregiver, documents["caregiver_contact"], users, date(2014, 3, 1))
    new_version(
        program,
        "caregiver_contact",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
        reconsent_required_from=date(2015, 3, 1),
    )
    assert listed(users["research"]) == {2: ["照料者第一版"]}


def test_no_rule_no_list(client_for, users, community_a, program):
    enrolled("第一版服务对象", community=community_a, users=users)
    new_version(program, "informed_consent", by=users["manager"], effective_from=date(2015, 1, 1))
    assert selectors.reconsent(users["research"]) == []
    body = client_for(users["research"]).get("/screening/reconsent/").content.decode()
    assert "第一版服务对象" not in body


def test_two_queries_whatever_the_number_of_people(client_for, users, community_a, program):
    user = users["research"]
    scope.program(user)  # the user's program, as every page has it already

    def count(run) -> int:
        with CaptureQueriesContext(connection) as context:
            run()
        return len(context)

    enrolled("服务对象0", community=community_a, users=users)
    new_version(
        program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
        reconsent_required_from=date(2015, 3, 1),
    )
    new_version(
        program,
        "service_agreement",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
        reconsent_required_from=date(2015, 3, 1),
    )
    client = client_for(user)
    few = count(lambda: selectors.reconsent(user))
    page = count(lambda: client.get("/screening/reconsent/"))
    assert few == 2
    for k in range(1, 6):
        enrolled(f"服务对象{k}", community=community_a, users=users)
    assert sum(len(g.rows) for g in selectors.reconsent(user)) == 12
    assert count(lambda: selectors.reconsent(user)) == few
    assert count(lambda: client.get("/screening/reconsent/")) == page
