"""Evaluation pages. Thin: scope through selectors, validate, call one service.

Research assistants and the project manager run rounds and record interviews; the other
staff read them within their communities; peers are interviewed and open none of this.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.permissions import can_read_evaluations, can_run_evaluations, require
from tongban.core.voiding import void_page
from tongban.registry.models import Person

from . import selectors, services
from .forms import InterviewForm, RoundForm, StateFilterForm
from .models import EvaluationRound, Interview, Respondent


def _round_url(evaluation_round: EvaluationRound, anchor: str = "") -> str:
    url = reverse("evaluation:round_detail", args=[evaluation_round.pk])
    return f"{url}#{anchor}" if anchor else url


def _entry_anchor(person_pk: int, respondent: str) -> str:
    return f"entry-{respondent}-{person_pk}"


# Rounds -------------------------------------------------------------------------------------


@require(can_read_evaluations)
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = selectors.rounds_with_counts(request.user)
    page = Paginator(rounds, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/round_list.html",
        {"page": page, "can_run": can_run_evaluations(request.user)},
    )


@require(can_run_evaluations)
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = scope.program(user)
    if program is None:
        raise Http404
    form = RoundForm(request.POST or None, user=user, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_round = services.evaluation_round_create(
                program=program, by=user, **form.round_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The round %(name)s was created.") % {"name": evaluation_round.display_name},
            )
            return redirect(_round_url(evaluation_round))
    return render(request, "evaluation/round_form.html", {"form": form})


@require(can_run_evaluations)
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation_round = selectors.round_get(user, pk)

    def new_form(data=None) -> RoundForm:
        return RoundForm(
            data,
            user=user,
            program=evaluation_round.program,
            evaluation_round=EvaluationRound.objects.get(pk=evaluation_round.pk),
        )

    form = new_form(request.POST or None)
    context = {"form": form, "evaluation_round": evaluation_round}
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_round_update(
                evaluation_round=evaluation_round,
                version=form.cleaned_data.get("version"),
                **form.round_fields(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_round_url(evaluation_round))
    return render(request, "evaluation/round_form.html", context)


@require(can_read_evaluations)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation_round = selectors.round_get(user, pk)
    entries = selectors.expected(evaluation_round, user)
    filters = StateFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    shown = [e for e in entries if e.state == state] if state else entries
    communities, others = selectors.round_communities(evaluation_round, user)
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "evaluation_round": evaluation_round,
            "counts": selectors.counts(entries),
            "groups": selectors.grouped(shown),
            "shown_count": len(shown),
            "filters": filters,
            "state": state,
            "communities": communities,
            "other_communities": others,
            "voided": selectors.voided_interviews(evaluation_round, user),
            "can_run": can_run_evaluations(user),
        },
    )


# Interviews ---------------------------------------------------------------------------------


@require(can_run_evaluations)
@require_http_methods(["GET", "POST"])
def interview_create(
    request: HttpRequest, round_pk: int, person_pk: int, respondent: str
) -> HttpResponse:
    user = request.user
    evaluation_round = selectors.round_get(user, round_pk)
    if respondent not in Respondent.values:
        raise Http404
    people = Person.objects.filter(program=evaluation_round.program)
    person = get_object_or_404(people, pk=person_pk)
    entry = selectors.expected_one(
        evaluation_round, person=person, respondent=respondent, user=user
    )
    if entry is None:
        raise Http404
    if entry.interview is not None:
        messages.info(request, _("This person's interview has already been recorded."))
        return redirect("evaluation:interview_detail", pk=entry.interview.pk)
    form = InterviewForm(
        request.POST or None, user=user, evaluation_round=evaluation_round, respondent=respondent
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_record(
                evaluation_round=evaluation_round,
                person=person,
                respondent=respondent,
                by=user,
                **form.interview_fields(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _saved_message(person, form.cleaned_data["outcome"]))
            return redirect(_round_url(evaluation_round, _entry_anchor(person.pk, respondent)))
    return render(
        request,
        "evaluation/interview_form.html",
        {
            "form": form,
            "evaluation_round": evaluation_round,
            "person": person,
            "respondent_label": entry.respondent_label,
            "community": entry.community,
            "cares_for": entry.cares_for,
        },
    )


def _saved_message(person: Person, outcome: str) -> str:
    if outcome == Interview.Outcome.NOT_ASSESSED:
        return _("%(name)s is recorded as not assessed.") % {"name": person.name}
    return _("The interview of %(name)s was saved.") % {"name": person.name}


@require(can_read_evaluations)
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    interview = selectors.interview_get(user, pk)
    return render(
        request,
        "evaluation/interview_detail.html",
        {
            "interview": interview,
            "evaluation_round": interview.round,
            "answers": selectors.answers(interview),
            "history": selectors.interview_history(interview),
            "can_change": can_run_evaluations(user) and not interview.is_voided,
            "Outcome": Interview.Outcome,
        },
    )


@require(can_run_evaluations)
@require_http_methods(["GET", "POST"])
def interview_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    interview = selectors.interview_get(user, pk)
    if interview.is_voided:
        messages.info(request, _("This interview has been voided."))
        return redirect("evaluation:interview_detail", pk=interview.pk)

    def new_form(data=None) -> InterviewForm:
        return InterviewForm(
            data,
            user=user,
            evaluation_round=interview.round,
            respondent=interview.respondent,
            interview=selectors.interview_get(user, pk),
        )

    form = new_form(request.POST or None)
    context = {
        "form": form,
        "interview": interview,
        "evaluation_round": interview.round,
        "person": interview.person,
        "respondent_label": interview.get_respondent_display(),
        "community": interview.community,
        "cares_for": interview.cares_for,
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_update(
                interview=interview,
                version=form.cleaned_data.get("version"),
                **form.interview_fields(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # voided meanwhile
                messages.info(request, " ".join(error.messages))
                return redirect("evaluation:interview_detail", pk=interview.pk)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("evaluation:interview_detail", pk=interview.pk)
    return render(request, "evaluation/interview_form.html", context)


@require(can_run_evaluations)
@require_http_methods(["GET", "POST"])
def interview_void(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_get(request.user, pk)
    anchor = _entry_anchor(interview.person_id, interview.respondent)
    return void_page(
        request,
        record=interview,
        void=lambda reason: services.interview_void(
            interview=interview, by=request.user, reason=reason
        ),
        detail_url=reverse("evaluation:interview_detail", args=[interview.pk]),
        done_url=_round_url(interview.round, anchor),
        template="evaluation/void_form.html",
        context={"interview": interview},
        already=_("This interview has already been voided."),
        done=_(
            "The interview was voided; it stays in the history. %(name)s is to be "
            "interviewed again."
        )
        % {"name": interview.person.name},
    )
