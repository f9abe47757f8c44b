"""The submission pages: which records a cycle holds, scoping, actions and query counts."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import count_queries, make_person
from tongban.activities.models import ActivityPlan
from tongban.registry.models import Community
from tongban.submissions import cycles, selectors, services
from tongban.submissions.models import Submission

from .conftest import make_emergency, make_plan

START = date(2013, 7, 1)
PAPER = cycles.Calendar(started_on=START, cycle_days=42, due_days=7)
CYCLE_1 = PAPER.cycle(1)


def detail_url(community, cycle: int = 1, action: str = "") -> str:
    return f"/submissions/{community.pk}/{cycle}/" + (f"{action}/" if action else "")


@pytest.fixture
def cycle_one(community_a, community_b, users, peer_person_a, consumer_a, frozen):
    """Community A's forms around the end of cycle 1, seen on 2013-10-01."""
    frozen(date(2013, 10, 1))
    by = users["peer"]
    lead = peer_person_a
    helper = make_person("甲同伴助手", community=community_a, role="peer")
    plans = {
        "unheld": make_plan(community_a, date(2013, 8, 10), lead=lead, by=by, theme="未记录活动"),
        "moved_out": make_plan(
            community_a,
            date(2013, 8, 10),
            lead=lead,
            by=by,
            theme="改到第二期",
            held_on=date(2013, 8, 12),
            peers=[lead, helper],
        ),
        "moved_in": make_plan(
            community_a,
            date(2013, 8, 13),
            lead=lead,
            by=by,
            theme="提前举行",
            held_on=date(2013, 8, 11),
            peers=[lead],
            consumers=[consumer_a],
        ),
        "record_voided": make_plan(
            community_a,
            date(2013, 8, 11),
            lead=lead,
            by=by,
            theme="记录作废",
            held_on=date(2013, 8, 11),
            peers=[lead, helper],
        ),
        "plan_voided": make_plan(
            community_a, date(2013, 7, 20), lead=lead, by=by, theme="整条作废"
        ),
        "other_community": make_plan(
            community_b, date(2013, 7, 20), lead=make_person("乙组长"), by=by, theme="乙活动"
        ),
    }
    plans["record_voided"].record.void(by=by, reason="录错")
    plans["plan_voided"].void(by=by, reason="录错")
    emergencies = {
        "last_evening": make_emergency(community_a, date(2013, 8, 11), by=by, hour=23),
        "next_night": make_emergency(community_a, date(2013, 8, 12), by=by, hour=0),
    }
    return {"plans": plans, "emergencies": emergencies}


def test_a_cycle_holds_sessions_by_their_date_and_emergencies_by_local_day(
    community_a, users, cycle_one
):
    plans, emergencies = cycle_one["plans"], cycle_one["emergencies"]
    manager = users["manager"]
    found = selectors.cycle_plans(manager, community_a, CYCLE_1)
    assert {plan.pk for plan in found} == {
        plans["unheld"].pk,
        plans["moved_in"].pk,
        plans["record_voided"].pk,
    }
    assert selectors.cycle_session_counts(found) == {
        "sessions": 3,
        "held_sessions": 1,
        "unfinished_sessions": 2,
        "few_peer_sessions": 1,
    }
    second = PAPER.cycle(2)
    assert [p.pk for p in selectors.cycle_plans(manager, community_a, second)] == [
        plans["moved_out"].pk
    ]
    assert list(selectors.cycle_emergencies(manager, community_a, CYCLE_1)) == [
        emergencies["last_evening"]
    ]
    assert list(selectors.cycle_emergencies(manager, community_a, second)) == [
        emergencies["next_night"]
    ]


def test_the_peer_sees_the_cycles_forms_and_warnings(client_for, community_a, users, cycle_one):
    page = client_for(users["peer"]).get(detail_url(community_a)).content.decode()
    assert "提前举行" in page and "未记录活动" in page and "记录作废" in page
    assert "改到第二期" not in page and "整条作废" not in page and "乙活动" not in page
    assert 'id="unfinished"' in page and 'id="few-peers"' in page
    assert 'id="submit-form"' in page
    assert 'id="review"' not in page


def test_users_of_another_community_get_404(client_for, community_a, community_b, users, frozen):
    frozen(date(2015, 9, 10))
    Submission.objects.create(
        community=community_b,
        cycle=19,
        status="submitted",
        submitted_by=users["manager"],
        submitted_at="2015-09-08T10:00:00+08:00",
    )
    for role in ("peer", "doctor", "research"):
        client = client_for(users[role])
        for action in ("", "submit", "return", "accept"):
            assert client.get(detail_url(community_b, 19, action)).status_code == 404
            assert client.post(detail_url(community_b, 19, action)).status_code == 404
    assert Submission.objects.get().status == "submitted"
    for role in ("manager", "psychiatrist"):
        assert client_for(users[role]).get(detail_url(community_b, 19)).status_code == 200


