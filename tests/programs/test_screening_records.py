"""The program chooses from when people enrolled before screening was recorded need their
records (Program.screening_records_from); its page counts those still without them."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from tests.screening.conftest import consent_all, documents, screen  # noqa: F401
from tongban.registry import selectors
from tongban.registry import services as registry_services
from tongban.screening import services as screening_services

from .test_program_pages import edit_data

pytestmark = pytest.mark.usefixtures("documents")


@pytest.fixture
def manager_client(client_for, users):
    client = client_for(users["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def give_records(person, community, users, role="consumer", *, sign=True):
    candidate = screening_services.candidate_create(
        person=person,
        community=community,
        role=role,
        source="doctor",
        recommended_by=users["doctor"],
        recommended_on=date(2014, 1, 6),
        by=users["doctor"],
    )
    screen(candidate, psychiatrist=users["psychiatrist"])
    if sign:
        consent_all(person, role, by=users["research"])
    return candidate


def test_the_manager_sets_the_date_on_the_settings_page(manager_client, users, program):
    form = manager_client.get("/program/edit/").context["form"]
    assert "screening_records_from" in form.fields
    response = manager_client.post(
        "/program/edit/", edit_data(program, screening_records_from="2016-07-01")
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.screening_records_from == date(2016, 7, 1)
    latest = program.history.order_by("-history_id").first()
    assert latest.history_user == users["manager"]
    page = manager_client.get("/program/").content.decode()
    assert "screening records required from" in page and "2016-07-01" in page


def test_a_new_program_is_not_asked(manager_client):
    form = manager_client.get("/program/new/").context["form"]
    assert "screening_records_from" not in form.fields


def test_a_date_before_the_program_starts_is_refused(manager_client, program):
    response = manager_client.post(
        "/program/edit/", edit_data(program, screening_records_from="2013-06-30")
    )
    assert response.status_code == 200
    assert "screening_records_from" in response.context["form"].errors
    program.refresh_from_db()
    assert program.screening_records_from is None


def test_the_page_counts_legacy_people_in_service_without_records(
    manager_client, users, program, community_a, community_b, consumer_a, peer_person_a
):
    # consumer_a and peer_person_a (the fixtures) were enrolled before screening.
    assert selectors.legacy_without_records(program) == 2
    # One gets their records: no longer counted.
    give_records(consumer_a, community_a, users)
    assert selectors.legacy_without_records(program) == 1
    # A legacy person who withdrew is not in service: not counted.
    gone = make_person("已退出", community=community_b, started_on=date(2015, 9, 1))
    registry_services.enrolment_change_status(
        enrolment=gone.enrolments.get(),
        status="withdrawn",
        effective_on=date(2015, 10, 1),
        reason="搬家",
    )
    # One on leave is in service: counted (they would need records to come back).
    away = make_person("请假者", community=community_b, started_on=date(2015, 9, 1))
    registry_services.enrolment_change_status(
        enrolment=away.enrolments.get(),
        status="on_leave",
        effective_on=date(2015, 10, 1),
        reason="住院",
    )
    assert selectors.legacy_without_records(program) == 2
    page = manager_client.get("/program/").content.decode()
    assert "2 people in service were enrolled before screening was recorded" in page


def test_the_count_ignores_other_roles_records(users, program, community_a, peer_person_a):
    """A legacy peer with a consumer's records still lacks a peer's."""
    give_records(peer_person_a, community_a, users, role="consumer")
    assert selectors.legacy_without_records(program) == 1
    # The informed consent they signed counts for both roles; a peer's assessment is theirs.
    give_records(peer_person_a, community_a, users, role="peer", sign=False)
    assert selectors.legacy_without_records(program) == 0


def test_the_program_page_queries_do_not_grow(manager_client, users, program, community_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get("/program/").status_code == 200
        return len(queries)

    make_person("老一", community=community_a)
    few = count()
    for i in range(12):
        person = make_person(f"老{i}号", community=community_a)
        if i % 3 == 0:
            give_records(person, community_a, users)
    assert count() == few
    assert selectors.legacy_without_records(program) == 1 + 12 - 4 + 1  # + the peer fixture
