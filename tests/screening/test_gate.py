"""The gate into service (tongban.screening.gate), one missing piece at a time, and where it
is used: enrolment, return from leave, the Participant List and the peers who may lead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.conftest import complete_training, make_person
from tongban.activities import rules
from tongban.registry import services as registry_services
from tongban.registry.models import Enrolment
from tongban.screening import gate, services
from tongban.screening.models import ConsentKind

from .conftest import PASSING, consent_all, new_candidate, screen

ASSESSED = date(2014, 1, 10)
SIGNED = date(2014, 1, 12)
DAY = date(2014, 2, 1)  # the day asked about, after both

pytestmark = pytest.mark.usefixtures("documents")

ASSESSMENT_MISSING = "an eligibility assessment on or before"
INCOMPLETE = "a complete eligibility assessment (the latest is incomplete)"
NOT_ELIGIBLE = "an eligible assessment (the latest found the person not eligible)"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def consent_missing(kind: str, on: date = DAY) -> str:
    return f"{ConsentKind(kind).label} signed on or before {on.isoformat()} and not withdrawn"


@pytest.fixture
def candidate(users, community_a):
    return new_candidate("候选人", community=community_a, by=users["doctor"])


def screened(candidate, users, *, role="consumer", **findings):
    screen(candidate, psychiatrist=users["psychiatrist"], on=ASSESSED, **findings)
    return consent_all(candidate.person, role, by=users["research"], on=SIGNED)


def missing(person, role="consumer", on=DAY):
    return gate.missing(person, role=role, on=on)


# --- One piece at a time ---------------------------------------------------------------------


def test_everything_in_place_opens_the_gate(users, candidate):
    screened(candidate, users)
    assert missing(candidate.person) == []


def test_no_assessment(users, candidate):
    consent_all(candidate.person, "consumer", by=users["research"], on=SIGNED)
    found = missing(candidate.person)
    assert len(found) == 1 and found[0].startswith(ASSESSMENT_MISSING)
    assert DAY.isoformat() in found[0]


def test_nothing_at_all_lists_every_piece(candidate):
    found = missing(candidate.person)
    assert found[0].startswith(ASSESSMENT_MISSING)
    assert found[1:] == [
        consent_missing(ConsentKind.INFORMED_CONSENT),
        consent_missing(ConsentKind.SERVICE_AGREEMENT),
    ]


def test_an_incomplete_assessment(users, candidate):
    screened(candidate, users, stable_months=None)  # not known yet
    assert missing(candidate.person) == [INCOMPLETE]


def test_a_failed_assessment(users, candidate):
    screened(candidate, users, stable_months=2)  # a consumer needs 3
    assert missing(candidate.person) == [NOT_ELIGIBLE]


def test_a_failed_assessment_overridden_with_a_justification_passes(users, candidate):
    services.assessment_record(
        candidate=candidate,
        by=users["psychiatrist"],
        assessed_on=ASSESSED,
        fields={**PASSING, "stable_months": 2},
        overridden=True,
        override_justification="病情实际已稳定，家属每日督促服药。",
    )
    consent_all(candidate.person, "consumer", by=users["research"], on=SIGNED)
    assert missing(candidate.person) == []


def test_an_assessment_after_the_day_does_not_count_yet(users, candidate):
    screened(candidate, users)
    day_before = ASSESSED - timedelta(days=1)
    found = missing(candidate.person, on=day_before)
    assert found[0] == f"{ASSESSMENT_MISSING} {day_before.isoformat()}"


def test_the_latest_assessment_by_the_day_counts(users, candidate):
    """A later failed assessment closes the gate again from its date."""
    screened(candidate, users)
    screen(
        candidate, psychiatrist=users["psychiatrist"], on=date(2014, 3, 1), substance_abuse="yes"
    )
    assert missing(candidate.person, on=date(2014, 2, 28)) == []
    assert missing(candidate.person, on=date(2014, 3, 1)) == [NOT_ELIGIBLE]


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("consumer", ConsentKind.INFORMED_CONSENT),
        ("consumer", ConsentKind.SERVICE_AGREEMENT),
        ("peer", ConsentKind.INFORMED_CONSENT),
    ],
)
def test_each_required_consent(users, community_a, documents, role, kind):
    candidate = new_candidate("候选人", community=community_a, role=role, by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"], on=ASSESSED)
    for other in {"consumer": ("informed_consent", "service_agreement"), "peer": ()}[role]:
        if other != kind:
            services.consent_record(
                person=candidate.person,
                document=documents[other],
                signed_on=SIGNED,
                witness="王护士",
                by=users["research"],
            )
    assert missing(candidate.person, role=role) == [consent_missing(kind)]


def test_a_peer_needs_no_service_agreement(users, community_a, documents):
    candidate = new_candidate("同伴候选人", community=community_a, role="peer", by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"], on=ASSESSED)
    services.consent_record(
        person=candidate.person,
        document=documents["informed_consent"],
        signed_on=SIGNED,
        witness="王护士",
        by=users["research"],
    )
    assert missing(candidate.person, role="peer") == []
    # As a consumer they would need an assessment for that role and the service agreement.
    found = missing(candidate.person, role="consumer")
    assert found[0].startswith(ASSESSMENT_MISSING)
    assert found[1:] == [consent_missing(ConsentKind.SERVICE_AGREEMENT)]


def test_a_consent_signed_after_the_day(users, candidate):
    screened(candidate, users)
    day_before = SIGNED - timedelta(days=1)
    assert missing(candidate.person, on=day_before) == [
        consent_missing(ConsentKind.INFORMED_CONSENT, day_before),
        consent_missing(ConsentKind.SERVICE_AGREEMENT, day_before),
    ]


def test_a_withdrawal_counts_from_its_date(users, candidate):
    informed, _agreement = screened(candidate, users)
    services.consent_withdraw(
        consent=informed, by=users["research"], on=date(2014, 5, 1), reason="不想再参加"
    )
    # Withdrawn after the day: the consent held then.
    assert missing(candidate.person, on=date(2014, 4, 30)) == []
    # Withdrawn on or before the day: it no longer holds.
    assert missing(candidate.person, on=date(2014, 5, 1)) == [
        consent_missing(ConsentKind.INFORMED_CONSENT, date(2014, 5, 1))
    ]


def test_a_voided_consent_does_not_count(users, candidate):
    _informed, agreement = screened(candidate, users)
    services.consent_void(consent=agreement, by=users["research"], reason="录错了人")
    assert missing(candidate.person) == [consent_missing(ConsentKind.SERVICE_AGREEMENT)]


def test_a_voided_assessment_does_not_count(users, candidate):
    screened(candidate, users)
    assessment = candidate.assessments.get()
    services.assessment_void(assessment=assessment, by=users["psychiatrist"], reason="录错了人")
    found = missing(candidate.person)
    assert len(found) == 1 and found[0].startswith(ASSESSMENT_MISSING)


def test_an_older_version_stops_counting_when_reconsent_is_required(
    users, candidate, program, documents
):
    screened(candidate, users)
    second = services.consent_document_create(
        program=program,
        kind=ConsentKind.INFORMED_CONSENT,
        by=users["manager"],
        title="知情同意书（第二版）",
        body="修订后的文字",
        effective_from=date(2014, 6, 1),
        reconsent_required_from=date(2014, 9, 1),
        based_on=1,
    )
    assert missing(candidate.person, on=date(2014, 8, 31)) == []
    assert missing(candidate.person, on=date(2014, 9, 1)) == [
        consent_missing(ConsentKind.INFORMED_CONSENT, date(2014, 9, 1))
    ]
    services.consent_record(
        person=candidate.person,
        document=second,
        signed_on=date(2014, 8, 20),
        witness="王护士",
        by=users["research"],
    )
    assert missing(candidate.person, on=date(2014, 9, 1)) == []


def test_a_new_version_without_reconsent_leaves_older_signatures_valid(users, candidate, program):
    screened(candidate, users)
    services.consent_document_create(
        program=program,
        kind=ConsentKind.INFORMED_CONSENT,
        by=users["manager"],
        title="知情同意书（第二版）",
        body="修订后的文字",
        effective_from=date(2014, 6, 1),
        based_on=1,
    )
    assert missing(candidate.person, on=date(2015, 1, 1)) == []


# --- Enrolled before screening was recorded ----------------------------------------------


def test_legacy_person_passes_before_the_programs_date_and_is_refused_from_it(
    users, community_a, program
):
    legacy = make_person("老会员", community=community_a, started_on=date(2013, 9, 1))
    assert missing(legacy, on=date(2016, 1, 1)) == []  # no date chosen yet
    program.screening_records_from = date(2016, 1, 1)
    program.save()
    legacy.refresh_from_db()
    assert missing(legacy, on=date(2015, 12, 31)) == []
    found = missing(legacy, on=date(2016, 1, 1))
    assert found[0].startswith(ASSESSMENT_MISSING) and len(found) == 3
    # Only their legacy role is exempt: as a peer they need records at once.
    assert missing(legacy, role="peer", on=date(2015, 12, 31))[0].startswith(ASSESSMENT_MISSING)


def test_legacy_person_gets_records_through_a_candidacy(users, community_a, program):
    legacy = make_person("老会员", community=community_a, started_on=date(2013, 9, 1))
    program.screening_records_from = date(2016, 1, 1)
    program.save()
    candidate = services.candidate_create(
        person=legacy,
        community=community_a,
        role="consumer",
        source="doctor",
        recommended_by=users["doctor"],
        recommended_on=date(2015, 10, 1),
        by=users["doctor"],
    )
    # Linking the candidacy asks for the records even while the exemption still holds.
    with pytest.raises(ValidationError) as error:
        services.candidate_enrol(
            candidate=candidate, started_on=date(2015, 11, 1), by=users["doctor"]
        )
    assert "started_on" in error.value.message_dict
    screen(candidate, psychiatrist=users["psychiatrist"], on=date(2015, 10, 5))
    consent_all(legacy, "consumer", by=users["research"], on=date(2015, 10, 8))
    enrolment = services.candidate_enrol(
        candidate=candidate, started_on=date(2015, 11, 1), by=users["doctor"]
    )
    assert enrolment == legacy.enrolments.get()  # the same enrolment, its start kept
    assert enrolment.started_on == date(2013, 9, 1)
    candidate.refresh_from_db()
    assert candidate.stage == "enrolled"
    assert missing(legacy, on=date(2016, 1, 1)) == []


# --- Enrolment and return from leave ----------------------------------------------------------


def test_enrolment_is_refused_with_everything_missing_and_nothing_changes(
    users, candidate, community_a
):
    person = candidate.person
    with pytest.raises(ValidationError) as error:
        registry_services.enrolment_create(
            person=person, community=community_a, role="consumer", started_on=DAY
        )
    message = error.value.message_dict["started_on"][0]
    assert message.startswith(f"候选人 cannot become an active consumer on {DAY.isoformat()}.")
    for piece in (
        ASSESSMENT_MISSING,
        consent_missing(ConsentKind.INFORMED_CONSENT),
        consent_missing(ConsentKind.SERVICE_AGREEMENT),
    ):
        assert piece in message
    assert not Enrolment.objects.filter(person=person).exists()


def test_consents_dated_after_the_enrolment_are_refused(users, candidate, community_a):
    screened(candidate, users)
    with pytest.raises(ValidationError) as error:
        registry_services.enrolment_create(
            person=candidate.person,
            community=community_a,
            role="consumer",
            started_on=SIGNED - timedelta(days=1),
        )
    assert "informed consent signed on or before 2014-01-11" in str(error.value)
    assert not Enrolment.objects.filter(person=candidate.person).exists()


def test_return_from_leave_is_refused_after_consent_withdrawal(users, candidate, community_a):
    informed, _agreement = screened(candidate, users)
    enrolment = services.candidate_enrol(candidate=candidate, started_on=DAY, by=users["doctor"])
    registry_services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=date(2014, 3, 1), reason="住院"
    )
    services.consent_withdraw(
        consent=informed, by=users["research"], on=date(2014, 4, 1), reason="不想再参加"
    )
    before = enrolment.status_changes.count()
    with pytest.raises(ValidationError) as error:
        registry_services.enrolment_change_status(
            enrolment=enrolment, status="active", effective_on=date(2014, 6, 1)
        )
    assert consent_missing(ConsentKind.INFORMED_CONSENT, date(2014, 6, 1)) in str(
        error.value.message_dict["status"]
    )
    assert enrolment.status_changes.count() == before


def test_withdrawal_ends_active_enrolment_and_the_checklist_drops_them(
    users, candidate, community_a
):
    informed, _agreement = screened(candidate, users)
    enrolment = services.candidate_enrol(candidate=candidate, started_on=DAY, by=users["doctor"])
    services.consent_withdraw(
        consent=informed, by=users["research"], on=date(2014, 4, 1), reason="不想再参加"
    )
    row = Enrolment.objects.with_status().get(pk=enrolment.pk)
    assert row.current_status == "withdrawn" and row.status_since == date(2014, 4, 1)
    offered = rules.consumers_in_service(community_a, date(2014, 3, 31))
    assert candidate.person in offered
    assert candidate.person not in rules.consumers_in_service(community_a, date(2014, 4, 1))


# --- The Participant List and the peers ---------------------------------------------------


def test_the_checklist_offers_only_admitted_consumers(users, community_a, documents):
    ready = new_candidate("已同意", community=community_a, by=users["doctor"])
    screened(ready, users)
    services.candidate_enrol(candidate=ready, started_on=DAY, by=users["doctor"])
    unsigned = new_candidate("未签同意书", community=community_a, by=users["doctor"])
    screened(unsigned, users)
    services.candidate_enrol(candidate=unsigned, started_on=DAY, by=users["doctor"])
    # Their service agreement turns out to have been entered by mistake.
    agreement = unsigned.person.consents.get(document__kind=ConsentKind.SERVICE_AGREEMENT)
    services.consent_void(consent=agreement, by=users["research"], reason="其实没有签")
    day = date(2014, 3, 5)
    assert list(rules.consumers_in_service(community_a, day)) == [ready.person]
    stopped = rules.consumers_not_admitted(community_a, day)
    assert [(person.name, found) for person, found in stopped] == [
        ("未签同意书", [consent_missing(ConsentKind.SERVICE_AGREEMENT, day)])
    ]


def test_a_peer_without_consent_cannot_lead(users, community_a, documents):
    peer = new_candidate("同伴候选人", community=community_a, role="peer", by=users["doctor"])
    (informed,) = screened(peer, users, role="peer")
    services.candidate_enrol(candidate=peer, started_on=DAY, by=users["doctor"])
    day = date(2014, 3, 5)
    complete_training(peer.person, community=community_a, on=DAY)
    assert peer.person in rules.peers_ready_to_lead(community_a, day)
    services.consent_void(consent=informed, by=users["research"], reason="录错了版本")
    assert peer.person not in rules.peers_ready_to_lead(community_a, day)
    assert peer.person not in rules.peers_in_service(community_a, day)
    standing = rules.standings(community_a, "peer", [peer.person.pk])
    reason = rules.why_not(peer.person, standing.get(peer.person.pk), "peer", day)
    assert reason.startswith("同伴候选人 may not take part on 2014-03-05")
    # Peers read this reason too: it names no record.
    assert "consent signed" not in reason and "assessment on or before" not in reason


# --- Query counts ----------------------------------------------------------------------------


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_the_gate_asks_the_database_a_constant_number_of_times(users, community_a, program):
    """The checklist's questions (who may attend, who may not and what they lack) cost the
    same at two sizes: the gate runs in the database, never once per person."""
    day = date(2014, 3, 5)
    program.screening_records_from = date(2014, 3, 1)
    program.save()

    def ask():
        list(rules.consumers_in_service(community_a, day))
        rules.consumers_not_admitted(community_a, day)

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            if i % 2:  # screened, signed and enrolled through the gate
                candidate = new_candidate(f"人{i}", community=community_a, by=users["doctor"])
                screened(candidate, users)
                services.candidate_enrol(candidate=candidate, started_on=DAY, by=users["doctor"])
            else:  # enrolled before screening was recorded, still without records
                make_person(f"人{i}", community=community_a, started_on=DAY)

    add(2, 0)
    few = _queries(ask)
    assert len(rules.consumers_not_admitted(community_a, day)) == 1
    add(12, 2)
    assert _queries(ask) == few
    assert len(rules.consumers_in_service(community_a, day)) == 7
    stopped = rules.consumers_not_admitted(community_a, day)
    assert len(stopped) == 7 and all(
        found[0].startswith(ASSESSMENT_MISSING) for _, found in stopped
    )
