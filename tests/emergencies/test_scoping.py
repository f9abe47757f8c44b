"""Who sees which emergency forms, and which parts of them."""

from __future__ import annotations

import pytest

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent

from .conftest import file_event

pytestmark = pytest.mark.django_db

DIAGNOSIS_WORDS = ("schizophrenia", "精神分裂")


@pytest.fixture
def peer_b(community_b):
    person = make_person("乙同伴", community=community_b, role="peer")
    return make_user("peer-b", Role.PEER, person=person)


@pytest.fixture
def event_b(peer_b, community_b) -> EmergencyEvent:
    return file_event(peer_b, community_b, description="乙社区的事件")


def test_a_peer_of_another_community_gets_404(client_for, users, community_b, peer_b, event_b):
    assert client_for(peer_b).get(f"/emergencies/{event_b.pk}/").status_code == 200

    client = client_for(users["peer"])
    assert client.get(f"/emergencies/{event_b.pk}/").status_code == 404
    listing = client.get("/emergencies/").content.decode()
    assert "乙社区的事件" not in listing and community_b.name not in listing


@pytest.mark.parametrize("username", ["doctor", "psychologist", "socialworker", "research"])
def test_staff_of_another_community_get_404(client_for, users, event_b, username):
    assert client_for(users[username]).get(f"/emergencies/{event_b.pk}/").status_code == 404


@pytest.mark.parametrize("username", ["manager", "psychiatrist"])
def test_program_wide_roles_see_every_community(client_for, users, event_b, username):
    assert client_for(users[username]).get(f"/emergencies/{event_b.pk}/").status_code == 200


def test_a_peer_sees_peer_forms_and_session_forms_not_a_doctors_clinic_note(
    client_for, users, community_a, session_a
):
    by_peer = file_event(users["peer"], community_a, description="同伴报告")
    by_staff_in_session = file_event(users["research"], community_a, session=session_a)
    clinic = file_event(users["doctor"], community_a, description="门诊时谈到轻生念头")
    client = client_for(users["peer"])
    assert client.get(f"/emergencies/{by_peer.pk}/").status_code == 200
    assert client.get(f"/emergencies/{by_staff_in_session.pk}/").status_code == 200
    assert client.get(f"/emergencies/{clinic.pk}/").status_code == 404
    assert "门诊时谈到轻生念头" not in client.get("/emergencies/").content.decode()
    staff = client_for(users["psychologist"])
    assert staff.get(f"/emergencies/{clinic.pk}/").status_code == 200


def test_a_peer_sees_the_acknowledgement_but_not_the_staff_notes(
    client_for, users, community_a, consumer_a
):
    event = file_event(users["peer"], community_a, people_involved=[consumer_a])
    services.emergency_acknowledge(event=event, by=users["doctor"])
    services.emergency_follow_up(event=event, by=users["doctor"], text="家属说已停药两周")
    services.emergency_close(event=event, by=users["doctor"], closing_note="调整用药后结案")

    page = client_for(users["peer"]).get(f"/emergencies/{event.pk}/")
    html = page.content.decode()
    assert users["doctor"].display_name in html  # who acknowledged
    assert "家属说已停药两周" not in html
    assert "调整用药后结案" not in html
    # The consumer's name, never their private fields.
    assert consumer_a.name in html
    assert consumer_a.phone not in html
    assert not any(word in html.lower() for word in DIAGNOSIS_WORDS)

    staff_html = client_for(users["socialworker"]).get(f"/emergencies/{event.pk}/")
    staff_html = staff_html.content.decode()
    assert "家属说已停药两周" in staff_html and "调整用药后结案" in staff_html


def test_a_voiding_reason_is_not_shown_to_peers(client_for, users, community_a):
    event = file_event(users["peer"], community_a)
    services.emergency_void(event=event, by=users["doctor"], reason="家属要求撤回")
    html = client_for(users["peer"]).get(f"/emergencies/{event.pk}/").content.decode()
    assert "家属要求撤回" not in html
    staff = client_for(users["doctor"]).get(f"/emergencies/{event.pk}/")
    assert "家属要求撤回" in staff.content.decode()


def test_people_outside_the_readers_scope_are_counted_not_named(
    client_for, users, community_a, consumer_a
):
    event = file_event(users["peer"], community_a, people_involved=[consumer_a])
    # The consumer's enrolment was a mistake: voided, so out of the peer's scope.
    consumer_a.enrolments.get().void(by=users["doctor"], reason="录入错误")
    html = client_for(users["peer"]).get(f"/emergencies/{event.pk}/").content.decode()
    assert consumer_a.name not in html
    assert client_for(users["manager"]).get(f"/emergencies/{event.pk}/").status_code == 200
