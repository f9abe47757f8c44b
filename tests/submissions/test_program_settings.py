"""A program's own reporting cycle: four-week cycles due three days after they end
(issue 8, item 2). Numbers, boundaries, due and overdue states, locking and the pages
follow the program's setting, and only its own project managers are told."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.notifications.models import Notification
from tongban.registry.models import Program
from tongban.submissions import locking, services
from tongban.submissions.cycles import State

# 2013-07-01 start, 28-day cycles: 1 is 07-01..07-28 (due 07-31), 2 is 07-29..08-25
# (due 08-28), 3 is 08-26..09-22 (due 09-25). The model's 42 days would put 08-26 in 2.
Kind = Notification.Kind


@pytest.fixture(autouse=True)
def four_weeks(program):
    program.cycle_days = 28
    program.submission_due_days = 3
    program.save()
    return program


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def other_manager(db):
    other = Program.objects.create(name="另一个项目", slug="other", started_on=date(2013, 7, 1))
    return make_user("manager.other", Role.PROJECT_MANAGER, programs=[other])


def test_the_peers_list_has_the_programs_cycles(client_for, users, community_a, frozen, english):
    frozen(date(2013, 8, 27))
    response = client_for(users["peer"]).get("/submissions/")
    rows = list(response.context["page"])
    assert [row.cycle.number for row in rows] == [3, 2, 1]
    assert [row.state for row in rows] == [State.OPEN, State.DUE, State.OVERDUE]
    html = response.content.decode()
    assert "2013-07-29 – 2013-08-25" in html
    assert "Each reporting cycle lasts 28 days" in html
    assert "They are due 3 days after the cycle ends." in html


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2013, 8, 24), State.OPEN),
        (date(2013, 8, 25), State.DUE),
        (date(2013, 8, 28), State.DUE),
        (date(2013, 8, 29), State.OVERDUE),
    ],
)
def test_a_cycles_page_is_due_then_overdue_by_the_programs_days(
    client_for, users, community_a, frozen, english, today, state
):
    frozen(today)
    response = client_for(users["peer"]).get(f"/submissions/{community_a.pk}/2/")
    assert response.context["row"].state == state
    html = response.content.decode()
    assert "2013-07-29 – 2013-08-25" in html
    assert "due by 2013-08-28" in html


def test_a_cycle_not_yet_begun_by_the_programs_days_is_404(client_for, users, community_a, frozen):
    frozen(date(2013, 8, 25))
    client = client_for(users["peer"])
    assert client.get(f"/submissions/{community_a.pk}/2/").status_code == 200
    assert client.get(f"/submissions/{community_a.pk}/3/").status_code == 404


def test_forms_can_be_submitted_from_the_programs_last_day(users, community_a, frozen):
    frozen(date(2013, 8, 27))
    with pytest.raises(ValidationError, match="2013-09-22"):
        services.submission_submit(community=community_a, cycle_number=3, by=users["peer"])
    with translation.override("en"), pytest.raises(ValidationError, match="no such"):
        services.submission_submit(community=community_a, cycle_number=4, by=users["peer"])
    submission = services.submission_submit(community=community_a, cycle_number=2, by=users["peer"])
    assert submission.cycle == 2


def test_an_accepted_cycle_locks_exactly_the_programs_days(
    users, community_a, frozen, other_manager
):
    frozen(date(2013, 8, 27))
    services.submission_submit(community=community_a, cycle_number=2, by=users["peer"])
    services.submission_accept(community=community_a, cycle_number=2, by=users["manager"])
    locked = {
        day: locking.is_locked(community=community_a, day=day)
        for day in (date(2013, 7, 28), date(2013, 7, 29), date(2013, 8, 25), date(2013, 8, 26))
    }
    assert locked == {
        date(2013, 7, 28): False,
        date(2013, 7, 29): True,
        date(2013, 8, 25): True,
        date(2013, 8, 26): False,
    }
    sent = locking.notify_managers_of_change(
        community=community_a, day=date(2013, 8, 1), by=users["peer"]
    )
    assert [n.recipient for n in sent] == [users["manager"]]
    assert sent[0].url == f"/submissions/{community_a.pk}/2/"
    assert sent[0].program == community_a.program
    assert not Notification.objects.filter(recipient=other_manager).exists()


def test_only_the_programs_managers_hear_of_a_submission(users, community_a, frozen, other_manager):
    frozen(date(2013, 8, 27))
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    (notice,) = Notification.objects.filter(kind=Kind.SUBMISSION_SUBMITTED)
    assert notice.recipient == users["manager"]
    assert notice.program == community_a.program
    services.submission_accept(community=community_a, cycle_number=1, by=users["manager"])
    (notice,) = Notification.objects.filter(kind=Kind.SUBMISSION_ACCEPTED)
    assert notice.recipient == users["peer"] and notice.program == community_a.program
    assert not Notification.objects.filter(recipient=other_manager).exists()


def test_the_managers_overview_and_home_follow_the_programs_cycles(
    client_for, users, community_a, community_b, frozen, english
):
    frozen(date(2013, 8, 29))
    client = client_for(users["manager"])
    response = client.get("/submissions/")
    assert response.context["current"] == 3
    assert [column.number for column in response.context["columns"]] == [3, 2, 1]
    (overdue,) = response.context["overdue"]
    assert (overdue.community, overdue.numbers) == (community_a, [2, 1])
    assert "Each reporting cycle lasts 28 days" in response.content.decode()
    home = client.get("/").context
    assert (home["cycle"].number, home["cycle"].starts_on) == (3, date(2013, 8, 26))
    assert home["overdue_total"] == 2


def test_due_on_the_last_day_when_the_program_gives_no_extra_days(
    program, client_for, users, community_a, frozen, english
):
    program.submission_due_days = 0
    program.save()
    frozen(date(2013, 8, 26))
    response = client_for(users["peer"]).get("/submissions/")
    states = {row.cycle.number: row.state for row in response.context["page"]}
    assert states == {3: State.OPEN, 2: State.OVERDUE, 1: State.OVERDUE}
    html = response.content.decode()
    assert "They are due on the cycle" in html and "They are due 0" not in html
