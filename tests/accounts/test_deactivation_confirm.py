"""Deactivating an account asks for confirmation first (issue 7, item 11)."""

from __future__ import annotations


def test_deactivation_shows_what_it_does_and_waits_for_confirmation(client_for, users):
    client = client_for(users["manager"])
    doctor = users["doctor"]
    detail = client.get(f"/accounts/{doctor.pk}/").content.decode()
    assert f'href="/accounts/{doctor.pk}/active/"' in detail and 'id="deactivate"' in detail
    page = client.get(f"/accounts/{doctor.pk}/active/")
    assert page.status_code == 200
    assert 'id="deactivate-consequences"' in page.content.decode()
    # A POST without the confirmation (an old form, a script) only shows the page.
    response = client.post(f"/accounts/{doctor.pk}/active/", {"active": "0"})
    assert response.status_code == 200
    doctor.refresh_from_db()
    assert doctor.is_active
    response = client.post(f"/accounts/{doctor.pk}/active/", {"active": "0", "confirm": "1"})
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert not doctor.is_active


def test_reactivation_needs_no_confirmation(client_for, users):
    client = client_for(users["manager"])
    doctor = users["doctor"]
    doctor.is_active = False
    doctor.save()
    assert client.get(f"/accounts/{doctor.pk}/active/").status_code == 302
    assert client.post(f"/accounts/{doctor.pk}/active/", {"active": "1"}).status_code == 302
    doctor.refresh_from_db()
    assert doctor.is_active


def test_only_the_manager_reaches_the_confirmation(client_for, users):
    for name in ("psychiatrist", "doctor", "peer"):
        response = client_for(users[name]).get(f"/accounts/{users['doctor'].pk}/active/")
        assert response.status_code == 403
