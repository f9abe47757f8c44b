"""Django's own messages (validation, password rules) are in Chinese on a Chinese page.

Django's zh_Hans catalogues lack a few msgids of the Django version in use (5.2 renamed
the "password too short" message); tongban/core/django_messages.py marks those so the
project's catalogue translates them. The catalogue test below finds any that are missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
import pytest
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

# Django catalogues whose messages a user can meet in this project.
USED_CATALOGUES = ["conf", "contrib/auth"]


def _english_msgids(catalogue: str) -> list[tuple[str, str | None]]:
    """(msgid, msgid_plural) of Django's English catalogue: the msgids of its source."""
    po = Path(django.__file__).parent / catalogue / "locale/en/LC_MESSAGES/django.po"
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr\S*) "(.*)"$', line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts.get("msgid") and "msgctxt" not in parts:
            unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
            plural = parts.get("msgid_plural")
            entries.append((unescape(parts["msgid"]), unescape(plural) if plural else None))
    return entries


@pytest.mark.parametrize("catalogue", USED_CATALOGUES)
def test_every_django_message_has_a_chinese_translation(catalogue):
    entries = _english_msgids(catalogue)
    assert len(entries) > 20
    with translation.override("zh-hans"):
        untranslated = [
            msgid
            for msgid, plural in entries
            if (
                translation.ngettext(msgid, plural, 5) == plural
                if plural
                else translation.gettext(msgid) == msgid
            )
            # Placeholders, units and acronyms (KB, PM, IPv4, URL) read the same in Chinese.
            and re.search(r"[a-z]{3,}", re.sub(r"%\(\w+\)\w|%\w|\{\w*\}", "", msgid))
        ]
    assert not untranslated, (
        "Django messages without a Chinese translation; add them to "
        f"tongban/core/django_messages.py and run make messages: {untranslated}"
    )


def test_password_rules_speak_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        validate_password("abc")
    messages = " ".join(raised.value.messages)
    assert "too short" not in messages
    assert "密码" in messages


def test_a_required_field_says_so_in_chinese():
    class Form(forms.Form):
        name = forms.CharField()

    with translation.override("zh-hans"):
        form = Form({})
        assert not form.is_valid()
        assert form.errors["name"] == ["这个字段是必填项。"]


def too_short_in_chinese() -> str:
    from django.contrib.auth.password_validation import MinimumLengthValidator

    with translation.override("zh-hans"):
        message = MinimumLengthValidator(10).get_error_message()
    assert "too short" not in message
    return message


def test_password_change_page_shows_django_messages_in_chinese(client_for, users):
    from tests.conftest import PASSWORD

    client = client_for(users["doctor"])
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-hans"' in page
    assert "This password is too short" not in page
    assert too_short_in_chinese() in page

    wrong = client.post(
        "/password/",
        {"old_password": "not-it", "new_password1": "x", "new_password2": "y"},
    ).content.decode()
    assert "incorrectly" not in wrong and "didn’t match" not in wrong


def test_account_form_shows_password_rules_in_chinese(client_for, users, community_a):
    response = client_for(users["manager"]).post(
        "/accounts/new/",
        {
            "username": "newdoctor",
            "full_name": "新医生",
            "role": "community_doctor",
            "communities": [community_a.pk],
            "password1": "12345",
            "password2": "12345",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "too short" not in page
    assert "entirely numeric" not in page
    assert too_short_in_chinese() in page
