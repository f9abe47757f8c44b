"""The program chooses from when peers enrolled before Tongban's records need their
pre-service training recorded to lead (Program.training_records_from)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from tests.conftest import complete_training
from tongban.activities import rules

from .test_program_pages import edit_data


@pytest.fixture
def manager_client(client_for, users):
    client = client_for(users["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_manager_sets_the_date_and_it_is_audited(manager_client, users, program):
    response = manager_client.post(
        "/program/edit/", edit_data(program, training_records_from="2016-07-01")
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.training_records_from == date(2016, 7, 1)
    assert program.history.order_by("-history_id").first().history_user == users["manager"]
    page = manager_client.get("/program/").content.decode()
    assert "training records required from" in page and "2016-07-01" in page


def test_a_date_before_the_program_starts_is_refused(manager_client, program):
    response = manager_client.post(
        "/program/edit/", edit_data(program, training_records_from="2013-06-30")
    )
    assert response.status_code == 200
    assert "training_records_from" in response.context["form"].errors
    program.refresh_from_db()
    assert program.training_records_from is None


def test_a_legacy_peer_leads_until_the_date_then_needs_training(
    program, community_a, peer_person_a
):
    program.training_records_from = date(2016, 7, 1)
    program.save()
    assert peer_person_a in rules.peers_ready_to_lead(community_a, date(2016, 6, 30))
    assert peer_person_a not in rules.peers_ready_to_lead(community_a, date(2016, 7, 1))
    complete_training(peer_person_a, community=community_a, on=date(2016, 6, 1))
    assert peer_person_a in rules.peers_ready_to_lead(community_a, date(2016, 7, 1))
