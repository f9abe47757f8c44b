"""On phones in Chinese: the project manager plans a pre-service training round, adds the
six workshops and ticks a newly screened peer at five of them; the readiness page and the
peer's page say what is still missing, and the Activity Plan Form refuses the peer as lead
with the same words; after a make-up session the peer may lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.screening.consent_helpers import enrolled
from tongban.activities.models import ActivityPlan
from tongban.screening import services as screening_services
from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession
from tongban.training.readiness import missing_workshops, required_workshops
from tongban.training.standard import ensure_standard_curriculum

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

ROUND_NAME = "二〇二六年岗前培训"
MISSED = "emergencies"
MISSED_NAME = "处理紧急情况"  # the standard workshop's Chinese name (program data)


def save(page) -> None:
    """Submit the page's main form and wait for the page that follows."""
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")


def add_session(page, live_server, training_round, workshop, day, *, make_up=False) -> None:
    page.goto(url(live_server, f"/training/{training_round.pk}/"))
    with page.expect_navigation():
        page.click(f"main a[href='/training/{training_round.pk}/sessions/new/']")
    page.select_option("select[name=workshop]", str(workshop.pk))
    page.fill("input[name=held_on]", day.isoformat())
    page.fill("input[name=starts_at]", "09:00")
    page.fill("input[name=ends_at]", "11:30")
    if make_up:
        page.check("input[name=make_up]")
    save(page)
    assert path_of(page) == f"/training/{training_round.pk}/"


