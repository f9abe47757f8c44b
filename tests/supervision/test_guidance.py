"""Guidance notes before and after a session, while the program's phase asks for them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.notifications.context_processors import ESCALATION_KEY, REMINDERS_KEY
from tongban.supervision import guidance_services as services
from tongban.supervision.models import GuidanceNote

from .request_fixtures import guidance_phase, make_session, no_guidance

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def quiet_jobs():
    cache.set(REMINDERS_KEY, 1, 600)
    cache.set(ESCALATION_KEY, 1, 600)
    yield
    cache.delete(REMINDERS_KEY)
    cache.delete(ESCALATION_KEY)


@pytest.fixture
def session(users, community_a, peer_person_a, program):
    guidance_phase(program, starts_on=TODAY - timedelta(days=30))
    return make_session(
        community_a, users["peer"], day=TODAY + timedelta(days=2), lead=peer_person_a
    )


def add(session, by, **overrides):
    fields = {"when": "before", "given_on": TODAY, "text": "先准备好热身游戏"}
    fields.update(overrides)
    return services.guidance_note_add(session=session, by=by, **fields)


def url(session) -> str:
    return f"/supervision/sessions/{session.pk}/guidance/new/"


def test_a_note_before_the_session(session, users):
    note = add(session, users["doctor"])
    assert note.when == "before" and note.given_by == users["doctor"]
    assert note.session == session


def test_refused_outside_the_guidance_phase(users, community_a, peer_person_a, program):
    no_guidance(program)
    plan = make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a)
    with pytest.raises(ValidationError) as caught:
        add(plan, users["doctor"])
    assert "__all__" in caught.value.message_dict
    with translation.override("en"):
        assert "as-needed" in services.not_due_message(plan)


def test_the_phase_of_the_sessions_day_counts(users, community_a, peer_person_a, program):
    # The first phase ended yesterday: a session of last week gets notes, today's does not.
    guidance_phase(program, starts_on=date(2013, 7, 1), ends_on=TODAY - timedelta(days=1))
    last_week = make_session(
        community_a, users["peer"], day=TODAY - timedelta(days=7), lead=peer_person_a, held=True
    )
    today = make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a)
    add(last_week, users["doctor"], when="after")
    with pytest.raises(ValidationError):
        add(today, users["doctor"])


def test_every_error_at_once(session, users):
    with pytest.raises(ValidationError) as caught:
        add(session, users["doctor"], when="during", given_on=TODAY + timedelta(days=1), text=" ")
    assert set(caught.value.message_dict) == {"when", "given_on", "text"}


def test_after_notes_are_not_dated_before_the_session(session, users):
    with pytest.raises(ValidationError) as caught:
        add(session, users["doctor"], when="after", given_on=TODAY)
    assert set(caught.value.message_dict) == {"given_on"}


def test_peers_and_readers_cannot_give_guidance(session, users):
    for name in ("peer", "manager", "research"):
        with pytest.raises(PermissionDenied):
            add(session, users[name])
    # Social workers help before and after sessions (from year three).
    add(session, users["socialworker"])


def test_void_with_a_reason(session, users):
    note = add(session, users["doctor"])
    with pytest.raises(ValidationError):
        services.guidance_note_void(note=note, by=users["doctor"], reason="")
    services.guidance_note_void(note=note, by=users["doctor"], reason="写错了活动")
    note.refresh_from_db()
    assert note.is_voided and note.void_reason == "写错了活动"
    with pytest.raises(ValidationError):
        services.guidance_note_void(note=note, by=users["doctor"], reason="again")


# Pages -------------------------------------------------------------------------------------


def test_the_session_page_links_while_guidance_is_due(session, users, client_for):
    page = client_for(users["doctor"]).get(f"/sessions/{session.pk}/").content.decode()
    assert f"{url(session)}?when=before" in page and f"{url(session)}?when=after" in page
    # Peers do not add notes.
    page = client_for(users["peer"]).get(f"/sessions/{session.pk}/").content.decode()
    assert url(session) not in page


def test_no_links_outside_the_phase(users, community_a, peer_person_a, program, client_for):
    no_guidance(program)
    plan = make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a)
    client = client_for(users["doctor"])
    assert url(plan) not in client.get(f"/sessions/{plan.pk}/").content.decode()
    # Opening the form anyway says why, on the session's page.
    response = client.get(url(plan), follow=True)
    assert response.redirect_chain[-1][0] == f"/sessions/{plan.pk}/"
    with translation.override("en"):
        message = [str(m) for m in response.context["messages"]]
    assert message


def test_add_on_the_page_and_peers_read_it(session, users, client_for):
    client = client_for(users["psychologist"])
    response = client.get(url(session) + "?when=before")
    assert response.status_code == 200
    assert response.context["form"].initial["when"] == "before"
    response = client.post(
        url(session) + "?when=before",
        {"when": "before", "given_on": TODAY.isoformat(), "text": "提醒组长控制时间"},
    )
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    note = GuidanceNote.objects.get()
    assert note.history.latest("history_id").history_user == users["psychologist"]
    page = client_for(users["peer"]).get(f"/sessions/{session.pk}/").content.decode()
    assert "提醒组长控制时间" in page


def test_errors_at_once_and_junk_on_the_page(session, users, client_for):
    response = client_for(users["doctor"]).post(
        url(session), {"when": "whenever", "given_on": "2026-13-45", "text": ""}
    )
    assert response.status_code == 200
    assert {"when", "given_on", "text"} <= set(response.context["form"].errors)
    assert not GuidanceNote.objects.exists()


def test_scope_another_communitys_doctor_gets_404(session, users, community_b, client_for):
    note = add(session, users["doctor"])
    other = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    client = client_for(other)
    assert client.get(url(session)).status_code == 404
    assert client.post(url(session), {"when": "before"}).status_code == 404
    assert client.get(f"/supervision/guidance/{note.pk}/void/").status_code == 404


def test_void_on_the_page(session, users, client_for):
    note = add(session, users["doctor"])
    client = client_for(users["doctor"])
    response = client.post(f"/supervision/guidance/{note.pk}/void/", {"reason": "重复"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_voided
    page = client_for(users["peer"]).get(f"/sessions/{session.pk}/").content.decode()
    assert "先准备好热身游戏" not in page
