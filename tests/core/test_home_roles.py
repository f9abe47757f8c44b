"""Each role's home page shows what that role must do now, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.activities.models import ActivityPlan, ActivityRecord
from tongban.emergencies.models import EmergencyEvent
from tongban.registry.models import Venue
from tongban.submissions.models import Submission


def plan(community, day, *, by, lead, theme="唱歌", held=False):
    venue = community.venues.first() or Venue.objects.create(
        community=community, name=f"{community.name}家园", kind=Venue.Kind.OTHER
    )
    made = ActivityPlan.objects.create(
        community=community,
        venue=venue,
        planned_on=day,
        planned_start=time(14, 0),
        planned_end=time(15, 30),
        category="entertainment",
        theme=theme,
        aim="放松",
        format="group_discussion",
        lead_peer=lead,
        created_by=by,
    )
    if held:
        ActivityRecord.objects.create(
            plan=made,
            held_on=day,
            started_at=time(14, 0),
            ended_at=time(15, 30),
            duration_minutes=90,
            format="group_discussion",
            theme=theme,
            created_by=by,
        )
    return made


def emergency(community, *, by, hours_ago=2, kind=EmergencyEvent.Kind.SELF_HARM, **fields):
    event = EmergencyEvent.objects.create(
        community=community,
        kind=kind,
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
        description="情绪激动",
        actions_taken="陪伴",
        emergency_services_called=False,
        reported_by=by,
        **fields,
    )
    # reported_at is auto_now_add: move it back to when it was reported.
    EmergencyEvent.objects.filter(pk=event.pk).update(
        reported_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return event


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context.captured_queries)


def add_rows(n, *, community_a, community_b, users, peer_person_a):
    """n of everything a home page lists, in both communities."""
    today = timezone.localdate()
    for i in range(n):
        for community in (community_a, community_b):
            lead = make_person(f"组长{community.code}{i}", community=community, role="peer")
            plan(community, today + timedelta(days=i + 1), by=users["research"], lead=lead)
            plan(community, today - timedelta(days=i + 1), by=users["research"], lead=lead)
            plan(community, today - timedelta(days=i + 1), by=users["peer"], lead=lead, held=True)
            emergency(community, by=users["peer"], hours_ago=i + 1)
            Submission.objects.create(
                community=community,
                cycle=i + 1,
                status=Submission.Status.SUBMITTED,
                submitted_by=users["peer"],
                submitted_at=timezone.now(),
            )


ROLES = ["manager", "psychiatrist", "doctor", "psychologist", "socialworker", "research", "peer"]


@pytest.mark.parametrize("role", ROLES)
def test_queries_do_not_grow_with_rows(
    client_for, users, community_a, community_b, peer_person_a, role
):
    client = client_for(users[role])
    rows = {"community_a": community_a, "community_b": community_b, "users": users}
    add_rows(1, **rows, peer_person_a=peer_person_a)
    one = queries(client)
    for i in range(2, 6):
        add_more(i, **rows)
    assert queries(client) == one


def add_more(i, *, community_a, community_b, users):
    today = timezone.localdate()
    for community in (community_a, community_b):
        lead = make_person(f"多组长{community.code}{i}", community=community, role="peer")
        plan(community, today + timedelta(days=i), by=users["research"], lead=lead)
        plan(community, today - timedelta(days=i), by=users["research"], lead=lead, held=True)
        emergency(community, by=users["peer"], hours_ago=i, escalated_at=timezone.now())
        # Acknowledged (an unacknowledged one past 24 hours would be escalated by the
        # page's once-a-minute check, which writes).
        emergency(
            community,
            by=users["peer"],
            hours_ago=i + 30,
            acknowledged_at=timezone.now(),
            acknowledged_by=users["doctor"],
        )
        Submission.objects.create(
            community=community,
            cycle=i + 10,
            status=Submission.Status.SUBMITTED,
            submitted_by=users["peer"],
            submitted_at=timezone.now(),
        )


def test_manager_sees_reviews_overdue_cycles_emergencies_and_flags(
    client_for, users, community_a, community_b, peer_person_a
):
    # Community A has a doctor (the fixture's) and one active peer; B has neither.
    make_person("甲第二同伴", community=community_a, role="peer")
    Submission.objects.create(
        community=community_a,
        cycle=3,
        status=Submission.Status.SUBMITTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
    )
    emergency(community_b, by=users["manager"], kind=EmergencyEvent.Kind.VIOLENCE)
    plan(community_a, timezone.localdate(), by=users["manager"], lead=peer_person_a, held=True)
    html = page(client_for(users["manager"]))
    review = html.split('id="home-review"')[1].split("</section>")[0]
    assert f"/submissions/{community_a.pk}/3/" in review
    assert "第 3 期" in review
    assert "逾期" in html or "Overdue" in html
    assert f"/submissions/{community_b.pk}/" in review  # B's cycles are overdue
    events = html.split('id="home-emergencies"')[1].split("</section>")[0]
    assert "乙社区" in events and "暴力" in events
    flags = html.split('id="home-cycle"')[1].split("</section>")[0]
    assert "乙社区" in flags.split("flags")[1]
    assert "no-doctor" in flags.split("flags")[1]
    assert "甲社区" not in flags.split("flags")[1]
    # This cycle's sessions: one held in A.
    assert "<td>1</td><td>1</td>" in flags.replace("\n", "").replace("  ", "")


def test_community_with_one_active_peer_is_flagged(client_for, users, community_a):
    html = page(client_for(users["manager"]))
    flags = html.split('class="roster flags"')[1].split("</section>")[0]
    assert "甲社区" in flags and "few-peers" in flags


def test_doctor_sees_open_emergencies_first_with_time_left(
    client_for, users, community_a, peer_person_a
):
    emergency(community_a, by=users["peer"], hours_ago=3)
    plan(
        community_a,
        timezone.localdate() + timedelta(days=2),
        by=users["peer"],
        lead=peer_person_a,
        theme="下周唱歌",
    )
    html = page(client_for(users["doctor"]))
    events = html.split('id="home-emergencies"')[1].split("</section>")[0]
    assert "甲社区：自伤" in events
    assert "小时" in events  # "3 小时前", "20 小时后…"
    assert "精神科医生" in events  # time left before it goes to the psychiatrist
    assert html.index("home-emergencies") < html.index("home-sessions")
    assert "下周唱歌" in html
    assert "/sessions/plan/" in html  # doctors record sessions


def test_psychiatrist_sees_escalated_first_then_figures(
    client_for, users, community_a, community_b, peer_person_a
):
    awaiting = emergency(community_a, by=users["peer"], hours_ago=1, kind="medical")
    escalated = emergency(
        community_b, by=users["peer"], hours_ago=30, escalated_at=timezone.now(), kind="violence"
    )
    plan(community_a, date(2016, 1, 5), by=users["manager"], lead=peer_person_a, held=True)
    html = page(client_for(users["psychiatrist"]))
    events = html.split('id="home-emergencies"')[1].split("</section>")[0]
    assert events.index(f"/emergencies/{escalated.pk}/") < events.index(
        f"/emergencies/{awaiting.pk}/"
    )
    figures = html.split('id="home-figures"')[1].split("</section>")[0]
    assert "已开展活动" in figures
    assert "200.0" in figures  # 2 events / 1 session
    assert html.index("home-emergencies") < html.index("home-figures")
    assert "/sessions/plan/" not in html


def test_psychologist_sees_upcoming_sessions_and_emergencies_but_plans_none(
    client_for, users, community_a, peer_person_a
):
    plan(
        community_a,
        timezone.localdate() + timedelta(days=1),
        by=users["peer"],
        lead=peer_person_a,
        theme="明天的活动",
    )
    emergency(community_a, by=users["peer"])
    html = page(client_for(users["psychologist"]))
    assert "明天的活动" in html
    assert "甲社区：自伤" in html
    assert "/sessions/plan/" not in html
    social = page(client_for(users["socialworker"]))
    assert "明天的活动" in social and "/sessions/plan/" in social


def test_research_assistant_sees_back_entry_and_last_entries(
    client_for, users, community_a, peer_person_a
):
    plan(community_a, date(2015, 3, 4), by=users["research"], lead=peer_person_a, theme="录入的")
    plan(community_a, date(2015, 3, 5), by=users["peer"], lead=peer_person_a, theme="别人的")
    html = page(client_for(users["research"]))
    entries = html.split('id="home-entries"')[1].split("</section>")[0]
    assert "/sessions/back-entry/" in entries
    assert "录入的" in entries and "别人的" not in entries


def test_peer_home_is_as_before(client_for, users, community_a, peer_person_a):
    plan(
        community_a,
        timezone.localdate() - timedelta(days=1),
        by=users["peer"],
        lead=peer_person_a,
        theme="昨天的活动",
    )
    html = page(client_for(users["peer"]))
    assert "昨天的活动" in html and "/record/" in html
    assert "/sessions/plan/" in html
    assert "home-emergencies" not in html
    assert "甲同伴" in html  # roster


def test_other_community_never_shows(client_for, users, community_a, community_b):
    other = make_user("乙医生", Role.COMMUNITY_DOCTOR, [community_b])
    emergency(community_b, by=other, kind="violence")
    html = page(client_for(users["doctor"]))
    assert "乙社区" not in html
