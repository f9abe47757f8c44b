from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from tests.screening.conftest import consent_all, documents, new_candidate, screen  # noqa: F401
from tongban.registry import services
from tongban.registry.models import CaregiverLink, Enrolment, Person
from tongban.screening import services as screening_services

VALID = {
    "name": "新服务对象",
    "sex": "male",
    "date_of_birth": "1975-04-03",
    "education": "junior_high",
    "marital_status": "married",
    "working_status": "not_working",
    "diagnosis": "bipolar",
    "phone": "13512345678",
    "address": "",
}


def test_list_search_and_filters(client_for, users, community_a, consumer_a, peer_person_a):
    client = client_for(users["doctor"])
    body = client.get("/people/").content.decode()
    assert consumer_a.name in body and peer_person_a.name in body
    body = client.get("/people/", {"q": "服务对象"}).content.decode()
    assert consumer_a.name in body and peer_person_a.name not in body
    body = client.get("/people/", {"role": "peer"}).content.decode()
    assert peer_person_a.name in body and consumer_a.name not in body
    body = client.get("/people/", {"q": "13911112222"}).content.decode()
    assert consumer_a.name in body


def test_list_paginates(client_for, users, community_a, settings):
    settings.PAGE_SIZE = 5
    for i in range(12):
        make_person(f"分页{i:02d}", community=community_a)
    client = client_for(users["doctor"])
    first = client.get("/people/", {"q": "分页"}).content.decode()
    third = client.get("/people/", {"q": "分页", "page": 3}).content.decode()
    assert "分页00" in first and "分页05" not in first
    assert "分页10" in third and "q=%E5%88%86%E9%A1%B5" in first  # the search survives paging


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_queries_do_not_grow_with_rows(client_for, users, community_a, community_b):
    client = client_for(users["manager"])
    make_person("少一", community=community_a)
    few = _count_queries(client, "/people/")
    for i in range(20):
        person = make_person(f"多{i}", community=community_a if i % 2 else community_b)
        services.enrolment_create(
            person=person,
            community=community_b if i % 2 else community_a,
            role="peer",
            started_on=date(2015, 1, 1),
            before_screening=True,  # the list's queries, not screening
        )
        carer = make_person(f"照料{i}")
        services.caregiver_link_create(caregiver=carer, cared_for=person, relationship="parent")
    assert _count_queries(client, "/people/") == few
    assert _count_queries(client, "/communities/") == _count_queries(client, "/communities/")
    roster_url = f"/communities/{community_a.pk}/"
    before = _count_queries(client, roster_url)
    for i in range(10):
        make_person(f"名单{i}", community=community_a)
    assert _count_queries(client, roster_url) == before


def test_add_consumer_leads_to_candidates(client_for, users, community_a):
    """A consumer no longer enters enrolled in one step: "add" leads to the candidate page,
    and a consumer posted to the old form is refused with nothing saved."""
    client = client_for(users["doctor"])
    listing = client.get("/people/").content.decode()
    assert 'href="/screening/candidates/new/?role=consumer"' in listing
    assert 'href="/screening/candidates/new/?role=peer"' in listing
    response = client.get("/people/new/", {"role": "consumer"})
    assert response.status_code == 302
    assert response["Location"] == "/screening/candidates/new/?role=consumer"
    data = {**VALID, "role": "consumer", "community": community_a.pk, "started_on": "2016-01-04"}
    response = client.post("/people/new/", data)
    assert response.status_code == 200 and response.context["form"].non_field_errors() == []
    assert "role" in response.context["form"].errors
    assert not Person.objects.filter(name="新服务对象").exists()


