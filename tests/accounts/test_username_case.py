"""Usernames are unique whatever their case, in the database (issue 7, item 17)."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from tests.conftest import PASSWORD, make_user
from tongban.accounts import services
from tongban.accounts.models import Role, User

from .test_accounts import staff_data


def test_the_database_refuses_a_username_differing_only_in_case(users):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("DOCTOR", Role.SOCIAL_WORKER)
    assert User.objects.filter(username__iexact="doctor").count() == 1


def test_the_form_says_the_username_is_taken(client_for, users):
    response = client_for(users["manager"]).post("/accounts/new/", staff_data(username="Doctor"))
    assert response.status_code == 200
    assert "username" in response.context["form"].errors


def test_a_race_past_the_form_check_ends_in_a_field_error(users, monkeypatch):
    """The form's check passed for both; the loser meets the constraint in the service."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.account_create_staff(
            username="Manager",
            full_name="另一位经理",
            email="",
            role=Role.PROJECT_MANAGER,
            communities=[],
            password="a-long-enough-secret-42",
        )
    assert "username" in refused.value.error_dict


def test_sign_in_stays_case_sensitive_as_the_login_page_says(client, users):
    response = client.post("/login/", {"username": "DOCTOR", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/login/", {"username": "doctor", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_parallel_creations_differing_in_case_make_one_account(program):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts need PostgreSQL; SQLite serialises writes")
    from django.test import Client

    manager = make_user("race-manager", Role.PROJECT_MANAGER)
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}
    errors: dict[str, dict] = {}

    def create(username: str) -> None:
        try:
            client = Client()
            client.force_login(manager)
            data = staff_data(username=username, role=Role.PSYCHIATRIST)
            # Both pass the form's check before either has inserted.
            barrier.wait(timeout=10)
            response = client.post("/accounts/new/", data)
            statuses[username] = response.status_code
            if response.status_code == 200:
                errors[username] = dict(response.context["form"].errors)
        finally:
            connection.close()

    from tongban.accounts import forms

    original = forms.UniqueUsernameMixin.clean_username

    def clean_then_wait(self):  # widen the window between the check and the insert
        value = original(self)
        import time

        time.sleep(0.3)
        return value

    forms.UniqueUsernameMixin.clean_username = clean_then_wait
    try:
        threads = [threading.Thread(target=create, args=(n,)) for n in ("CaseRace0", "caserace0")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        forms.UniqueUsernameMixin.clean_username = original
    assert User.objects.filter(username__iexact="caserace0").count() == 1
    assert sorted(statuses.values()) == [200, 302]
    (loser,) = errors
    assert "username" in errors[loser]
