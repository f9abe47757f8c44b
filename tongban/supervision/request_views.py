"""As-needed supervision pages (issue 11, item 3). Thin: scope through request_selectors,
validate, call one service.

Peers ask and read their own requests; the community doctor (and the psychologists, the
psychiatrist) answer the requests of their communities; social workers and the manager
read them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import id_or_404
from tongban.core.permissions import (
    can_answer_supervision,
    can_ask_supervision,
    can_read_supervision,
    require,
)
from tongban.core.voiding import void_page
from tongban.emergencies.selectors import text_list

from . import request_selectors as selectors
from . import request_services as services
from .request_forms import ActionForm, AnswerForm, RequestFilterForm, RequestForm


def _reads_requests(user) -> bool:
    return can_read_supervision(user) or can_ask_supervision(user)


def _people(users) -> str:
    """Names with their roles in the reader's language, e.g. "王医生（社区医生）"."""
    return text_list(
        _("%(name)s (%(role)s)") % {"name": user.display_name, "role": user.get_role_display()}
        for user in users
    )


@require(_reads_requests)
@require_http_methods(["GET"])
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    communities = scope.communities(user).order_by("started_on", "name", "pk")
    filters = RequestFilterForm(request.GET or None, communities=communities)
    chosen = filters.values()
    rows = selectors.request_list(user, community=chosen["community"], status=chosen["status"])
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/request_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "several_communities": len(communities) > 1,
            "can_ask": can_ask_supervision(user),
        },
    )


@require(can_ask_supervision)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """?session=<plan> (from the session's page) or ?community=<pk> say what it is about."""
    user = request.user
    session = None
    if "session" in request.GET:
        session = selectors.session_get(user, id_or_404(request.GET["session"]))
        community = session.community
    elif "community" in request.GET:
        community = get_object_or_404(
            scope.communities(user), pk=id_or_404(request.GET["community"])
        )
    else:
        communities = list(scope.communities(user).order_by("started_on", "name", "pk"))
        if len(communities) != 1:
            return render(
                request, "supervision/request_choose_community.html", {"communities": communities}
            )
        community = communities[0]
    form = RequestForm(request.POST or None, community=community, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.supervision_request_ask(by=user, **form.service_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _confirm_asked(request, asked.notified)
            return redirect("supervision:request_detail", pk=asked.pk)
    return render(
        request,
        "supervision/request_form.html",
        {"form": form, "community": community, "session": session},
    )


def _confirm_asked(request: HttpRequest, notified: list) -> None:
    """Say exactly who was told."""
    if notified:
        messages.success(
            request,
            _("Your request was sent. Notified: %(people)s.") % {"people": _people(notified)},
        )
    else:
        messages.error(
            request,
            _("Your request was saved, but nobody could be notified: phone your community doctor."),
        )


def _detail_context(request: HttpRequest, supervision_request, **extra) -> dict:
    user = request.user
    answerer = can_answer_supervision(user)
    context = {
        "req": supervision_request,
        "answered_how": services.answered_how_label(supervision_request.answered_how),
        "actions": selectors.request_actions(supervision_request),
        "history": selectors.request_history(supervision_request),
        "can_answer": answerer and not supervision_request.is_voided,
        "can_void": services.can_void(user, supervision_request),
        "is_peer": user.is_peer,
        "action_form": None,
    }
    if answerer and supervision_request.is_answered and not supervision_request.is_voided:
        context["action_form"] = ActionForm(request=supervision_request)
    context.update(extra)
    return context


@require(_reads_requests)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supervision_request = selectors.request_get(request.user, pk)
    return render(
        request,
        "supervision/request_detail.html",
        _detail_context(request, supervision_request),
    )


@require_http_methods(["GET", "POST"])
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The first answer, or a correction of it (from the version the form was opened on)."""
    user = request.user
    # The lookup first: a request outside the user's scope is a 404 for every role (the
    # manager, who may not answer, learns nothing about another program's requests).
    supervision_request = selectors.request_get(user, pk)
    if not can_answer_supervision(user):
        raise PermissionDenied
    if supervision_request.is_voided:
        messages.info(request, _("This request was voided."))
        return redirect("supervision:request_detail", pk=pk)

    def new_form(data=None) -> AnswerForm:
        return AnswerForm(data, request=selectors.request_get(user, pk))

    form = new_form(request.POST or None)
    context = {"form": form, "req": supervision_request}
    if request.method == "POST" and form.is_valid():
        first = not supervision_request.is_answered
        try:
            answered = services.supervision_request_answer(
                request=supervision_request,
                by=user,
                answer=form.cleaned_data["answer"],
                answered_how=form.cleaned_data["answered_how"],
                version=form.cleaned_data.get("version"),
                **form.action_data(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # voided meanwhile
                messages.info(request, " ".join(error.messages))
                return redirect("supervision:request_detail", pk=pk)
            apply_validation_error(form, error)
        else:
            if first and answered.notified:
                messages.success(
                    request,
                    _("Answer saved. Notified: %(people)s.")
                    % {"people": _people(answered.notified)},
                )
            elif first:
                messages.warning(
                    request,
                    _("Answer saved. The peer has no active account: tell them yourself."),
                )
            else:
                messages.success(request, _("Changes saved."))
            return redirect("supervision:request_detail", pk=pk)
    return render(request, "supervision/request_answer.html", context)


@require_http_methods(["GET", "POST"])
def request_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    supervision_request = selectors.request_get(user, pk)  # 404 first, for every role
    if not can_answer_supervision(user):
        raise PermissionDenied
    if request.method != "POST" or supervision_request.is_voided:
        return redirect("supervision:request_detail", pk=pk)
    form = ActionForm(request.POST, request=supervision_request)
    if form.is_valid():
        try:
            action = services.supervision_request_action_add(
                request=supervision_request,
                by=user,
                text=form.cleaned_data["action_text"],
                owner=form.cleaned_data["action_owner"],
                due_on=form.cleaned_data["action_due_on"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect("supervision:request_detail", pk=pk)
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Action added for %(name)s.") % {"name": action.owner.display_name},
            )
            return redirect("supervision:request_detail", pk=pk)
    return render(
        request,
        "supervision/request_detail.html",
        _detail_context(request, supervision_request, action_form=form),
    )


@require(_reads_requests)
@require_http_methods(["GET", "POST"])
def request_void(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    supervision_request = selectors.request_get(user, pk)
    detail_url = reverse("supervision:request_detail", args=[supervision_request.pk])
    if not supervision_request.is_voided and not services.can_void(user, supervision_request):
        messages.info(request, _("Only a supervisor may void an answered request."))
        return redirect(detail_url)
    return void_page(
        request,
        record=supervision_request,
        void=lambda reason: services.supervision_request_void(
            request=supervision_request, by=user, reason=reason
        ),
        detail_url=detail_url,
        template="supervision/request_void.html",
        context={"req": supervision_request},
        already=_("This request has already been voided."),
        done=_("The request was voided; it stays in the history and sends no reminder."),
    )
