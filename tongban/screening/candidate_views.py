"""Candidate, assessment and criteria pages. Thin: scope through selectors, validate, call
one service, render.

Staff read the candidates of their communities (the psychiatrist and the manager: the
whole program); peers are refused every screening page (403). Only the psychiatrist
assesses; only the project manager edits the criteria.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import id_or_404
from tongban.core.permissions import (
    can_add_candidates,
    can_assess_eligibility,
    can_edit_criteria,
    can_edit_registry,
    can_read_screening,
    require,
)
from tongban.core.voiding import void_page
from tongban.registry.models import Enrolment, Person

from . import selectors, services
from .candidate_forms import (
    AssessmentForm,
    CandidateFilterForm,
    CandidateForm,
    CandidatePersonForm,
    CloseForm,
    CriteriaForm,
    EnrolForm,
    apply_to_forms,
    service_errors_to_form,
)
from .models import AssessmentResult, Candidate, Stage

Role = Enrolment.Role
ENROLLABLE = (Stage.ELIGIBLE, Stage.CONSENTED)


# --- Candidates ------------------------------------------------------------------------------


@require(can_read_screening)
def candidate_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = CandidateFilterForm(request.GET or None, user=user)
    data = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.candidate_list(
        user,
        q=data.get("q", ""),
        stage=data.get("stage", ""),
        role=data.get("role", ""),
        community=data.get("community"),
    )
    page = Paginator(found.order_by("-recommended_on", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "screening/candidate_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "figures": selectors.candidate_figures(found),
            "can_add": can_add_candidates(user),
            "Stage": Stage,
        },
    )


@require(can_add_candidates)
@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest) -> HttpResponse:
    """A new person as a candidate, or (?person=<pk>) a person already in the user's scope:
    someone screened out who comes again, or a caregiver who would become a peer."""
    user = request.user
    person = None
    if "person" in request.GET:
        person = get_object_or_404(
            Person.objects.visible_to(user), pk=id_or_404(request.GET["person"])
        )
    initial = {}
    if request.GET.get("role") in Role.values:
        initial["role"] = request.GET["role"]
    data = request.POST or None
    form = CandidateForm(data, initial=initial, user=user, person=person)
    person_form = CandidatePersonForm(data) if person is None else None
    context = {"form": form, "person_form": person_form, "person": person}
    if request.method == "POST":
        valid = form.is_valid()
        valid = (person_form is None or person_form.is_valid()) and valid
        if valid:
            try:
                if person is None:
                    fields = form.candidate_fields()
                    candidate = services.candidate_create_with_person(
                        fields=person_form.person_fields(),
                        community=fields.pop("community"),
                        role=fields.pop("role"),
                        by=user,
                        **fields,
                    )
                else:
                    candidate = services.candidate_create(
                        person=person, by=user, **form.candidate_fields()
                    )
            except ValidationError as error:
                forms_ = [form] if person_form is None else [form, person_form]
                apply_to_forms(error, *forms_)
            else:
                messages.success(
                    request,
                    _("%(name)s was added as a candidate %(role)s.")
                    % {"name": candidate.person.name, "role": candidate.get_role_display()},
                )
                return redirect("screening:candidate_detail", pk=candidate.pk)
    return render(request, "screening/candidate_form.html", context)


def _detail_context(request: HttpRequest, candidate: Candidate, **forms) -> dict:
    user = request.user
    open_ = candidate.stage != Stage.ENROLLED and candidate.closed_on is None
    can_enrol = can_edit_registry(user) and open_
    return {
        "candidate": candidate,
        "person": candidate.person,
        "age_today": selectors.age_today(candidate),
        "assessments": selectors.candidate_assessments(candidate),
        "others": selectors.earlier_candidacies(candidate, user),
        "history": selectors.candidate_history(candidate),
        "can_assess": can_assess_eligibility(user) and open_,
        "can_enrol": can_enrol,
        "can_close": can_add_candidates(user) and open_,
        "can_add": can_add_candidates(user),
        # Offered once the candidate passed the assessment; the gate then names anything
        # still missing (the consents) beside the date.
        "enrol_form": forms.get("enrol_form")
        or (EnrolForm() if can_enrol and candidate.stage in ENROLLABLE else None),
        "Stage": Stage,
        "Result": AssessmentResult,
    }


@require(can_read_screening)
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(request.user, pk)
    return render(request, "screening/candidate_detail.html", _detail_context(request, candidate))


@require(can_edit_registry)
@require_http_methods(["GET", "POST"])
def candidate_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol through the gate; a refusal lists what is missing beside the date, and the
    candidate's page shows again with nothing changed."""
    candidate = selectors.candidate_get(request.user, pk)
    if request.method == "GET":
        return redirect("screening:candidate_detail", pk=candidate.pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_enrol(
                candidate=candidate, started_on=form.cleaned_data["started_on"], by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is enrolled as an active %(role)s in %(community)s from %(date)s.")
                % {
                    "name": candidate.person.name,
                    "role": candidate.get_role_display(),
                    "community": candidate.community.display_name,
                    "date": form.cleaned_data["started_on"].isoformat(),
                },
            )
            return redirect("screening:candidate_detail", pk=candidate.pk)
    candidate = selectors.candidate_get(request.user, pk)
    context = _detail_context(request, candidate, enrol_form=form)
    return render(request, "screening/candidate_detail.html", context)


@require(can_add_candidates)
@require_http_methods(["GET", "POST"])
def candidate_close(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(request.user, pk)
    if candidate.stage == Stage.ENROLLED or candidate.closed_on is not None:
        messages.info(request, _("This candidacy is no longer open."))
        return redirect("screening:candidate_detail", pk=candidate.pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_close(
                candidate=candidate,
                by=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is screened out: %(reason)s")
                % {"name": candidate.person.name, "reason": form.cleaned_data["reason"].strip()},
            )
            return redirect("screening:candidate_detail", pk=candidate.pk)
    return render(request, "screening/candidate_close.html", {"form": form, "candidate": candidate})


# --- Assessments -----------------------------------------------------------------------------


def _psychiatrist_only(user) -> None:
    """Called after the record was found: a record outside the user's scope is 404 for
    every role (the manager included), and only then is the role refused (403)."""
    if not can_assess_eligibility(user):
        raise PermissionDenied


@require(can_read_screening)
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    candidate = selectors.candidate_get(user, pk)
    _psychiatrist_only(user)
    if candidate.stage == Stage.ENROLLED or candidate.closed_on is not None:
        messages.info(request, _("This candidacy is no longer open."))
        return redirect("screening:candidate_detail", pk=candidate.pk)
    criteria = services.criteria_current(program=candidate.community.program, role=candidate.role)
    form = AssessmentForm(request.POST or None, candidate=candidate, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                candidate=candidate, by=user, **form.assessment_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _result_message(assessment))
            return redirect("screening:candidate_detail", pk=candidate.pk)
    return render(
        request,
        "screening/assessment_form.html",
        {"form": form, "candidate": candidate, "criteria": criteria},
    )


def _result_message(assessment) -> str:
    values = {"name": assessment.candidate.person.name}
    if assessment.overridden:
        return _("Saved: %(name)s failed the criteria; the result is overridden.") % values
    if assessment.result == AssessmentResult.ELIGIBLE:
        return _("Saved: %(name)s is eligible.") % values
    if assessment.result == AssessmentResult.NOT_ELIGIBLE:
        return _("Saved: %(name)s is not eligible.") % values
    return _("Saved: the assessment of %(name)s is incomplete.") % values


@require(can_read_screening)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assessment = selectors.assessment_get(user, pk)
    return render(
        request,
        "screening/assessment_detail.html",
        {
            "item": selectors.judged(assessment),
            "assessment": assessment,
            "candidate": assessment.candidate,
            "history": selectors.assessment_history(assessment),
            "can_change": can_assess_eligibility(user) and not assessment.is_voided,
            "Result": AssessmentResult,
        },
    )


@require(can_read_screening)
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete or correct an assessment: judged again under its own criteria version."""
    user = request.user
    assessment = selectors.assessment_get(user, pk)
    _psychiatrist_only(user)
    if assessment.is_voided:
        messages.info(request, _("This assessment has been voided."))
        return redirect("screening:assessment_detail", pk=assessment.pk)
    candidate = assessment.candidate

    def new_form(data=None) -> AssessmentForm:
        stored = selectors.assessment_get(user, pk)
        return AssessmentForm(
            data, candidate=candidate, criteria=stored.criteria, assessment=stored
        )

    form = new_form(request.POST or None)
    context = {
        "form": form,
        "candidate": candidate,
        "criteria": assessment.criteria,
        "assessment": assessment,
    }
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.assessment_update(
                assessment=assessment,
                version=form.cleaned_data.get("version"),
                **form.assessment_fields(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # voided meanwhile
                messages.info(request, " ".join(error.messages))
                return redirect("screening:assessment_detail", pk=assessment.pk)
            apply_validation_error(form, error)
        else:
            messages.success(request, _result_message(saved))
            return redirect("screening:assessment_detail", pk=assessment.pk)
    return render(request, "screening/assessment_form.html", context)


@require(can_read_screening)
@require_http_methods(["GET", "POST"])
def assessment_void(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, pk)
    _psychiatrist_only(request.user)
    return void_page(
        request,
        record=assessment,
        void=lambda reason: services.assessment_void(
            assessment=assessment, by=request.user, reason=reason
        ),
        detail_url=reverse("screening:assessment_detail", args=[assessment.pk]),
        done_url=reverse("screening:candidate_detail", args=[assessment.candidate_id]),
        template="screening/assessment_void.html",
        context={"assessment": assessment},
        already=_("This assessment has already been voided."),
        done=_("The assessment was voided; it stays in the candidate's history."),
    )


# --- Criteria --------------------------------------------------------------------------------


@require(can_read_screening)
def criteria_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = scope.program(user)
    if program is None:
        raise Http404
    # The paper's version 1 is made the first time a program's criteria are asked for.
    for role in Role.values:
        services.criteria_current(program=program, role=role)
    versions = selectors.criteria_versions(user)
    roles = [
        {
            "role": role,
            "current": versions[role.value][0],
            "rules": selectors.criteria_in_words(versions[role.value][0]),
            "earlier": versions[role.value][1:],
        }
        for role in Role
        if versions[role.value]
    ]
    return render(
        request,
        "screening/criteria_list.html",
        {"roles": roles, "can_edit": can_edit_criteria(user)},
    )


@require(can_read_screening)
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    criteria = selectors.criteria_get(user, pk)
    latest = selectors.criteria_visible(user).filter(role=criteria.role).order_by("-version")
    return render(
        request,
        "screening/criteria_detail.html",
        {
            "criteria": criteria,
            "rules": selectors.criteria_in_words(criteria),
            "is_current": latest.values_list("pk", flat=True).first() == criteria.pk,
            "can_edit": can_edit_criteria(user),
        },
    )


@require(can_edit_criteria)
@require_http_methods(["GET", "POST"])
def criteria_edit(request: HttpRequest, role: str) -> HttpResponse:
    user = request.user
    program = scope.program(user)
    if program is None or role not in Role.values:
        raise Http404
    current = services.criteria_current(program=program, role=role)
    form = CriteriaForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            criteria = services.criteria_revise(
                program=program,
                role=role,
                by=user,
                version=form.cleaned_data["version"],
                fields=form.criteria_fields(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s of the criteria for %(role)s is in force. Earlier "
                    "assessments keep the version they were judged under."
                )
                % {"version": criteria.version, "role": criteria.get_role_display()},
            )
            return redirect("screening:criteria_detail", pk=criteria.pk)
    return render(
        request,
        "screening/criteria_form.html",
        {"form": form, "current": current, "role_label": Role(role).label},
    )
