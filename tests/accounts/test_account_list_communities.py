"""The account list shows a peer's community, from their enrolment (issue 7, item 14)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.registry import services
from tongban.registry.models import EnrolmentStatusChange


def peer_row(page: str, username: str) -> str:
    start = page.index(f">{username}</a>")
    return page[start : page.index("</tr>", start)]


def test_a_peer_account_shows_the_community_the_peer_serves(
    client_for, users, community_a, community_b
):
    person = make_person("乙同伴", community=community_b, role="peer")
    make_user("peer-b", Role.PEER, person=person)
    page = client_for(users["manager"]).get("/accounts/").content.decode()
    assert community_a.display_name in peer_row(page, "peer")
    assert community_b.display_name in peer_row(page, "peer-b")
    assert community_a.display_name not in peer_row(page, "peer-b")


def test_a_withdrawn_peer_shows_no_community(client_for, users, peer_person_a):
    enrolment = peer_person_a.enrolments.get()
    services.enrolment_change_status(
        enrolment=enrolment,
        status=EnrolmentStatusChange.Status.WITHDRAWN,
        effective_on=enrolment.started_on,
        reason="搬家",
    )
    page = client_for(users["manager"]).get("/accounts/").content.decode()
    assert "甲社区" not in peer_row(page, "peer")


def test_peer_communities_cost_no_query_per_row(client_for, users, community_a):
    client = client_for(users["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get("/accounts/")
        return len(context.captured_queries)

    before = count()
    for i in range(5):
        make_user(
            f"peer{i}",
            Role.PEER,
            person=make_person(f"同伴{i}", community=community_a, role="peer"),
        )
    assert count() == before
