"""The in-app notification list, the unread count on every page, opening and reading."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send
from tongban.registry.models import Program

pytestmark = pytest.mark.django_db


def send(user, subject: str = "甲社区", url: str = "/people/", program=None) -> Notification:
    """A notification about the test program (else `program`)."""
    return notification_send(
        recipients=[user],
        kind=Notification.Kind.EMERGENCY_FILED,
        subject=subject,
        url=url,
        program=program or Program.objects.get(slug="test"),
    )[0]


def badge(html: str) -> str:
    start = html.index('class="unread-count')
    return html[html.index(">", start) + 1 : html.index("</span>", start)].strip()


@pytest.mark.parametrize("path", ["/", "/people/", "/communities/", "/emergencies/"])
def test_the_unread_count_is_on_every_page(client_for, users, path):
    client = client_for(users["doctor"])
    assert badge(client.get(path).content.decode()) == "0"
    send(users["doctor"])
    send(users["doctor"])
    send(users["psychologist"])
    html = client.get(path).content.decode()
    assert badge(html) == "2"
    assert 'href="/notifications/"' in html


def test_no_badge_for_anonymous_visitors(client):
    assert "unread-count" not in client.get("/login/").content.decode()


def test_opening_marks_read_and_goes_to_the_page(client_for, users):
    notification = send(users["doctor"], url="/emergencies/")
    client = client_for(users["doctor"])
    listing = client.get("/notifications/")
    assert listing.status_code == 200
    assert f"/notifications/{notification.pk}/" in listing.content.decode()
    assert "甲社区" in listing.content.decode()
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == "/emergencies/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Opening it again keeps the first reading time.
    first = notification.read_at
    client.get(f"/notifications/{notification.pk}/")
    notification.refresh_from_db()
    assert notification.read_at == first


def test_someone_elses_notification_is_404(client_for, users):
    notification = send(users["psychologist"])
    client = client_for(users["doctor"])
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/").status_code == 404
    assert "甲社区" not in client.get("/notifications/").content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_opening_never_leaves_the_site(client_for, users, target):
    notification = send(users["doctor"], url=target)
    response = client_for(users["doctor"]).get(f"/notifications/{notification.pk}/")
    assert response["Location"] == "/notifications/"


def test_mark_all_read(client_for, users):
    for _ in range(3):
        send(users["doctor"])
    other = send(users["psychologist"])
    client = client_for(users["doctor"])
    assert client.get("/notifications/read-all/").status_code == 405
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=users["doctor"], read_at__isnull=True)
    other.refresh_from_db()
    assert other.read_at is None
    assert badge(client.get("/").content.decode()) == "0"


def test_the_message_is_in_the_readers_language(users):
    notification = send(users["doctor"])
    with translation.override("en"):
        assert notification.text == "Emergency event reported in 甲社区"


def test_inactive_accounts_are_not_notified(users):
    users["doctor"].is_active = False
    users["doctor"].save()
    assert (
        notification_send(
            recipients=[users["doctor"]],
            kind="emergency_filed",
            subject="x",
            url="/",
            program=Program.objects.get(slug="test"),
        )
        == []
    )


def test_list_query_count_does_not_grow_with_rows(client_for, users, settings):
    settings.PAGE_SIZE = 5
    send(users["doctor"])
    client = client_for(users["doctor"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/notifications/").status_code == 200
        return len(context.captured_queries)

    before = count()
    for _ in range(8):
        send(users["doctor"])
    assert count() == before


def test_the_badge_costs_one_query(client_for, users):
    client = client_for(users["doctor"])
    with CaptureQueriesContext(connection) as context:
        client.get("/notifications/")
    sql = [query["sql"] for query in context.captured_queries]
    badge_queries = [text for text in sql if "emergencies_emergencyevent" in text]
    assert len(badge_queries) == 1
    assert "notifications_notification" in badge_queries[0]
