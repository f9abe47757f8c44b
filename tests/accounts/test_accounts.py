from tests.conftest import PASSWORD
from tongban.accounts.models import Role, User


def staff_data(**overrides):
    data = {
        "username": "newdoc",
        "full_name": "王医生",
        "email": "wang@example.org",
        "role": Role.COMMUNITY_DOCTOR,
        "communities": [],
        "password1": "a-long-enough-secret-42",
        "password2": "a-long-enough-secret-42",
    }
    data.update(overrides)
    return data


def test_manager_creates_a_staff_account(client_for, users, community_b):
    client = client_for(users["manager"])
    response = client.post("/accounts/new/", staff_data(communities=[community_b.pk]))
    account = User.objects.get(username="newdoc")
    assert response.status_code == 302 and response["Location"] == f"/accounts/{account.pk}/"
    assert list(account.communities.all()) == [community_b]
    assert account.password.startswith("argon2")
    assert {h.history_user for h in account.history.all()} == {users["manager"]}


def test_staff_account_errors_are_inline_and_nothing_is_saved(client_for, users):
    client = client_for(users["manager"])
    before = User.objects.count()
    response = client.post(
        "/accounts/new/",
        staff_data(username="doctor", role=Role.PEER, password1="123", password2="1234"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"username", "role", "password2"}
    response = client.post(
        "/accounts/new/", staff_data(password1="12345678901", password2="12345678901")
    )
    assert "password2" in response.context["form"].errors  # entirely numeric
    assert User.objects.count() == before


def test_manager_creates_a_peer_account_for_an_enrolled_peer(client_for, users, community_a):
    from tests.conftest import make_person

    peer = make_person("新同伴", community=community_a, role="peer")
    consumer = make_person("不是同伴", community=community_a)
    client = client_for(users["manager"])
    data = {
        "person": consumer.pk,
        "username": "p2",
        "password1": "a-long-enough-secret-42",
        "password2": "a-long-enough-secret-42",
    }
    response = client.post("/accounts/new/?kind=peer", data)
    assert response.status_code == 200 and "person" in response.context["form"].errors
    data["person"] = peer.pk
    assert client.post("/accounts/new/?kind=peer", data).status_code == 302
    account = User.objects.get(username="p2")
    assert account.role == Role.PEER and account.person == peer


def test_manager_changes_role_and_communities_with_audit(
    client_for, users, community_a, community_b
):
    client = client_for(users["manager"])
    doctor = users["doctor"]
    response = client.post(
        f"/accounts/{doctor.pk}/",
        {
            "full_name": "张医生",
            "email": "",
            "role": Role.SOCIAL_WORKER,
            "communities": [community_b.pk],
        },
    )
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.role == Role.SOCIAL_WORKER and list(doctor.communities.all()) == [community_b]
    page = client.get(f"/accounts/{doctor.pk}/").content.decode()
    assert "张医生" in page and "<del>" in page
    # Community assignments are part of the trail: old and new.
    assert "<del>甲社区</del>" in page and "<ins>乙社区</ins>" in page


def test_deactivated_account_cannot_sign_in_and_loses_its_session(client, client_for, users):
    doctor = users["doctor"]
    other = client_for(users["doctor"])
    assert other.get("/").status_code == 200
    from django.test import Client

    manager = Client()
    manager.force_login(users["manager"])
    response = manager.post(f"/accounts/{doctor.pk}/active/", {"active": "0", "confirm": "1"})
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert not doctor.is_active
    # The open session ends at the next request.
    assert other.get("/")["Location"].startswith("/login/")
    fresh = Client()
    response = fresh.post("/login/", {"username": "doctor", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in fresh.session


def test_manager_cannot_deactivate_themselves(client_for, users):
    manager = users["manager"]
    client = client_for(manager)
    client.post(f"/accounts/{manager.pk}/active/", {"active": "0", "confirm": "1"})
    manager.refresh_from_db()
    assert manager.is_active


def test_manager_resets_a_password(client_for, users):
    client = client_for(users["manager"])
    doctor = users["doctor"]
    response = client.post(
        f"/accounts/{doctor.pk}/password/", {"password1": "short", "password2": "short"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        f"/accounts/{doctor.pk}/password/",
        {"password1": "brand-new-secret-77", "password2": "brand-new-secret-77"},
    )
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.check_password("brand-new-secret-77")


def test_account_pages_are_for_the_manager_only(client_for, users):
    for name in ("psychiatrist", "doctor", "peer"):
        client = client_for(users[name])
        assert client.get("/accounts/").status_code == 403
        assert client.get(f"/accounts/{users['manager'].pk}/").status_code == 403


def test_account_list_queries_do_not_grow(client_for, users, community_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_user

    client = client_for(users["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get("/accounts/")
        return len(context.captured_queries)

    before = count()
    for i in range(10):
        make_user(f"extra{i}", Role.SOCIAL_WORKER, [community_a])
    assert count() == before


def test_scoped_staff_need_a_community_and_managers_keep_their_role(client_for, users):
    client = client_for(users["manager"])
    response = client.post("/accounts/new/", staff_data(communities=[]))
    assert "communities" in response.context["form"].errors
    assert not User.objects.filter(username="newdoc").exists()
    # Program-wide roles need none.
    assert client.post("/accounts/new/", staff_data(role=Role.PSYCHIATRIST)).status_code == 302
    manager = users["manager"]
    response = client.post(
        f"/accounts/{manager.pk}/",
        {"full_name": "经理", "email": "", "role": Role.SOCIAL_WORKER, "communities": []},
    )
    manager.refresh_from_db()
    assert manager.role == Role.PROJECT_MANAGER
