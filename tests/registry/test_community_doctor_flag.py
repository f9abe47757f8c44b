"""A community without an active community doctor is flagged (issue 7, item 2)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.core import scope
from tongban.registry import selectors
from tongban.registry.models import Community

FLAG = "no-doctor"


def test_has_doctor_follows_active_doctor_accounts(users, community_a, community_b):
    flags = {c.pk: c.has_doctor for c in selectors.communities_overview(users["manager"])}
    # The fixture's doctor serves community A only.
    assert flags == {community_a.pk: True, community_b.pk: False}
    users["doctor"].is_active = False
    users["doctor"].save()
    flags = {c.pk: c.has_doctor for c in selectors.communities_overview(users["manager"])}
    assert flags == {community_a.pk: False, community_b.pk: False}
    # Other roles assigned to the community do not count as its doctor.
    make_user("sw-b", Role.SOCIAL_WORKER, [community_b])
    assert not selectors.community_get(users["manager"], community_b.pk).has_doctor
    make_user("doc-b", Role.COMMUNITY_DOCTOR, [community_b])
    assert selectors.community_get(users["manager"], community_b.pk).has_doctor


def test_community_page_and_cards_flag_a_community_without_doctor(
    client_for, users, community_a, community_b
):
    client = client_for(users["manager"])
    assert FLAG not in client.get(f"/communities/{community_a.pk}/").content.decode()
    page = client.get(f"/communities/{community_b.pk}/").content.decode()
    assert 'id="no-doctor"' in page
    cards = client.get("/communities/").content.decode()
    assert cards.count(f'class="notice {FLAG}"') == 1


def test_overview_query_count_does_not_grow_with_communities(users, program):
    # The chosen program is read once per user object (a page's request.user): not here.
    scope.program(users["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            list(selectors.communities_overview(users["manager"]))
        return len(context.captured_queries)

    before = count()
    for i in range(5):
        community = Community.objects.create(program=program, code=f"c{i}", name=f"社区{i}")
        make_user(f"doc{i}", Role.COMMUNITY_DOCTOR, [community])
    assert count() == before == 1
