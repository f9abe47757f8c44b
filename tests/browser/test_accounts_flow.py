"""The project manager opens a staff account on a phone, deactivates it, and it is locked out."""

from __future__ import annotations

import pytest

from tongban.accounts.models import User

from .conftest import assert_tappable, html_lang, login, logout, path_of, shoot, url

pytestmark = pytest.mark.browser

NEW_USERNAME = "doctor.beta"
NEW_FULL_NAME = "乙社区王医生"
NEW_PASSWORD = "Lantern-river-4417"


def test_manager_creates_and_deactivates_a_staff_account(
    live_server, phone, new_phone, users, community_a, community_b
):
    login(phone, live_server, "manager")
    assert path_of(phone) == "/"
    assert html_lang(phone) == "zh-hans"

    phone.goto(url(live_server, "/accounts/"))
    assert phone.get_by_role("link", name="peer", exact=True).is_visible()
    assert_tappable(phone, "main a.button, main button")
    shoot(phone, "accounts-01-list")

    with phone.expect_navigation():
        phone.click("a.button[href='/accounts/new/']")
    assert path_of(phone) == "/accounts/new/"
    phone.fill("input[name=username]", NEW_USERNAME)
    phone.fill("input[name=full_name]", NEW_FULL_NAME)
    phone.select_option("select[name=role]", "community_doctor")
    phone.check(f"input[name=communities][value='{community_b.pk}']")
    phone.fill("input[name=password1]", NEW_PASSWORD)
    phone.fill("input[name=password2]", NEW_PASSWORD)
    shoot(phone, "accounts-02-new-staff-form")
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")

    account = User.objects.get(username=NEW_USERNAME)
    assert path_of(phone) == f"/accounts/{account.pk}/"
    assert account.role == "community_doctor"
    assert account.first_name == NEW_FULL_NAME
    assert list(account.communities.all()) == [community_b]
    assert account.is_active
    assert account.check_password(NEW_PASSWORD)
    assert phone.locator("h1").inner_text().startswith(NEW_USERNAME)
    assert phone.is_checked(f"input[name=communities][value='{community_b.pk}']")
    assert not phone.is_checked(f"input[name=communities][value='{community_a.pk}']")
    shoot(phone, "accounts-03-created")

    # The new doctor can sign in (in their own browser) and sees community B only.
    doctor_phone = new_phone()
    login(doctor_phone, live_server, NEW_USERNAME, NEW_PASSWORD)
    assert path_of(doctor_phone) == "/"
    doctor_phone.goto(url(live_server, "/communities/"))
    assert doctor_phone.get_by_role("link", name=community_b.name).count() >= 1
    assert doctor_phone.get_by_role("link", name=community_a.name).count() == 0

    # Deactivate: a confirmation page first says what it does.
    assert_tappable(phone, "#deactivate")
    with phone.expect_navigation():
        phone.click("#deactivate")
    assert path_of(phone) == f"/accounts/{account.pk}/active/"
    assert phone.locator("#deactivate-consequences").is_visible()
    account.refresh_from_db()
    assert account.is_active
    shoot(phone, "accounts-03b-confirm-deactivation")
    assert_tappable(phone, "#deactivate-form button[type=submit]")
    with phone.expect_navigation():
        phone.click("#deactivate-form button[type=submit]")
    assert path_of(phone) == f"/accounts/{account.pk}/"
    account.refresh_from_db()
    assert not account.is_active
    assert phone.locator("p.notice").is_visible()
    reactivate = f"form[action='/accounts/{account.pk}/active/'] input[name=active][value='1']"
    assert phone.locator(reactivate).count() == 1
    shoot(phone, "accounts-04-deactivated")

    phone.goto(url(live_server, "/accounts/"))
    new_link = phone.get_by_role("link", name=NEW_USERNAME)
    row = phone.locator("table.responsive tbody tr", has=new_link)
    assert row.locator(".badge.status-withdrawn").count() == 1
    shoot(phone, "accounts-05-list-after")

    # The session the doctor already had ends on their next request.
    doctor_phone.goto(url(live_server, "/communities/"))
    assert path_of(doctor_phone).startswith("/login/")

    # And a fresh sign-in is refused with the usual message.
    logout(phone)
    login(phone, live_server, NEW_USERNAME, NEW_PASSWORD)
    assert path_of(phone).startswith("/login/")
    assert phone.locator(".errorbox").is_visible()
    assert phone.locator("form[action='/logout/']").count() == 0
    shoot(phone, "accounts-06-deactivated-login-refused")
