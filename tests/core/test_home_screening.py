"""The home page's screening block: whose turn it is, in a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.screening.conftest import new_candidate, screen
from tongban.screening import services


@pytest.fixture(autouse=True)
def documents(program) -> None:
    services.consent_documents_ensure(program=program)


def home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(context.captured_queries)


def test_the_psychiatrist_sees_who_waits_for_an_assessment(
    client_for, users, community_a, documents
):
    waiting = new_candidate("待评估甲", community=community_a, by=users["doctor"])
    assessed = new_candidate("已评估乙", community=community_a, by=users["doctor"])
    screen(assessed, psychiatrist=users["psychiatrist"])
    page, _ = home(client_for(users["psychiatrist"]))
    assert f"/screening/candidates/{waiting.pk}/" in page
    # Eligible: the psychiatrist's part is done; the doctor's list still shows it.
    assert f"/screening/candidates/{assessed.pk}/" not in page
    page, _ = home(client_for(users["doctor"]))
    assert f"/screening/candidates/{waiting.pk}/" in page
    assert f"/screening/candidates/{assessed.pk}/" in page


def test_peers_and_other_communities_see_no_candidate(client_for, users, community_b, documents):
    elsewhere = new_candidate("乙社区候选人", community=community_b, by=users["manager"])
    for role in ("doctor", "peer"):
        page, _ = home(client_for(users[role]))
        assert elsewhere.person.name not in page


def test_the_block_costs_the_same_with_more_candidates(client_for, users, community_a, documents):
    client = client_for(users["psychiatrist"])
    new_candidate("候选人0", community=community_a, by=users["doctor"])
    _, before = home(client)
    for i in range(1, 9):
        new_candidate(f"候选人{i}", community=community_a, by=users["doctor"])
    page, after = home(client)
    assert after == before
    # The five oldest are listed; the total links to the whole list.
    assert len(set(re.findall(r"/screening/candidates/(\d+)/", page))) == 5
    assert re.search(r"\b9\b", page)
