"""Submit, return with comments, resubmit, accept: the rules and the notifications."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.notifications.models import Notification
from tongban.registry import services as registry_services
from tongban.submissions import locking, services
from tongban.submissions.models import Submission, SubmissionEvent

Status = Submission.Status
Kind = Notification.Kind


def submit(community, user, cycle: int = 1, comments: str = "") -> Submission:
    return services.submission_submit(
        community=community, cycle_number=cycle, by=user, comments=comments
    )


def give_back(community, user, comments: str, cycle: int = 1) -> Submission:
    return services.submission_return(
        community=community, cycle_number=cycle, by=user, comments=comments
    )


def accept(community, user, cycle: int = 1) -> Submission:
    return services.submission_accept(community=community, cycle_number=cycle, by=user)


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English; the zh-hans catalogue translates them."""
    with translation.override("en"):
        yield


def message_of(refused: pytest.ExceptionInfo) -> str:
    return " ".join(refused.value.messages)


def test_a_cycle_can_be_submitted_from_its_last_day(community_a, users, frozen):
    frozen(date(2013, 8, 10))
    with pytest.raises(ValidationError) as refused:
        submit(community_a, users["peer"])
    assert "2013-08-11" in message_of(refused)
    assert not Submission.objects.exists()
    frozen(date(2013, 8, 11))
    submission = submit(community_a, users["peer"], comments="第一次提交")
    assert submission.status == Status.SUBMITTED
    assert submission.submitted_by == users["peer"]
    event = SubmissionEvent.objects.get()
    assert (event.status, event.by, event.comments) == ("submitted", users["peer"], "第一次提交")


def test_no_cycle_outside_the_community_or_in_the_future(community_a, community_b, users, frozen):
    frozen(date(2015, 9, 10))
    # Community B started in cycle 19: it has no cycle 18.
    with pytest.raises(ValidationError):
        submit(community_b, users["manager"], cycle=18)
    with pytest.raises(ValidationError):
        submit(community_a, users["manager"], cycle=25)
    submit(community_b, users["manager"], cycle=19)


def test_only_peers_of_the_community_or_the_manager_submit(community_a, community_b, users, frozen):
    frozen(date(2015, 9, 10))
    for role in ("doctor", "psychiatrist", "socialworker", "research"):
        with pytest.raises(ValidationError):
            submit(community_a, users[role])
    # The peer of community A cannot submit for community B.
    with pytest.raises(ValidationError):
        submit(community_b, users["peer"], cycle=19)
    assert not Submission.objects.exists()
    # The manager may, on the peers' behalf.
    submit(community_b, users["manager"], cycle=19)


def test_a_double_submit_or_accept_gives_a_clear_message(community_a, users, frozen):
    frozen(date(2013, 8, 20))
    submit(community_a, users["peer"])
    with pytest.raises(ValidationError) as refused:
        submit(community_a, users["peer"])
    assert "already submitted" in message_of(refused)
    accept(community_a, users["manager"])
    for action in (
        lambda: accept(community_a, users["manager"]),
        lambda: submit(community_a, users["peer"]),
        lambda: give_back(community_a, users["manager"], "再看看"),
    ):
        with pytest.raises(ValidationError) as refused:
            action()
        assert "already accepted" in message_of(refused)
    assert Submission.objects.count() == 1
    assert SubmissionEvent.objects.count() == 2


def test_review_needs_a_submission_and_the_manager(community_a, users, frozen):
    frozen(date(2013, 8, 20))
    with pytest.raises(ValidationError) as refused:
        accept(community_a, users["manager"])
    assert "Nothing has been submitted" in message_of(refused)
    submit(community_a, users["peer"])
    for role in ("peer", "doctor", "psychiatrist"):
        with pytest.raises(ValidationError):
            accept(community_a, users[role])
        with pytest.raises(ValidationError):
            give_back(community_a, users[role], "不对")
    assert Submission.objects.get().status == Status.SUBMITTED


def test_returning_needs_comments(community_a, users, frozen):
    frozen(date(2013, 8, 20))
    submit(community_a, users["peer"])
    with pytest.raises(ValidationError) as refused:
        give_back(community_a, users["manager"], "   ")
    assert "comments" in refused.value.error_dict
    assert Submission.objects.get().status == Status.SUBMITTED


