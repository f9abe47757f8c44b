"""The check-in: the worrying rule, who is alerted, periods, every error at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.notifications.models import Notification
from tongban.supervision import wellbeing_selectors as selectors
from tongban.supervision import wellbeing_services as services
from tongban.supervision.models import SupportSettings, WellbeingAlert, WellbeingCheckIn

from .wellbeing_helpers import CALM, WORRYING, check_in, english, peer_with_account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("answers", "worrying"),
    [
        ({"workload": 4, "stress": 3, "confidence": 3}, False),
        ({"workload": 5, "stress": 3, "confidence": 3}, True),
        ({"workload": 1, "stress": 4, "confidence": 5}, True),
        ({"workload": 1, "stress": 1, "confidence": 2}, True),
        ({"workload": 1, "stress": 1, "confidence": 3}, False),
        ({"workload": 1, "stress": 1, "confidence": 5, "wants_break": True}, True),
    ],
)
def test_the_worrying_rule(users, community_a, answers, worrying):
    checkin = check_in(users["peer"], community_a, **answers)
    assert checkin.worrying is worrying
    assert WellbeingAlert.objects.filter(checkin=checkin).exists() is worrying


def test_a_worrying_answer_alerts_the_supervisors_of_the_community(users, community_a, community_b):
    doctor_b = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    away = make_user("away-doctor", Role.COMMUNITY_DOCTOR, [community_a])
    away.is_active = False
    away.save()
    checkin = check_in(users["peer"], community_a, **WORRYING)

    expected = {users[name] for name in ("doctor", "psychologist", "socialworker", "psychiatrist")}
    assert set(checkin.notified) == expected
    sent = Notification.objects.filter(kind=Notification.Kind.WELLBEING_WORRYING)
    assert {n.recipient for n in sent} == expected
    assert not sent.filter(recipient__in=[users["manager"], users["research"], doctor_b, away])
    # No health detail in the subject: the community's name; the link is the peer's trend.
    notice = sent.first()
    assert notice.subject == community_a.name
    assert notice.url == f"/supervision/wellbeing/peer/{users['peer'].person_id}/"
    alert = WellbeingAlert.objects.get()
    assert (alert.kind, alert.peer, alert.community, alert.checkin) == (
        "worrying",
        users["peer"].person,
        community_a,
        checkin,
    )


def test_a_calm_answer_alerts_nobody(users, community_a):
    checkin = check_in(users["peer"], community_a, **CALM)
    assert checkin.notified == []
    assert not Notification.objects.exists()
    assert not WellbeingAlert.objects.exists()
    assert checkin.created_by == users["peer"]


def test_only_the_peer_answers_for_themselves(users, community_a):
    other, _account = peer_with_account("另一同伴", community_a)
    with pytest.raises(PermissionDenied):
        services.wellbeing_checkin_create(
            peer=other, community=community_a, by=users["peer"], **CALM
        )
    with pytest.raises(PermissionDenied):
        services.wellbeing_checkin_create(
            peer=users["peer"].person, community=community_a, by=users["doctor"], **CALM
        )


def test_every_error_at_once(users, community_b):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.wellbeing_checkin_create(
            peer=users["peer"].person,
            community=community_b,
            workload=None,
            stress=9,
            confidence=0,
            by=users["peer"],
        )
    errors = caught.value.message_dict
    assert set(errors) == {"community", "workload", "stress", "confidence"}
    assert "not a peer in service" in errors["community"][0]
    assert not WellbeingCheckIn.objects.exists()


def test_periods_count_from_the_enrolment_start(users, community_a):
    start = date(2026, 1, 5)
    assert selectors.period_on(start, 14, date(2026, 1, 4)) is None
    first = selectors.period_on(start, 14, start)
    assert (first.number, first.starts_on, first.due_on) == (1, start, date(2026, 1, 18))
    second = selectors.period_on(start, 14, date(2026, 1, 19))
    assert (second.number, second.starts_on, second.due_on) == (
        2,
        date(2026, 1, 19),
        date(2026, 2, 1),
    )


def test_answering_twice_in_a_period_is_kept_and_said(users, community_a):
    person, peer = peer_with_account("新同伴", community_a, started_on=date(2026, 11, 23))
    first = check_in(peer, community_a, today=date(2026, 11, 24))
    assert first.again is None
    assert (first.period.starts_on, first.period.due_on) == (date(2026, 11, 23), date(2026, 12, 6))
    second = check_in(peer, community_a, today=date(2026, 12, 1))
    assert second.again == date(2026, 11, 24)
    # The next period starts afresh.
    third = check_in(peer, community_a, today=date(2026, 12, 7))
    assert third.again is None
    assert WellbeingCheckIn.objects.filter(peer=person).count() == 3


def test_the_program_sets_how_often(users, community_a):
    SupportSettings.objects.create(program=community_a.program, checkin_every_days=7)
    person, peer = peer_with_account("周同伴", community_a, started_on=date(2026, 11, 23))
    status = selectors.checkin_status(person, community_a, date(2026, 12, 1))
    assert (status.period.number, status.period.starts_on) == (2, date(2026, 11, 30))
    assert status.due and status.overdue and status.missed == 1


def test_check_in_page_says_who_was_told(client_for, users, community_a):
    client = client_for(english(users["peer"]))
    url = "/supervision/wellbeing/check-in/"
    assert client.get(url).status_code == 200
    response = client.post(url, {**WORRYING, "text": "太累了"}, follow=True)
    assert (
        response.redirect_chain[-1][0] == f"/supervision/wellbeing/peer/{users['peer'].person_id}/"
    )
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    assert "your supervisors were told" in shown[0]
    for name in ("doctor", "psychologist", "socialworker", "psychiatrist"):
        assert users[name].display_name in shown[0]
    checkin = WellbeingCheckIn.objects.get()
    assert (checkin.answered_on, checkin.text, checkin.worrying) == (
        timezone.localdate(),
        "太累了",
        True,
    )
    # The audit trail: created by the peer.
    row = checkin.history.get()
    assert (row.history_type, row.history_user) == ("+", users["peer"])


def test_no_supervisor_account_is_said_truthfully(client_for, community_b, program):
    person, peer = peer_with_account("乙同伴", community_b, started_on=date(2015, 8, 1))
    client = client_for(english(peer))
    response = client.post("/supervision/wellbeing/check-in/", WORRYING, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "no supervisor of your community has an account" in shown
    assert "were told" not in shown


def test_wanting_a_break_leads_to_the_break_form(client_for, users, community_a):
    client = client_for(users["peer"])
    response = client.post("/supervision/wellbeing/check-in/", {**CALM, "wants_break": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/breaks/new/?community={community_a.pk}"


def test_the_page_shows_every_error_and_keeps_the_text(client_for, users):
    client = client_for(users["peer"])
    response = client.post(
        "/supervision/wellbeing/check-in/", {"stress": "²", "workload": "9", "text": "留着"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"workload", "stress", "confidence"}
    assert "留着" in response.content.decode()
    assert not WellbeingCheckIn.objects.exists()


def test_a_peer_in_two_communities_chooses(client_for, users, community_a, community_b):
    from tongban.registry import services as registry_services

    registry_services.enrolment_create(
        person=users["peer"].person,
        community=community_b,
        role="peer",
        started_on=date(2016, 1, 4),
        before_screening=True,
    )
    client = client_for(users["peer"])
    response = client.get("/supervision/wellbeing/check-in/")
    assert response.templates[0].name == "supervision/wellbeing_choose_community.html"
    response = client.post(f"/supervision/wellbeing/check-in/?community={community_b.pk}", CALM)
    assert response.status_code == 302
    assert WellbeingCheckIn.objects.get().community == community_b
    assert client.get("/supervision/wellbeing/check-in/?community=²").status_code == 404


def test_staff_cannot_check_in(client_for, users):
    for name in ("doctor", "manager", "research"):
        assert client_for(users[name]).get("/supervision/wellbeing/check-in/").status_code == 403


def test_a_calm_answer_says_who_can_see_it(client_for, users, community_a, community_b):
    client = client_for(english(users["peer"]))
    response = client.post("/supervision/wellbeing/check-in/", CALM, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "your supervisors will see it" in shown
    _person, peer_b = peer_with_account("乙同伴", community_b, started_on=date(2015, 8, 1))
    users["psychiatrist"].programs.clear()  # nobody supervises community B now
    response = client_for(english(peer_b)).post(
        "/supervision/wellbeing/check-in/", CALM, follow=True
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "No supervisor of your community has an account" in shown
