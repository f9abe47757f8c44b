"""Accepting a submission asks for confirmation, saying what it locks (issue 7, item 11);
the manager gets no resubmit form for the forms they returned."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.submissions import services
from tongban.submissions.models import Submission

from .conftest import make_emergency, make_plan

URL = "/submissions/{pk}/1/"


@pytest.fixture
def submitted(community_a, users, peer_person_a, frozen):
    frozen(date(2013, 8, 20))
    make_plan(
        community_a,
        date(2013, 7, 5),
        lead=peer_person_a,
        by=users["peer"],
        held_on=date(2013, 7, 5),
    )
    make_plan(community_a, date(2013, 7, 12), lead=peer_person_a, by=users["peer"])
    make_emergency(community_a, date(2013, 7, 6), by=users["peer"])
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    return URL.format(pk=community_a.pk)


def test_accept_shows_a_confirmation_page_before_locking(client_for, users, submitted):
    client = client_for(users["manager"])
    response = client.post(submitted + "accept/", {"note": "谢谢大家"})
    assert response.status_code == 200
    assert "submissions/accept_confirm.html" in [t.name for t in response.templates]
    assert response.context["counts"]["sessions"] == 2
    assert response.context["emergency_count"] == 1
    page = response.content.decode()
    assert 'name="confirm" value="1"' in page and "谢谢大家" in page
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    response = client.post(submitted + "accept/", {"note": "谢谢大家", "confirm": "1"})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.events.last().comments == "谢谢大家"


def test_a_confirmation_after_acceptance_gets_the_clear_message(client_for, users, submitted):
    client = client_for(users["manager"])
    client.post(submitted + "accept/", {"confirm": "1"})
    response = client.post(submitted + "accept/", {"confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert Submission.objects.get().events.count() == 2  # submitted, accepted: no second one


def test_only_the_manager_can_reach_the_confirmation(client_for, users, submitted):
    response = client_for(users["peer"]).post(submitted + "accept/", {"note": ""})
    assert response.status_code == 403


def test_the_manager_sees_no_resubmit_form_after_returning(client_for, users, submitted):
    manager = client_for(users["manager"])
    manager.post(submitted + "return/", {"comments": "请补上签到时间。"})
    assert Submission.objects.get().status == Submission.Status.RETURNED
    page = manager.get(submitted)
    assert page.context["submit_form"] is None
    assert 'id="submit-form"' not in page.content.decode()
    peer_page = client_for(users["peer"]).get(submitted)
    assert peer_page.context["submit_form"] is not None


def test_without_a_peer_account_the_manager_may_still_resubmit(
    client_for, users, submitted, community_a
):
    manager = client_for(users["manager"])
    manager.post(submitted + "return/", {"comments": "请补上签到时间。"})
    users["peer"].is_active = False
    users["peer"].save()
    assert manager.get(submitted).context["submit_form"] is not None


def test_a_second_manager_sees_no_resubmit_form_either(client_for, users, submitted):
    client_for(users["manager"]).post(submitted + "return/", {"comments": "请补上。"})
    other = make_user("manager2", Role.PROJECT_MANAGER)
    assert client_for(other).get(submitted).context["submit_form"] is None
