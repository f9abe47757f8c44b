"""Topic library: the paper's eight categories and examples; managers add topics."""

from __future__ import annotations

from django.urls import reverse

from tongban.activities.models import Category, Topic


def test_every_category_has_the_papers_examples(db):
    categories = set(Topic.objects.values_list("category", flat=True))
    assert categories == set(Category.values)
    assert Topic.objects.filter(name_en="How to use WeChat", name="如何使用微信").exists()


def test_starter_topics_are_familiar_and_low_exposure(db):
    starters = set(Topic.objects.filter(for_starters=True).values_list("category", flat=True))
    assert "entertainment" in starters
    assert "emotional_support" not in starters  # sharing one's own story comes later


def test_library_page_in_chinese(client_for, users):
    page = client_for(users["peer"]).get(reverse("activities:topic_list")).content.decode()
    assert "如何使用微信" in page
    assert "热身" in page  # the three-part template


def test_only_the_manager_adds_topics(client_for, users):
    url = reverse("activities:topic_create")
    assert client_for(users["peer"]).get(url).status_code == 403
    client = client_for(users["manager"])
    response = client.post(
        url, {"category": "daily_life_skills", "name": "乘坐公交", "name_en": "Taking the bus"}
    )
    assert response.status_code == 302
    assert Topic.objects.filter(name="乘坐公交").exists()


def test_a_topic_needs_a_name(client_for, users):
    response = client_for(users["manager"]).post(
        reverse("activities:topic_create"), {"category": "daily_life_skills", "name": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
