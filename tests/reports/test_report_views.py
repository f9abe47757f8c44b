"""The report page and its JSON: signed-in users only, within their scope; bad input gives
messages next to the fields (the page) or a 400 with them (the JSON), never a 500."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import make_person, make_user
from tests.reports.conftest import add_sessions
from tongban.accounts.models import Role
from tongban.registry.models import Community, Program, Venue

PAGE = "/reports/program/"
JSON = "/reports/program/json/"


@pytest.fixture
def sessions(users, community_a, community_b, venue_a, venue_b, peer_person_a):
    """Two sessions in A, three in B, and one in another program."""
    by = users["manager"]
    add_sessions(venue_a, [date(2015, 3, 1), date(2015, 4, 1)], by=by, lead=peer_person_a)
    lead_b = make_person("乙同伴", community=community_b, role="peer")
    add_sessions(venue_b, [date(2015, 9, 1)] * 3, by=by, lead=lead_b)
    other = Program.objects.create(name="丙项目", slug="other", started_on=date(2015, 1, 1))
    gamma = Community.objects.create(program=other, code="gamma", name="丙社区")
    venue = Venue.objects.create(community=gamma, name="丙场地", kind=Venue.Kind.OTHER)
    lead_c = make_person("丙同伴", community=gamma, role="peer")
    add_sessions(venue, [date(2015, 9, 1)] * 7, by=by, lead=lead_c)


def get_json(client, data=None):
    response = client.get(JSON, data or {})
    return response, json.loads(response.content.decode("utf-8"))


def test_anonymous_users_sign_in_first(client):
    for url in (PAGE, JSON):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_manager_sees_the_whole_program(client_for, users, sessions):
    response, data = get_json(client_for(users["manager"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [c["code"] for c in data["meta"]["communities"]] == ["alpha", "beta"]
    assert data["service_process"]["sessions"] == 5  # not the other program's seven
    assert data["meta"]["peer_view"] is False
    assert list(data) == ["schema", "meta", "service_process", "service_content",
                          "participants", "training_supervision", "evaluation"]  # fmt: skip
    # Chinese as it is, not \\u escapes.
    assert "甲社区" in response.content.decode("utf-8")


def test_a_community_doctor_sees_their_community_only(client_for, users, sessions):
    client = client_for(users["doctor"])
    response, data = get_json(client)
    assert [c["code"] for c in data["meta"]["communities"]] == ["alpha"]
    assert data["service_process"]["sessions"] == 2
    assert "乙社区" not in response.content.decode("utf-8")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "乙社区" not in page.content.decode("utf-8")
    assert [c["code"] for c in page.context["report"]["meta"]["communities"]] == ["alpha"]
    # Another community, or another program's, is not a choice: refused, nothing shown.
    for code in ("beta", "gamma"):
        response, data = get_json(client, {"community": code})
        assert response.status_code == 400
        assert list(data["errors"]) == ["community"]


def test_choosing_communities_and_dates(client_for, users, sessions):
    client = client_for(users["manager"])
    _response, data = get_json(client, {"community": "beta"})
    assert [c["code"] for c in data["meta"]["communities"]] == ["beta"]
    assert data["service_process"]["sessions"] == 3
    _response, data = get_json(
        client, {"community": ["alpha", "beta"], "date_from": "2015-03-15", "date_to": "2015-12-31"}
    )
    assert (data["meta"]["date_from"], data["meta"]["date_to"]) == ("2015-03-15", "2015-12-31")
    assert data["service_process"]["sessions"] == 4


def test_the_default_range_is_the_programs(client_for, users, program):
    from django.utils import timezone

    _response, data = get_json(client_for(users["manager"]))
    assert data["meta"]["date_from"] == "2013-07-01"
    assert data["meta"]["date_to"] == timezone.localdate().isoformat()
    program.ended_on = date(2016, 6, 30)
    program.save()
    _response, data = get_json(client_for(users["manager"]))
    assert data["meta"]["date_to"] == "2016-06-30"


def test_a_peer_gets_their_community_service_sections_only(client_for, users, sessions):
    client = client_for(users["peer"])
    response, data = get_json(client)
    assert response.status_code == 200
    assert list(data) == ["schema", "meta", "service_process", "service_content"]
    assert data["meta"]["peer_view"] is True
    assert [c["code"] for c in data["meta"]["communities"]] == ["alpha"]
    assert data["service_process"]["sessions"] == 2
    response, _data = get_json(client, {"community": "beta"})
    assert response.status_code == 400
    page = client.get(PAGE)
    assert page.status_code == 200
    assert set(page.context["report"]) == {"schema", "meta", "service_process", "service_content"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date_from": "2016-13-01"}, "date_from"),
        ({"date_to": "²"}, "date_to"),
        ({"date_from": "2016-01-02", "date_to": "2016-01-01"}, "date_to"),
        ({"date_from": "1850-01-01"}, "date_from"),
        ({"date_from": "1950-01-01", "date_to": "2016-01-01"}, "date_to"),  # over 50 years
        ({"community": "²"}, "community"),
        ({"community": "9" * 20}, "community"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(client_for, users, data, field):
    client = client_for(users["manager"])
    response, body = get_json(client, data)
    assert response.status_code == 400
    assert list(body["errors"]) == [field]
    page = client.get(PAGE, data)
    assert page.status_code == 200
    assert page.context["report"] is None
    assert page.context["charts"] == {}
    assert list(page.context["form"].errors) == [field]


def test_the_page_gets_the_report_and_its_charts(client_for, users, sessions):
    response = client_for(users["manager"]).get(PAGE, {"community": "alpha"})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "reports/program_report.html"
    assert response.context["report"]["service_process"]["sessions"] == 2
    assert isinstance(response.context["charts"], dict)
    assert response.context["form"].is_valid()


def test_odd_input_never_answers_500_for_a_peer(client_for, users):
    client = client_for(users["peer"])
    client.raise_request_exception = False
    odd = {"date_from": "²", "date_to": "٣", "community": "9" * 20}
    assert client.get(PAGE, odd).status_code == 200
    assert client.get(JSON, odd).status_code == 400


def test_only_get(client_for, users):
    client = client_for(users["manager"])
    assert client.post(PAGE).status_code == 405
    assert client.post(JSON).status_code == 405


def test_a_user_without_a_program_gets_404(client_for, db):
    newcomer = make_user("newcomer", Role.PROJECT_MANAGER, programs=[])
    client = client_for(newcomer)
    assert client.get(PAGE).status_code == 404
    assert client.get(JSON).status_code == 404