def test_return_resubmit_accept_keeps_the_conversation(community_a, users, frozen):
    frozen(date(2013, 8, 20))
    submit(community_a, users["peer"])
    returned = give_back(community_a, users["manager"], "7月15日的参与者名单缺签名")
    assert returned.status == Status.RETURNED
    assert returned.reviewed_by == users["manager"]
    assert returned.comments == "7月15日的参与者名单缺签名"
    assert not locking.is_locked(community=community_a, day=date(2013, 7, 15))
    # A returned submission cannot be accepted before the peers submit it again.
    with pytest.raises(ValidationError) as refused:
        accept(community_a, users["manager"])
    assert "submitted again" in message_of(refused)

    resubmitted = submit(community_a, users["peer"], comments="已补签名")
    assert resubmitted.pk == returned.pk
    assert resubmitted.status == Status.SUBMITTED
    assert resubmitted.reviewed_by is None and resubmitted.comments == ""

    accepted = accept(community_a, users["manager"])
    assert accepted.status == Status.ACCEPTED
    assert locking.is_locked(community=community_a, day=date(2013, 7, 15))
    events = list(SubmissionEvent.objects.values_list("status", "by__username", "comments"))
    assert events == [
        ("submitted", "peer", ""),
        ("returned", "manager", "7月15日的参与者名单缺签名"),
        ("submitted", "peer", "已补签名"),
        ("accepted", "manager", ""),
    ]
    # Every state is in the audit trail.
    statuses = list(
        Submission.history.order_by("history_date", "history_id").values_list("status", flat=True)
    )
    assert statuses == ["submitted", "returned", "submitted", "accepted"]


def test_notifications_go_to_the_manager_then_to_the_communitys_peers(
    community_a, community_b, users, frozen
):
    frozen(date(2013, 8, 20))
    second_manager = make_user("manager2", Role.PROJECT_MANAGER)
    gone = make_user("manager-gone", Role.PROJECT_MANAGER)
    gone.is_active = False
    gone.save()
    # A second peer of A, a withdrawn peer of A and a peer of B: only the first hears back.
    other_peer = make_user(
        "peer2", Role.PEER, person=make_person("甲同伴二", community=community_a, role="peer")
    )
    withdrawn = make_person(
        "甲退出同伴", community=community_a, role="peer", started_on=date(2013, 7, 1)
    )
    registry_services.enrolment_change_status(
        enrolment=withdrawn.enrolments.get(),
        status="withdrawn",
        effective_on=date(2013, 8, 1),
        reason="搬家",
    )
    make_user("peer-withdrawn", Role.PEER, person=withdrawn)
    make_user("peer-b", Role.PEER, person=make_person("乙同伴", community=community_b, role="peer"))

    submit(community_a, users["peer"])
    sent = Notification.objects.filter(kind=Kind.SUBMISSION_SUBMITTED)
    assert {n.recipient.username for n in sent} == {"manager", "manager2"}
    notification = sent.get(recipient=second_manager)
    assert notification.subject == "甲社区 第 1 期（2013-07-01–2013-08-11）"
    assert notification.url == f"/submissions/{community_a.pk}/1/"

    give_back(community_a, users["manager"], "请补充")
    returned = Notification.objects.filter(kind=Kind.SUBMISSION_RETURNED)
    assert {n.recipient.username for n in returned} == {"peer", "peer2"}
    assert other_peer.notifications.get().url == f"/submissions/{community_a.pk}/1/"

    submit(community_a, users["peer"])
    accept(community_a, users["manager"])
    accepted = Notification.objects.filter(kind=Kind.SUBMISSION_ACCEPTED)
    assert {n.recipient.username for n in accepted} == {"peer", "peer2"}
    # The manager who acts is not told about their own action; the other one is.
    assert Notification.objects.filter(kind=Kind.SUBMISSION_SUBMITTED).count() == 4


def test_manager_submitting_on_behalf_notifies_the_other_managers_only(community_a, users, frozen):
    frozen(date(2013, 8, 20))
    submit(community_a, users["manager"])
    assert not Notification.objects.filter(recipient=users["manager"]).exists()


def test_a_simultaneous_first_submission_loses_to_the_constraint(
    community_a, users, frozen, monkeypatch
):
    """Two first submissions at once: the second finds no row to lock, then hits the
    unique constraint, and gets the same clear message."""
    frozen(date(2013, 8, 20))
    submit(community_a, users["peer"])
    monkeypatch.setattr(services, "_locked", lambda community, number: None)
    with pytest.raises(ValidationError) as refused:
        submit(community_a, users["manager"])
    assert "already submitted" in message_of(refused)
    assert Submission.objects.count() == 1
    assert SubmissionEvent.objects.count() == 1
    assert Notification.objects.filter(recipient__username="manager").count() == 1
