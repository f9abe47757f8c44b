"""On a phone in Chinese: a research assistant finds a consumer not interviewed yet, records
the pre-service interview (after one refused submission), and the program page sums it;
the peer then sees the counts beside the topic library on the plan form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.screening.models import NeedsInterview

from .conftest import assert_tappable, html_lang, login, logout, path_of, shoot, url

pytestmark = pytest.mark.browser

SOCIAL_SKILLS = "社交（人际）技能"


def test_research_assistant_records_a_needs_interview(
    live_server, phone, users, community_a, consumer_a
):
    login(phone, live_server, "research")
    assert html_lang(phone) == "zh-hans"
    phone.goto(url(live_server, "/screening/needs/"))
    missing = phone.locator("#not-interviewed")
    # The consumer and the peer of community A have no interview yet.
    assert "2" in missing.inner_text()
    shoot(phone, "needs-01-program-page-empty")

    with phone.expect_navigation():
        missing.locator("a").click()
    with phone.expect_navigation():
        phone.click(f"main a[href='/screening/people/{consumer_a.pk}/needs/new/']")
    assert path_of(phone) == f"/screening/people/{consumer_a.pk}/needs/new/"
    # Proposed: a consumer, of community A (the only one), today.
    assert phone.is_checked("input[name=respondent][value=consumer]")
    assert phone.input_value("select[name=community]") == str(community_a.pk)
    assert phone.input_value("input[name=interviewed_on]") == timezone.localdate().isoformat()
    assert phone.locator("label.category").count() == 8
    assert_tappable(phone, "main label.category", min_height=48)
    assert_tappable(phone, "main button")
    shoot(phone, "needs-02-form")

    # Nothing ticked, nothing written, a date tomorrow: both errors at once, nothing saved.
    tomorrow = timezone.localdate() + timedelta(days=1)
    phone.fill("input[name=interviewed_on]", tomorrow.isoformat())
    with phone.expect_navigation():
        phone.click("form.needs-form button[type=submit]")
    summary = phone.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("li").count() == 2
    assert NeedsInterview.objects.count() == 0
    shoot(phone, "needs-03-errors")

    phone.fill("input[name=interviewed_on]", timezone.localdate().isoformat())
    phone.locator("label.category", has=phone.locator("input[value=daily_life_skills]")).click()
    phone.locator("label.category", has=phone.locator("input[value=entertainment]")).click()
    assert phone.is_checked("input[value=daily_life_skills]")
    phone.fill("textarea[name=note]", "想学做饭，也喜欢唱歌")
    with phone.expect_navigation():
        phone.click("form.needs-form button[type=submit]")
    interview = NeedsInterview.objects.get()
    assert path_of(phone) == f"/screening/needs/{interview.pk}/"
    assert interview.interviewer == users["research"]
    assert set(interview.categories.values_list("category", flat=True)) == {
        "daily_life_skills",
        "entertainment",
    }
    assert phone.locator("ul.needs-tags li").count() == 2
    shoot(phone, "needs-04-detail")

    phone.goto(url(live_server, "/screening/needs/"))
    row = phone.locator("table.sums").first.locator("tr[data-category=daily_life_skills]")
    assert row.locator("td").first.inner_text().startswith("1")
    assert "100%" in row.locator("td").first.inner_text()
    shoot(phone, "needs-05-program-page")

    # The peer plans a session: the counts, never the consumer's name or words.
    logout(phone)
    login(phone, live_server, "peer")
    phone.goto(url(live_server, "/sessions/plan/"))
    panel = phone.locator("details.needs-panel")
    assert panel.is_visible()
    text = panel.inner_text()
    assert consumer_a.name not in phone.content()
    assert "想学做饭" not in phone.content()
    # Most asked first: the two asked for, then social skills (asked by none), though it
    # comes before entertainment in the categories' own order.
    assert text.index("日常生活技能") < text.index("娱乐") < text.index(SOCIAL_SKILLS)
    shoot(phone, "needs-06-plan-form-panel")
