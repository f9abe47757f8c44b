"""`manage.py create_manager`: the first project manager, on an empty database."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import make_user
from tongban.accounts.models import Role, User
from tongban.core import scope
from tongban.registry.models import Program

GOOD = "Lantern-river-4417"
pytestmark = pytest.mark.django_db


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("create_manager", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_scripted_on_an_empty_database(monkeypatch):
    assert not Program.objects.exists() and not User.objects.exists()
    monkeypatch.setenv("FIRST_PASSWORD", GOOD)
    output = run(
        "--username",
        "wang.pm",
        "--name",
        "王经理",
        "--email",
        "wang@example.org",
        "--password-from-env",
        "FIRST_PASSWORD",
    )
    user = User.objects.get()
    assert user.username == "wang.pm" and user.first_name == "王经理"
    assert user.email == "wang@example.org"
    assert user.role == Role.PROJECT_MANAGER and user.is_active
    assert user.check_password(GOOD)
    assert not user.programs.exists() and scope.program(user) is None
    assert "wang.pm" in output


def test_password_from_stdin(monkeypatch):
    run("--username", "li", "--name", "李经理", "--password-stdin", stdin=GOOD + "\n",
        monkeypatch=monkeypatch)  # fmt: skip
    assert User.objects.get(username="li").check_password(GOOD)


def test_interactive_asks_everything_and_the_password_twice(monkeypatch):
    answers = iter(["zhao", "赵经理", "not-an-email", "zhao@example.org"])
    passwords = iter(["short", "short", GOOD, "different-0042x", GOOD, GOOD])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    err = io.StringIO()
    call_command("create_manager", stdout=io.StringIO(), stderr=err)
    user = User.objects.get()
    assert (user.username, user.email) == ("zhao", "zhao@example.org")
    assert user.check_password(GOOD)
    shown = err.getvalue()
    assert "valid email" in shown  # asked again after the bad address
    assert "too short" in shown  # the password validators ran
    assert "differ" in shown


def test_taken_username_is_refused_ignoring_case(monkeypatch):
    make_user("Wang", Role.RESEARCH_ASSISTANT)
    monkeypatch.setenv("FIRST_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="taken") as refused:
        run("--username", "wANG", "--name", "王", "--password-from-env", "FIRST_PASSWORD")
    assert refused.value.returncode != 0
    assert User.objects.count() == 1


def test_weak_password_is_refused_and_nothing_created(monkeypatch):
    monkeypatch.setenv("FIRST_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="too short|too common|entirely numeric"):
        run("--username", "chen", "--name", "陈", "--password-from-env", "FIRST_PASSWORD")
    assert not User.objects.exists()


def test_password_similar_to_the_username_is_refused(monkeypatch):
    monkeypatch.setenv("FIRST_PASSWORD", "chen.manager.1")
    with pytest.raises(CommandError, match="similar"):
        run("--username", "chen.manager", "--name", "陈", "--password-from-env", "FIRST_PASSWORD")
    assert not User.objects.exists()


def test_no_password_source_without_prompts_fails():
    with pytest.raises(CommandError, match="password"):
        run("--username", "chen", "--name", "陈", "--no-input")
    assert not User.objects.exists()


def test_unset_environment_variable(monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(CommandError, match="NOT_SET_ANYWHERE"):
        run("--username", "chen", "--name", "陈", "--password-from-env", "NOT_SET_ANYWHERE")


def test_a_password_on_the_command_line_is_not_accepted():
    with pytest.raises(CommandError):
        run("--username", "chen", "--name", "陈", "--password", GOOD)
    assert not User.objects.exists()


def test_joins_an_existing_program(monkeypatch, program):
    monkeypatch.setenv("FIRST_PASSWORD", GOOD)
    run("--username", "zhou", "--name", "周", "--password-from-env", "FIRST_PASSWORD",
        "--program", "TEST")  # fmt: skip
    assert scope.program(User.objects.get(username="zhou")) == program
