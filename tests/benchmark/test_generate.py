"""The benchmark's data generator (issue 14), on its tiny tier.

The program is generated once for the module, inside one transaction rolled back at the
end; each test runs in its own savepoint. Runs on SQLite (batched INSERTs) and on
PostgreSQL (COPY).
"""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.test import Client

from tongban.accounts.models import Role, User
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.benchmark.generate import generate
from tongban.benchmark.tiers import TINY
from tongban.discussion.models import Space
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Enrolment,
    EnrolmentStatusChange,
    Person,
    Program,
)

TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def bench(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(TINY, seed=7, today=TODAY)
        yield result
        transaction.set_rollback(True)


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_counts_match_the_tier(bench, db):
    program = Program.objects.get(pk=bench.program_id)
    assert Community.objects.filter(program=program).count() == TINY.communities
    enrolments = Enrolment.objects.filter(community__program=program)
    assert enrolments.filter(role="peer").count() == TINY.peers
    assert enrolments.filter(role="consumer").count() == TINY.consumers
    assert CaregiverLink.objects.filter(caregiver__program=program).count() == TINY.caregivers
    people = TINY.peers + TINY.consumers + TINY.caregivers
    assert Person.objects.filter(program=program).count() == people
    plans = ActivityPlan.objects.filter(community__program=program)
    assert plans.count() == TINY.sessions
    records = ActivityRecord.objects.filter(plan__in=plans).count()
    assert 0.85 * TINY.sessions < records < TINY.sessions
    low, high = TINY.attendance_per_session
    attendance = Attendance.objects.filter(record__plan__in=plans).count()
    assert records * (low - 1) < attendance <= records * high
    # What the generator says it wrote is what the tables hold (the database held nothing
    # of this program before; the program-wide space comes from program_create).
    assert bench.counts["registry_person"] == people
    assert bench.counts["activities_attendance"] == attendance
    assert bench.counts["discussion_space"] + 1 == Space.objects.filter(program=program).count()
    for table in ("emergencies_emergencyevent", "submissions_submission", "discussion_message"):
        assert bench.counts[table] > 0, table
    assert bench.counts["registry_historicalperson"] == people


def test_foreign_keys_and_constraints_hold(bench, db):
    # PostgreSQL defers the foreign key checks to the commit, which the rolled-back
    # transaction never reaches: check them now (SQLite: PRAGMA foreign_key_check).
    connection.check_constraints()


def test_sessions_follow_the_rules(bench, db):
    plans = ActivityPlan.objects.filter(community__program_id=bench.program_id)
    enrolled = Enrolment.objects.current().filter(
        community=OuterRef("record__plan__community"),
        person=OuterRef("person"),
        role=Enrolment.Role.CONSUMER,
        started_on__lte=OuterRef("record__held_on"),
    )
    attendance = Attendance.objects.filter(record__plan__in=plans)
    assert not attendance.filter(~Exists(enrolled)).exists()
    # A consumer is on a list only while in service (not withdrawn, not on leave).
    in_service = Enrolment.objects.filter(pk=OuterRef("pk")).in_service_on(OuterRef("day"))
    lists = (
        Enrolment.objects.filter(
            community__program_id=bench.program_id,
            role=Enrolment.Role.CONSUMER,
            person__attendances__record__plan__community=F("community"),
            person__attendances__voided_at__isnull=True,
        )
        .annotate(day=F("person__attendances__record__held_on"))
        .filter(~Exists(in_service))
    )
    assert not lists.exists()
    leads = Enrolment.objects.filter(
        community=OuterRef("community"), person=OuterRef("lead_peer"), role=Enrolment.Role.PEER
    )
    assert not plans.filter(~Exists(leads)).exists()
    records = ActivityRecord.objects.filter(plan__in=plans)
    assert not records.filter(ended_at__lte=F("started_at")).exists()
    # The plan's peers were present.
    assert not records.exclude(peers_present=F("plan__lead_peer")).exists()
    # Every enrolment's status history starts "active" on its start date.
    first = EnrolmentStatusChange.objects.filter(enrolment=OuterRef("pk")).order_by(
        "effective_on", "pk"
    )
    without = Enrolment.objects.filter(community__program_id=bench.program_id).exclude(
        Exists(first.filter(status="active", effective_on=OuterRef("started_on")))
    )
    assert not without.exists()
    assert EnrolmentStatusChange.objects.filter(status="withdrawn").exists()
    assert Attendance.objects.filter(voided_at__isnull=False).exists()


PAGES = ["/", "/sessions/", "/people/", "/group/", "session", "/reports/program/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "role",
    [
        Role.PROJECT_MANAGER,
        Role.PSYCHIATRIST,
        Role.COMMUNITY_DOCTOR,
        Role.RESEARCH_ASSISTANT,
        Role.PEER,
    ],
)
def test_pages_open(bench, db, role, page):
    username = bench.usernames[role]
    if page == "session":
        # A held session of the community of the doctor and the peer (the first one).
        community = Community.objects.filter(program_id=bench.program_id).order_by("pk")[0]
        plan = ActivityPlan.objects.filter(
            community=community, record__isnull=False, voided_at__isnull=True
        ).first()
        page = f"/sessions/{plan.pk}/"
    response = login(username).get(page)
    # Research assistants evaluate the program and are not in its supervision group.
    expected = 403 if (role, page) == (Role.RESEARCH_ASSISTANT, "/group/") else 200
    assert response.status_code == expected, (role, page)


def test_the_doctor_sees_their_community_only(bench, db):
    doctor = User.objects.get(username=bench.usernames[Role.COMMUNITY_DOCTOR])
    own, other = Community.objects.filter(program_id=bench.program_id).order_by("pk")
    assert list(doctor.communities.all()) == [own]
    visible = ActivityPlan.objects.visible_to(doctor)
    assert visible.count() == ActivityPlan.objects.filter(community=own).count()
    assert 0 < visible.count() < ActivityPlan.objects.filter(community__in=[own, other]).count()
    client = login(doctor.username)
    foreign = ActivityPlan.objects.filter(community=other).first()
    assert client.get(f"/sessions/{foreign.pk}/").status_code == 404
    mine = ActivityPlan.objects.filter(community=own).first()
    assert client.get(f"/sessions/{mine.pk}/").status_code == 200
    manager = User.objects.get(username=bench.usernames[Role.PROJECT_MANAGER])
    assert ActivityPlan.objects.visible_to(manager).count() == TINY.sessions


def test_same_seed_same_program(bench, db):
    again = generate(TINY, seed=7, today=TODAY)
    assert again.slug == "bench-tiny-2"
    assert again.counts == bench.counts

    def names(program_id):
        return list(Person.objects.filter(program_id=program_id).order_by("pk").values_list("name"))

    def lists(program_id):
        rows = Attendance.objects.filter(record__plan__community__program_id=program_id)
        return list(rows.order_by("pk").values_list("record__held_on", "person__name"))

    assert names(again.program_id) == names(bench.program_id)
    assert lists(again.program_id) == lists(bench.program_id)


def test_the_command_refuses_a_database_with_a_program(bench, db):
    with pytest.raises(CommandError, match="already holds a program"):
        call_command("bench_generate", "--tier", "tiny", stdout=StringIO())
    out = StringIO()
    call_command("bench_generate", "--tier", "tiny", "--force", stdout=out)
    assert "registry_person" in out.getvalue()
    assert "bench-tiny-2.manager" in out.getvalue()
    assert Program.objects.filter(slug="bench-tiny-2").exists()
