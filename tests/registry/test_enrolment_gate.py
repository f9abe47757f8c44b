"""The registry's enrol and status pages go through the gate: the gate's message next to
the field, listing everything missing; nothing changes; a way on (the open candidacy, or a
link that starts one)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from tests.conftest import make_person
from tests.screening.conftest import consent_all, documents, new_candidate, screen  # noqa: F401
from tongban.registry.models import Enrolment
from tongban.screening import services as screening_services

pytestmark = pytest.mark.usefixtures("documents")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client_for):
    """A signed-in client that reads the pages in English (messages asserted by text)."""
    from django.conf import settings

    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture
def caregiver(users, consumer_a):
    """Someone in the doctor's scope with no enrolment and no screening: a caregiver."""
    from tongban.registry import services

    return services.person_create(
        fields={"name": "照料者甲", "sex": "female"},
        role="caregiver",
        cared_for=consumer_a,
        relationship="parent",
    )


def enrol(client, person, community, role="peer", on="2016-01-04"):
    return client.post(
        f"/people/{person.pk}/enrol/", {"community": community.pk, "role": role, "started_on": on}
    )


def test_enrol_page_lists_everything_missing_and_changes_nothing(
    english_client, users, caregiver, community_a
):
    client = english_client(users["doctor"])
    response = enrol(client, caregiver, community_a)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["started_on"]
    assert message.startswith("照料者甲 cannot become an active peer on 2016-01-04. Missing:")
    assert "an eligibility assessment on or before 2016-01-04" in message
    assert "informed consent signed on or before 2016-01-04 and not withdrawn" in message
    assert not Enrolment.objects.filter(person=caregiver).exists()
    page = response.content.decode()
    # Next to the field, and the way on: start a candidacy for that role.
    assert 'id="field-started_on"' in page and "has-error" in page
    assert f'href="/screening/candidates/new/?person={caregiver.pk}&amp;role=peer"' in page
    assert response.context["gate"]["missing"][0].startswith("an eligibility assessment")


def test_the_start_link_opens_the_candidate_page_for_that_person(english_client, users, caregiver):
    client = english_client(users["doctor"])
    response = client.get(f"/screening/candidates/new/?person={caregiver.pk}&role=peer")
    assert response.status_code == 200


def test_an_open_candidacy_is_offered_instead(english_client, users, caregiver, community_a):
    candidate = screening_services.candidate_create(
        person=caregiver,
        community=community_a,
        role="peer",
        source="doctor",
        recommended_by=users["doctor"],
        recommended_on=date(2015, 12, 1),
        by=users["doctor"],
    )
    response = enrol(english_client(users["doctor"]), caregiver, community_a)
    page = response.content.decode()
    assert f'href="/screening/candidates/{candidate.pk}/"' in page
    assert "/screening/candidates/new/" not in page
    assert response.context["gate"]["candidate"] == candidate


def test_staff_who_cannot_add_candidates_get_the_message_without_the_link(
    english_client, users, caregiver, community_a
):
    response = enrol(english_client(users["socialworker"]), caregiver, community_a)
    assert response.status_code == 200 and "started_on" in response.context["form"].errors
    assert "/screening/candidates/new/" not in response.content.decode()


def test_a_refusal_that_is_not_the_gates_shows_no_gate_panel(
    english_client, users, consumer_a, community_a
):
    response = enrol(english_client(users["doctor"]), consumer_a, community_a, role="consumer")
    assert "community" in response.context["form"].errors  # already enrolled here
    assert "gate" not in response.context


def test_a_screened_candidate_is_enrolled_from_the_enrol_page(english_client, users, community_a):
    candidate = new_candidate("候选同伴", community=community_a, role="peer", by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"])
    consent_all(candidate.person, "peer", by=users["research"])
    response = enrol(english_client(users["doctor"]), candidate.person, community_a)
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == "enrolled" and candidate.enrolment.role == "peer"


def test_return_from_leave_after_consent_withdrawal_is_refused_on_the_status_page(
    english_client, users, community_a
):
    candidate = new_candidate("退出者", community=community_a, by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"])
    informed, _agreement = consent_all(candidate.person, "consumer", by=users["research"])
    enrolment = screening_services.candidate_enrol(
        candidate=candidate, started_on=date(2014, 2, 1), by=users["doctor"]
    )
    from tongban.registry import services

    services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=date(2014, 3, 1), reason="住院"
    )
    screening_services.consent_withdraw(
        consent=informed, by=users["research"], on=date(2014, 4, 1), reason="不想参加了"
    )
    before = enrolment.status_changes.count()
    response = english_client(users["doctor"]).post(
        f"/enrolments/{enrolment.pk}/status/",
        {"status": "active", "effective_on": "2014-06-02", "reason": ""},
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["status"]
    assert "informed consent signed on or before 2014-06-02 and not withdrawn" in message
    assert enrolment.status_changes.count() == before
    # Their candidacy is enrolled (not under way): the page offers a new one.
    page = response.content.decode()
    assert f"/screening/candidates/new/?person={candidate.person.pk}&amp;role=consumer" in page


def test_legacy_people_need_their_records_to_return_from_the_programs_date(
    english_client, users, community_a, program
):
    legacy = make_person("老会员", community=community_a, started_on=date(2013, 9, 1))
    enrolment = legacy.enrolments.get()
    from tongban.registry import services

    services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=date(2015, 3, 1), reason="回老家"
    )
    program.screening_records_from = date(2016, 1, 1)
    program.save()
    client = english_client(users["doctor"])
    url = f"/enrolments/{enrolment.pk}/status/"
    response = client.post(url, {"status": "active", "effective_on": "2016-01-04"})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    start = f"/screening/candidates/new/?person={legacy.pk}&amp;role=consumer"
    assert start in response.content.decode()
    # Before the program's date they still pass (they are not locked out).
    response = client.post(url, {"status": "active", "effective_on": "2015-12-31"})
    assert response.status_code == 302


def test_odd_input_on_the_gated_pages_is_never_a_500(english_client, users, caregiver):
    client = english_client(users["doctor"])
    for data in (
        {"community": "", "role": "peer", "started_on": "2016-13-45"},
        {"community": "٣", "role": "nurse", "started_on": ""},
    ):
        response = client.post(f"/people/{caregiver.pk}/enrol/", data)
        assert response.status_code == 200 and response.context["form"].errors
