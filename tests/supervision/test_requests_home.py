"""The home page's request block (request_selectors.home_work): what each role has to do
this week, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.core.concurrency import current_version
from tongban.supervision import guidance_services
from tongban.supervision import request_services as services
from tongban.supervision.models import SupervisionRequest
from tongban.supervision.request_selectors import RequestWork, home_work

from .request_fixtures import ask, guidance_phase, make_session, no_guidance

TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday())


def work(user):
    return home_work(user, TODAY).get("request_work") or RequestWork()


def fresh(user):
    """A user object without the cached program, as a new page request has."""
    return type(user).objects.get(pk=user.pk)


def test_the_doctor_sees_unanswered_urgent_first(users, community_a):
    routine = ask(users, community_a, topic="常规")
    urgent = ask(users, community_a, topic="紧急", urgency="urgent")
    answered = ask(users, community_a, topic="已答")
    services.supervision_request_answer(
        request=answered,
        by=users["doctor"],
        answer="好",
        answered_how="phone",
        version=current_version(answered),
    )
    found = work(fresh(users["doctor"]))
    assert [r.pk for r in found.waiting] == [urgent.pk, routine.pk]
    assert found.waiting_total == 2
    html = render_to_string("supervision/_home_request.html", {"request_work": found})
    assert html.index("紧急") < html.index("常规") and "已答" not in html


def test_a_peer_sees_open_requests_and_recent_answers(users, community_a):
    waiting = ask(users, community_a, topic="还在等")
    answered = ask(users, community_a, topic="有回答了")
    old = ask(users, community_a, topic="很久以前")
    for request in (answered, old):
        services.supervision_request_answer(
            request=request,
            by=users["doctor"],
            answer="好",
            answered_how="phone",
            version=current_version(request),
        )
    SupervisionRequest.objects.filter(pk=old.pk).update(
        answered_at=timezone.now() - timedelta(days=20)
    )
    found = work(fresh(users["peer"]))
    assert [r.pk for r in found.mine_open] == [waiting.pk]
    assert [r.pk for r in found.answered] == [answered.pk]
    assert not found.waiting and not found.guidance
    html = render_to_string("supervision/_home_request.html", {"request_work": found})
    assert "还在等" in html and "有回答了" in html and "很久以前" not in html


def test_guidance_due_this_week(users, community_a, peer_person_a, program):
    guidance_phase(program, starts_on=MONDAY - timedelta(days=30))
    coming = make_session(
        community_a, users["peer"], day=MONDAY + timedelta(days=6), lead=peer_person_a
    )
    held = make_session(community_a, users["peer"], day=MONDAY, lead=peer_person_a, held=True)
    covered = make_session(
        community_a, users["peer"], day=MONDAY + timedelta(days=6), lead=peer_person_a
    )
    make_session(community_a, users["peer"], day=MONDAY + timedelta(days=8), lead=peer_person_a)
    guidance_services.guidance_note_add(
        session=covered, by=users["doctor"], when="before", given_on=TODAY, text="好"
    )
    found = work(fresh(users["psychologist"]))
    assert [(item.session.pk, item.needs) for item in found.guidance] == [
        (held.pk, "after"),
        (coming.pk, "before"),
    ]
    # Peers are not asked for guidance.
    assert work(fresh(users["peer"])).guidance == []


def test_no_guidance_outside_the_phase(users, community_a, peer_person_a, program):
    no_guidance(program)
    make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a)
    assert work(fresh(users["doctor"])).guidance == []


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as context:
        home_work(fresh(user), TODAY)
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["doctor", "psychiatrist", "peer"])
def test_a_fixed_number_of_queries(users, community_a, peer_person_a, program, who):
    guidance_phase(program, starts_on=MONDAY - timedelta(days=30))
    ask(users, community_a)
    make_session(community_a, users["peer"], day=TODAY, lead=peer_person_a)
    one = _queries(users[who])
    for index in range(7):
        request = ask(users, community_a, topic=f"问题{index}", urgency="urgent")
        if index % 2:
            services.supervision_request_answer(
                request=request,
                by=users["doctor"],
                answer="好",
                answered_how="phone",
                version=current_version(request),
            )
        make_session(
            community_a,
            users["peer"],
            day=MONDAY + timedelta(days=index % 7),
            lead=peer_person_a,
            held=bool(index % 2),
        )
    assert _queries(users[who]) == one


def test_readers_get_no_block(users):
    for name in ("research", "manager", "socialworker"):
        assert home_work(fresh(users[name]), TODAY) == {}
