"""Communities of the chosen program: create, edit (versioned), close, delete, history."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.core.concurrency import current_version
from tongban.emergencies.models import EmergencyEvent
from tongban.registry.models import Community, Venue

from .conftest import make_plan, make_submission

pytestmark = pytest.mark.django_db

NEW = {"name": "丁社区", "name_en": "Delta Garden", "code": "", "started_on": "2014-01-01"}


def edit_data(community: Community, **changes) -> dict:
    data = {
        "name": community.name,
        "name_en": community.name_en,
        "code": community.code,
        "started_on": community.started_on.isoformat() if community.started_on else "",
        "ended_on": community.ended_on.isoformat() if community.ended_on else "",
        "version": current_version(community),
    }
    data.update(changes)
    return data


def test_create_makes_a_unique_code_from_the_english_name(client_for, users, program):
    client = client_for(users["manager"])
    first = client.post("/program/communities/new/", NEW)
    second = client.post("/program/communities/new/", {**NEW, "name": "丁社区二"})
    assert first.status_code == second.status_code == 302
    codes = sorted(Community.objects.filter(name__startswith="丁").values_list("code", flat=True))
    assert codes == ["delta-garden", "delta-garden-2"]
    community = Community.objects.get(code="delta-garden")
    assert community.program == program and community.started_on == date(2014, 1, 1)
    assert first["Location"] == f"/program/communities/{community.pk}/"
    row = community.history.get()
    assert row.history_type == "+" and row.history_user == users["manager"]


def test_without_an_english_name_the_code_is_still_made(client_for, users, program):
    client_for(users["manager"]).post("/program/communities/new/", {**NEW, "name_en": ""})
    assert Community.objects.get(name="丁社区").code == "community"


def test_every_error_in_one_round_and_nothing_saved(client_for, users, community_a):
    before = Community.objects.count()
    response = client_for(users["manager"]).post(
        "/program/communities/new/",
        {"name": "", "name_en": "x", "code": "ALPHA", "started_on": "2013-01-01",
         "ended_on": "2012-12-31"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "code", "started_on", "ended_on"}
    assert "2013-07-01" in errors["started_on"][0]  # the program's start
    assert Community.objects.count() == before


def test_start_date_is_required(client_for, users, program):
    response = client_for(users["manager"]).post(
        "/program/communities/new/", {**NEW, "started_on": ""}
    )
    assert set(response.context["form"].errors) == {"started_on"}


def test_edit_is_versioned_and_audited(client_for, users, community_a):
    client = client_for(users["manager"])
    opened = edit_data(community_a)
    assert client.post(
        f"/program/communities/{community_a.pk}/edit/", {**opened, "name_en": "Alpha Park"}
    ).status_code == 302  # fmt: skip
    conflict = client.post(
        f"/program/communities/{community_a.pk}/edit/", {**opened, "name_en": "Alpha Hill"}
    )
    assert conflict.status_code == 200 and conflict.context["conflict"]
    assert "name (English)" in conflict.context["conflict"][0]
    community_a.refresh_from_db()
    assert community_a.name_en == "Alpha Park"
    page = client.get(f"/program/communities/{community_a.pk}/").content.decode()
    assert "<ins>Alpha Park</ins>" in page


def test_a_community_with_records_is_closed_never_deleted(client_for, users, community_a):
    client = client_for(users["manager"])
    make_person("甲服务对象", community=community_a)  # an enrolment is a record
    page = client.get(f"/program/communities/{community_a.pk}/").content.decode()
    assert "can never be deleted" in page
    assert f"/program/communities/{community_a.pk}/delete/" not in page
    refused = client.post(f"/program/communities/{community_a.pk}/delete/")
    assert refused.status_code == 200 and refused.context["errors"]
    assert Community.objects.filter(pk=community_a.pk).exists()

    closed = client.post(
        f"/program/communities/{community_a.pk}/close/",
        {"ended_on": "2016-06-30", "version": current_version(community_a)},
    )
    assert closed.status_code == 302
    community_a.refresh_from_db()
    assert community_a.ended_on == date(2016, 6, 30)
    row = community_a.history.order_by("-history_id").first()
    assert row.history_user == users["manager"] and row.ended_on == date(2016, 6, 30)
    for url in (f"/program/communities/{community_a.pk}/", f"/communities/{community_a.pk}/"):
        assert "2016-06-30" in client.get(url).content.decode()
    assert 'id="community-closed"' in client.get(f"/communities/{community_a.pk}/").content.decode()


@pytest.mark.parametrize("record", ["session", "emergency", "submission"])
def test_every_kind_of_record_forbids_deleting(client_for, users, community_a, record):
    peer = users["peer"].person
    if record == "session":
        make_plan(community_a, date(2014, 3, 5), lead=peer, by=users["peer"])
    elif record == "emergency":
        from django.utils import timezone

        EmergencyEvent.objects.create(
            community=community_a, kind=EmergencyEvent.Kind.OTHER, occurred_at=timezone.now(),
            description="x", actions_taken="x", emergency_services_called=False,
            reported_by=users["peer"],
        )  # fmt: skip
    else:
        make_submission(community_a, users["peer"])
    client_for(users["manager"]).post(f"/program/communities/{community_a.pk}/delete/")
    assert Community.objects.filter(pk=community_a.pk).exists()


def test_a_community_without_records_may_be_deleted_after_a_confirmation(
    client_for, users, program
):
    community = Community.objects.create(
        program=program, code="typo", name="错误", started_on=date(2014, 1, 1)
    )
    Venue.objects.create(community=community, name="活动室", kind=Venue.Kind.OTHER)
    doctor = make_user("typo.doctor", Role.COMMUNITY_DOCTOR, [community])
    client = client_for(users["manager"])
    page = client.get(f"/program/communities/{community.pk}/").content.decode()
    assert "may be deleted" in page
    confirm = client.get(f"/program/communities/{community.pk}/delete/")
    assert confirm.status_code == 200 and Community.objects.filter(pk=community.pk).exists()
    deleted = client.post(f"/program/communities/{community.pk}/delete/")
    assert deleted.status_code == 302 and deleted["Location"] == "/program/"
    assert not Community.objects.filter(pk=community.pk).exists()
    assert not doctor.communities.exists()
    # The account's history shows the assignment gone, and who removed it.
    assert doctor.history.order_by("-history_id").first().history_user == users["manager"]
    # The history keeps that it existed, and says who deleted it.
    rows = Community.history.filter(id=community.pk).order_by("history_id")
    assert [r.history_type for r in rows] == ["+", "-"]
    assert rows.last().history_user == users["manager"]
    assert "错误" in client.get("/program/").content.decode()


def test_closing_before_its_records_is_refused(client_for, users, community_a):
    make_plan(community_a, date(2015, 5, 5), lead=users["peer"].person, by=users["peer"])
    response = client_for(users["manager"]).post(
        f"/program/communities/{community_a.pk}/close/",
        {"ended_on": "2015-01-31", "version": current_version(community_a)},
    )
    assert response.status_code == 200
    assert "2015-05-05" in response.context["form"].errors["ended_on"][0]
    community_a.refresh_from_db()
    assert community_a.ended_on is None


def test_a_closed_community_takes_no_enrolment_after_its_end(client_for, users, community_a):
    response = client_for(users["manager"]).post(
        f"/program/communities/{community_a.pk}/close/",
        {"ended_on": "2016-06-30", "version": current_version(community_a)},
    )
    assert response.status_code == 302, response.context["form"].errors
    from django.core.exceptions import ValidationError

    community_a.refresh_from_db()
    with pytest.raises(ValidationError, match="2016-06-30"):
        make_person("晚到", community=community_a, started_on=date(2016, 7, 1))


def test_the_page_lists_the_staff_assigned_with_links(client_for, users, community_a):
    page = client_for(users["manager"]).get(f"/program/communities/{community_a.pk}/")
    html = page.content.decode()
    for key in ("doctor", "psychologist", "socialworker", "research"):
        assert f'href="/accounts/{users[key].pk}/"' in html
    assert f'href="/accounts/{users["peer"].pk}/"' not in html


def test_list_links_to_the_setup_pages_for_the_manager_only(client_for, users, community_a):
    manager = client_for(users["manager"])
    assert "/program/communities/new/" in manager.get("/communities/").content.decode()
    detail = manager.get(f"/communities/{community_a.pk}/").content.decode()
    assert f"/program/communities/{community_a.pk}/" in detail
    doctor = client_for(users["doctor"])
    page = doctor.get("/communities/").content.decode()
    # The program switcher and the program report are for everyone; setup is not.
    assert '"/program/' not in page.replace('"/program/switch/', "")
    detail = doctor.get(f"/communities/{community_a.pk}/").content.decode()
    assert f"/program/communities/{community_a.pk}/" not in detail


def test_community_page_has_constant_queries(client_for, users, community_a):
    client = client_for(users["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/program/communities/{community_a.pk}/").status_code == 200
        return len(context.captured_queries)

    before = count()
    for i in range(4):
        Venue.objects.create(community=community_a, name=f"场地{i}", kind=Venue.Kind.OTHER)
        make_user(f"sw{i}", Role.SOCIAL_WORKER, [community_a])
    # One version lookup per venue is the only per-row query allowed: none here.
    assert count() == before


def test_a_closed_community_takes_no_session_after_its_end(client_for, users, community_a):
    from tongban.activities.services import plan_errors

    client_for(users["manager"]).post(
        f"/program/communities/{community_a.pk}/close/",
        {"ended_on": "2016-06-30", "version": current_version(community_a)},
    )
    community_a.refresh_from_db()
    assert "planned_on" in plan_errors(
        community=community_a, fields={"planned_on": date(2016, 7, 1)}
    )
    assert "planned_on" not in plan_errors(
        community=community_a, fields={"planned_on": date(2016, 6, 30)}
    )
