"""The program's own pages: create (a new manager's first stop), settings, history."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.core import scope
from tongban.core.concurrency import current_version
from tongban.registry.models import Community, Program

from .conftest import make_plan, make_submission

pytestmark = pytest.mark.django_db

NEW = {
    "name": "朝阳区同伴支持",
    "name_en": "Chaoyang peer support",
    "slug": "",
    "started_on": "2026-09-01",
    "ended_on": "",
    "cycle_days": "42",
    "submission_due_days": "7",
    "escalation_hours": "24",
}


@pytest.fixture
def new_manager(db):
    """Made like create_manager makes one: no program yet."""
    return make_user("new.pm", Role.PROJECT_MANAGER, programs=[])


def edit_data(program: Program, **changes) -> dict:
    data = {
        "name": program.name,
        "name_en": program.name_en,
        "slug": program.slug,
        "started_on": program.started_on.isoformat(),
        "ended_on": program.ended_on.isoformat() if program.ended_on else "",
        "cycle_days": program.cycle_days,
        "submission_due_days": program.submission_due_days,
        "escalation_hours": program.escalation_hours,
        "version": current_version(program),
    }
    data.update(changes)
    return data


def test_a_manager_without_a_program_is_sent_to_create_one(client_for, new_manager):
    client = client_for(new_manager)
    response = client.get("/program/")
    assert response.status_code == 302 and response["Location"] == "/program/new/"
    page = client.get("/program/new/").content.decode()
    assert 'id="first-program"' in page


def test_creating_a_program_makes_the_manager_a_member_and_chooses_it(client_for, new_manager):
    client = client_for(new_manager)
    response = client.post("/program/new/", NEW)
    assert response.status_code == 302 and response["Location"] == "/program/"
    program = Program.objects.get()
    assert program.slug == "chaoyang-peer-support"  # made from the English name
    assert program.started_on == date(2026, 9, 1) and program.cycle_days == 42
    new_manager.refresh_from_db()
    assert list(new_manager.programs.all()) == [program]
    assert new_manager.current_program == program
    assert scope.program(new_manager) == program
    row = program.history.get()
    assert row.history_type == "+" and row.history_user == new_manager
    page = client.get("/program/").content.decode()
    assert "朝阳区同伴支持" in page or "Chaoyang peer support" in page
    assert 'id="setup-checklist"' in page
    assert "Program created" in page or "created" in page  # the history section


def test_a_manager_may_start_another_program(client_for, users, program):
    client = client_for(users["manager"])
    client.post("/program/new/", {**NEW, "slug": "second"})
    second = Program.objects.get(slug="second")
    manager = users["manager"]
    manager.refresh_from_db()
    assert set(manager.programs.all()) == {program, second}
    assert manager.current_program == second


def test_every_error_in_one_round_and_nothing_saved(client_for, users, program):
    client = client_for(users["manager"])
    data = {
        **NEW,
        "name": "  ",
        "slug": "TEST",  # taken by the fixture's program, whatever the case
        "ended_on": "2026-08-01",  # before the start
        "cycle_days": "3",
        "escalation_hours": "0",
    }
    response = client.post("/program/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "slug", "ended_on", "cycle_days", "escalation_hours"}
    assert "after the start date" in errors["ended_on"][0]
    assert Program.objects.count() == 1
    page = response.content.decode()
    assert page.count('<li><a href="#field-') == 5  # the summary lists all of them


def test_bad_dates_are_a_form_error_not_a_500(client_for, users, program):
    response = client_for(users["manager"]).post(
        "/program/new/", {**NEW, "started_on": "2026-02-31", "cycle_days": "99999999999999"}
    )
    assert response.status_code == 200
    assert {"started_on", "cycle_days"} <= set(response.context["form"].errors)


def test_editing_the_settings_is_audited(client_for, users, program):
    client = client_for(users["manager"])
    response = client.post(
        "/program/edit/", edit_data(program, escalation_hours=12, ended_on="2017-06-30")
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.escalation_hours == 12 and program.ended_on == date(2017, 6, 30)
    latest = program.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == users["manager"]
    page = client.get("/program/").content.decode()
    assert "escalation delay (hours)" in page and "<ins>12</ins>" in page


def test_two_saves_from_the_same_version_conflict(client_for, users, program):
    client = client_for(users["manager"])
    opened = edit_data(program)
    assert client.post("/program/edit/", {**opened, "name": "第一次"}).status_code == 302
    response = client.post("/program/edit/", {**opened, "name": "第二次"})
    assert response.status_code == 200
    assert response.context["conflict"]
    program.refresh_from_db()
    assert program.name == "第一次"


def test_start_or_cycle_cannot_change_once_forms_are_handed_in(client_for, users, community_a):
    program = community_a.program
    make_submission(community_a, users["peer"])
    client = client_for(users["manager"])
    response = client.post(
        "/program/edit/", edit_data(program, started_on="2013-08-01", cycle_days=28)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "renumber" in errors["started_on"][0] and "renumber" in errors["cycle_days"][0]
    program.refresh_from_db()
    assert program.started_on == date(2013, 7, 1) and program.cycle_days == 42
    # Other settings still change.
    assert client.post("/program/edit/", edit_data(program, name_en="Renamed")).status_code == 302


def test_the_start_cannot_move_after_the_first_session(client_for, users, community_a):
    peer = make_person("甲同伴二", community=community_a, role="peer")
    make_plan(community_a, date(2014, 3, 5), lead=peer, by=users["manager"])
    response = client_for(users["manager"]).post(
        "/program/edit/", edit_data(community_a.program, started_on="2014-04-01")
    )
    assert "2014-03-05" in response.context["form"].errors["started_on"][0]


@pytest.mark.parametrize("role", ["psychiatrist", "doctor", "research", "peer"])
def test_only_the_project_manager(client_for, users, role, community_a):
    client = client_for(users[role])
    for path in ("/program/", "/program/new/", "/program/edit/"):
        assert client.get(path).status_code == 403
    assert client.post("/program/new/", NEW).status_code == 403
    assert Program.objects.count() == 1


def test_program_page_has_constant_queries(client_for, users, program):
    client = client_for(users["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/program/").status_code == 200
        return len(context.captured_queries)

    Community.objects.create(
        program=program, code="c0", name="社区0", started_on=program.started_on
    )
    before = count()
    for i in range(1, 6):
        community = Community.objects.create(
            program=program, code=f"c{i}", name=f"社区{i}", started_on=program.started_on
        )
        make_person(f"同伴{i}", community=community, role="peer")
    assert count() == before
