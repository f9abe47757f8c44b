"""Cycles are labelled "第 26 期" in Chinese and "Cycle 26" in English (issue 7, item 14)."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from tongban.submissions import services


def test_submission_and_notification_labels_name_the_cycle(users, community_a, frozen):
    frozen(date(2013, 8, 20))
    submission = services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    with translation.override("en"):
        assert str(submission) == "Alpha · Cycle 1"
    with translation.override("zh-hans"):
        assert str(submission) == "甲社区 · 第 1 期"
    notice = users["manager"].notifications.get()
    assert notice.subject == "甲社区 第 1 期（2013-07-01–2013-08-11）"


def test_pages_label_cycles_with_the_translated_cycle_label(client_for, users, community_a, frozen):
    frozen(date(2013, 8, 20))
    client = client_for(users["peer"])
    with translation.override("en"):
        expected = translation.gettext("Cycle %(number)s") % {"number": 1}
    page = client.get("/submissions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    with translation.override("zh-hans"):
        chinese = translation.gettext("Cycle %(number)s") % {"number": 1}
    assert chinese in page and chinese != expected
    detail = client.get(f"/submissions/{community_a.pk}/1/").content.decode()
    assert chinese in detail
