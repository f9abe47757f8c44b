"""Pre-service needs interviews (issue 10, item 6). Thin: scope through needs_selectors,
validate, call one service.

Research assistants (and the project manager) record the interviews; the other staff read
them within their communities; peers open none of these pages (they see only the counts
on the plan form, never who asked for what).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.permissions import can_read_screening, can_record_needs, require
from tongban.core.voiding import void_page

from . import needs_selectors as selectors
from . import services
from .needs_forms import NeedsFilterForm, NeedsInterviewForm


@require(can_record_needs)
@require_http_methods(["GET", "POST"])
def needs_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get(user, person_pk)
    proposed = selectors.proposal(user, person)
    form = NeedsInterviewForm(
        request.POST or None,
        user=user,
        person=person,
        proposed_respondent=proposed.respondent,
        proposed_community=proposed.community,
    )
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.needs_interview_record(
                person=person,
                community=form.cleaned_data["community"],
                respondent=form.cleaned_data["respondent"],
                by=user,
                **form.interview_fields(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The pre-service interview of %(name)s was saved.") % {"name": person.name},
            )
            return redirect("screening:needs_detail", pk=interview.pk)
    return render(
        request,
        "screening/needs_form.html",
        {
            "form": form,
            "person": person,
            "earlier": selectors.person_interviews(user, person).current(),
        },
    )


@require(can_read_screening)
def needs_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    interview = selectors.interview_get(user, pk)
    return render(
        request,
        "screening/needs_detail.html",
        {
            "interview": interview,
            "categories": selectors.interview_categories(interview),
            "history": selectors.interview_history(interview),
            "can_change": can_record_needs(user) and not interview.is_voided,
        },
    )


@require(can_record_needs)
@require_http_methods(["GET", "POST"])
def needs_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    interview = selectors.interview_get(user, pk)
    if interview.is_voided:
        messages.info(request, _("This interview has been voided."))
        return redirect("screening:needs_detail", pk=interview.pk)

    def new_form(data=None) -> NeedsInterviewForm:
        return NeedsInterviewForm(
            data, user=user, person=interview.person, interview=selectors.interview_get(user, pk)
        )

    form = new_form(request.POST or None)
    context = {"form": form, "interview": interview, "person": interview.person}
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_interview_update(
                interview=interview,
                version=form.cleaned_data.get("version"),
                **form.interview_fields(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # voided meanwhile
                messages.info(request, " ".join(error.messages))
                return redirect("screening:needs_detail", pk=interview.pk)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("screening:needs_detail", pk=interview.pk)
    return render(request, "screening/needs_form.html", context)


@require(can_record_needs)
@require_http_methods(["GET", "POST"])
def needs_void(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_get(request.user, pk)
    return void_page(
        request,
        record=interview,
        void=lambda reason: services.needs_interview_void(
            interview=interview, by=request.user, reason=reason
        ),
        detail_url=reverse("screening:needs_detail", args=[interview.pk]),
        template="screening/needs_void.html",
        context={"interview": interview},
        already=_("This interview has already been voided."),
        done=_("The interview was voided; it stays in the history and is no longer counted."),
    )


@require(can_read_screening)
@require_http_methods(["GET"])
def needs_list(request: HttpRequest) -> HttpResponse:
    """The program page: the sums, who in service is still to be interviewed, and the
    interviews. A constant number of queries, whatever the number of interviews."""
    user = request.user
    filters = NeedsFilterForm(request.GET or None, user=user)
    chosen = filters.values()
    community, respondent = chosen["community"], chosen["respondent"]
    if chosen["missing"]:
        rows = selectors.not_interviewed(user, community=community, respondent=respondent)
    else:
        rows = selectors.interview_list(
            user, community=community, respondent=respondent, voided=chosen["voided"]
        )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    shown = query.copy()
    for name in ("missing", "voided"):
        shown.pop(name, None)
    return render(
        request,
        "screening/needs_list.html",
        {
            "filters": filters,
            "chosen": chosen,
            "page": page,
            "query": query.urlencode(),
            "filter_query": shown.urlencode(),
            "sums": selectors.sums(user, community=community, respondent=respondent),
            "missing_count": selectors.not_interviewed_count(
                user, community=community, respondent=respondent
            ),
            "can_record": can_record_needs(user),
        },
    )