def test_a_round_a_missed_workshop_and_the_make_up(live_server, new_phone, users, community_a):
    ensure_standard_curriculum()
    program = community_a.program
    # A peer screened, consented and enrolled through the gate: not exempt from training.
    screening_services.consent_documents_ensure(program=program)
    trainee = enrolled("新同伴", community=community_a, users=users, role="peer")
    assert not trainee.enrolments.get().before_screening
    workshops = list(required_workshops(program))
    assert len(workshops) == 6
    today = timezone.localdate()
    first_day, last_day = today - timedelta(days=14), today - timedelta(days=10)

    # The manager plans the round: dates, community, two trainers.
    manager = new_phone()
    login(manager, live_server, "manager")
    assert html_lang(manager) == "zh-hans"
    manager.goto(url(live_server, "/training/"))
    with manager.expect_navigation():
        manager.click("main a.button.primary[href='/training/new/']")
    assert manager.is_checked("input[name=kind][value=pre_service]")
    manager.fill("input[name=name]", ROUND_NAME)
    manager.fill("input[name=starts_on]", first_day.isoformat())
    manager.fill("input[name=ends_on]", last_day.isoformat())
    manager.check(f"input[name=communities][value='{community_a.pk}']")
    manager.check(f"input[name=trainers][value='{users['psychiatrist'].pk}']")
    manager.check(f"input[name=trainers][value='{users['psychologist'].pk}']")
    assert_tappable(manager, "main form.form button[type=submit]")
    shoot(manager, "training-01-round-form")
    save(manager)
    training_round = TrainingRound.objects.get()
    assert path_of(manager) == f"/training/{training_round.pk}/"
    assert training_round.kind == TrainingRound.Kind.PRE_SERVICE
    assert (training_round.starts_on, training_round.ends_on) == (first_day, last_day)
    assert list(training_round.communities.all()) == [community_a]
    assert set(training_round.trainers.all()) == {users["psychiatrist"], users["psychologist"]}
    assert ROUND_NAME in manager.locator("h1").inner_text()
    shoot(manager, "training-02-round-created")

    # A session of each workshop, two a day.
    for index, workshop in enumerate(workshops):
        day = first_day + timedelta(days=index // 2)
        add_session(manager, live_server, training_round, workshop, day)
    sessions = list(TrainingSession.objects.filter(round=training_round))
    assert sorted(s.workshop.code for s in sessions) == sorted(w.code for w in workshops)
    assert manager.locator("#sessions li.session").count() == 6
    assert manager.locator("#sessions h2").inner_text() == "培训课"
    shoot(manager, "training-03-six-sessions")

    # Attendance from each session's checklist: the trainee misses the emergencies workshop.
    for session in sessions:
        if session.workshop.code == MISSED:
            continue
        manager.goto(url(live_server, f"/training/sessions/{session.pk}/"))
        manager.check(f"input[name=people][value='{trainee.pk}']")
        save(manager)
        assert path_of(manager) == f"/training/sessions/{session.pk}/"
        assert manager.is_checked(f"input[name=people][value='{trainee.pk}']")
    shoot(manager, "training-04-attendance")
    assert TrainingAttendance.objects.current().filter(person=trainee).count() == 5
    assert [w.code for w in missing_workshops(trainee, program=program, on=today)] == [MISSED]

    # The readiness page names the missing workshop.
    manager.goto(url(live_server, "/training/"))
    with manager.expect_navigation():
        manager.click("main a[href='/training/readiness/']")
    section = manager.locator(f"#community-{community_a.pk}").inner_text()
    assert "新同伴" in section and "还差" in section and MISSED_NAME in section
    for other in workshops:
        if other.code != MISSED:
            assert other.name not in section
    shoot(manager, "training-05-readiness")
    # So does the peer's page.
    with manager.expect_navigation():
        manager.click(f"#community-{community_a.pk} a[href='/people/{trainee.pk}/#training']")
    record = manager.locator("section#training").inner_text()
    assert "尚不能主持活动" in record and "还差" in record and MISSED_NAME in record
    assert manager.locator("section#training table.training-attended tbody tr").count() == 5
    manager.locator("section#training").scroll_into_view_if_needed()
    shoot(manager, "training-06-person-missing")

    # A peer plans a session for today with the trainee as lead: refused, naming the workshop.
    planner = new_phone()
    login(planner, live_server, "peer")
    planner.goto(url(live_server, "/sessions/plan/"))
    lead_label = planner.eval_on_selector(
        "select[name=lead_peer]", f"s => [...s.options].find(o => o.value == '{trainee.pk}').text"
    )
    assert "尚未完成培训" in lead_label
    planner.fill("input[name=planned_on]", today.isoformat())
    planner.fill("input[name=planned_start]", "14:00")
    planner.fill("input[name=planned_end]", "15:30")
    planner.select_option("select[name=category]", "entertainment")
    planner.fill("input[name=theme]", "一起唱歌")
    planner.fill("textarea[name=aim]", "放松心情，互相认识")
    planner.select_option("select[name=format]", "group_discussion")
    planner.select_option("select[name=lead_peer]", str(trainee.pk))
    save(planner)
    assert not ActivityPlan.objects.exists()
    assert planner.locator("#error-summary").is_visible()
    error = planner.locator("#field-lead_peer .error").inner_text()
    assert "还差" in error and MISSED_NAME in error
    planner.locator("#field-lead_peer").scroll_into_view_if_needed()
    shoot(planner, "training-07-plan-refused")

    # A make-up session after the round, yesterday; the trainee attends.
    yesterday = today - timedelta(days=1)
    missed = next(w for w in workshops if w.code == MISSED)
    add_session(manager, live_server, training_round, missed, yesterday, make_up=True)
    make_up = TrainingSession.objects.get(round=training_round, make_up=True)
    assert make_up.workshop == missed and make_up.held_on == yesterday
    assert "补课" in manager.locator(f"#session-{make_up.pk}").inner_text()
    manager.goto(url(live_server, f"/training/sessions/{make_up.pk}/"))
    manager.check(f"input[name=people][value='{trainee.pk}']")
    save(manager)
    assert TrainingAttendance.objects.current().filter(person=trainee, session=make_up).exists()
    assert missing_workshops(trainee, program=program, on=today) == []
    manager.goto(url(live_server, "/training/readiness/"))
    assert "新同伴" not in manager.locator(f"#community-{community_a.pk}").inner_text()
    manager.goto(url(live_server, f"/people/{trainee.pk}/"))
    record = manager.locator("section#training").inner_text()
    assert "培训已完成：可以主持活动" in record
    assert "还差" not in record and "尚不能主持活动" not in record
    assert manager.locator("section#training table.training-attended tbody tr").count() == 6
    manager.locator("section#training").scroll_into_view_if_needed()
    shoot(manager, "training-08-person-ready")

    # The same plan, sent again: accepted with the trainee as lead.
    save(planner)
    plan = ActivityPlan.objects.get()
    assert path_of(planner) == f"/sessions/{plan.pk}/"
    assert plan.lead_peer == trainee and plan.planned_on == today
    assert "新同伴" in planner.locator("main").inner_text()
    shoot(planner, "training-09-plan-accepted")