def test_cycles_outside_the_community_answer_404(client_for, community_b, users, frozen):
    frozen(date(2015, 9, 10))
    client = client_for(users["manager"])
    assert client.get(detail_url(community_b, 18)).status_code == 404  # before B started
    assert client.get(detail_url(community_b, 20)).status_code == 200  # the current cycle
    assert client.get(detail_url(community_b, 21)).status_code == 404  # the future
    assert client.get(detail_url(community_b, 0)).status_code == 404


def test_roles_and_methods_of_the_actions(client_for, community_a, users, frozen):
    frozen(date(2013, 8, 20))
    assert client_for(users["doctor"]).post(detail_url(community_a, 1, "submit")).status_code == 403
    assert (
        client_for(users["psychiatrist"]).post(detail_url(community_a, 1, "accept")).status_code
        == 403
    )
    peer = client_for(users["peer"])
    assert peer.get(detail_url(community_a, 1, "submit")).status_code == 405
    assert peer.post(detail_url(community_a, 1, "return"), {"comments": "x"}).status_code == 403
    assert not Submission.objects.exists()


def test_double_submit_redirects_with_a_message(client_for, community_a, users, frozen):
    frozen(date(2013, 8, 20))
    client = client_for(users["peer"])
    client.cookies["tongban_language"] = "en"
    first = client.post(detail_url(community_a, 1, "submit"), {"note": ""})
    assert first.status_code == 302
    second = client.post(detail_url(community_a, 1, "submit"), {"note": ""}, follow=True)
    assert second.status_code == 200
    assert "already submitted" in second.content.decode()
    assert Submission.objects.get().events.count() == 1


