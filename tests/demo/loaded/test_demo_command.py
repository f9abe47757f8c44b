"""The paper's demo program in the database: Table 1, Table 2, caregivers, accounts,
idempotence. The demo also holds the living program (test_living.py): every count here
is the paper's program's.

The demo is loaded once for the module, as in test_sessions.py.
"""

import statistics
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from tests.demo.paper import AGE, TABLE_2
from tongban.accounts.models import Role, User
from tongban.demo.population import REFERENCE_DATE
from tongban.registry.models import CaregiverLink, Community, Enrolment, Person
from tongban.screening.models import Assessment, Candidate, Consent

PAPER = "chaoyang-2013"


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def demo(loaded, db):
    return loaded


def enrolments():
    return Enrolment.objects.filter(community__program__slug=PAPER)


def people_in_service(role: str):
    in_service = Enrolment.objects.in_service().filter(community__program__slug=PAPER, role=role)
    return Person.objects.filter(pk__in=in_service.values("person_id"))


def test_table_2_counts_and_ages(demo):
    for index, role in enumerate(("peer", "consumer")):
        people = people_in_service(role)
        assert people.count() == (12, 50)[index]
        for field, by_role in TABLE_2.items():
            counts = dict(people.values_list(field).annotate(n=Count("pk")))
            assert counts == {k: n for k, n in by_role[index].items() if n}, field
        ages = [p.age_on(REFERENCE_DATE) for p in people]
        mean, sd = statistics.mean(ages), statistics.stdev(ages)
        assert abs(mean - AGE[role][0]) < 0.05
        assert abs(sd - AGE[role][1]) < 0.05


def test_table_1_by_community(demo):
    expected_2016 = {
        "tuanjiehu": (4, 14),
        "maizidian": (2, 15),
        "xiangheyuan": (4, 11),
        "jinsong": (2, 10),
    }
    for code, (peers, consumers) in expected_2016.items():
        community = Community.objects.get(code=code)
        in_service = Enrolment.objects.in_service().filter(community=community)
        assert in_service.filter(role="peer").count() == peers
        assert in_service.filter(role="consumer").count() == consumers
    withdrawn = enrolments().with_status().get(current_status="withdrawn")
    assert withdrawn.community.code == "tuanjiehu" and withdrawn.role == "peer"
    change = withdrawn.status_changes.get(status="withdrawn")
    assert change.effective_on.year == 2015 and "压力" in change.reason
    assert enrolments().filter(status_changes__status="on_leave").get().community.code == (
        "maizidian"
    )
    assert enrolments().filter(started_on__gt=date(2016, 6, 30)).count() == 0


def test_caregivers_and_accounts(demo):
    links = CaregiverLink.objects.filter(cared_for__program__slug=PAPER)
    assert links.count() == 15
    assert links.filter(cared_for__enrolments__role="peer").count() == 7
    assert links.filter(cared_for__enrolments__role="consumer").count() == 8
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    peers = User.objects.filter(role=Role.PEER, person__program__slug=PAPER)
    assert sorted(peers.values_list("username", flat=True)) == ["peer1", "peer2"]
    assert User.objects.get(username="manager").check_password("tongban-demo")


def test_running_twice_duplicates_nothing(demo):
    models = (Person, Enrolment, CaregiverLink, User, Community, Candidate, Assessment, Consent)
    counts = [m.objects.count() for m in models] + [User.history.count()]
    out = StringIO()
    call_command("demo", stdout=out)
    assert [m.objects.count() for m in models] + [User.history.count()] == counts
    assert "manager" in out.getvalue() and "tongban-demo" in out.getvalue()


def test_if_empty_runs_again_on_the_demo_and_adds_nothing(demo):
    counts = [m.objects.count() for m in (Person, Enrolment, User)]
    call_command("demo", "--if-empty", stdout=StringIO())
    assert [m.objects.count() for m in (Person, Enrolment, User)] == counts
