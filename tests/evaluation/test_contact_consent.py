"""A caregiver is on a round's list only with their agreement to be contacted: a consent
record of kind caregiver_contact in force on the round's last day. The round's page and
the rounds list (one counting query) agree."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_person
from tongban.evaluation import selectors
from tongban.screening import services as screening
from tongban.screening.models import ConsentDocument

from .conftest import ROUND_END, link_caregiver, sign_contact_agreement


@pytest.fixture
def patient(community_a):
    return make_person("在服务的服务对象", community=community_a)


def caregivers_listed(evaluation_round, user) -> set[str]:
    return {
        e.person.name
        for e in selectors.expected(evaluation_round, user)
        if e.respondent == "caregiver"
    }


def counted_caregivers(evaluation_round, user) -> int:
    row = selectors.rounds_with_counts(user).get(pk=evaluation_round.pk)
    return row.expected_caregivers


def check(evaluation_round, users, names: set[str]) -> None:
    user = users["research"]
    assert caregivers_listed(evaluation_round, user) == names
    assert counted_caregivers(evaluation_round, user) == len(names)


def test_only_caregivers_whose_agreement_is_in_force(users, evaluation_round, patient):
    cases = {
        "签了的": date(2014, 3, 1),
        "最后一天签的": ROUND_END,
        "没签的": None,
    }
    for name, agreed_on in cases.items():
        link_caregiver(make_person(name), patient, agreed_on=agreed_on)
    check(evaluation_round, users, {"签了的", "最后一天签的"})


def test_a_withdrawal_by_the_last_day_takes_them_off(users, evaluation_round, patient):
    before = make_person("期间撤回的")
    link_caregiver(before, patient)
    after = make_person("之后撤回的")
    link_caregiver(after, patient)
    voided = make_person("作废的")
    link_caregiver(voided, patient)
    for person, on in ((before, ROUND_END), (after, date(2015, 1, 1))):
        consent = person.consents.get()
        screening.consent_withdraw(consent=consent, by=users["research"], on=on, reason="不愿意")
    screening.consent_void(consent=voided.consents.get(), by=users["research"], reason="录错")
    check(evaluation_round, users, {"之后撤回的"})


def test_the_re_consent_rule_applies_as_at_the_gate(users, evaluation_round, patient, program):
    stays = make_person("签了第二版的")
    link_caregiver(stays, patient)
    lapses = make_person("只签第一版的")
    link_caregiver(lapses, patient)
    first = ConsentDocument.objects.get(program=program, kind="caregiver_contact", version=1)
    screening.consent_document_create(
        program=program,
        kind="caregiver_contact",
        by=users["manager"],
        title=first.title,
        body=first.body + "（修订）",
        effective_from=date(2014, 10, 1),
        reconsent_required_from=date(2014, 12, 15),
    )
    sign_contact_agreement(stays, date(2014, 11, 1), version=2)
    check(evaluation_round, users, {"签了第二版的"})


def test_a_re_consent_date_after_the_round_keeps_the_old_agreement(
    users, evaluation_round, patient, program
):
    link_caregiver(make_person("只签第一版的"), patient)
    first = ConsentDocument.objects.get(program=program, kind="caregiver_contact", version=1)
    screening.consent_document_create(
        program=program,
        kind="caregiver_contact",
        by=users["manager"],
        title=first.title,
        body=first.body + "（修订）",
        effective_from=date(2014, 12, 20),
        reconsent_required_from=date(2015, 1, 1),
    )
    check(evaluation_round, users, {"只签第一版的"})


def test_each_round_counts_by_its_own_last_day(users, community_a, patient, program):
    from tongban.evaluation import services

    link_caregiver(make_person("只签第一版的"), patient)
    first = ConsentDocument.objects.get(program=program, kind="caregiver_contact", version=1)
    screening.consent_document_create(
        program=program,
        kind="caregiver_contact",
        by=users["manager"],
        title=first.title,
        body=first.body + "（修订）",
        effective_from=date(2014, 10, 1),
        reconsent_required_from=date(2014, 12, 15),
    )
    rounds = {
        ends_on: services.evaluation_round_create(
            program=program,
            by=users["research"],
            name=f"至{ends_on}",
            starts_on=date(2014, 11, 1),
            ends_on=ends_on,
            communities=[community_a],
        )
        for ends_on in (date(2014, 12, 14), date(2014, 12, 15))
    }
    counted = {
        row.ends_on: row.expected_caregivers
        for row in selectors.rounds_with_counts(users["research"])
    }
    assert counted == {date(2014, 12, 14): 1, date(2014, 12, 15): 0}
    for ends_on, evaluation_round in rounds.items():
        assert len(caregivers_listed(evaluation_round, users["research"])) == counted[ends_on]
