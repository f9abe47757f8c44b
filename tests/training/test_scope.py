"""Who sees which training, the person page's record, the readiness list and the home
block, and what each costs in queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role, User
from tongban.training import selectors
from tongban.training.readiness import required_workshops

from .helpers import attend, english, make_round, session_of, train_all_but, workshop

TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def records_required(program):
    program.training_records_from = program.started_on
    program.save()


@pytest.fixture
def round_a(community_a):
    return make_round(community_a, name="甲社区培训", ends_on=date(2016, 2, 26))


@pytest.fixture
def other_peer(community_a):
    person = make_person("甲同伴乙", community=community_a, role="peer")
    make_user("peer-two", Role.PEER, person=person)
    return person


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


# Scoping -----------------------------------------------------------------------------------


def test_a_doctor_of_another_community_gets_404(client_for, users, round_a, community_b, program):
    session = session_of(round_a, workshop(program, "concept"))
    doctor_b = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    psychologist_b = make_user("psychologist-b", Role.CLINICAL_PSYCHOLOGIST, [community_b])
    for user in (doctor_b, psychologist_b):
        client = client_for(user)
        for url in (
            reverse("training:round_detail", args=[round_a.pk]),
            reverse("training:round_edit", args=[round_a.pk]),
            reverse("training:session_create", args=[round_a.pk]),
            reverse("training:session_detail", args=[session.pk]),
            reverse("training:session_edit", args=[session.pk]),
            reverse("training:session_void", args=[session.pk]),
        ):
            status = client.get(url).status_code
            assert status in (403, 404), (user, url)
            if user is psychologist_b:
                assert status == 404, url
        assert "甲社区培训" not in client.get(reverse("training:round_list")).content.decode()
    # Their own community's doctor reads it.
    assert (
        client_for(users["doctor"])
        .get(reverse("training:round_detail", args=[round_a.pk]))
        .status_code
        == 200
    )


def test_a_peer_sees_their_rounds_but_only_their_own_attendance(
    client_for, users, round_a, program, peer_person_a, other_peer
):
    session = session_of(round_a, workshop(program, "concept"))
    attend(session, other_peer)
    client = english(client_for(users["peer"]))
    page = client.get(reverse("training:round_detail", args=[round_a.pk])).content.decode()
    assert "甲社区培训" in page
    assert "甲同伴乙" not in page and "you attended" not in page
    response = client.get(reverse("training:session_detail", args=[session.pk]))
    page = response.content.decode()
    assert response.context["form"] is None
    assert "甲同伴乙" not in page and "not recorded" in page
    assert client.post(reverse("training:session_detail", args=[session.pk])).status_code == 403
    assert client.get(reverse("training:readiness")).status_code == 403
    # The other peer sees that they attended, and nobody else.
    attend(session, peer_person_a)
    other = english(client_for(User.objects.get(username="peer-two")))
    page = other.get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert "you attended" in page and "甲同伴</" not in page and ">甲同伴<" not in page
    assert selectors.session_attendance(session, users["peer"])[0].person == peer_person_a
    assert len(selectors.session_attendance(session, users["peer"])) == 1


def test_the_person_page_shows_the_training_record(
    client_for, users, round_a, program, peer_person_a, other_peer
):
    training_round = train_all_but(peer_person_a, round_a.communities.get(), "emergencies")
    make_up = session_of(
        training_round, workshop(program, "emergencies"), on=date(2016, 3, 1), make_up=True
    )
    attend(make_up, peer_person_a)
    train_all_but(other_peer, round_a.communities.get(), "listening")
    url = reverse("registry:person_detail", args=[peer_person_a.pk])
    # Staff of the community: rounds, workshops with dates, the make-up, ready.
    page = english(client_for(users["doctor"])).get(url).content.decode()
    assert 'id="training"' in page and "Handling emergencies" in page
    assert "2016-03-01" in page and "make-up" in page and "ready to lead" in page
    # The peer themself.
    response = english(client_for(users["peer"])).get(url)
    assert response.context["training"].ready
    # Another peer's page: no training block for a peer.
    other_url = reverse("registry:person_detail", args=[other_peer.pk])
    response = english(client_for(users["peer"])).get(other_url)
    assert response.status_code == 200 and response.context["training"] is None
    assert 'id="training"' not in response.content.decode()
    # What is missing, named, for staff.
    page = english(client_for(users["psychologist"])).get(other_url).content.decode()
    assert "not yet ready to lead" in page and "Effective listening and speaking" in page


def test_a_legacy_peer_counts_as_trained_on_their_page(client_for, users, program, peer_person_a):
    program.training_records_from = date(2030, 1, 1)
    program.save()
    record = selectors.person_record(users["doctor"], peer_person_a, TODAY)
    assert record.exempt and record.ready and record.records_from == date(2030, 1, 1)


def test_the_wellbeing_link_needs_its_page(client_for, users, peer_person_a):
    """Shown to supervisors once the wellbeing page exists; never an error before."""
    url = reverse("registry:person_detail", args=[peer_person_a.pk])
    assert client_for(users["doctor"]).get(url).context["can_read_wellbeing"]
    assert not client_for(users["manager"]).get(url).context["can_read_wellbeing"]
    assert not client_for(users["research"]).get(url).context["can_read_wellbeing"]


# Readiness list ----------------------------------------------------------------------------


def test_the_readiness_list_by_community(
    client_for, users, community_a, community_b, program, peer_person_a, other_peer
):
    train_all_but(peer_person_a, community_a)
    train_all_but(other_peer, community_a, "concept", "record_forms")
    make_person("乙社区新同伴", community=community_b, role="peer")
    rows = selectors.readiness_by_community(users["manager"], TODAY)
    assert [row.community for row in rows] == [community_a, community_b]
    a, b = rows
    assert (a.peers, a.ready) == (2, 1)
    assert [(n.person.name, [w.code for w in n.missing]) for n in a.not_ready] == [
        ("甲同伴乙", ["concept", "record_forms"])
    ]
    assert [n.person.name for n in b.not_ready] == ["乙社区新同伴"]
    # A doctor of community A sees community A only.
    response = english(client_for(users["doctor"])).get(reverse("training:readiness"))
    page = response.content.decode()
    assert "甲同伴乙" in page and "Completing the record forms" in page
    assert "乙社区新同伴" not in page and "乙社区" not in page


def test_the_readiness_list_costs_the_same_for_more_peers(
    client_for, users, community_a, community_b
):
    client = client_for(users["manager"])
    url = reverse("training:readiness")

    def add(start: int, count: int) -> None:
        for i in range(start, start + count):
            person = make_person(
                f"同伴{i}", community=community_a if i % 2 else community_b, role="peer"
            )
            if i % 3 == 0:
                train_all_but(person, community_a, "concept")

    add(0, 1)
    few = _queries(lambda: client.get(url))
    add(1, 7)
    many = _queries(lambda: client.get(url))
    assert few == many
    assert client.get(url).context["rows"][0].not_ready


def test_the_rounds_list_costs_the_same_for_more_rounds(
    client_for, users, community_a, community_b, program
):
    client = client_for(users["psychologist"])
    url = reverse("training:round_list")

    def add(count: int) -> None:
        for i in range(count):
            training_round = make_round(community_a, name=f"轮次{i}")
            training_round.communities.add(community_b)
            training_round.trainers.add(users["psychiatrist"], users["psychologist"])
            session_of(training_round, workshop(program, "concept"))

    add(1)
    few = _queries(lambda: client.get(url))
    add(6)
    many = _queries(lambda: client.get(url))
    assert few == many
    response = client.get(url)
    first = response.context["page"][0]
    assert first.session_count == 1 and first.community_count == 2
    assert first.my_communities == [community_a]
    assert "乙社区" not in response.content.decode()


# Home page ---------------------------------------------------------------------------------


def test_home_work_for_trainers_and_the_manager(users, community_a, program, other_peer):
    monday = TODAY - timedelta(days=TODAY.weekday())
    this_week = make_round(community_a, name="本周培训", starts_on=monday - timedelta(days=3))
    this_week.ends_on = monday + timedelta(days=1)
    this_week.save()
    make_round(community_a, name="早就结束", starts_on=date(2016, 1, 4))
    for username in ("manager", "psychiatrist", "psychologist"):
        work = selectors.home_work(users[username], TODAY)["training_home"]
        assert [r.name for r in work["rounds"]] == ["本周培训"]
        # Both peers of community A: neither has training recorded.
        assert work["not_ready"] == 2
    assert selectors.home_work(users["research"], TODAY) == {}


def test_home_work_for_a_peer(users, community_a, program, peer_person_a):
    work = selectors.home_work(users["peer"], TODAY)["training_home"]
    assert len(work["missing"]) == len(required_workshops(program))
    train_all_but(peer_person_a, community_a)
    assert selectors.home_work(users["peer"], TODAY) == {}


def test_home_work_costs_the_same_for_more_rows(users, community_a, program):
    def ask() -> None:
        selectors.home_work(users["manager"], TODAY)

    ask()  # the user's program is looked up once, then kept for the request
    make_round(community_a, name="一", starts_on=TODAY)
    few = _queries(ask)
    for i in range(5):
        make_round(community_a, name=f"轮{i}", starts_on=TODAY)
        make_person(f"新{i}", community=community_a, role="peer")
    many = _queries(ask)
    assert few == many


def test_the_home_block_renders(client_for, users, community_a):
    from django.template.loader import render_to_string

    make_round(community_a, name="本周的培训", starts_on=TODAY)
    context = selectors.home_work(users["manager"], TODAY)
    html = render_to_string("training/_home.html", {**context, "user": users["manager"]})
    assert "本周的培训" in html and reverse("training:readiness") in html
    peer_context = selectors.home_work(users["peer"], TODAY)
    html = render_to_string("training/_home.html", {**peer_context, "user": users["peer"]})
    assert "处理紧急情况" in html
