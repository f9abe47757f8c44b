"""The history reads as users know their records: one entry per save, grouped lists,
times as 09:30, names instead of ids, language names, 是/否."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import translation

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role, User
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.core import audit
from tongban.registry.models import Venue


def user_history(user: User) -> list[audit.AuditEntry]:
    return audit.audit_entries(
        User.history.filter(id=user.pk).select_related("history_user__person"),
        model=User,
        subject=lambda r: "account",
        m2m_fields=["communities"],
    )


def changes(entry: audit.AuditEntry) -> dict[str, tuple[str, str]]:
    return {change.label: (change.old, change.new) for change in entry.changes}


def age_history(model, **lookup) -> None:
    """Move the history rows written so far an hour back: the next save is a later one."""
    for row in model.history.filter(**lookup):
        model.history.filter(history_id=row.history_id).update(
            history_date=row.history_date - timedelta(hours=1)
        )


@pytest.fixture
def plan(community_a, peer_person_a, users) -> ActivityPlan:
    venue = Venue.objects.get(community=community_a)
    return ActivityPlan.objects.create(
        community=community_a,
        venue=venue,
        planned_on=date(2016, 6, 28),
        planned_start=time(9, 30),
        planned_end=time(11, 0),
        category="entertainment",
        theme="唱歌",
        aim="放松",
        format="group_discussion",
        lead_peer=peer_person_a,
        created_by=users["peer"],
    )


def test_a_save_then_its_many_to_many_is_one_created_entry(db, community_a):
    # make_user saves the account, then sets its communities: two history rows.
    account = make_user("newdoc", Role.COMMUNITY_DOCTOR, [community_a])
    assert User.history.filter(id=account.pk).count() == 2
    entries = user_history(account)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == str(audit.ACTIONS["+"])
    assert changes(entry)[str(User._meta.get_field("communities").verbose_name)] == ("", "甲社区")


def test_saves_minutes_apart_stay_apart(db, community_a, community_b):
    account = make_user("newdoc", Role.COMMUNITY_DOCTOR, [community_a])
    age_history(User, id=account.pk)
    account.communities.set([community_b])
    entries = user_history(account)
    assert [e.action for e in entries] == [str(audit.ACTIONS["+"]), str(audit.ACTIONS["~"])]
    label = str(User._meta.get_field("communities").verbose_name)
    assert changes(entries[1])[label] == ("甲社区", "乙社区")


def test_a_field_changed_twice_in_one_save_shows_first_old_and_last_new(plan):
    age_history(ActivityPlan, id=plan.pk)  # the creation is long before
    plan.theme = "跳舞"
    plan.save()
    plan.theme = "画画"
    plan.save()
    plan.aim = "放松"  # unchanged: no entry
    plan.save()
    entries = audit.audit_entries(
        ActivityPlan.history.filter(id=plan.pk), model=ActivityPlan, subject=lambda r: "plan"
    )
    assert len(entries) == 2
    label = str(ActivityPlan._meta.get_field("theme").verbose_name)
    assert changes(entries[1])[label] == ("唱歌", "画画")


def test_values_read_as_users_know_them(plan, users, peer_person_a):
    with translation.override("zh-hans"):
        entries = audit.audit_entries(
            ActivityPlan.history.filter(id=plan.pk), model=ActivityPlan, subject=lambda r: "plan"
        )
        shown = {new for _old, new in changes(entries[0]).values()}
    assert "09:30" in shown and "11:00" in shown
    assert "09:30:00" not in shown
    assert "2016-06-28" in shown
    assert "甲温馨家园" in shown  # the venue by name
    assert "甲同伴" in shown  # the lead peer by name
    # The peer's account by their person's name, not the username "peer".
    assert changes(entries[0])[str(_label(ActivityPlan, "created_by"))][1] == "甲同伴"


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def test_a_one_to_one_shows_the_record_by_name(plan, users):
    ActivityRecord.objects.create(
        plan=plan,
        held_on=date(2016, 6, 28),
        started_at=time(9, 30),
        ended_at=time(11, 0),
        duration_minutes=90,
        format="group_discussion",
        theme="唱歌",
        created_by=users["peer"],
    )
    entries = audit.audit_entries(
        ActivityRecord.history.all(), model=ActivityRecord, subject=lambda r: "record"
    )
    shown = changes(entries[0])[str(_label(ActivityRecord, "plan"))][1]
    assert "唱歌" in shown and "2016-06-28" in shown
    assert shown != str(plan.pk)


def test_languages_by_name_and_booleans_as_yes_no(db, community_a):
    account = make_user("lang", Role.COMMUNITY_DOCTOR, [community_a])
    age_history(User, id=account.pk)
    account.language = "zh-hans"
    account.is_active = False
    account.save()
    with translation.override("zh-hans"):
        entry = user_history(account)[-1]
        shown = changes(entry)
    assert shown[str(_label(User, "language"))] == ("—", "简体中文")
    assert shown[str(_label(User, "is_active"))] == ("是", "否")


def test_attendance_changes_of_one_save_are_one_entry(plan, users, community_a):
    record = ActivityRecord.objects.create(
        plan=plan,
        held_on=date(2016, 6, 28),
        started_at=time(9, 30),
        ended_at=time(11, 0),
        duration_minutes=90,
        format="group_discussion",
        theme="唱歌",
        created_by=users["peer"],
    )
    jia = make_person("甲", community=community_a)
    yi = make_person("乙", community=community_a)
    bing = make_person("丙", community=community_a)
    Attendance.objects.create(record=record, person=jia)
    second = Attendance.objects.create(record=record, person=yi)
    age_history(Attendance, record_id=record.pk)
    # A later save: 乙 removed, 丙 and a walk-in added.
    second.void(by=users["peer"], reason="登记错了")
    Attendance.objects.create(record=record, person=bing)
    Attendance.objects.create(record=record, walk_in_name="来访者")
    history = Attendance.history.filter(record_id=record.pk).select_related(
        "history_user__person", "person"
    )
    with translation.override("en"):
        entries = audit.grouped_entries(
            history,
            label="participant list",
            name=lambda r: r.person.name if r.person_id else r.walk_in_name,
        )
    assert len(entries) == 2
    assert entries[0].changes[0].label == "participant list"
    assert entries[0].changes[0].new == "+ 甲, + 乙"
    assert entries[1].changes[0].new == "− 乙, + 丙, + 来访者"


def test_grouping_splits_by_user(plan, users, community_a):
    record = ActivityRecord.objects.create(
        plan=plan,
        held_on=date(2016, 6, 28),
        started_at=time(9, 30),
        ended_at=time(11, 0),
        duration_minutes=90,
        format="group_discussion",
        theme="唱歌",
        created_by=users["peer"],
    )
    Attendance.objects.create(record=record, person=make_person("甲", community=community_a))
    Attendance.objects.create(record=record, person=make_person("乙", community=community_a))
    first, second = Attendance.history.order_by("history_id")
    Attendance.history.filter(history_id=first.history_id).update(history_user=users["peer"])
    Attendance.history.filter(history_id=second.history_id).update(history_user=users["doctor"])
    entries = audit.grouped_entries(
        Attendance.history.filter(record_id=record.pk).select_related("history_user__person"),
        label="participant list",
        name=lambda r: r.person.name,
    )
    assert [e.who for e in entries] == ["甲同伴", "doctor"]


def test_history_page_shows_one_entry_for_a_new_account(client_for, users, community_a):
    account = make_user("fresh", Role.COMMUNITY_DOCTOR, [community_a])
    html = client_for(users["manager"]).get(f"/accounts/{account.pk}/").content.decode()
    history = html.split('class="history"')[1]
    assert history.count("<li>") == 1
