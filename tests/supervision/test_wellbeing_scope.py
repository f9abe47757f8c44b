"""Who sees a peer's wellbeing: the supervisors of the peer's community and the peer; never
another community's staff, the manager, research assistants or other peers. Lists in a
fixed number of queries; the home block too."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import count_queries, make_user
from tongban.accounts.models import Role
from tongban.supervision import wellbeing_selectors as selectors
from tongban.supervision import wellbeing_services as services
from tongban.supervision.models import BreakRequest, WellbeingAlert, WellbeingCheckIn

from .wellbeing_helpers import WORRYING, check_in, peer_with_account

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def records(users, community_a, community_b):
    """A worrying check-in and a break request of the peer of A; a doctor and a peer of B."""
    checkin = check_in(users["peer"], community_a, **WORRYING, text="甲同伴的心里话")
    waiting = services.break_request_create(
        peer=users["peer"].person,
        community=community_a,
        starts_on=TODAY,
        reason="甲同伴的休息理由",
        by=users["peer"],
    )
    _person_b, peer_b = peer_with_account("乙同伴", community_b, started_on=date(2015, 8, 1))
    return {
        "checkin": checkin,
        "alert": WellbeingAlert.objects.get(checkin=checkin),
        "break": waiting,
        "doctor_b": make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b]),
        "peer_b": peer_b,
        "other_peer_a": peer_with_account("甲二同伴", community_a)[1],
    }


def urls(records, users) -> dict[str, str]:
    checkin, item = records["checkin"], records["break"]
    return {
        "peer": f"/supervision/wellbeing/peer/{users['peer'].person_id}/",
        "checkin": f"/supervision/wellbeing/check-ins/{checkin.pk}/",
        "void": f"/supervision/wellbeing/check-ins/{checkin.pk}/void/",
        "break": f"/supervision/breaks/{item.pk}/",
    }


@pytest.mark.parametrize("name", ["doctor", "psychologist", "socialworker", "psychiatrist"])
def test_supervisors_of_the_community_see_it(client_for, users, records, name):
    client = client_for(users[name])
    for url in urls(records, users).values():
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(urls(records, users)["peer"]).content.decode()
    assert "甲同伴的心里话" in page
    listing = client.get("/supervision/wellbeing/")
    assert listing.status_code == 200
    shown = {row.person for row in listing.context["rows"]}
    assert {users["peer"].person, records["other_peer_a"].person} <= shown
    # The psychiatrist supervises every community of the program; the others only A.
    assert (records["peer_b"].person in shown) is (name == "psychiatrist")


@pytest.mark.parametrize("who", ["doctor_b", "peer_b", "other_peer_a"])
def test_others_get_404(client, users, records, who):
    client.force_login(records[who])
    for key, url in urls(records, users).items():
        assert client.get(url).status_code == 404, (who, key)
        assert client.post(url).status_code == 404, (who, key)
    alert = records["alert"]
    assert client.post(f"/supervision/wellbeing/alerts/{alert.pk}/seen/").status_code == 404
    item = records["break"]
    assert client.post(f"/supervision/breaks/{item.pk}/decide/").status_code == 404
    assert client.post(f"/supervision/breaks/{item.pk}/withdraw/").status_code == 404


@pytest.mark.parametrize("name", ["manager", "research"])
def test_the_manager_and_research_assistants_see_nothing(client_for, users, records, name):
    client = client_for(users[name])
    assert client.get("/supervision/wellbeing/").status_code == 403
    assert client.get("/supervision/breaks/").status_code == 403
    for url in urls(records, users).values():
        assert client.get(url).status_code == 404, url
    assert client.post(f"/supervision/breaks/{records['break'].pk}/decide/").status_code == 404
    assert not selectors.home_work(users[name], TODAY)


def test_the_peer_sees_their_own_without_the_alerts(client_for, users, records):
    client = client_for(users["peer"])
    assert client.get("/supervision/wellbeing/")["Location"] == urls(records, users)["peer"]
    page = client.get(urls(records, users)["peer"])
    assert page.status_code == 200
    assert page.context["alerts"] == []
    assert [c.pk for c in page.context["checkins"]] == [records["checkin"].pk]
    assert client.get(urls(records, users)["checkin"]).status_code == 200
    assert (
        client.post(f"/supervision/wellbeing/alerts/{records['alert'].pk}/seen/").status_code == 404
    )
    assert client.post(f"/supervision/breaks/{records['break'].pk}/decide/").status_code == 403


def test_the_scope_functions(users, records):
    checkin = records["checkin"]
    for name in ("doctor", "psychologist", "socialworker", "psychiatrist", "peer"):
        assert checkin in selectors.peer_checkins(users[name], users["peer"].person)
    for user in (users["manager"], users["research"], records["doctor_b"], records["peer_b"]):
        assert selectors.peer_get(user, users["peer"].person_id) is None
    assert selectors.peer_get(records["other_peer_a"], users["peer"].person_id) is None


def test_marking_an_alert_seen(client_for, users, records):
    alert = records["alert"]
    client = client_for(users["psychologist"])
    response = client.post(f"/supervision/wellbeing/alerts/{alert.pk}/seen/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.seen_by, alert.seen_at is not None) == (users["psychologist"], True)
    # Its notification is read; a second click says who saw it.
    assert (
        not users["psychologist"]
        .notifications.filter(read_at__isnull=True)
        .filter(kind="wellbeing_worrying")
    )
    client_for(users["doctor"]).post(f"/supervision/wellbeing/alerts/{alert.pk}/seen/")
    alert.refresh_from_db()
    assert alert.seen_by == users["psychologist"]


def test_voiding_a_check_in(client_for, users, records):
    checkin = records["checkin"]
    client = client_for(users["peer"])
    response = client.post(
        f"/supervision/wellbeing/check-ins/{checkin.pk}/void/", {"reason": "点错了"}
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.is_voided and checkin.voided_by == users["peer"]
    # Kept: its alert stays; the trend no longer shows it.
    assert WellbeingAlert.objects.filter(checkin=checkin).exists()
    assert client.get(urls(records, users)["peer"]).context["checkins"] == []
    response = client.post(f"/supervision/wellbeing/check-ins/{checkin.pk}/void/", {"reason": ""})
    assert response.status_code == 302  # already voided: back to the record


def test_the_list_and_the_trend_in_a_fixed_number_of_queries(client_for, users, community_a):
    client = client_for(users["doctor"])
    check_in(users["peer"], community_a, **WORRYING)
    one = count_queries(client, "/supervision/wellbeing/")
    for number in range(4):
        _person, peer = peer_with_account(f"同伴{number}", community_a)
        check_in(peer, community_a, **WORRYING)
        services.break_request_create(
            peer=peer.person, community=community_a, starts_on=TODAY, by=peer
        )
    several = count_queries(client, "/supervision/wellbeing/")
    assert several == one

    peer_url = f"/supervision/wellbeing/peer/{users['peer'].person_id}/"
    one = count_queries(client, peer_url)
    for day in range(1, 6):
        check_in(users["peer"], community_a, today=TODAY - timedelta(days=day * 14), **WORRYING)
    assert count_queries(client, peer_url) == one


def test_home_work_for_a_peer(users, community_a):
    peer = users["peer"]
    work = selectors.home_work(peer, TODAY)["wellbeing"]
    assert [due.community for due in work.due] == [community_a]
    assert work.due[0].overdue  # never answered since 2014
    check_in(peer, community_a, today=TODAY)
    services.break_request_create(peer=peer.person, community=community_a, starts_on=TODAY, by=peer)
    with CaptureQueriesContext(connection) as queries:
        work = selectors.home_work(peer, TODAY)["wellbeing"]
    assert work.due == []
    assert [item.status for item in work.breaks] == ["asked"]
    assert len(queries) <= 6


def test_home_work_for_supervisors_in_fixed_queries(users, community_a, community_b):
    doctor = users["doctor"]

    def count() -> tuple[int, object]:
        with CaptureQueriesContext(connection) as queries:
            work = selectors.home_work(doctor, TODAY)["wellbeing"]
        return len(queries), work

    check_in(users["peer"], community_a, **WORRYING)
    count()  # the user's program, cached on the user for the request
    one, work = count()
    assert (work.alert_count, work.break_count) == (1, 0)
    for number in range(7):
        _person, peer = peer_with_account(f"同伴{number}", community_a)
        check_in(peer, community_a, **WORRYING)
        services.break_request_create(
            peer=peer.person, community=community_a, starts_on=TODAY, by=peer
        )
    # Another community's alerts and breaks are not the doctor's.
    _person, peer_b = peer_with_account("乙同伴", community_b, started_on=date(2015, 8, 1))
    check_in(peer_b, community_b, **WORRYING)
    several, work = count()
    assert several == one
    assert (work.alert_count, work.break_count) == (8, 7)
    assert len(work.alerts) == selectors.SHOWN
    assert all(alert.community == community_a for alert in work.alerts)


def test_home_block_renders(client_for, users, community_a):
    from django.template.loader import render_to_string

    check_in(users["peer"], community_a, **WORRYING)
    for name in ("peer", "doctor"):
        context = {"user": users[name], **selectors.home_work(users[name], TODAY)}
        html = render_to_string("supervision/_home_wellbeing.html", context)
        assert "home-wellbeing" in html
    html = render_to_string(
        "supervision/_home_wellbeing.html",
        {"user": users["manager"], **selectors.home_work(users["manager"], TODAY)},
    )
    assert "home-wellbeing" not in html


def test_junk_never_answers_500(client_for, users, records):
    client = client_for(users["doctor"])
    client.raise_request_exception = False
    item = records["break"]
    for data in ({"decision": "²", "version": "9" * 30}, {"decision": ["agree", "x"]}):
        response = client.post(f"/supervision/breaks/{item.pk}/decide/", data)
        assert response.status_code == 200
    peer = client_for(users["peer"])
    for data in (
        {"workload": "٣", "stress": "-1", "confidence": "1.5", "text": "x" * 5000},
        {"starts_on": "², "},
    ):
        assert peer.post("/supervision/wellbeing/check-in/", data).status_code == 200
    assert peer.post("/supervision/breaks/new/", {"starts_on": "0000-00-00"}).status_code == 200
    assert peer.get("/supervision/breaks/new/?community=9999999999999999999").status_code == 404
    assert BreakRequest.objects.count() == 1
    assert WellbeingCheckIn.objects.count() == 1
