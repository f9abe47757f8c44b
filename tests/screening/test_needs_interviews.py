"""Pre-service needs interviews: recording on one phone page (every error at once, nothing
half-saved), what the form proposes, corrections with their version, voiding, scoping,
and the history."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.core.concurrency import current_version
from tongban.registry import services as registry_services
from tongban.screening import services
from tongban.screening.models import NeedsInterview, NeedsInterviewCategory

DAY = date(2014, 3, 10)


def create_url(person) -> str:
    return reverse("screening:needs_create", args=[person.pk])


def in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def research(client_for, users):
    return client_for(in_english(users["research"]))


def record(person, community, by, categories=("entertainment",), note="", respondent="consumer"):
    return services.needs_interview_record(
        person=person,
        community=community,
        respondent=respondent,
        interviewed_on=DAY,
        by=by,
        categories=list(categories),
        note=note,
    )


# --- The form --------------------------------------------------------------------------------


def test_the_form_proposes_the_consumer_role_and_community(research, consumer_a, community_a):
    response = research.get(create_url(consumer_a))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["respondent"] == "consumer"
    assert form.initial["community"] == community_a.pk
    assert form.initial["interviewed_on"] == timezone.localdate()
    page = response.content.decode()
    # The eight categories as checkboxes, with the paper's examples under each.
    assert page.count('name="categories"') == 8
    assert "cooking, how to use WeChat" in page
    assert "handwriting, Chinese calligraphy, puzzles, physical exercise" in page
    assert "sharing childhood stories, relationships with family members" in page
    assert re.search(r"<input[^>]*value=\"consumer\"[^>]*checked", page)


def test_the_form_proposes_peer_and_caregiver(research, users, peer_person_a, consumer_a):
    assert research.get(create_url(peer_person_a)).context["form"].initial["respondent"] == "peer"
    carer = make_person("甲照料者", program=consumer_a.program)
    registry_services.caregiver_link_create(
        caregiver=carer, cared_for=consumer_a, relationship="parent"
    )
    form = research.get(create_url(carer)).context["form"]
    assert form.initial["respondent"] == "caregiver"
    # The community of the person they care for.
    assert form.initial["community"] == consumer_a.enrolments.get().community_id


def test_recording_saves_the_interview_with_its_categories(research, users, consumer_a):
    response = research.post(
        create_url(consumer_a),
        {
            "respondent": "consumer",
            "community": consumer_a.enrolments.get().community_id,
            "interviewed_on": DAY.isoformat(),
            "categories": ["daily_life_skills", "knowledge"],
            "note": "想学做饭，也想知道怎么用微信",
        },
    )
    interview = NeedsInterview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:needs_detail", args=[interview.pk])
    assert interview.person == consumer_a
    assert interview.interviewer == users["research"]
    assert interview.interviewed_on == DAY
    assert interview.note == "想学做饭，也想知道怎么用微信"
    assert set(interview.categories.values_list("category", flat=True)) == {
        "daily_life_skills",
        "knowledge",
    }
    page = research.get(response["Location"]).content.decode()
    assert "daily life skills" in page
    assert "knowledge of mental disorders" in page
    assert "entertainment" not in page.split("Needs and interests")[1].split("Change history")[0]


def test_every_error_in_one_round_and_nothing_saved(research, consumer_a):
    future = timezone.localdate() + timedelta(days=1)
    response = research.post(
        create_url(consumer_a),
        {"respondent": "", "community": "", "interviewed_on": future.isoformat(), "note": "  "},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"respondent", "community", "interviewed_on", "categories"}
    assert "future" in errors["interviewed_on"][0]
    assert "Tick at least one category" in errors["categories"][0]
    page = response.content.decode()
    assert 'class="errorbox error-summary"' in page
    assert 'href="#field-categories"' in page
    assert NeedsInterview.objects.count() == 0
    assert NeedsInterviewCategory.objects.count() == 0


def test_free_text_alone_is_enough(research, consumer_a, community_a):
    response = research.post(
        create_url(consumer_a),
        {
            "respondent": "consumer",
            "community": community_a.pk,
            "interviewed_on": DAY.isoformat(),
            "note": "想找工作",
        },
    )
    assert response.status_code == 302
    assert NeedsInterview.objects.get().categories.count() == 0


def test_an_unknown_category_is_refused(research, consumer_a, community_a):
    response = research.post(
        create_url(consumer_a),
        {
            "respondent": "consumer",
            "community": community_a.pk,
            "interviewed_on": DAY.isoformat(),
            "categories": ["gardening"],
        },
    )
    assert response.status_code == 200
    assert "categories" in response.context["form"].errors
    assert NeedsInterview.objects.count() == 0


# --- Corrections and voiding -----------------------------------------------------------------


def test_a_correction_changes_the_categories(research, users, consumer_a, community_a):
    interview = record(consumer_a, community_a, users["research"], ("entertainment",))
    url = reverse("screening:needs_edit", args=[interview.pk])
    form = research.get(url).context["form"]
    assert form.initial["categories"] == ["entertainment"]
    response = research.post(
        url,
        {
            "interviewed_on": DAY.isoformat(),
            "categories": ["healthy_lifestyle", "emotional_support"],
            "note": "补充",
            "version": current_version(interview),
        },
    )
    assert response.status_code == 302
    assert set(interview.categories.values_list("category", flat=True)) == {
        "healthy_lifestyle",
        "emotional_support",
    }


def test_a_stale_correction_is_refused_and_nothing_saved(research, users, consumer_a, community_a):
    interview = record(consumer_a, community_a, users["research"], ("entertainment",))
    opened = current_version(interview)
    # Someone else corrects it first.
    services.needs_interview_update(
        interview=interview,
        version=opened,
        interviewed_on=DAY,
        categories=["entertainment", "knowledge"],
        note="先改的",
    )
    response = research.post(
        reverse("screening:needs_edit", args=[interview.pk]),
        {
            "interviewed_on": DAY.isoformat(),
            "categories": ["social_skills"],
            "note": "后改的",
            "version": opened,
        },
    )
    assert response.status_code == 200
    assert response.context["conflict"]
    assert "Nothing of yours was saved" in response.content.decode()
    interview.refresh_from_db()
    assert interview.note == "先改的"
    assert set(interview.categories.values_list("category", flat=True)) == {
        "entertainment",
        "knowledge",
    }
    # The form now shows their version, with the current version to save from.
    assert response.context["form"].initial["note"] == "先改的"
    assert response.context["form"].initial["version"] == current_version(interview)


def test_voiding_needs_a_reason_and_keeps_the_record(research, users, consumer_a, community_a):
    interview = record(consumer_a, community_a, users["research"])
    url = reverse("screening:needs_void", args=[interview.pk])
    response = research.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    interview.refresh_from_db()
    assert not interview.is_voided
    response = research.post(url, {"reason": "录错了人"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.is_voided
    assert interview.void_reason == "录错了人"
    assert interview.voided_by == users["research"]
    # A voided interview is not corrected again.
    edit = research.get(reverse("screening:needs_edit", args=[interview.pk]))
    assert edit.status_code == 302
    page = research.get(reverse("screening:needs_detail", args=[interview.pk])).content.decode()
    assert "录错了人" in page
    assert reverse("screening:needs_edit", args=[interview.pk]) not in page


# --- Who may ---------------------------------------------------------------------------------


def test_peers_get_403_on_every_needs_page(client_for, users, consumer_a, community_a):
    interview = record(consumer_a, community_a, users["research"])
    client = client_for(users["peer"])
    for url in (
        reverse("screening:needs_list"),
        create_url(consumer_a),
        reverse("screening:needs_detail", args=[interview.pk]),
        reverse("screening:needs_edit", args=[interview.pk]),
        reverse("screening:needs_void", args=[interview.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_other_staff_read_but_do_not_record(client_for, users, consumer_a, community_a):
    interview = record(consumer_a, community_a, users["research"], note="想学书法")
    client = client_for(users["doctor"])
    assert client.get(reverse("screening:needs_list")).status_code == 200
    detail = client.get(reverse("screening:needs_detail", args=[interview.pk]))
    assert detail.status_code == 200
    assert "想学书法" in detail.content.decode()
    assert client.get(create_url(consumer_a)).status_code == 403
    assert client.get(reverse("screening:needs_edit", args=[interview.pk])).status_code == 403
    # The manager records too.
    assert client_for(users["manager"]).get(create_url(consumer_a)).status_code == 200


def test_another_communitys_person_and_interview_answer_404(
    research, users, consumer_b, community_b
):
    interview = record(consumer_b, community_b, users["manager"], note="乙社区的话")
    assert research.get(create_url(consumer_b)).status_code == 404
    for name in ("needs_detail", "needs_edit", "needs_void"):
        assert research.get(reverse(f"screening:{name}", args=[interview.pk])).status_code == 404
    assert research.post(reverse("screening:needs_void", args=[interview.pk]), {"reason": "x"})
    interview.refresh_from_db()
    assert not interview.is_voided
    listing = research.get(reverse("screening:needs_list")).content.decode()
    assert "乙服务对象" not in listing
    assert "乙社区" not in listing
    # A research assistant of community B reaches it.
    research_b = make_user("research-b", Role.RESEARCH_ASSISTANT, [community_b])
    research.force_login(research_b)
    assert research.get(reverse("screening:needs_detail", args=[interview.pk])).status_code == 200


def test_a_community_outside_the_users_is_not_a_choice(research, consumer_a, community_b):
    response = research.post(
        create_url(consumer_a),
        {
            "respondent": "consumer",
            "community": community_b.pk,
            "interviewed_on": DAY.isoformat(),
            "categories": ["entertainment"],
        },
    )
    assert response.status_code == 200
    assert "community" in response.context["form"].errors
    assert NeedsInterview.objects.count() == 0


# --- History ---------------------------------------------------------------------------------


def test_every_change_is_in_the_history(research, users, consumer_a, community_a):
    research.post(
        create_url(consumer_a),
        {
            "respondent": "consumer",
            "community": community_a.pk,
            "interviewed_on": DAY.isoformat(),
            "categories": ["entertainment"],
        },
    )
    interview = NeedsInterview.objects.get()
    research.post(
        reverse("screening:needs_edit", args=[interview.pk]),
        {
            "interviewed_on": DAY.isoformat(),
            "categories": ["knowledge"],
            "version": current_version(interview),
        },
    )
    research.post(reverse("screening:needs_void", args=[interview.pk]), {"reason": "重复录入"})
    rows = NeedsInterviewCategory.history.filter(interview_id=interview.pk).order_by("history_id")
    assert [(r.history_type, r.category) for r in rows] == [
        ("+", "entertainment"),
        ("-", "entertainment"),
        ("+", "knowledge"),
    ]
    assert {r.history_user for r in rows} == {users["research"]}
    kinds = list(
        NeedsInterview.history.filter(id=interview.pk)
        .order_by("history_id")
        .values_list("history_type", "void_reason")
    )
    assert kinds[0] == ("+", "")
    assert kinds[-1] == ("~", "重复录入")
    page = research.get(reverse("screening:needs_detail", args=[interview.pk])).content.decode()
    history = page.split("Change history")[1]
    assert "+ knowledge of mental disorders" in history
    assert "− entertainment" in history
    assert "重复录入" in history


# --- For the person's page -------------------------------------------------------------------


def test_the_person_panel_links_the_interviews_and_the_form(users, consumer_a, community_a):
    from django.template.loader import render_to_string

    from tongban.core.permissions import can_record_needs
    from tongban.screening import needs_selectors

    def panel(user) -> str:
        return render_to_string(
            "screening/needs_person_panel.html",
            {
                "person": consumer_a,
                "needs_interviews": needs_selectors.person_interviews(user, consumer_a),
                "can_record_needs": can_record_needs(user),
            },
        )

    research = users["research"]
    assert create_url(consumer_a) in panel(research)
    interview = record(consumer_a, community_a, research)
    shown = panel(research)
    assert reverse("screening:needs_detail", args=[interview.pk]) in shown
    assert DAY.isoformat() in shown
    # Staff who only read see the interview, not the form; peers see nothing of it.
    assert create_url(consumer_a) not in panel(users["doctor"])
    assert reverse("screening:needs_detail", args=[interview.pk]) in panel(users["doctor"])
    assert reverse("screening:needs_detail", args=[interview.pk]) not in panel(users["peer"])


def test_the_form_says_when_the_person_was_interviewed_already(
    research, users, consumer_a, community_a
):
    interview = record(consumer_a, community_a, users["research"])
    page = research.get(create_url(consumer_a)).content.decode()
    assert "Already interviewed:" in page
    assert reverse("screening:needs_detail", args=[interview.pk]) in page
