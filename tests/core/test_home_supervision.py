"""The home page's training and supervision blocks (issue 11, item 4: "home pages remind the
right people of what is due this week"): each part's `home_work(user, today)` is merged into
the page, its include sits where the role looks first, and the page's query count does not
grow with the rows of the parts.

The parts fill their functions and includes themselves (tests/training, tests/supervision);
here the placement is checked with stand-in includes, and the query count with real rows
made through the ORM, so that it holds whatever a part shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.conftest import make_person
from tongban.core import home
from tongban.supervision import meeting_selectors, request_selectors, wellbeing_selectors
from tongban.supervision.models import (
    SupervisionAction,
    SupervisionMeeting,
    SupervisionRequest,
    WellbeingAlert,
    WellbeingCheckIn,
)
from tongban.training import selectors as training_selectors
from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession, Workshop
from tongban.training.standard import ensure_standard_curriculum

ROLES = ["manager", "psychiatrist", "doctor", "psychologist", "socialworker", "research", "peer"]
PARTS = {
    "training": "training/_home.html",
    "meeting": "supervision/_home_meeting.html",
    "request": "supervision/_home_request.html",
    "wellbeing": "supervision/_home_wellbeing.html",
}


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context.captured_queries)


# --- Placement, with stand-in includes -----------------------------------------------------


@pytest.fixture
def stand_ins(settings, tmp_path):
    """Each part's include replaced by a marker (a template directory searched first)."""
    for name, path in PARTS.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'<div id="part-{name}"></div>', encoding="utf-8")
    engine = {**django_settings.TEMPLATES[0]}
    engine["DIRS"] = [tmp_path, *engine["DIRS"]]
    settings.TEMPLATES = [engine]


def positions(html: str, *markers: str) -> list[int]:
    found = []
    for marker in markers:
        assert html.count(marker) == 1, marker
        found.append(html.index(marker))
    return found


def test_a_peer_sees_their_own_supervision_first(stand_ins, client_for, users):
    html = page(client_for(users["peer"]))
    wellbeing, meeting, request, training, sessions = positions(
        html,
        'id="part-wellbeing"',
        'id="part-meeting"',
        'id="part-request"',
        'id="part-training"',
        'id="home-sessions"',
    )
    # The check-in due, own actions, own requests; then training; then the sessions.
    assert wellbeing < meeting < request < training < sessions


@pytest.mark.parametrize("role", ["doctor", "psychologist", "psychiatrist", "socialworker"])
def test_supervisors_see_requests_right_after_emergencies(stand_ins, client_for, users, role):
    html = page(client_for(users[role]))
    emergencies_end = html.index("</section>", html.index('id="home-emergencies"'))
    request, wellbeing, meeting, training = positions(
        html,
        'id="part-request"',
        'id="part-wellbeing"',
        'id="part-meeting"',
        'id="part-training"',
    )
    assert emergencies_end < request < wellbeing < meeting < training
    between = html[emergencies_end:request]
    assert "<section" not in between  # nothing in between


def test_the_manager_sees_meetings_and_actions_before_the_reviews(stand_ins, client_for, users):
    html = page(client_for(users["manager"]))
    emergencies, meeting, review, training = positions(
        html,
        'id="home-emergencies"',
        'id="part-meeting"',
        'id="home-review"',
        'id="part-training"',
    )
    assert emergencies < meeting < review < training


def test_research_assistants_get_each_part_once(stand_ins, client_for, users):
    html = page(client_for(users["research"]))
    positions(html, *(f'id="part-{name}"' for name in PARTS))


# --- The hooks -----------------------------------------------------------------------------


def test_every_part_is_asked_with_the_user_and_today(monkeypatch, users):
    calls = []

    def hook(name):
        def home_work(user, today):
            calls.append((name, user, today))
            # A part's key never replaces one of the page's own.
            return {f"{name}_work": name, "emergencies": "replaced"}

        return home_work

    for name, module in {
        "training": training_selectors,
        "meeting": meeting_selectors,
        "request": request_selectors,
        "wellbeing": wellbeing_selectors,
    }.items():
        monkeypatch.setattr(module, "home_work", hook(name))
    context = home.home_context(users["doctor"])
    assert [call[0] for call in calls] == ["training", "meeting", "request", "wellbeing"]
    assert all(call[1] == users["doctor"] for call in calls)
    assert all(call[2] == timezone.localdate() for call in calls)
    assert context["meeting_work"] == "meeting" and context["wellbeing_work"] == "wellbeing"
    assert isinstance(context["emergencies"], list)


# --- What the parts show, where they are in place ------------------------------------------


def test_an_urgent_request_shows_on_the_doctors_home_after_the_emergencies(
    client_for, users, community_a, peer_person_a
):
    request = SupervisionRequest.objects.create(
        community=community_a, peer=peer_person_a, topic="组员不说话", urgency="urgent",
        doctor=users["doctor"], asked_by=users["peer"],
    )  # fmt: skip
    if not request_selectors.home_work(users["doctor"], timezone.localdate()):
        pytest.skip("the request part has no home block yet")
    html = page(client_for(users["doctor"]))
    assert "组员不说话" in html
    assert html.index('id="home-emergencies"') < html.index("组员不说话")
    assert html.index("组员不说话") < html.index('id="home-sessions"')
    research = page(client_for(users["research"]))
    assert "组员不说话" not in research
    peer = page(client_for(users["peer"]))  # their own request, above their sessions
    assert peer.index("组员不说话") < peer.index('id="home-sessions"')
    assert request.pk


