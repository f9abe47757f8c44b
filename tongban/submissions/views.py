"""Six-weekly submission pages. Scope first (404), then the role (403), then the method."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import parse_id

from . import rules, selectors, services
from .cycles import Cycle, State
from .forms import AcceptForm, ReturnForm, SubmitForm
from .models import Submission


def submission_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_program_wide:
        upto = parse_id(request.GET.get("upto"))  # anything but plain digits: the latest
        return render(request, "submissions/overview.html", selectors.overview(user, upto=upto))
    rows = selectors.cycle_rows(user)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.add_counts(user, list(page.object_list))
    return render(
        request,
        "submissions/submission_list.html",
        {
            "page": page,
            "to_submit": [row for row in rows if row.needs_submission],
            "several_communities": len({row.community.pk for row in rows}) > 1,
            "calendar": selectors.program_calendar(user),
        },
    )


def _detail(
    request: HttpRequest,
    community,
    cycle: Cycle,
    *,
    submit_form: forms.Form | None = None,
    return_form: forms.Form | None = None,
    accept_form: forms.Form | None = None,
) -> HttpResponse:
    user = request.user
    today = selectors.today()
    submission = selectors.submission_get(user, community, cycle.number)
    status = submission.status if submission else None
    row = selectors.CycleRow(community, cycle, status, today)
    plans = selectors.cycle_plans(user, community, cycle)
    may_submit = (
        cycle.can_submit(today)
        and status in (None, Submission.Status.RETURNED)
        and rules.sees_submit_form(user, community, status)
    )
    may_review = status == Submission.Status.SUBMITTED and rules.can_review(user)
    return render(
        request,
        "submissions/cycle_detail.html",
        {
            "community": community,
            "cycle": cycle,
            "row": row,
            "State": State,
            "submission": submission,
            "plans": list(plans),
            "counts": selectors.cycle_session_counts(plans),
            "emergencies": list(selectors.cycle_emergencies(user, community, cycle)),
            "events": selectors.submission_events(submission),
            "changes": selectors.changes_since_acceptance(user, community, cycle, submission),
            "submit_form": (submit_form or SubmitForm()) if may_submit else None,
            "return_form": (return_form or ReturnForm()) if may_review else None,
            "accept_form": (accept_form or AcceptForm()) if may_review else None,
        },
    )


def cycle_detail(request: HttpRequest, community: int, cycle: int) -> HttpResponse:
    community_obj, cycle_obj = selectors.community_cycle_get(request.user, community, cycle)
    return _detail(request, community_obj, cycle_obj)


def _post(request: HttpRequest, community: int, cycle: int, *, allowed) -> tuple:
    """The scoped community and cycle of a POST action (404, then 403, then 405)."""
    community_obj, cycle_obj = selectors.community_cycle_get(request.user, community, cycle)
    if not allowed(request.user, community_obj):
        raise PermissionDenied
    if request.method != "POST":
        return community_obj, cycle_obj, HttpResponseNotAllowed(["POST"])
    return community_obj, cycle_obj, None


def _act(request, community_obj, cycle_obj, form, action, success: str, form_name: str):
    """Run the service; a refusal about a field re-renders the page, any other redirects."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_validation_error(form, error)
            else:
                for text in error.messages:
                    messages.error(request, text)
                return redirect("submissions:cycle_detail", community_obj.pk, cycle_obj.number)
        else:
            messages.success(request, success)
            return redirect("submissions:cycle_detail", community_obj.pk, cycle_obj.number)
    return _detail(request, community_obj, cycle_obj, **{form_name: form})


def submission_submit(request: HttpRequest, community: int, cycle: int) -> HttpResponse:
    community_obj, cycle_obj, refused = _post(request, community, cycle, allowed=rules.can_submit)
    if refused:
        return refused
    return _act(
        request,
        community_obj,
        cycle_obj,
        SubmitForm(request.POST),
        lambda data: services.submission_submit(
            community=community_obj,
            cycle_number=cycle_obj.number,
            by=request.user,
            comments=data["note"],
        ),
        _("The forms were submitted to the project manager."),
        "submit_form",
    )


def submission_return(request: HttpRequest, community: int, cycle: int) -> HttpResponse:
    community_obj, cycle_obj, refused = _post(
        request, community, cycle, allowed=lambda user, _community: rules.can_review(user)
    )
    if refused:
        return refused
    return _act(
        request,
        community_obj,
        cycle_obj,
        ReturnForm(request.POST),
        lambda data: services.submission_return(
            community=community_obj,
            cycle_number=cycle_obj.number,
            by=request.user,
            comments=data["comments"],
        ),
        _("The forms were returned to the peers with your comments."),
        "return_form",
    )


def submission_accept(request: HttpRequest, community: int, cycle: int) -> HttpResponse:
    community_obj, cycle_obj, refused = _post(
        request, community, cycle, allowed=lambda user, _community: rules.can_review(user)
    )
    if refused:
        return refused
    form = AcceptForm(request.POST)
    submission = selectors.submission_get(request.user, community_obj, cycle_obj.number)
    waiting = submission is not None and submission.status == Submission.Status.SUBMITTED
    if waiting and request.POST.get("confirm") != "1" and form.is_valid():
        # Acceptance cannot be undone: first a page that says what it locks.
        plans = selectors.cycle_plans(request.user, community_obj, cycle_obj)
        return render(
            request,
            "submissions/accept_confirm.html",
            {
                "community": community_obj,
                "cycle": cycle_obj,
                "form": form,
                "counts": selectors.cycle_session_counts(plans),
                "emergency_count": selectors.cycle_emergencies(
                    request.user, community_obj, cycle_obj
                ).count(),
            },
        )
    return _act(
        request,
        community_obj,
        cycle_obj,
        form,
        lambda data: services.submission_accept(
            community=community_obj,
            cycle_number=cycle_obj.number,
            by=request.user,
            comments=data["note"],
        ),
        _("The forms were accepted. They are now locked."),
        "accept_form",
    )
