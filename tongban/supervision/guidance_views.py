"""Guidance notes before and after a session (issue 11, item 3: the first phase's support).
The notes show on the session's page; these pages add and void them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core.forms_util import apply_validation_error
from tongban.core.permissions import can_give_guidance
from tongban.core.voiding import void_page

from . import guidance_services as services
from . import request_selectors as selectors
from .guidance_forms import GuidanceForm


@require_http_methods(["GET", "POST"])
def guidance_create(request: HttpRequest, session_pk: int) -> HttpResponse:
    """?when=before|after from the session page's links."""
    user = request.user
    session = selectors.session_get(user, session_pk)  # 404 first, for every role
    if not can_give_guidance(user):
        raise PermissionDenied
    session_url = reverse("activities:session_detail", args=[session.pk])
    if session.is_voided:
        messages.info(request, _("This session was voided."))
        return redirect(session_url)
    if not selectors.guidance_open(user, session):
        messages.info(request, services.not_due_message(session))
        return redirect(session_url)
    form = GuidanceForm(request.POST or None, session=session, when=request.GET.get("when", ""))
    if request.method == "POST" and form.is_valid():
        try:
            note = services.guidance_note_add(
                session=session,
                by=user,
                when=form.cleaned_data["when"],
                given_on=form.cleaned_data["given_on"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Guidance saved (%(when)s). The session's peers can read it on this page.")
                % {"when": note.get_when_display()},
            )
            return redirect(session_url)
    return render(
        request,
        "supervision/guidance_form.html",
        {"form": form, "session": session, "notes": selectors.session_guidance(user, session)},
    )


@require_http_methods(["GET", "POST"])
def guidance_void(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.guidance_get(request.user, pk)  # 404 first, for every role
    if not can_give_guidance(request.user):
        raise PermissionDenied
    session_url = reverse("activities:session_detail", args=[note.session_id])
    return void_page(
        request,
        record=note,
        void=lambda reason: services.guidance_note_void(note=note, by=request.user, reason=reason),
        detail_url=session_url,
        template="supervision/guidance_void.html",
        context={"note": note},
        already=_("This note has already been voided."),
        done=_("The note was voided; it stays in the history."),
    )
