"""A new project manager sets up a program on a phone, in Chinese, from nothing: the
program, two communities and a venue, a peer's record and account; the peer then plans
the first session."""

from __future__ import annotations

import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tongban.accounts.models import User
from tongban.activities.models import ActivityPlan
from tongban.registry.models import Community, Person, Program

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

    # The peer's record (registry) and account (accounts), on the existing pages.
    phone.goto(url(live_server, "/people/new/?role=peer"))
    phone.fill("input[name=name]", "赵同伴")
    phone.select_option("select[name=sex]", "female")
    phone.select_option("select[name=role]", "peer")
    phone.select_option("select[name=community]", str(first.pk))
    phone.fill("input[name=started_on]", start.isoformat())
    submit(phone)
    peer = Person.objects.get(name="赵同伴")
    assert peer.program == program
    phone.goto(url(live_server, "/accounts/new/?kind=peer"))
    phone.select_option("select[name=person]", str(peer.pk))
    phone.fill("input[name=username]", "zhao.peer")
    phone.fill("input[name=password1]", PEER_PASSWORD)
    phone.fill("input[name=password2]", PEER_PASSWORD)
    submit(phone)
    assert User.objects.get(username="zhao.peer").person == peer

    phone.goto(url(live_server, "/program/"))
    assert phone.locator("#step-venues.todo").is_visible()  # the second community has none
    assert phone.locator("#step-session.todo").is_visible()
    keep(phone, "06-checklist-after-peer")

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
