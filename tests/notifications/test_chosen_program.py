"""Notifications are those of the chosen program (issue 8, item 3): the list, the badge,
"mark all read" and opening one; another program's notification is 404 until chosen."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send
from tongban.programs.services import program_choose
from tongban.registry.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(users, program) -> Program:
    """A newer program the manager belongs to as well (so it is chosen by default)."""
    other = Program.objects.create(name="第二个项目", slug="second", started_on=date(2020, 1, 6))
    users["manager"].programs.add(other)
    return other


def send(user, program: Program, subject: str) -> Notification:
    return notification_send(
        recipients=[user],
        kind=Notification.Kind.SUBMISSION_SUBMITTED,
        subject=subject,
        url="/submissions/",
        program=program,
    )[0]


def badge(html: str) -> str:
    start = html.index('class="unread-count')
    return html[html.index(">", start) + 1 : html.index("</span>", start)].strip()


def choose(user, program: Program) -> None:
    program_choose(user=user, program=program)


def test_the_list_and_the_badge_are_of_the_chosen_program(client_for, users, program, second):
    manager = users["manager"]
    send(manager, program, "测试项目通知")
    send(manager, program, "测试项目通知")
    send(manager, second, "第二项目通知")
    client = client_for(manager)
    choose(manager, program)
    html = client.get("/notifications/").content.decode()
    assert "测试项目通知" in html and "第二项目通知" not in html
    assert badge(html) == "2"
    choose(manager, second)
    html = client.get("/notifications/").content.decode()
    assert "第二项目通知" in html and "测试项目通知" not in html
    assert badge(html) == "1"


def test_mark_all_read_marks_only_the_chosen_programs(client_for, users, program, second):
    manager = users["manager"]
    mine = send(manager, program, "测试项目通知")
    elsewhere = send(manager, second, "第二项目通知")
    choose(manager, program)
    client = client_for(manager)
    response = client.post("/notifications/read-all/", follow=True)
    # The message names the program: the other program's are still unread.
    assert "测试项目 的全部通知已标为已读" in response.content.decode()
    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    assert mine.read_at is not None and elsewhere.read_at is None
    choose(manager, second)
    assert badge(client.get("/").content.decode()) == "1"


def test_another_programs_notification_is_404_until_it_is_chosen(
    client_for, users, program, second
):
    manager = users["manager"]
    elsewhere = send(manager, second, "第二项目通知")
    choose(manager, program)
    client = client_for(manager)
    assert client.get(f"/notifications/{elsewhere.pk}/").status_code == 404
    assert client.post(f"/notifications/{elsewhere.pk}/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None
    choose(manager, second)
    response = client.get(f"/notifications/{elsewhere.pk}/")
    assert response.status_code == 302 and response["Location"] == "/submissions/"


def test_the_badge_costs_the_same_queries_whatever_the_programs(client_for, users, program, second):
    manager = users["manager"]
    send(manager, program, "测试项目通知")
    send(manager, second, "第二项目通知")
    choose(manager, program)
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/notifications/").status_code == 200
        return len(context.captured_queries)

    before = queries()
    for _ in range(3):
        send(manager, program, "测试项目通知")
        send(manager, second, "第二项目通知")
    assert queries() == before
    choose(manager, second)
    assert queries() == before
