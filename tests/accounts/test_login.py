from datetime import timedelta

import time_machine
from django.utils import timezone

from tests.conftest import PASSWORD


def test_sign_in_lands_on_the_home_page(client, users):
    response = client.post("/login/", {"username": "doctor", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "甲社区" in response.content.decode()


def test_peer_home_shows_the_roster(client, users, consumer_a, consumer_b):
    client.post("/login/", {"username": "peer", "password": PASSWORD})
    body = client.get("/").content.decode()
    assert consumer_a.name in body and consumer_b.name not in body


def test_login_attempts_are_throttled(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "doctor", "password": "wrong"})
    response = client.post("/login/", {"username": "doctor", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_session_ends_after_inactivity(client, users, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post("/login/", {"username": "doctor", "password": PASSWORD})
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get("/").status_code == 200  # activity renews the session
        traveller.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
        assert client.get("/")["Location"].startswith("/login/")


def test_passwords_are_hashed_with_argon2(users):
    assert users["doctor"].password.startswith("argon2$")


def test_own_password_change(client, users):
    client.force_login(users["doctor"])
    response = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-secret-55",
            "new_password2": "another-secret-55",
        },
    )
    assert response.status_code == 302
    users["doctor"].refresh_from_db()
    assert users["doctor"].check_password("another-secret-55")
