"""The current-password check of the password change counts like a sign-in (item 21)."""

from __future__ import annotations

from tests.conftest import PASSWORD

NEW = "another-secret-55"


def change(client, old: str):
    return client.post(
        "/password/", {"old_password": old, "new_password1": NEW, "new_password2": NEW}
    )


def test_after_the_failure_limit_even_the_right_password_is_refused(client, users, settings):
    doctor = users["doctor"]
    client.force_login(doctor)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = change(client, f"wrong-{attempt}")
        assert response.status_code in (200, 429)
    assert response.status_code == 429  # the last failure locks out, with the lockout page
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    response = change(client, PASSWORD)
    assert response.status_code == 429
    doctor.refresh_from_db()
    assert doctor.check_password(PASSWORD) and not doctor.check_password(NEW)


def test_lockout_applies_to_sign_in_too(client, users, settings):
    client.force_login(users["doctor"])
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        change(client, f"wrong-{attempt}")
    client.logout()
    response = client.post("/login/", {"username": "doctor", "password": PASSWORD})
    assert response.status_code == 429


def test_a_wrong_password_below_the_limit_is_an_inline_error_and_success_resets(
    client, users, settings
):
    doctor = users["doctor"]
    client.force_login(doctor)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change(client, f"wrong-{attempt}")
        assert response.status_code == 200
        assert "old_password" in response.context["form"].errors
    assert change(client, PASSWORD).status_code == 302
    doctor.refresh_from_db()
    assert doctor.check_password(NEW)
    # The failures were reset by the success, as after a sign-in.
    response = client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert response.status_code == 200
