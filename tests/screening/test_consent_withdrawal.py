"""Withdrawal of consent ends active enrolment on its date, with the reason, unless another
signature of the same document still holds; the page says truthfully what it ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from tongban.registry import services as registry_services
from tongban.registry.models import EnrolmentStatusChange
from tongban.screening import gate, services
from tongban.screening.models import Consent

from .conftest import new_candidate
from .consent_helpers import enrolled, new_version

WITHDRAWN = date(2014, 6, 1)


@pytest.fixture(autouse=True)
def english(users):
    for user in users.values():
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield


@pytest.fixture
def consumer(users, community_a, documents):
    return enrolled("甲服务对象二", community=community_a, users=users)


def consent_of(person, kind="informed_consent", version=1) -> Consent:
    return Consent.objects.get(
        person=person, document__kind=kind, document__version=version, voided_at=None
    )


def withdraw(client, consent, on=WITHDRAWN, reason="不想参加了"):
    return client.post(
        f"/screening/consents/{consent.pk}/withdraw/",
        {"on": on.isoformat() if on else "", "reason": reason},
        follow=True,
    )


def statuses(person):
    enrolment = person.enrolments.get()
    return [
        (change.status, change.effective_on, change.reason)
        for change in enrolment.status_changes.order_by("effective_on", "pk")
    ]


def test_withdrawal_ends_the_enrolment_on_its_date_with_the_reason(client_for, users, consumer):
    client = client_for(users["research"])
    consent = consent_of(consumer)
    # The page says beforehand what the withdrawal will end.
    page = client.get(f"/screening/consents/{consent.pk}/withdraw/")
    assert [e.pk for e in page.context["ending"]] == [consumer.enrolments.get().pk]
    response = withdraw(client, consent)
    assert response.status_code == 200
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawal_reason) == (WITHDRAWN, "不想参加了")
    status, effective_on, reason = statuses(consumer)[-1]
    assert (status, effective_on) == ("withdrawn", WITHDRAWN)
    assert "不想参加了" in reason and "Informed consent" in reason
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "甲服务对象二's consent (Informed consent) was withdrawn on 2014-06-01. "
        "Enrolment ended on that day: consumer in Alpha."
    ]
    # The status history on the person's page shows it, with the reason.
    body = client.get(f"/people/{consumer.pk}/").content.decode()
    assert "2014-06-01" in body and "不想参加了" in body
    # The gate is closed from that day, open the day before.
    assert gate.missing(consumer, role="consumer", on=WITHDRAWN - timedelta(days=1)) == []
    assert gate.missing(consumer, role="consumer", on=WITHDRAWN)
    # Audited: the consent's change and the status change, by the research assistant.
    rows = list(consent.history.order_by("history_id"))
    assert rows[-1].withdrawn_on == WITHDRAWN and rows[-1].history_user == users["research"]
    change = consumer.enrolments.get().status_changes.get(status="withdrawn")
    assert change.history.get().history_user == users["research"]


def test_the_service_agreement_ends_a_consumer_s_enrolment_too(client_for, users, consumer):
    withdraw(client_for(users["doctor"]), consent_of(consumer, "service_agreement"))
    assert statuses(consumer)[-1][:2] == ("withdrawn", WITHDRAWN)


def test_a_peer_s_enrolment_ends_too(client_for, users, community_a, documents):
    peer = enrolled("甲同伴二", community=community_a, users=users, role="peer")
    withdraw(client_for(users["research"]), consent_of(peer))
    assert statuses(peer)[-1][:2] == ("withdrawn", WITHDRAWN)


def test_a_newer_signature_keeps_the_enrolment(client_for, users, consumer, documents):
    second = new_version(
        documents["informed_consent"].program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2014, 3, 1),
    )
    services.consent_record(
        person=consumer,
        document=second,
        signed_on=date(2014, 3, 5),
        witness="王护士",
        by=users["research"],
    )
    client = client_for(users["research"])
    first = consent_of(consumer, version=1)
    page = client.get(f"/screening/consents/{first.pk}/withdraw/")
    assert page.context["kept"] is True and page.context["ending"] == []
    response = withdraw(client, first)
    first.refresh_from_db()
    assert first.withdrawn_on == WITHDRAWN
    assert [s[0] for s in statuses(consumer)] == ["active"]
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0].endswith(
        "No enrolment was ended: their signature on another version still holds."
    )
    assert gate.missing(consumer, role="consumer", on=WITHDRAWN) == []


def test_a_candidate_s_withdrawal_ends_nothing_and_says_so(
    client_for, users, community_a, documents
):
    candidate = new_candidate("甲候选人", community=community_a, by=users["doctor"])
    consent = services.consent_record(
        person=candidate.person,
        document=documents["informed_consent"],
        signed_on=date(2014, 1, 12),
        witness="王护士",
        by=users["research"],
    )
    response = withdraw(client_for(users["research"]), consent)
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0].endswith("No enrolment was ended: none in service needs this consent.")
    assert not candidate.person.enrolments.exists()


def test_every_error_in_one_round_and_nothing_changes(client_for, users, consumer):
    consent = consent_of(consumer)
    client = client_for(users["research"])
    response = withdraw(client, consent, on=date(2014, 1, 1), reason="  ")
    form = response.context["form"]
    assert form.errors["on"] == ["The date is before the consent was signed."]
    assert form.errors["reason"] == ["Give the reason."]
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = withdraw(client, consent, on=tomorrow)
    assert response.context["form"].errors["on"] == ["The date cannot be in the future."]
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert [s[0] for s in statuses(consumer)] == ["active"]


def test_a_later_status_change_refuses_the_date_and_nothing_changes(client_for, users, consumer):
    registry_services.enrolment_change_status(
        enrolment=consumer.enrolments.get(),
        status=EnrolmentStatusChange.Status.ON_LEAVE,
        effective_on=date(2014, 7, 1),
        reason="住院",
    )
    consent = consent_of(consumer)
    response = withdraw(client_for(users["research"]), consent)
    errors = response.context["form"].errors["on"]
    assert len(errors) == 1 and "cannot end on this date" in errors[0]
    assert "2014-07-01" in errors[0]
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert [s[0] for s in statuses(consumer)] == ["active", "on_leave"]
    # From that day on, it can.
    withdraw(client_for(users["research"]), consent, on=date(2014, 7, 2))
    assert statuses(consumer)[-1][:2] == ("withdrawn", date(2014, 7, 2))


def test_a_withdrawn_or_voided_consent_is_not_withdrawn_again(client_for, users, consumer):
    client = client_for(users["research"])
    consent = consent_of(consumer)
    withdraw(client, consent)
    response = client.get(f"/screening/consents/{consent.pk}/withdraw/")
    assert response.status_code == 302
    withdraw(client, consent, on=date(2014, 8, 1))
    consent.refresh_from_db()
    assert consent.withdrawn_on == WITHDRAWN
    other = consent_of(consumer, "service_agreement")
    services.consent_void(consent=other, by=users["research"], reason="录错")
    assert client.get(f"/screening/consents/{other.pk}/withdraw/").status_code == 302


@pytest.mark.parametrize("username", ["psychologist", "socialworker", "peer"])
def test_only_those_who_record_consents_withdraw(client_for, users, consumer, username):
    consent = consent_of(consumer)
    client = client_for(users[username])
    assert client.get(f"/screening/consents/{consent.pk}/withdraw/").status_code == 403
    assert withdraw(client, consent).status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
