"""Several programs in one installation: program-wide roles see only their own programs,
and a user of two programs sees the chosen one's data only (issue 8, item 3)."""

from __future__ import annotations

import pytest

from tests.registry import other_program
from tongban.core import scope

# The lists of the program-wide roles, and a text each shows of program A's records.
LISTS = {
    "/people/": "甲同伴",
    "/communities/": "Alpha",
    "/sessions/": None,
    "/emergencies/": None,
    "/submissions/": "Alpha",
    "/accounts/": "socialworker",
}


@pytest.fixture
def program_b(program, users):
    return other_program.build(program)


def leaked(body: str, texts) -> list[str]:
    return [text for text in texts if text in body]


@pytest.mark.parametrize("username", ["manager", "psychiatrist"])
def test_program_wide_roles_see_only_their_own_program(client_for, users, program_b, username):
    client = client_for(users[username])
    for url, own_text in LISTS.items():
        response = client.get(url)
        if url == "/accounts/" and username != "manager":
            assert response.status_code == 403
            continue
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not leaked(body, program_b.sentinels), url
        if own_text:
            assert own_text in body, url


def test_program_bs_manager_sees_program_b_and_nothing_of_a(client_for, users, program_b):
    client = client_for(program_b.users["manager"])
    shown = {
        "/people/": "丙项目服务对象哨兵",
        "/communities/": "Gamma sentinel",
        "/sessions/": "乙社区专属活动",
        "/accounts/": "pb-doctor",
    }
    for url in LISTS:
        body = client.get(url).content.decode()
        assert not leaked(body, ["甲同伴", "Alpha", "Beta", "socialworker", "psychologist"]), url
        if url in shown:
            assert shown[url] in body, url


def test_a_psychiatrist_of_both_programs_sees_the_chosen_one(client, users, program, program_b):
    psychiatrist = users["psychiatrist"]
    psychiatrist.programs.add(program_b.program)
    client.force_login(psychiatrist)
    # The newest program comes first until the user chooses.
    body = client.get("/people/").content.decode()
    assert "丙项目服务对象哨兵" in body and "甲同伴" not in body
    assert client.post("/program/switch/", {"program": program.pk}).status_code == 302
    body = client.get("/people/").content.decode()
    assert "甲同伴" in body and "丙项目服务对象哨兵" not in body
    url = f"/people/{program_b.consumer.pk}/"
    assert client.get(url).status_code == 404
    client.post("/program/switch/", {"program": program_b.program.pk})
    assert client.get(url).status_code == 200
    assert "甲同伴" not in client.get("/communities/").content.decode()


def test_staff_assigned_in_both_programs_see_the_chosen_ones_community(
    client, users, community_a, program, program_b
):
    doctor = users["doctor"]
    doctor.communities.add(program_b.community)
    client.force_login(doctor)
    client.post("/program/switch/", {"program": program.pk})
    body = client.get("/communities/").content.decode()
    assert "Alpha" in body and "Gamma sentinel" not in body
    assert client.get(f"/communities/{program_b.community.pk}/").status_code == 404
    client.post("/program/switch/", {"program": program_b.program.pk})
    body = client.get("/communities/").content.decode()
    assert "Gamma sentinel" in body and "Alpha" not in body
    assert client.get(f"/communities/{community_a.pk}/").status_code == 404


def test_scope_counts_one_query_for_the_chosen_program_per_user_object(users, program_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = users["manager"]
    with CaptureQueriesContext(connection) as first:
        scope.program(manager)
    with CaptureQueriesContext(connection) as again:
        scope.program(manager)
    assert len(first.captured_queries) == 1 and len(again.captured_queries) == 0
