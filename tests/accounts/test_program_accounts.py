"""The manager manages the accounts of the chosen program only (issue 8, item 3)."""

from __future__ import annotations

import pytest

from tests.accounts.test_accounts import staff_data
from tests.conftest import make_person, make_user
from tests.registry import other_program
from tongban.accounts.models import Role, User


@pytest.fixture
def program_b(program, users):
    return other_program.build(program)


@pytest.fixture(autouse=True)
def english(client, settings):
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_account_forms_offer_the_chosen_programs_communities_and_peers(
    client_for, users, program_b, community_a
):
    make_person("乙项目新同伴", community=program_b.community, role="peer")
    client = client_for(users["manager"])
    staff = client.get("/accounts/new/").content.decode()
    assert "Alpha" in staff and "Gamma sentinel" not in staff
    assert "unique in the whole installation" in staff
    peer = client.get("/accounts/new/?kind=peer").content.decode()
    assert "乙项目新同伴" not in peer
    doctor = client.get(f"/accounts/{users['doctor'].pk}/").content.decode()
    assert "Alpha" in doctor and "Gamma sentinel" not in doctor


def test_a_community_or_peer_of_another_program_is_refused(client_for, users, program_b):
    person = make_person("乙项目新同伴", community=program_b.community, role="peer")
    client = client_for(users["manager"])
    response = client.post("/accounts/new/", staff_data(communities=[program_b.community.pk]))
    assert response.status_code == 200 and response.context["form"].errors["communities"]
    data = {"person": person.pk, "username": "p-b", "password1": "x-long-secret-9z",
            "password2": "x-long-secret-9z"}  # fmt: skip
    response = client.post("/accounts/new/?kind=peer", data)
    assert response.status_code == 200 and response.context["form"].errors["person"]
    assert not User.objects.filter(username__in=["newdoc", "p-b"]).exists()


def test_a_new_program_wide_account_joins_the_chosen_program(client_for, users, program, program_b):
    client = client_for(users["manager"])
    client.post("/accounts/new/", staff_data(username="newpsy", role=Role.PSYCHIATRIST))
    assert list(User.objects.get(username="newpsy").programs.all()) == [program]


def test_usernames_are_unique_across_programs(client_for, users, program_b):
    response = client_for(users["manager"]).post(
        "/accounts/new/", staff_data(username="PB-Doctor", communities=[])
    )
    assert "This username is taken." in response.context["form"].errors["username"]


def test_assignments_in_other_programs_stay_and_are_not_shown(
    client_for, users, community_a, program_b
):
    doctor = users["doctor"]
    doctor.communities.add(program_b.community)
    client = client_for(users["manager"])
    assert "Gamma sentinel" not in client.get("/accounts/").content.decode()
    response = client.post(
        f"/accounts/{doctor.pk}/",
        {"full_name": "张医生", "email": "", "role": Role.COMMUNITY_DOCTOR,
         "communities": [community_a.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert set(doctor.communities.all()) == {community_a, program_b.community}
    page = client.get(f"/accounts/{doctor.pk}/").content.decode()
    assert "Gamma sentinel" not in page and "丙项目社区哨兵" not in page
    assert "张医生" in page


def test_the_manager_adds_a_program_wide_account_to_another_program_of_theirs(
    client_for, users, program, program_b
):
    manager, psychiatrist = users["manager"], users["psychiatrist"]
    client = client_for(manager)
    page = client.get(f"/accounts/{psychiatrist.pk}/").content.decode()
    assert 'name="programs"' not in page  # the manager has no other program
    manager.programs.add(program_b.program)
    manager.current_program = program  # program B is newer: it would be chosen first
    manager.save(update_fields=["current_program"])
    client = client_for(manager)
    page = client.get(f"/accounts/{psychiatrist.pk}/").content.decode()
    assert 'name="programs"' in page and "Program B sentinel" in page
    data = {"full_name": "精神科医生", "email": "", "role": Role.PSYCHIATRIST,
            "programs": [program_b.program.pk]}  # fmt: skip
    assert client.post(f"/accounts/{psychiatrist.pk}/", data).status_code == 302
    assert set(psychiatrist.programs.all()) == {program, program_b.program}
    page = client.get(f"/accounts/{psychiatrist.pk}/").content.decode()
    assert "<ins>Program B sentinel, Test program</ins>" in page  # audited
    # Unticked: the account leaves program B, never the chosen program.
    data.pop("programs")
    assert client.post(f"/accounts/{psychiatrist.pk}/", data).status_code == 302
    assert list(psychiatrist.programs.all()) == [program]


def test_a_program_the_manager_is_not_in_cannot_be_given_and_stays(
    client_for, users, program, program_b
):
    psychiatrist = users["psychiatrist"]
    psychiatrist.programs.add(program_b.program)
    client = client_for(users["manager"])
    page = client.get(f"/accounts/{psychiatrist.pk}/").content.decode()
    assert "Program B sentinel" not in page and "and 1 other program" in page
    data = {"full_name": "x", "email": "", "role": Role.PSYCHIATRIST,
            "programs": [program_b.program.pk]}  # fmt: skip
    assert client.post(f"/accounts/{psychiatrist.pk}/", data).status_code == 302
    assert set(psychiatrist.programs.all()) == {program, program_b.program}


def test_another_programs_accounts_answer_404(client_for, users, program_b):
    client = client_for(users["manager"])
    for account in program_b.users.values():
        assert client.get(f"/accounts/{account.pk}/").status_code == 404
    page = client.get("/accounts/").content.decode()
    assert "pb-" not in page


def test_a_staff_account_made_program_wide_joins_the_chosen_program(
    client_for, users, program, community_a
):
    worker = make_user("worker", Role.SOCIAL_WORKER, [community_a])
    data = {"full_name": "w", "email": "", "role": Role.PSYCHIATRIST, "communities": []}
    client_for(users["manager"]).post(f"/accounts/{worker.pk}/", data)
    assert list(worker.programs.all()) == [program]
    data = {"full_name": "w", "email": "", "role": Role.SOCIAL_WORKER,
            "communities": [community_a.pk]}  # fmt: skip
    client_for(users["manager"]).post(f"/accounts/{worker.pk}/", data)
    assert not worker.programs.exists()
