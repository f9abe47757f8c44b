"""One round shows every error: the form's, the service's and the change reason together."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from tests.activities.conftest import DAY, record_fields
from tests.conftest import make_person
from tongban.activities import services
from tongban.activities.models import ActivityPlan, ActivityRecord
from tongban.submissions.cycles import for_program
from tongban.submissions.models import Submission


@pytest.fixture(autouse=True)
def english_after_the_session():
    with translation.override("en"), time_machine.travel(date(2016, 4, 30), tick=False):
        yield


@pytest.fixture
def accepted(plan, users, community_a):
    services.record_save(plan=plan, by=users["peer"], fields=record_fields())
    return Submission.objects.create(
        community=community_a,
        cycle=for_program(community_a.program).number(DAY),
        status=Submission.Status.ACCEPTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
        reviewed_by=users["manager"],
        reviewed_at=timezone.now(),
    )


def summary_links(page: str) -> list[str]:
    box = page[page.index('id="error-summary"') :]
    box = box[: box.index("</div>")]
    return re.findall(r'href="#(field-[\w-]+)"', box)


def test_record_form_shows_every_error_at_once_in_a_locked_cycle(
    english_client_for, users, plan, accepted, community_a
):
    withdrawn = make_person("于浩", community=community_a, started_on=date(2016, 3, 20))
    client = english_client_for(users["peer"])
    response = client.post(
        reverse("activities:record_edit", args=[plan.pk]),
        {
            "held_on": DAY.isoformat(),
            "started_at": "15:00",
            "ended_at": "14:00",  # before the start: the form's own check
            "format": "",  # required
            "theme": "改",
            "consumers": [withdrawn.pk],  # the service's rule
            # no change_reason, in an accepted cycle
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"ended_at", "format", "consumers", "change_reason"} <= set(errors)
    assert "于浩 was enrolled on 2016-03-20, after this session." in errors["consumers"]
    page = response.content.decode()
    links = summary_links(page)
    for name in ("ended_at", "format", "consumers", "change_reason"):
        assert f"field-{name}" in links
        assert f'id="field-{name}"' in page
    # The summary is at the top: before the form's first field.
    assert page.index('id="error-summary"') < page.index('id="field-consumers"')
    assert 'type="text" name="change_reason"' in page
    assert ActivityRecord.objects.get().theme == record_fields()["theme"]


def test_plan_form_shows_form_and_service_errors_together(
    english_client_for, users, plan, accepted, venue_a, community_a
):
    from tongban.registry import services as registry_services

    left = make_person("已退出同伴", community=community_a, role="peer")
    registry_services.enrolment_change_status(
        enrolment=left.enrolments.get(),
        status="withdrawn",
        effective_on=date(2015, 6, 1),
        reason="搬家",
    )
    response = english_client_for(users["peer"]).post(
        reverse("activities:plan_edit", args=[plan.pk]),
        {
            "planned_on": DAY.isoformat(),
            "planned_start": "14:00",
            "planned_end": "15:00",
            "venue": venue_a.pk,
            "category": "",
            "theme": "",  # no topic either: the form's check
            "aim": "",  # required
            "format": "lecture",
            "lead_peer": left.pk,  # withdrawn: not offered, refused with the true reason
        },
    )
    errors = response.context["form"].errors
    assert {"theme", "aim", "change_reason", "lead_peer"} <= set(errors)
    assert errors["lead_peer"] == ["已退出同伴 had withdrawn on 2015-06-01."]
    assert set(summary_links(response.content.decode())) >= {
        "field-theme",
        "field-aim",
        "field-change_reason",
        "field-lead_peer",
    }


def test_service_gathers_every_error_with_the_reason(plan, users, accepted, consumer_b):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.record_save(
            plan=plan,
            by=users["peer"],
            fields=record_fields(ended_at=record_fields()["started_at"]),
            consumers=[consumer_b],
        )
    assert {"ended_at", "consumers", "change_reason"} <= set(error.value.error_dict)


def test_back_entry_shows_both_forms_errors_in_one_round(
    english_client_for, users, community_a, venue_a, peer_person_a, consumer_b
):
    response = english_client_for(users["research"]).post(
        reverse("activities:back_entry"),
        {
            "plan-planned_on": "2014-05-07",
            "plan-planned_start": "15:00",
            "plan-planned_end": "14:00",
            "plan-venue": venue_a.pk,
            "plan-category": "entertainment",
            "plan-theme": "书法",
            "plan-aim": "",
            "plan-format": "lecture",
            "plan-lead_peer": peer_person_a.pk,
            "record-format": "",
            "record-theme": "书法",
            "record-consumers": [consumer_b.pk],
        },
    )
    assert response.status_code == 200
    plan_errors = response.context["plan_form"].errors
    record_errors = response.context["record_form"].errors
    assert {"planned_end", "aim"} <= set(plan_errors)
    assert {"format", "consumers"} <= set(record_errors)
    links = summary_links(response.content.decode())
    assert {"field-plan-planned_end", "field-plan-aim", "field-record-format"} <= set(links)
    assert "field-record-consumers" in links
    assert not ActivityPlan.objects.exists()


def test_required_fields_are_marked_choice_legends_too(english_client_for, users, plan):
    page = english_client_for(users["peer"]).get(reverse("activities:plan_edit", args=[plan.pk]))
    html = page.content.decode()
    assert re.search(r'class="field[^"]* required" id="field-aim"', html)
    assert re.search(r'class="field[^"]* required" id="field-lead_peer"', html)
    assert not re.search(r'class="field[^"]* required" id="field-materials"', html)
    client = english_client_for(users["peer"])
    record = client.get(reverse("activities:record_edit", args=[plan.pk]))
    assert re.search(r'class="field[^"]* required" id="field-format"', record.content.decode())


def test_a_locked_session_marks_the_reason_required(english_client_for, users, plan, accepted):
    page = english_client_for(users["peer"]).get(reverse("activities:record_edit", args=[plan.pk]))
    html = page.content.decode()
    assert re.search(r'class="field[^"]* required" id="field-change_reason"', html)