@pytest.mark.usefixtures("documents")
def test_create_consumer(client_for, users, community_a):
    """A consumer candidate screened and consented is enrolled from the enrol page: an
    active enrolment, the change recorded under the doctor's name."""
    candidate = new_candidate("新服务对象", community=community_a, by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"])
    consent_all(candidate.person, "consumer", by=users["research"])
    person = candidate.person
    client = client_for(users["doctor"])
    data = {"community": community_a.pk, "role": "consumer", "started_on": "2016-01-04"}
    response = client.post(f"/people/{person.pk}/enrol/", data)
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    enrolment = person.enrolments.with_status().get()
    assert enrolment.community == community_a and enrolment.current_status == "active"
    assert enrolment.history.get().history_user == users["doctor"]
    candidate.refresh_from_db()
    assert candidate.enrolment == enrolment and candidate.stage == "enrolled"


def test_create_caregiver(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    data = {
        **VALID,
        "name": "新照料者",
        "role": "caregiver",
        "cared_for": consumer_a.pk,
        "relationship": "spouse",
    }
    assert client.post("/people/new/", data).status_code == 302
    link = CaregiverLink.objects.get(caregiver__name="新照料者")
    assert link.cared_for == consumer_a and link.relationship == "spouse"


def test_invalid_input_shows_inline_errors_and_saves_nothing(client_for, users, community_a):
    client = client_for(users["doctor"])
    before = Person.objects.count()
    data = {
        **VALID,
        "name": "  ",
        "phone": "abc",
        "date_of_birth": "2999-01-01",
        "role": "caregiver",
        "cared_for": "",
        "relationship": "",
        "contact_witness": "王护士",  # a witness without the date signed
    }
    response = client.post("/people/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {
        "name",
        "phone",
        "date_of_birth",
        "cared_for",
        "relationship",
        "contact_signed_on",
    }
    body = response.content.decode()
    assert 'id="field-cared_for"' in body and 'class="error"' in body
    assert Person.objects.count() == before


def test_a_community_outside_scope_is_refused(client_for, users, consumer_a, community_b):
    client = client_for(users["doctor"])
    data = {"role": "peer", "community": community_b.pk, "started_on": "2016-01-04"}
    response = client.post(f"/people/{consumer_a.pk}/enrol/", data)
    assert response.status_code == 200 and "community" in response.context["form"].errors
    assert consumer_a.enrolments.count() == 1


def test_a_failing_step_rolls_back_the_whole_creation(client_for, users, consumer_a, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "caregiver_link_create", refuse)
    before = Person.objects.count()
    with pytest.raises(RuntimeError):
        services.person_create(
            fields={"name": "半途", "sex": "male"},
            role="caregiver",
            cared_for=consumer_a,
            relationship="parent",
        )
    assert Person.objects.count() == before


def test_edit_is_versioned_with_old_and_new_values(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    data = {**VALID, "name": consumer_a.name, "diagnosis": "bipolar", "phone": "13600000001"}
    assert client.post(f"/people/{consumer_a.pk}/edit/", data).status_code == 302
    last = consumer_a.history.order_by("-history_date").first()
    assert last.history_user == users["doctor"] and last.diagnosis == "bipolar"
    body = client.get(f"/people/{consumer_a.pk}/").content.decode()
    assert "13800000000" not in body or "13600000001" in body
    assert "<del>" in body and "13600000001" in body


def test_peers_never_see_private_fields(client_for, users, consumer_a):
    # Give the consumer a versioned change, so the history also has something to hide.
    services.person_update(person=consumer_a, fields={"phone": "13922223333"})
    client = client_for(users["peer"])
    body = client.get(f"/people/{consumer_a.pk}/").content.decode()
    assert consumer_a.name in body
    for secret in ("13911112222", "13922223333", "1970-05-06", "精神分裂症", "schizophrenia"):
        assert secret not in body
    assert client.get(f"/people/{consumer_a.pk}/edit/").status_code == 403


def test_peer_sees_own_private_fields(client_for, users, peer_person_a):
    body = client_for(users["peer"]).get(f"/people/{peer_person_a.pk}/").content.decode()
    assert "13800000000" in body


@pytest.mark.usefixtures("documents")
def test_enrolment_twice_in_same_role_is_refused(client_for, users, consumer_a, community_a):
    client = client_for(users["doctor"])
    response = client.post(
        f"/people/{consumer_a.pk}/enrol/",
        {"community": community_a.pk, "role": "consumer", "started_on": "2016-01-01"},
    )
    assert response.status_code == 200 and "community" in response.context["form"].errors
    # A consumer who becomes a peer keeps one person record (screened as a peer first).
    candidate = screening_services.candidate_create(
        person=consumer_a,
        community=community_a,
        role="peer",
        source="doctor",
        recommended_by=users["doctor"],
        recommended_on=date(2014, 1, 6),
        by=users["doctor"],
    )
    screen(candidate, psychiatrist=users["psychiatrist"])
    consent_all(consumer_a, "peer", by=users["research"])
    response = client.post(
        f"/people/{consumer_a.pk}/enrol/",
        {"community": community_a.pk, "role": "peer", "started_on": "2016-01-01"},
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(person=consumer_a).count() == 2


def test_add_a_caregiver_from_the_persons_page(client_for, users, consumer_a):
    client = client_for(users["doctor"])
    page = client.get(f"/people/{consumer_a.pk}/").content.decode()
    link = f"/people/new/?role=caregiver&amp;cared_for={consumer_a.pk}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form["role"].value() == "caregiver" and str(form["cared_for"].value()) == str(
        consumer_a.pk
    )


def test_peers_see_neither_outside_roles_nor_reasons(client_for, users, consumer_a, community_b):
    # consumer_a is also a peer in community B and a caregiver there.
    services.enrolment_create(
        person=consumer_a,
        community=community_b,
        role="peer",
        started_on=date(2015, 1, 1),
        before_screening=True,  # what peers see, not screening
    )
    other = make_person("乙亲属", community=community_b)
    services.caregiver_link_create(caregiver=consumer_a, cared_for=other, relationship="sibling")
    enrolment = consumer_a.enrolments.get(community__code="alpha")
    services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=date(2015, 2, 1), reason="住院复发"
    )
    for name in ("peer", "doctor"):
        client = client_for(users[name])
        detail = client.get(f"/people/{consumer_a.pk}/").content.decode()
        assert "role-peer" not in detail and "role-caregiver" not in detail
        listing = client.get("/people/", {"role": "peer"}).content.decode()
        assert consumer_a.name not in listing
    peer_view = client_for(users["peer"]).get(f"/people/{consumer_a.pk}/").content.decode()
    assert "住院复发" not in peer_view
    doctor_view = client_for(users["doctor"]).get(f"/people/{consumer_a.pk}/").content.decode()
    assert "住院复发" in doctor_view


def test_a_voided_enrolment_gives_no_access(client_for, users, community_a):
    mistaken = make_person("误录", community=community_a)
    services.enrolment_void(
        enrolment=mistaken.enrolments.get(), by=users["manager"], reason="社区录错"
    )
    client = client_for(users["doctor"])
    assert client.get(f"/people/{mistaken.pk}/").status_code == 404
    assert mistaken.name not in client.get("/people/new/").content.decode()
