"""Two managers saving the same account from one version: the second is refused."""

from tongban.accounts.models import User
from tongban.core.concurrency import current_version


def form_data(account: User, version: int, **changes) -> dict:
    data = {
        "version": str(version),
        "full_name": account.first_name,
        "email": account.email,
        "role": account.role,
        "communities": [str(c.pk) for c in account.communities.all()],
    }
    data.update(changes)
    return data


def test_the_second_save_from_one_version_is_refused(client_for, users):
    doctor = users["doctor"]
    client = client_for(users["manager"])
    page = client.get(f"/accounts/{doctor.pk}/")
    opened = page.context["form"]["version"].value()
    assert opened == current_version(doctor) > 0
    first = client.post(f"/accounts/{doctor.pk}/", form_data(doctor, opened, full_name="张一"))
    assert first.status_code == 302
    second = client.post(f"/accounts/{doctor.pk}/", form_data(doctor, opened, email="z@x.org"))
    assert second.status_code == 200
    assert second.context["conflict"]
    doctor.refresh_from_db()
    # The first save stands; the second wrote nothing, and the form shows what is stored.
    assert doctor.first_name == "张一" and doctor.email == ""
    assert second.context["form"]["full_name"].value() == "张一"


def test_the_account_signing_in_meanwhile_is_no_conflict(client, client_for, users):
    from django.test import Client

    from tests.conftest import PASSWORD

    doctor = users["doctor"]
    manager = client_for(users["manager"])
    opened = manager.get(f"/accounts/{doctor.pk}/").context["form"]["version"].value()
    assert Client().post("/login/", {"username": "doctor", "password": PASSWORD}).status_code == 302
    saved = manager.post(f"/accounts/{doctor.pk}/", form_data(doctor, opened, full_name="张二"))
    assert saved.status_code == 302
    doctor.refresh_from_db()
    assert doctor.first_name == "张二"