def test_return_without_comments_shows_the_error_at_the_field(
    client_for, community_a, users, frozen
):
    frozen(date(2013, 8, 20))
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    client = client_for(users["manager"])
    response = client.post(detail_url(community_a, 1, "return"), {"comments": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="field has-error required" id="field-comments"' in page
    assert Submission.objects.get().status == "submitted"

    response = client.post(
        detail_url(community_a, 1, "return"), {"comments": "缺签名"}, follow=True
    )
    assert Submission.objects.get().status == "returned"
    assert "缺签名" in response.content.decode()
    # The peer sees the comments and can submit again.
    page = client_for(users["peer"]).get(detail_url(community_a)).content.decode()
    assert 'id="return-comments"' in page and "缺签名" in page
    assert 'id="submit-form"' in page


def test_the_peer_list_shows_each_cycles_state(client_for, community_a, users, frozen):
    frozen(date(2013, 9, 25))
    page = client_for(users["peer"]).get("/submissions/").content.decode()
    assert 'id="to-submit"' in page
    # Newest first: cycle 3 (the current one) open, cycle 2 due, cycle 1 overdue.
    table = page[page.index('id="cycles"') :]
    assert table.index("state-open") < table.index("state-due") < table.index("state-overdue")
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    page = client_for(users["peer"]).get("/submissions/").content.decode()
    assert "state-submitted" in page and "state-overdue" not in page


def test_the_overview_shows_missing_and_overdue(
    client_for, community_a, community_b, users, frozen
):
    frozen(date(2015, 9, 10))
    # A submitted every cycle but 17 and 18; 18 comes back returned.
    for number in range(1, 19):
        if number != 17:
            services.submission_submit(community=community_a, cycle_number=number, by=users["peer"])
    services.submission_return(
        community=community_a, cycle_number=18, by=users["manager"], comments="重做"
    )
    overview = selectors.overview(users["manager"])
    overdue = {item.community.code: item.numbers for item in overview["overdue"]}
    assert overdue == {"alpha": [18, 17]}  # B's cycle 19 is due, not yet overdue
    assert len(overview["awaiting"]) == 16
    assert [column.number for column in overview["columns"]] == [20, 19, 18, 17, 16, 15]
    line_b = next(line for line in overview["grid"] if line["community"] == community_b)
    states = [cell["row"].state if cell["row"] else None for cell in line_b["cells"]]
    assert states == ["open", "due", None, None, None, None]
    assert line_b["cells"][1]["row"].missing

    page = client_for(users["manager"]).get("/submissions/").content.decode()
    assert "乙社区" in page and 'id="overdue"' in page
    assert f'href="/submissions/{community_a.pk}/17/"' in page
    earlier = client_for(users["manager"]).get("/submissions/?upto=3").content.decode()
    assert f'href="/submissions/{community_a.pk}/1/"' in earlier


def test_changes_after_acceptance_are_listed_with_their_reason(
    client_for, community_a, users, cycle_one, frozen
):
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    services.submission_accept(community=community_a, cycle_number=1, by=users["manager"])
    frozen(date(2013, 10, 2))
    plan = ActivityPlan.objects.get(pk=cycle_one["plans"]["unheld"].pk)
    plan.aim = "改过的目的"
    plan._change_reason = "目的写错了"
    plan.save()
    page = client_for(users["manager"]).get(detail_url(community_a)).content.decode()
    assert 'id="changes"' in page and "目的写错了" in page


def add_rows(community, users, *, times: int) -> None:
    lead = make_person(f"组长{times}", community=community, role="peer")
    consumer = make_person(f"对象{times}", community=community)
    for i in range(times):
        make_plan(
            community,
            date(2013, 7, 2 + i),
            lead=lead,
            by=users["peer"],
            theme=f"活动{i}",
            held_on=date(2013, 7, 2 + i) if i % 2 else None,
            peers=[lead],
            consumers=[consumer],
        )
        make_emergency(community, date(2013, 7, 2 + i), by=users["peer"])


@pytest.mark.parametrize("role", ["peer", "manager"])
def test_the_cycle_page_makes_the_same_queries_whatever_the_rows(
    client_for, community_a, users, frozen, role
):
    frozen(date(2013, 8, 20))
    add_rows(community_a, users, times=2)
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    services.submission_return(
        community=community_a, cycle_number=1, by=users["manager"], comments="一"
    )
    client = client_for(users[role])
    before = count_queries(client, detail_url(community_a))
    add_rows(community_a, users, times=6)
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    services.submission_accept(community=community_a, cycle_number=1, by=users["manager"])
    accepted = count_queries(client, detail_url(community_a))
    for plan in ActivityPlan.objects.filter(community=community_a):
        plan._change_reason = "补充"
        plan.save()
    # Once accepted, the page adds the changes since (four queries) and nothing per row.
    assert count_queries(client, detail_url(community_a)) == accepted
    assert accepted <= before + 4


def test_the_lists_make_the_same_queries_whatever_the_rows(
    client_for, program, community_a, community_b, users, frozen
):
    frozen(date(2013, 10, 1))
    manager, peer = client_for(users["manager"]), None
    add_rows(community_a, users, times=2)
    before = count_queries(manager, "/submissions/")
    peer_before = count_queries(client_for(users["peer"]), "/submissions/")
    manager = client_for(users["manager"])
    for i in range(4):
        Community.objects.create(program=program, code=f"c{i}", name=f"社区{i}")
    add_rows(community_a, users, times=8)
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    services.submission_submit(community=community_a, cycle_number=2, by=users["peer"])
    assert count_queries(manager, "/submissions/") == before
    peer = client_for(users["peer"])
    assert count_queries(peer, "/submissions/") == peer_before


def test_psychiatrist_and_staff_only_look(client_for, community_a, community_b, users, frozen):
    frozen(date(2013, 8, 20))
    services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    psychiatrist = client_for(users["psychiatrist"])
    assert 'id="awaiting"' in psychiatrist.get("/submissions/").content.decode()
    page = psychiatrist.get(detail_url(community_a)).content.decode()
    assert 'id="review"' not in page and 'id="submit-form"' not in page
    doctor = client_for(users["doctor"])
    listing = doctor.get("/submissions/").content.decode()
    assert f'href="/submissions/{community_a.pk}/1/"' in listing and "乙社区" not in listing
    page = doctor.get(detail_url(community_a)).content.decode()
    assert 'id="review"' not in page and 'id="submit-form"' not in page


def test_an_ended_program_shows_no_cycle_after_its_end(
    client_for, program, community_a, users, frozen
):
    program.ended_on = date(2014, 1, 15)  # in cycle 5 (2013-12-23 to 2014-02-02)
    program.save()
    frozen(date(2016, 9, 1))
    overview = client_for(users["manager"]).get("/submissions/")
    columns = [column.number for column in overview.context["columns"]]
    assert max(columns) == 5
    assert [row.numbers for row in overview.context["overdue"]][0][0] == 5
    assert client_for(users["peer"]).get(detail_url(community_a, 6)).status_code == 404
