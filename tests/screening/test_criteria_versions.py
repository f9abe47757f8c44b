"""The criteria pages: versions in words, the project manager's edit making a new version,
and past assessments keeping their version and their result."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.core.concurrency import current_version
from tongban.screening import services
from tongban.screening.models import Assessment, AssessmentResult, Criteria

from .conftest import new_candidate, screen
from .helpers import born_aged, in_english
from .test_assessment_pages import assess_url, form_data

LIST = "/screening/criteria/"


def edit_url(role: str) -> str:
    return f"/screening/criteria/{role}/edit/"


def edit_data(form, **changes) -> dict:
    """The edit form as it was opened (prefilled), with `changes`."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = value
        elif value is not None:
            data[name] = str(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def manager(client_for, users):
    return client_for(in_english(users["manager"]))


def test_the_list_shows_each_role_in_words(client_for, users, community_a):
    client = client_for(in_english(users["doctor"]))
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert Criteria.objects.filter(program=community_a.program).count() == 2  # made on first read
    assert "Aged 18 to 60 on the assessment date" in body
    assert "Stable for at least 6 months" in body
    assert "Stable for at least 3 months" in body
    assert "PSP score of at least 51 (0-100)" in body
    assert "Diagnosis from the medical record: schizophrenia, bipolar disorder" in body
    assert edit_url("peer") not in body  # only the manager changes them


def test_who_may_change_the_criteria(client_for, users, community_a):
    for name in ("doctor", "psychiatrist", "research", "peer"):
        assert client_for(users[name]).get(edit_url("peer")).status_code == 403
    assert client_for(users["peer"]).get(LIST).status_code == 403
    assert client_for(users["manager"]).get(edit_url("peer")).status_code == 200
    assert client_for(users["manager"]).get(edit_url("caregiver")).status_code == 404


def test_raising_the_upper_age_keeps_past_results(manager, client_for, users, community_a):
    """Another program raises the upper age to 65: a 63-year-old screened out before keeps
    that result and its version; assessed again, they pass under the new version."""
    on = date(2014, 1, 10)
    candidate = new_candidate(
        "六十三", community=community_a, by=users["doctor"], born=born_aged(63, on)
    )
    before = screen(candidate, psychiatrist=users["psychiatrist"], on=on)
    assert before.result == AssessmentResult.NOT_ELIGIBLE

    form = manager.get(edit_url("consumer")).context["form"]
    assert form.initial["max_age"] == 60 and form.initial["version"] == 1
    response = manager.post(edit_url("consumer"), edit_data(form, max_age="65", note=""))
    assert response.context["form"].errors["note"]
    assert Criteria.objects.filter(role="consumer").count() == 1
    note = "本项目服务老年患者，上限提高到65岁"
    response = manager.post(edit_url("consumer"), edit_data(form, max_age="65", note=note))
    new = Criteria.objects.get(role="consumer", version=2)
    assert response["Location"] == f"/screening/criteria/{new.pk}/"
    assert (new.max_age, new.note, new.created_by) == (65, note, users["manager"])

    before.refresh_from_db()
    assert (before.result, before.criteria.version) == (AssessmentResult.NOT_ELIGIBLE, 1)
    candidate.refresh_from_db()
    assert candidate.stage == "screened_out"

    # Corrected later, the old assessment is still judged under its own version 1.
    psychiatrist = client_for(in_english(users["psychiatrist"]))
    edit = f"/screening/assessments/{before.pk}/edit/"
    data = form_data(version=str(current_version(before)), note="补记")
    assert psychiatrist.post(edit, data).status_code == 302
    before.refresh_from_db()
    assert (before.result, before.criteria.version) == (AssessmentResult.NOT_ELIGIBLE, 1)

    # Assessed again now: version 2, and 63 is within 18-65.
    response = psychiatrist.post(assess_url(candidate), form_data(assessed_on="2014-03-01"))
    assert response.status_code == 302
    again = Assessment.objects.latest("pk")
    assert (again.criteria.version, again.result) == (2, AssessmentResult.ELIGIBLE)
    body = psychiatrist.get(f"/screening/candidates/{candidate.pk}/").content.decode()
    assert "63 years old, above the upper limit of 60" in body
    assert "63 years old, within 18-65" in body
    assert "criteria for consumer, version 1" in body
    assert "criteria for consumer, version 2" in body

    # The list: version 2 in force, version 1 earlier, with who, when and why.
    manager = client_for(users["manager"])  # the test client signs in as the manager again
    body = manager.get(LIST).content.decode()
    assert "Aged 18 to 65 on the assessment date" in body
    assert note in body
    assert f'href="/screening/criteria/{before.criteria_id}/"' in body
    old_page = manager.get(f"/screening/criteria/{before.criteria_id}/").content.decode()
    assert "Aged 18 to 60 on the assessment date" in old_page
    assert "status-withdrawn" in old_page  # replaced


def test_a_stale_form_is_refused(manager, users, community_a):
    form = manager.get(edit_url("peer")).context["form"]
    first = edit_data(form, min_stable_months="12", note="更严格")
    assert manager.post(edit_url("peer"), first).status_code == 302
    second = edit_data(form, max_age="65", note="放宽年龄")  # opened on version 1 too
    response = manager.post(edit_url("peer"), second)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone saved version 2 of these criteria after you opened the form." in body
    assert Criteria.objects.filter(role="peer").count() == 2


def test_nothing_changed_makes_no_version(manager, users, community_a):
    form = manager.get(edit_url("peer")).context["form"]
    response = manager.post(edit_url("peer"), edit_data(form, note="看看"))
    assert "Nothing changed: no new version was made." in response.content.decode()
    assert Criteria.objects.filter(role="peer").count() == 1


def test_bad_values_every_error_at_once(manager, users, community_a):
    form = manager.get(edit_url("peer")).context["form"]
    data = edit_data(form, min_age="70", max_age="65", min_psp="120", note="x")
    data.pop("diagnoses")
    response = manager.post(edit_url("peer"), data)
    errors = response.context["form"].errors
    assert {"max_age", "min_psp", "diagnoses"} <= set(errors)
    assert Criteria.objects.filter(role="peer").count() == 1


def test_adding_and_removing_additional_criteria(manager, client_for, users, community_a):
    form = manager.get(edit_url("consumer")).context["form"]
    assert form.rows == 3  # no criterion yet: three blank rows
    data = edit_data(
        form,
        extra_code_0="lives_nearby",
        extra_label_0="住在社区附近",
        extra_label_en_0="Lives near the community centre",
        extra_code_1="has_carer",
        extra_label_1="有家属照料",
        note="加两条",
    )
    assert manager.post(edit_url("consumer"), data).status_code == 302
    v2 = Criteria.objects.get(role="consumer", version=2)
    assert [e["code"] for e in v2.extra] == ["lives_nearby", "has_carer"]
    assert v2.extra[0]["label_en"] == "Lives near the community centre"
    body = manager.get(LIST).content.decode()
    assert "Lives near the community centre: yes" in body

    form = manager.get(edit_url("consumer")).context["form"]
    assert form.rows == 5 and form.initial["extra_code_1"] == "has_carer"
    data = edit_data(form, extra_remove_0="on", note="去掉一条")
    assert manager.post(edit_url("consumer"), data).status_code == 302
    v3 = Criteria.objects.get(role="consumer", version=3)
    assert [e["code"] for e in v3.extra] == ["has_carer"]
    # The psychiatrist is asked the criteria of version 3.
    candidate = new_candidate("附加", community=community_a, by=users["doctor"])
    psychiatrist = client_for(users["psychiatrist"])
    assess_form = psychiatrist.get(assess_url(candidate)).context["form"]
    assert assess_form.fields["extra_0"].label == "有家属照料"
    assert "extra_1" not in assess_form.fields


def test_additional_criteria_rows_are_checked(manager, users, community_a):
    form = manager.get(edit_url("peer")).context["form"]
    data = edit_data(
        form,
        extra_code_0="Bad Code",
        extra_label_0="一",
        extra_code_1="same",
        extra_label_1="二",
        extra_code_2="same",
        extra_label_2="",
        note="x",
    )
    errors = manager.post(edit_url("peer"), data).context["form"].errors
    assert set(errors) == {"extra_code_0", "extra_code_2", "extra_label_2"}
    assert Criteria.objects.filter(role="peer").count() == 1


def test_the_criteria_of_another_program_are_not_found(client_for, users, community_a):
    from tongban.registry.models import Program
    from tongban.screening.standard import PAPER_CRITERIA

    other = Program.objects.create(name="别的", slug="other", started_on=date(2014, 1, 1))
    criteria = Criteria.objects.create(
        program=other, role="peer", version=1, **PAPER_CRITERIA["peer"]
    )
    for name in ("manager", "psychiatrist", "doctor"):
        assert client_for(users[name]).get(f"/screening/criteria/{criteria.pk}/").status_code == 404
    services.criteria_current(program=community_a.program, role="peer")
    own = Criteria.objects.get(program=community_a.program, role="peer")
    assert client_for(users["doctor"]).get(f"/screening/criteria/{own.pk}/").status_code == 200
