"""Consent documents as program data: versions in Chinese and English, the list and the
document's page, a new version with the program's re-consent rule, and the A4 print."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tongban.screening.models import Consent, ConsentDocument

from .consent_helpers import enrolled, new_version

STATIC = Path(settings.BASE_DIR) / "tongban" / "static" / "tongban"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _form(document: ConsentDocument, **changes) -> dict:
    data = {
        "title": document.title,
        "title_en": document.title_en,
        "body": document.body + "\n新增一段。",
        "body_en": document.body_en + "\nA new paragraph.",
        "effective_from": "2015-01-01",
        "reconsent": "no",
        "reconsent_required_from": "",
        "note": "加入一段说明",
        "based_on": str(document.version),
    }
    data.update(changes)
    return data


def test_a_new_version_keeps_the_old_consents(client_for, users, community_a, documents):
    person = enrolled("甲服务对象二", community=community_a, users=users)
    first = documents["informed_consent"]
    signed = Consent.objects.get(person=person, document=first)
    client = client_for(users["manager"])
    page = client.get("/screening/documents/informed_consent/new/")
    # Prefilled from the latest version.
    assert page.context["form"].initial["body"] == first.body
    response = client.post("/screening/documents/informed_consent/new/", _form(first))
    second = ConsentDocument.objects.get(program=first.program, kind=first.kind, version=2)
    assert response.status_code == 302
    assert response["Location"] == f"/screening/documents/{second.pk}/"
    assert second.body.endswith("新增一段。")
    assert second.created_by == users["manager"]
    assert second.reconsent_required_from is None
    first.refresh_from_db()
    signed.refresh_from_db()
    assert signed.document == first and first.version == 1
    assert "新增一段" not in first.body
    # The signature on version 1 still counts: no re-consent asked.
    from tongban.screening import gate

    assert gate.missing(person, role="consumer", on=date(2015, 6, 1)) == []


def test_the_reconsent_rule_is_kept_with_the_version(client_for, users, documents):
    first = documents["service_agreement"]
    client = client_for(users["manager"])
    data = _form(first, reconsent="yes", reconsent_required_from="2015-03-01")
    assert client.post("/screening/documents/service_agreement/new/", data).status_code == 302
    second = ConsentDocument.objects.get(kind="service_agreement", version=2)
    assert second.reconsent_required_from == date(2015, 3, 1)
    # "No" leaves no date, even one left in the field.
    data = _form(second, reconsent="no", reconsent_required_from="2016-03-01", based_on="2")
    data["body"] += "第三版"
    assert client.post("/screening/documents/service_agreement/new/", data).status_code == 302
    assert (
        ConsentDocument.objects.get(kind="service_agreement", version=3).reconsent_required_from
        is None
    )


def test_every_error_of_a_new_version_in_one_round(client_for, users, documents):
    first = documents["informed_consent"]
    client = client_for(users["manager"])
    data = _form(
        first,
        title="",
        effective_from="2013-01-01",  # before version 1 was in use
        reconsent="yes",
        reconsent_required_from="",
        note="",
    )
    response = client.post("/screening/documents/informed_consent/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "effective_from", "reconsent_required_from", "note"}
    assert "请填写标题。" in errors["title"]  # "Give the title." (zh-hans, the default)
    assert ConsentDocument.objects.filter(kind="informed_consent").count() == 1
    body = response.content.decode()
    assert 'id="error-summary"' in body


def test_a_version_made_meanwhile_is_not_overwritten(client_for, users, documents):
    first = documents["informed_consent"]
    client = client_for(users["manager"])
    opened = _form(first)  # the form opened on version 1
    new_version(
        first.program, "informed_consent", by=users["manager"], effective_from=date(2015, 1, 1)
    )
    response = client.post("/screening/documents/informed_consent/new/", opened)
    assert response.status_code == 200
    # "Someone saved version 2 of this document after you opened the form."
    assert "有人保存了本文件第 2 版" in response.content.decode()
    assert ConsentDocument.objects.filter(kind="informed_consent").count() == 2


def test_the_same_text_is_not_a_new_version(client_for, users, documents):
    first = documents["informed_consent"]
    data = _form(first, body=first.body, body_en=first.body_en)
    response = client_for(users["manager"]).post("/screening/documents/informed_consent/new/", data)
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert ConsentDocument.objects.filter(kind="informed_consent").count() == 1


@pytest.mark.parametrize("username", ["psychiatrist", "doctor", "research", "socialworker"])
def test_only_the_project_manager_makes_versions(client_for, users, documents, username):
    client = client_for(users[username])
    assert client.get("/screening/documents/informed_consent/new/").status_code == 403
    post = client.post(
        "/screening/documents/informed_consent/new/", _form(documents["informed_consent"])
    )
    assert post.status_code == 403
    assert ConsentDocument.objects.filter(kind="informed_consent").count() == 1


def test_an_unknown_kind_is_not_found(client_for, users, documents):
    client = client_for(users["manager"])
    assert client.get("/screening/documents/birthday_card/new/").status_code == 404


def test_the_list_shows_each_kind_with_versions_and_signatures(
    client_for, users, community_a, documents
):
    enrolled("甲服务对象二", community=community_a, users=users)
    program = documents["informed_consent"].program
    today = timezone.localdate()
    second = new_version(
        program, "informed_consent", by=users["manager"], effective_from=today - timedelta(days=5)
    )
    upcoming = new_version(
        program,
        "informed_consent",
        by=users["manager"],
        effective_from=today + timedelta(days=30),
        text="第三版",
    )
    response = client_for(users["research"]).get("/screening/documents/")
    assert response.status_code == 200
    rows = {row.kind: row for row in response.context["rows"]}
    consent = rows["informed_consent"]
    assert consent.current == second
    assert [d.version for d in consent.others] == [1]
    assert consent.upcoming == [upcoming]
    assert consent.others[0].signed == 1 and consent.current.signed == 0
    assert rows["service_agreement"].current.signed == 1
    assert rows["caregiver_contact"].current.signed == 0
    body = response.content.decode()
    # A research assistant reads documents; only the manager makes versions.
    assert "/screening/documents/informed_consent/new/" not in body
    assert (
        "/screening/documents/informed_consent/new/"
        in client_for(users["manager"]).get("/screening/documents/").content.decode()
    )


def test_the_document_page_says_who_made_it_when_and_why(client_for, users, documents):
    program = documents["informed_consent"].program
    second = new_version(
        program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
        reconsent_required_from=date(2015, 3, 1),
    )
    body = client_for(users["doctor"]).get(f"/screening/documents/{second.pk}/").content.decode()
    assert "manager" in body  # who
    assert "修订" in body  # why
    assert second.created_at.astimezone().strftime("%Y-%m-%d") in body  # when
    assert "2015-03-01" in body  # the re-consent rule
    assert "第二版" in body  # the text
    # Its history starts with the version's creation.
    assert client_for(users["doctor"]).get(f"/screening/documents/{second.pk}/").context["history"]


def test_the_list_costs_the_same_queries_with_more_signatures(
    client_for, users, community_a, documents
):
    client = client_for(users["research"])
    enrolled("服务对象甲", community=community_a, users=users)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/screening/documents/").status_code == 200
        return len(context)

    few = count()
    for k in range(4):
        enrolled(f"服务对象{k}", community=community_a, users=users)
    new_version(
        documents["informed_consent"].program,
        "informed_consent",
        by=users["manager"],
        effective_from=date(2015, 1, 1),
    )
    assert count() == few


# --- Print ---------------------------------------------------------------------------------


def test_the_print_page_is_a4_in_chinese_then_english(client_for, users, documents):
    document = documents["informed_consent"]
    response = client_for(users["research"]).get(f"/screening/documents/{document.pk}/print/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "tongban/consent.css" in body
    assert 'class="mainnav"' not in body  # no site navigation on paper
    # Chinese first, English below, the program's name in both.
    assert body.index("知情同意书") < body.index("Informed consent")
    assert body.index(document.body.splitlines()[0]) < body.index(document.body_en[:40])
    assert "测试项目" in body and "Test program" in body
    # Blanks to fill in, labelled in both languages.
    for label in ("Name", "Signature", "Date", "Witness"):
        with translation.override("zh-hans"):
            chinese = translation.gettext(label)
        assert f"{chinese} / {label}" in body, label
    css = (STATIC / "consent.css").read_text(encoding="utf-8")
    assert "size: A4" in css
    assert "@media print" in css and ".toolbar { display: none; }" in css


@pytest.mark.parametrize(
    ("lang", "shown", "absent"),
    [("en", "Informed consent", "知情同意书"), ("zh-hans", "知情同意书", "Informed consent")],
)
def test_the_print_page_in_one_language(client_for, users, documents, lang, shown, absent):
    document = documents["informed_consent"]
    response = client_for(users["research"]).get(
        f"/screening/documents/{document.pk}/print/?lang={lang}"
    )
    body = response.content.decode()
    sheet = body[body.index('<article class="sheet">') :]
    assert shown in sheet and absent not in sheet
    assert f'<html lang="{lang}">' in body


def test_peers_cannot_open_documents(client_for, users, documents):
    client = client_for(users["peer"])
    document = documents["informed_consent"]
    for url in (
        "/screening/documents/",
        f"/screening/documents/{document.pk}/",
        f"/screening/documents/{document.pk}/print/",
        "/screening/documents/informed_consent/new/",
    ):
        assert client.get(url).status_code == 403, url
