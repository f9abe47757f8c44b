import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person


def count(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("role", ["manager", "psychiatrist", "doctor", "research", "peer"])
def test_home_page_per_role_with_constant_queries(client_for, users, community_a, role):
    client = client_for(users[role])
    before = count(client)
    for i in range(8):
        make_person(f"首页{i}", community=community_a, role="consumer" if i % 3 else "peer")
    assert count(client) == before


def test_home_links_follow_the_role(client_for, users):
    manager = client_for(users["manager"]).get("/").content.decode()
    assert "/accounts/" in manager and "/people/new/" in manager
    research = client_for(users["research"]).get("/").content.decode()
    assert '/accounts/"' not in research
