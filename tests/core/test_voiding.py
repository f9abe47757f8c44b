"""core.voiding.void_page: the one flow behind every "void with a reason" page."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from tongban.core.voiding import void_page

PAGE = {
    "detail_url": "/record/1/",
    "template": "core/void_test.html",
    "context": {},
    "already": "already voided",
    "done": "voided",
}


def request(method: str = "get", data: dict | None = None):
    made = getattr(RequestFactory(), method)("/record/1/void/", data or {})
    made.session = SessionStore()
    made._messages = FallbackStorage(made)
    return made


def said(made) -> list[str]:
    return [str(m) for m in get_messages(made)]


def test_a_record_already_voided_goes_back_with_a_message():
    made = request("post", {"reason": "twice"})
    calls = []
    response = void_page(made, record=SimpleNamespace(is_voided=True), void=calls.append, **PAGE)
    assert response.status_code == 302 and response.url == "/record/1/"
    assert calls == [] and said(made) == ["already voided"]


def test_a_reason_voids_and_goes_to_the_done_url():
    made = request("post", {"reason": "entered twice"})
    calls = []
    response = void_page(
        made,
        record=SimpleNamespace(is_voided=False),
        void=calls.append,
        done_url="/list/",
        **PAGE,
    )
    assert calls == ["entered twice"]
    assert response.url == "/list/" and said(made) == ["voided"]


@pytest.mark.parametrize(
    ("error", "status"),
    [(ValidationError("voided meanwhile"), 302), (ValidationError({"reason": "too short"}), 200)],
)
def test_a_refusal_goes_back_or_shows_by_the_field(error, status, monkeypatch):
    shown = {}

    def render(_request, template, context):
        shown.update(context)
        from django.http import HttpResponse

        return HttpResponse(status=200)

    monkeypatch.setattr("tongban.core.voiding.render", render)

    def refuse(_reason):
        raise error

    made = request("post", {"reason": "x"})
    response = void_page(made, record=SimpleNamespace(is_voided=False), void=refuse, **PAGE)
    assert response.status_code == status
    if status == 200:
        assert shown["form"].errors["reason"] == ["too short"]
    else:
        assert said(made) == ["voided meanwhile"]