def test_an_action_stays_on_its_owners_home_until_done(client_for, users, community_a):
    today = timezone.localdate()
    held = SupervisionMeeting.objects.create(
        program=community_a.program, held_on=today - timedelta(days=3), status="held"
    )
    held.communities.set([community_a])
    action = SupervisionAction.objects.create(
        meeting=held, community=community_a, text="准备下次活动的主题清单", owner=users["peer"],
        due_on=today + timedelta(days=2),
    )  # fmt: skip
    if not meeting_selectors.home_work(users["peer"], today):
        pytest.skip("the meeting part has no home block yet")
    html = page(client_for(users["peer"]))
    assert "准备下次活动的主题清单" in html
    assert html.index("准备下次活动的主题清单") < html.index('id="home-sessions"')
    assert "准备下次活动的主题清单" not in page(client_for(users["doctor"]))
    action.done_at, action.done_by = timezone.now(), users["peer"]
    action.save()
    assert "准备下次活动的主题清单" not in page(client_for(users["peer"]))


# --- Query count -----------------------------------------------------------------------------


def add_supervision_rows(n: int, *, first: int, users, community_a) -> None:
    """n of everything the parts list for community A: open actions owned by every user,
    confirmed meetings this week, unanswered urgent and routine requests (fresh: no
    reminder due), peers with a check-in two days ago (none missed) and a worrying one with
    its alert, a training round under way with peers not yet ready to lead."""
    today = timezone.localdate()
    program = community_a.program
    for i in range(first, first + n):
        peer = make_person(f"督导同伴{i}", community=community_a, role="peer",
                           started_on=today - timedelta(days=20))  # fmt: skip
        held = SupervisionMeeting.objects.create(
            program=program, held_on=today - timedelta(days=i), status="held"
        )
        held.communities.set([community_a])
        coming = SupervisionMeeting.objects.create(
            program=program, held_on=today + timedelta(days=1 + i % 5), status="confirmed"
        )
        coming.communities.set([community_a])
        for user in users.values():
            SupervisionAction.objects.create(
                meeting=held, community=community_a, text=f"行动{i}", owner=user,
                due_on=today + timedelta(days=i - 3),
            )  # fmt: skip
        for who, urgency in ((peer, "urgent"), (users["peer"].person, "routine")):
            SupervisionRequest.objects.create(
                community=community_a, peer=who, topic=f"求助{i}", urgency=urgency,
                doctor=users["doctor"], asked_by=users["peer"],
            )  # fmt: skip
        for person in (peer, users["peer"].person):
            WellbeingCheckIn.objects.create(
                peer=person, community=community_a, answered_on=today - timedelta(days=2),
                workload=3, stress=3, confidence=3, created_by=users["peer"],
            )  # fmt: skip
        worrying = WellbeingCheckIn.objects.create(
            peer=peer, community=community_a, answered_on=today - timedelta(days=1),
            workload=5, stress=5, confidence=1, wants_break=True, created_by=users["peer"],
        )  # fmt: skip
        worrying.worrying = True
        worrying.save()
        WellbeingAlert.objects.create(
            peer=peer, community=community_a, kind="worrying", checkin=worrying
        )
        training_round = TrainingRound.objects.create(
            program=program, kind="pre_service", name=f"培训{i}",
            starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=10),
        )  # fmt: skip
        training_round.communities.set([community_a])
        session = TrainingSession.objects.create(
            round=training_round, workshop=workshops()[i % 6], held_on=today - timedelta(days=1)
        )
        TrainingAttendance.objects.create(session=session, person=peer)


def workshops() -> list[Workshop]:
    ensure_standard_curriculum()
    return list(Workshop.objects.filter(program=None).order_by("position"))


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_costs_the_same_with_more_supervision_rows(
    client_for, users, community_a, role
):
    # Peers' training is required from the program's start: new peers are not ready.
    program = community_a.program
    program.training_records_from = date(2013, 7, 1)
    program.save()
    client = client_for(users[role])
    add_supervision_rows(1, first=1, users=users, community_a=community_a)
    queries(client)  # once: anything a page does once a minute is done
    one = queries(client)
    add_supervision_rows(4, first=2, users=users, community_a=community_a)
    queries(client)
    assert queries(client) == one


# --- Navigation ----------------------------------------------------------------------------


def nav(client) -> str:
    html = page(client)
    return html.split('class="mainnav"')[1].split("</nav>")[0]


def href(name: str) -> str:
    try:
        return f'href="{reverse(name)}"'
    except NoReverseMatch:
        pytest.skip(f"{name} does not exist yet")


NAV = {
    # role: (training, supervision meetings, wellbeing, ask for supervision, check-in)
    "peer": (True, False, False, True, True),
    "doctor": (True, True, True, False, False),
    "psychologist": (True, True, True, False, False),
    "psychiatrist": (True, True, True, False, False),
    "socialworker": (True, True, True, False, False),
    "manager": (True, True, False, False, False),
    "research": (True, False, False, False, False),
}


@pytest.mark.parametrize("role", list(NAV))
def test_the_navigation_links_follow_the_role(client_for, users, role):
    names = (
        "training:round_list",
        "supervision:meeting_schedule",
        "supervision:wellbeing_list",
        "supervision:request_create",
        "supervision:wellbeing_checkin",
    )
    links = nav(client_for(users[role]))
    for name, expected in zip(names, NAV[role], strict=True):
        assert (href(name) in links) is expected, name
