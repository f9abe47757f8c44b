"""The header's program switcher (issue 8, item 3)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.registry import other_program
from tongban.accounts.models import User


@pytest.fixture
def program_b(program, users):
    return other_program.build(program)


def sign_in(client, user) -> None:
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def in_both(users, program_b):
    manager = users["manager"]
    manager.programs.add(program_b.program)
    return manager


def test_a_program_not_theirs_answers_404(client_for, users, program, program_b):
    client = client_for(users["manager"])
    response = client.post("/program/switch/", {"program": program_b.program.pk})
    assert response.status_code == 404
    assert User.objects.get(pk=users["manager"].pk).current_program_id is None
    assert client.get("/program/switch/").status_code == 405


def test_a_single_program_user_sees_no_switcher_but_the_programs_name(client_for, users, program):
    body = client_for(users["doctor"]).get("/").content.decode()
    assert 'class="programswitch"' not in body
    assert 'class="programname"' in body and program.display_name in body


def test_the_choice_is_remembered_across_sign_ins(client, in_both, program, program_b):
    sign_in(client, in_both)
    body = client.get("/").content.decode()
    assert 'class="programswitch"' in body
    assert client.post("/program/switch/", {"program": program.pk})["Location"] == "/"
    assert User.objects.get(pk=in_both.pk).current_program_id == program.pk
    client.logout()
    sign_in(client, in_both)
    body = client.get("/people/").content.decode()
    assert f'<option value="{program.pk}" selected>' in body
    assert "甲同伴" in body and "丙项目服务对象哨兵" not in body
    client.post("/program/switch/", {"program": program_b.program.pk})
    client.logout()
    sign_in(client, in_both)
    body = client.get("/people/").content.decode()
    assert f'<option value="{program_b.program.pk}" selected>' in body
    assert "丙项目服务对象哨兵" in body and "甲同伴" not in body


def test_the_header_shows_the_chosen_programs_name(client_for, in_both, program, program_b):
    client = client_for(in_both)
    client.post("/program/switch/", {"program": program_b.program.pk})
    body = client.get("/").content.decode()
    assert '<header class="topbar">' in body
    header = body[body.index('<header class="topbar">') : body.index("</header>")]
    assert f'<option value="{program_b.program.pk}" selected>Program B sentinel</option>' in header


def test_a_choice_no_longer_theirs_falls_back(client_for, in_both, program, program_b):
    client = client_for(in_both)
    client.post("/program/switch/", {"program": program_b.program.pk})
    in_both.programs.remove(program_b.program)
    body = client.get("/people/").content.decode()
    assert "甲同伴" in body and "丙项目服务对象哨兵" not in body
    assert 'class="programswitch"' not in body
