"""Two people saving the same person record from one version: the second is refused
with what changed, and nothing of theirs is written (issue 7, item 16)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.conftest import make_person
from tongban.core.concurrency import EditConflict, current_version
from tongban.registry import services
from tongban.registry.models import Person


def form_data(person: Person, version: int, **changes) -> dict:
    data = {
        "name": person.name,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "education": person.education,
        "marital_status": person.marital_status,
        "working_status": person.working_status,
        "diagnosis": person.diagnosis,
        "phone": person.phone,
        "address": person.address,
        "version": str(version),
    }
    data.update(changes)
    return data


def test_the_form_carries_the_version_it_was_opened_on(client_for, users, consumer_a):
    page = client_for(users["doctor"]).get(f"/people/{consumer_a.pk}/edit/")
    form = page.context["form"]
    assert form["version"].value() == current_version(consumer_a) > 0
    assert 'name="version"' in page.content.decode()


def test_second_save_from_the_same_version_is_refused_and_shows_what_changed(
    client, client_for, users, consumer_a
):
    from django.test import Client

    version = current_version(consumer_a)
    first = Client()
    first.force_login(users["psychologist"])
    response = first.post(
        f"/people/{consumer_a.pk}/edit/", form_data(consumer_a, version, phone="13900001111")
    )
    assert response.status_code == 302
    second = client_for(users["doctor"])
    response = second.post(
        f"/people/{consumer_a.pk}/edit/",
        form_data(consumer_a, version, address="朝阳区某街道 1 号"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="conflict"' in page
    assert "psychologist" in page and str(Person._meta.get_field("phone").verbose_name) in page
    consumer_a.refresh_from_db()
    assert consumer_a.phone == "13900001111" and consumer_a.address == ""
    # The form now shows the stored values and the new version: saving again works.
    form = response.context["form"]
    assert not form.is_bound and form["phone"].value() == "13900001111"
    assert form["version"].value() == current_version(consumer_a)
    response = second.post(
        f"/people/{consumer_a.pk}/edit/",
        form_data(consumer_a, current_version(consumer_a), address="朝阳区某街道 1 号"),
    )
    assert response.status_code == 302
    consumer_a.refresh_from_db()
    assert consumer_a.address == "朝阳区某街道 1 号" and consumer_a.phone == "13900001111"


def test_only_changed_fields_are_written(users, consumer_a):
    version = current_version(consumer_a)
    services.person_update(person=consumer_a, fields={"phone": "13900002222"}, version=version)
    latest = consumer_a.history.order_by("-history_id").first()
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["phone"]
    # Unchanged values write nothing and keep the version.
    now = current_version(consumer_a)
    services.person_update(person=consumer_a, fields={"phone": "13900002222"}, version=now)
    assert current_version(consumer_a) == now


@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_from_one_version_lose_no_write(program):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises writes")
    from tongban.registry.models import Community

    community = Community.objects.create(program=program, code="race", name="竞态社区")
    person = make_person("竞态对象", community=community)
    version = current_version(person)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(name: str, fields: dict) -> None:
        try:
            barrier.wait(timeout=10)
            services.person_update(
                person=Person.objects.get(pk=person.pk), fields=fields, version=version
            )
            outcomes[name] = "saved"
        except EditConflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("phone", {"phone": "13911110000"})),
        threading.Thread(target=save, args=("address", {"address": "竞态路 2 号"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    person.refresh_from_db()
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert (person.phone == "13911110000") == (winner == "phone")
    assert (person.address == "竞态路 2 号") == (winner == "address")
    assert person.history.count() == 2  # created, then the one save that won
