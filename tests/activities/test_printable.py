"""Printable blank forms: every model field on paper, in both languages, and no records at all."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.activities import printable
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.emergencies.models import EmergencyEvent

LANGUAGES = ["zh-hans", "en"]
SHEETS = [
    "activities:blank_plan",
    "activities:blank_process",
    "activities:blank_participants",
    "activities:blank_emergency",
]
# Who was there is written at the foot of the Participant List, not on the Process Form.
ON_PARTICIPANT_LIST = frozenset({"peers_present", "staff_present"})
FOOTER = "Peers keep their forms and submit them to the project manager every six weeks."


def model_fields(model) -> list:
    """Every field of the model a form could ask for (forward fields, many-to-many too)."""
    return [*model._meta.fields, *model._meta.many_to_many]


def paper_fields(model, *, only: frozenset[str] | None = None, but: frozenset[str] = frozenset()):
    return [
        field
        for field in model_fields(model)
        if field.name not in printable.NOT_ON_PAPER[model]
        and field.name not in but
        and (only is None or field.name in only)
    ]


# Derived from the models: a field added to a model and not laid out on paper fails here.
PAPER = {
    "activities:blank_plan": lambda: paper_fields(ActivityPlan),
    "activities:blank_process": lambda: paper_fields(ActivityRecord, but=ON_PARTICIPANT_LIST),
    "activities:blank_participants": lambda: [
        *paper_fields(Attendance),
        *paper_fields(ActivityRecord, only=ON_PARTICIPANT_LIST),
    ],
    "activities:blank_emergency": lambda: paper_fields(EmergencyEvent),
}


def text_of(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def get_sheet(client, name: str, lang: str):
    response = client.get(f"{reverse(name)}?lang={lang}")
    assert response.status_code == 200
    return response


@pytest.fixture
def peer_client(client_for, users):
    return client_for(users["peer"])


def test_not_on_paper_names_real_fields():
    """An exclusion that outlives its field would hide a renamed one from the paper."""
    for model, names in printable.NOT_ON_PAPER.items():
        assert names <= {field.name for field in model_fields(model)}, model


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", SHEETS)
def test_every_model_field_label_is_on_paper(peer_client, name, lang):
    text = text_of(get_sheet(peer_client, name, lang))
    with translation.override(lang):
        labels = [capfirst(str(field.verbose_name)) for field in PAPER[name]()]
        footer = gettext(FOOTER)
    assert labels
    missing = [label for label in labels if label not in text]
    assert not missing, f"{name} ({lang}) lacks {missing}"
    assert footer in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("name", "model", "field_name"),
    [
        ("activities:blank_plan", ActivityPlan, "category"),
        ("activities:blank_plan", ActivityPlan, "format"),
        ("activities:blank_process", ActivityRecord, "format"),
        ("activities:blank_emergency", EmergencyEvent, "kind"),
    ],
)
def test_choices_are_printed_as_tick_boxes(peer_client, name, model, field_name, lang):
    text = text_of(get_sheet(peer_client, name, lang))
    with translation.override(lang):
        choices = [str(label) for _value, label in model._meta.get_field(field_name).choices]
    assert len(choices) >= 5
    for choice in choices:
        assert re.search(rf"☐\s*{re.escape(choice)}", text), f"no tick box for {choice!r}"


def test_yes_no_question_has_two_tick_boxes(peer_client):
    text = text_of(get_sheet(peer_client, "activities:blank_emergency", "en"))
    assert re.search(r"Emergency services called ☐ yes ☐ no", text)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("activities:blank_plan", ["warm_up_plan", "main_plan", "close_plan"]),
        ("activities:blank_process", ["warm_up", "main_activity", "close"]),
    ],
)
def test_session_template_in_three_parts(peer_client, name, parts, lang):
    """Warm-up, main activity, close: numbered, in order, each with what belongs in it."""
    text = text_of(get_sheet(peer_client, name, lang))
    model = ActivityPlan if name.endswith("plan") else ActivityRecord
    with translation.override(lang):
        expected = [
            f"{number} {printable.label(model, part)} ({hint})"
            for number, part, hint in zip(
                "123",
                parts,
                [printable.warm_up_hint(), printable.main_hint(), printable.close_hint()],
                strict=True,
            )
        ]
    positions = [text.find(part) for part in expected]
    assert -1 not in positions, expected
    assert positions == sorted(positions)


def test_participant_list_has_a_numbered_ruled_table(peer_client):
    body = get_sheet(peer_client, "activities:blank_participants", "en").content.decode()
    numbers = re.findall(r'<td class="no">(\d+)</td>(?:<td></td>){4}', body)
    assert numbers == [str(n) for n in range(1, printable.PARTICIPANT_ROWS + 1)]
    assert printable.PARTICIPANT_ROWS == 15
    text = text_of(get_sheet(peer_client, "activities:blank_participants", "en"))
    for column in ["No.", "Consumer / Walk-in's name", "Signature", "Walk-in's community", "Note"]:
        assert column in text


@pytest.mark.parametrize("name", SHEETS)
def test_sheet_is_a_standalone_a4_page_with_a_print_button(peer_client, name):
    body = get_sheet(peer_client, name, "en").content.decode()
    # Styles and the print script are static files: the CSP allows nothing inline.
    assert "printable.css" in body and "printable.js" in body
    assert "<style" not in body and "onclick" not in body and "style=" not in body
    assert "data-print" in body
    css = (Path(settings.BASE_DIR) / "tongban/static/tongban/printable.css").read_text()
    assert "@page { size: A4; margin: 15mm; }" in css
    assert re.search(r"@media print \{.*?\.toolbar \{ display: none; \}", css, re.S)
    # No site chrome: the sheet is the whole page.
    assert 'class="topbar"' not in body
    assert "tongban.css" not in body
    # The chosen program's name heads the sheet.
    assert "Test program" in body


@pytest.mark.parametrize("name", SHEETS)
def test_language_follows_the_user_and_lang_overrides_it_once(client_for, users, name):
    user = users["doctor"]
    user.language = "en"
    user.save(update_fields=["language"])
    client = client_for(user)

    assert '<html lang="en">' in client.get(reverse(name)).content.decode()
    assert '<html lang="zh-hans">' in get_sheet(client, name, "zh-hans").content.decode()
    # Unknown languages are ignored; the setting itself never changes.
    assert '<html lang="en">' in get_sheet(client, name, "xx").content.decode()
    user.refresh_from_db()
    assert user.language == "en"
    # The next page is in the user's language again.
    assert client.get(reverse("activities:blank_forms"))["Content-Language"] == "en"


@pytest.mark.parametrize("name", SHEETS)
def test_a_sheet_links_to_the_other_language(peer_client, name):
    body = get_sheet(peer_client, name, "zh-hans").content.decode()
    assert f'href="{reverse(name)}?lang=en"' in body
    assert f'href="{reverse(name)}?lang=zh-hans"' not in body


def test_index_lists_the_four_forms_in_both_languages(peer_client):
    response = peer_client.get(reverse("activities:blank_forms"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="topbar"' in body  # in the site layout
    for name in SHEETS:
        for lang in LANGUAGES:
            assert f'href="{reverse(name)}?lang={lang}"' in body
    with translation.override("zh-hans"):
        titles = [
            capfirst(str(ActivityPlan._meta.verbose_name)),
            capfirst(str(ActivityRecord._meta.verbose_name)),
            capfirst(gettext("participant list")),
            capfirst(str(EmergencyEvent._meta.verbose_name)),
        ]
    text = text_of(response)
    for title in titles:
        assert title in text


@pytest.mark.parametrize("role", list(Role.values))
def test_every_signed_in_role_may_open_them(client_for, users, community_a, role):
    user = next((u for u in users.values() if u.role == role), None)
    if user is None:
        user = make_user(f"someone-{role}", role, [community_a])
    client = client_for(user)
    for name in ["activities:blank_forms", *SHEETS]:
        assert client.get(reverse(name)).status_code == 200, (role, name)


@pytest.mark.parametrize("name", ["activities:blank_forms", *SHEETS])
def test_anonymous_visitors_are_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["activities:blank_forms", *SHEETS])
def test_blank_forms_hold_no_records(client_for, users, community_a, community_b, name):
    """No person, community or account of the program appears, and none is even read."""
    consumer = make_person("纸质表格测试对象", community=community_a, phone="13922223333")
    make_person("纸质表格乙社区人", community=community_b, phone="13922224444")
    staff = make_user("paper-staff", Role.SOCIAL_WORKER, [community_a])
    staff.first_name = "纸质工作人员"
    staff.save(update_fields=["first_name"])
    client = client_for(users["doctor"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    body = response.content.decode()
    for secret in [
        consumer.name,
        "纸质表格乙社区人",
        "纸质工作人员",
        consumer.phone,
        "甲社区",
        "乙社区",
        "Alpha",
        "Beta",
        "甲同伴",
    ]:
        assert secret not in body, secret
    # The site-wide notification badge reads its own tables (and, for the escalation
    # delay, the emergencies' program), the header the chosen program (its name heads
    # the sheet); the forms read no records.
    read = " ".join(
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "registry_program"' not in query["sql"]
        and '"notifications_notification"' not in query["sql"]
    )
    for table in ["registry_", "activities_"]:
        assert f'"{table}' not in read, table


@pytest.mark.parametrize("name", ["activities:blank_forms", *SHEETS])
def test_only_reading_is_allowed(peer_client, name):
    assert peer_client.post(reverse(name)).status_code == 405
