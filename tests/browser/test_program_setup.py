"""A new project manager sets up a program on a phone, in Chinese, from nothing: the
program, two communities and a venue, a peer (a candidate, screened, enrolled through the
gate) and their account; the peer then plans the first session."""

from __future__ import annotations

import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import complete_training, make_user
from tests.screening.conftest import PASSING, consent_all
from tongban.accounts.models import Role, User
from tongban.activities.models import ActivityPlan
from tongban.registry.models import Community, Person, Program
from tongban.screening import services as screening_services

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

MANAGER_PASSWORD = "Willow-harbour-2291"
PEER_PASSWORD = "Paper-lantern-8830"
NOTES_SHOTS = Path("/work/notes/shots")


def keep(page, name: str) -> None:
    """The usual artifact, and a copy in the notes for the lead to look at."""
    target = shoot(page, f"setup-{name}")
    if NOTES_SHOTS.parent.is_dir():
        NOTES_SHOTS.mkdir(exist_ok=True)
        shutil.copy(target, NOTES_SHOTS / target.name)


def manager_of(program) -> User:
    return User.objects.get(username="liu.pm", programs=program)


def submit(page) -> None:
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def test_a_new_manager_sets_up_a_program_and_a_peer_plans_the_first_session(
    live_server, phone, new_phone, monkeypatch
):
    # The manager is made as `manage.py create_manager` makes one, on an empty database.
    assert not Program.objects.exists() and not User.objects.exists()
    monkeypatch.setenv("TONGBAN_MANAGER_PASSWORD", MANAGER_PASSWORD)
    call_command(
        "create_manager", "--username", "liu.pm", "--name", "刘经理",
        "--password-from-env", "TONGBAN_MANAGER_PASSWORD", stdout=io.StringIO(),
    )  # fmt: skip
    today = timezone.localdate()
    start = today - timedelta(days=14)

    login(phone, live_server, "liu.pm", MANAGER_PASSWORD)
    assert html_lang(phone) == "zh-hans"
    phone.goto(url(live_server, "/program/"))
    assert path_of(phone) == "/program/new/"  # no program yet: create one
    assert phone.locator("#first-program").is_visible()
    phone.fill("input[name=name]", "海淀区同伴支持项目")
    phone.fill("input[name=name_en]", "Haidian peer support")
    phone.fill("input[name=started_on]", start.isoformat())
    assert phone.input_value("input[name=cycle_days]") == "42"
    assert phone.input_value("input[name=escalation_hours]") == "24"
    keep(phone, "01-program-form")
    # A first try with the end before the start: the error is shown, nothing saved.
    phone.fill("input[name=ended_on]", (start - timedelta(days=1)).isoformat())
    submit(phone)
    assert phone.locator("#error-summary").is_visible()
    assert phone.locator("#field-ended_on .error").is_visible()
    assert not Program.objects.exists()
    keep(phone, "02-program-error")
    phone.fill("input[name=ended_on]", "")
    submit(phone)
    program = Program.objects.get()
    assert path_of(phone) == "/program/" and program.slug == "haidian-peer-support"
    assert phone.locator("#setup-checklist").is_visible()
    assert phone.locator("#step-communities.todo").is_visible()
    assert_tappable(phone, "main a.button, main button")
    keep(phone, "03-program-checklist")

    # Two communities; the code is made from the English name.
    for name, name_en in (("学院路社区", "Xueyuan Road"), ("万柳社区", "Wanliu")):
        with phone.expect_navigation():
            phone.click("a.button[href='/program/communities/new/']")
        phone.fill("input[name=name]", name)
        phone.fill("input[name=name_en]", name_en)
        phone.fill("input[name=started_on]", start.isoformat())
        if name_en == "Wanliu":
            keep(phone, "04-community-form")
        submit(phone)
        community = Community.objects.get(name=name)
        assert path_of(phone) == f"/program/communities/{community.pk}/"
        assert phone.locator("#close-or-delete").is_visible()
        if name_en == "Xueyuan Road":
            first = community
            phone.goto(url(live_server, "/program/"))
    assert sorted(Community.objects.values_list("code", flat=True)) == ["wanliu", "xueyuan-road"]

    # A venue for the first community.
    phone.goto(url(live_server, f"/program/communities/{first.pk}/"))
    with phone.expect_navigation():
        phone.click(f"a.button[href='/program/communities/{first.pk}/venues/new/']")
    phone.select_option("select[name=kind]", "rehabilitation_centre")
    phone.fill("input[name=name]", "学院路温馨家园")
    phone.fill("input[name=address]", "学院路20号")
    submit(phone)
    venue = first.venues.get()
    assert path_of(phone) == f"/program/communities/{first.pk}/"
    assert phone.locator(f"#venue-{venue.pk}").is_visible()
    keep(phone, "05-community-with-venue")

    # The peer comes in as a candidate: the checklist's "add a peer" leads to the candidate
    # page. A community doctor recommends peers and the psychiatrist screens them; their
    # accounts are made on the accounts pages (tested elsewhere), here as fixtures.
    doctor = make_user("sun.doctor", Role.COMMUNITY_DOCTOR, [first])
    psychiatrist = make_user("qian.psychiatrist", Role.PSYCHIATRIST, programs=[program])
    phone.goto(url(live_server, "/people/new/?role=peer"))
    assert path_of(phone) == "/screening/candidates/new/?role=peer"
    phone.fill("input[name=name]", "赵同伴")
    phone.select_option("select[name=sex]", "female")
    phone.fill("input[name=date_of_birth]", "1980-05-01")
    assert phone.is_checked("input[name=role][value=peer]")
    phone.select_option("select[name=community]", str(first.pk))
    phone.check("input[name=source][value=doctor]")
    phone.select_option("select[name=recommended_by]", str(doctor.pk))
    submit(phone)
    peer = Person.objects.get(name="赵同伴")
    assert peer.program == program
    candidate = peer.candidacies.get()
    # The psychiatrist's assessment and the signed informed consent (their own pages are
    # tested in tests/browser/test_screening_flow.py).
    screening_services.assessment_record(
        candidate=candidate,
        by=psychiatrist,
        assessed_on=today,
        fields={**PASSING, "diagnosis": "bipolar"},
    )
    consent_all(peer, "peer", by=manager_of(program), on=today)
    # The manager enrols the screened candidate from the person's page, through the gate.
    phone.goto(url(live_server, f"/people/{peer.pk}/enrol/"))
    phone.select_option("select[name=community]", str(first.pk))
    phone.select_option("select[name=role]", "peer")
    phone.fill("input[name=started_on]", today.isoformat())
    submit(phone)
    assert path_of(phone) == f"/people/{peer.pk}/"
    candidate.refresh_from_db()
    assert candidate.stage == "enrolled" and candidate.enrolment.community == first
    phone.goto(url(live_server, "/accounts/new/?kind=peer"))
    phone.select_option("select[name=person]", str(peer.pk))
    phone.fill("input[name=username]", "zhao.peer")
    phone.fill("input[name=password1]", PEER_PASSWORD)
    phone.fill("input[name=password2]", PEER_PASSWORD)
    submit(phone)
    assert User.objects.get(username="zhao.peer").person == peer

    phone.goto(url(live_server, "/program/"))
    assert phone.locator("#step-venues.todo").is_visible()  # the second community has none
    assert phone.locator("#step-training.todo").is_visible()
    assert phone.locator("#step-session.todo").is_visible()
    keep(phone, "06-checklist-after-peer")
    # Only a peer with every pre-service workshop may lead (training pages are tested in
    # tests/browser/test_training_flow.py): the peer's training, as a fixture.
    complete_training(peer, community=first, on=today)

    # The peer signs in on their own phone and plans the first session.
    peer_phone = new_phone()
    login(peer_phone, live_server, "zhao.peer", PEER_PASSWORD)
    peer_phone.goto(url(live_server, "/sessions/plan/"))
    assert html_lang(peer_phone) == "zh-hans"
    peer_phone.fill("input[name=planned_on]", (today + timedelta(days=3)).isoformat())
    peer_phone.fill("input[name=planned_start]", "09:30")
    peer_phone.fill("input[name=planned_end]", "11:00")
    peer_phone.select_option("select[name=category]", "entertainment")
    peer_phone.fill("input[name=theme]", "一起唱歌")
    peer_phone.fill("textarea[name=aim]", "互相认识，放松心情")
    peer_phone.select_option("select[name=format]", "group_discussion")
    assert peer_phone.input_value("select[name=lead_peer]") == str(peer.pk)
    assert peer_phone.input_value("select[name=venue]") == str(venue.pk)
    keep(peer_phone, "07-peer-plans")
    submit(peer_phone)
    plan = ActivityPlan.objects.get()
    assert path_of(peer_phone) == f"/sessions/{plan.pk}/"
    assert plan.community == first and plan.lead_peer == peer and plan.venue == venue
    keep(peer_phone, "08-peer-planned")

    phone.goto(url(live_server, "/program/"))
    assert phone.locator("#step-session.done").is_visible()
    keep(phone, "09-checklist-after-session")
