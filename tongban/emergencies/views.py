"""Emergency event pages. Thin: scope through selectors, validate, call one service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.forms import VoidForm
from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import id_or_404

from . import rules, selectors, services
from .forms import CloseForm, EmergencyFilterForm, EmergencyForm, FollowUpForm
from .models import EmergencyEvent, Status


def emergency_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    communities = scope.communities(user).order_by("started_on", "name")
    filters = EmergencyFilterForm(request.GET or None, communities=communities)
    data = filters.cleaned_data if filters.is_valid() else {}
    events = selectors.emergency_list(
        user, community=data.get("community"), status=data.get("status", "")
    )
    page = Paginator(events, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "emergencies/emergency_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "safety": selectors.safety_by_community(user),
            "rate": selectors.adverse_events_per_100_sessions(user),
            "Status": Status,
        },
    )


@require_http_methods(["GET", "POST"])
def emergency_create(request: HttpRequest) -> HttpResponse:
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
        communities = list(scope.communities(user).order_by("started_on", "name"))
        if len(communities) != 1:
            return render(
                request, "emergencies/choose_community.html", {"communities": communities}
            )
        community = communities[0]

    form = EmergencyForm(request.POST or None, user=user, community=community, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.emergency_file(reported_by=user, **form.service_fields())
        except services.AlreadyFiled as duplicate:
            messages.info(request, _("This event was already filed."))
            return redirect(duplicate.event)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _confirm_filing(request, event.notified)
            return redirect(event)
    return render(
        request,
        "emergencies/emergency_form.html",
        {
            "form": form,
            "community": community,
            "session": session,
            "responders": _people_list(rules.responders(community).users, exclude=user),
        },
    )


def _people_list(users, *, exclude=None) -> str:
    """Names with their roles in the reader's language, e.g. "王医生（社区医生）"."""
    return selectors.text_list(
        _("%(name)s (%(role)s)") % {"name": user.display_name, "role": user.get_role_display()}
        for user in users
        if exclude is None or user.pk != exclude.pk
    )


def _confirm_filing(request: HttpRequest, notified: services.Notified) -> None:
    """Say exactly who was told: never that a doctor was, when none was."""
    people = _people_list(notified.recipients)
    if notified.recipients and notified.has_doctor:
        messages.success(
            request, _("Emergency event filed. Notified: %(people)s.") % {"people": people}
        )
    elif notified.recipients:
        messages.warning(
            request,
            _(
                "Emergency event filed. This community has no community doctor; notified: "
                "%(people)s."
            )
            % {"people": people},
        )
    elif notified.reporter_is_responder:
        messages.success(
            request,
            _(
                "Emergency event filed. You receive this community's emergencies yourself, "
                "so nobody else was notified: acknowledge it when it is in hand."
            ),
        )
    else:
        messages.error(
            request,
            _(
                "Emergency event filed, but nobody could be notified: there is no doctor, "
                "psychiatrist or manager account. Phone the community doctor now."
            ),
        )


def _detail(request: HttpRequest, event: EmergencyEvent, **forms) -> HttpResponse:
    user = request.user
    people, unseen_people = selectors.people_involved(user, event)
    staff = rules.can_follow_up(user)
    status = event.status
    return render(
        request,
        "emergencies/emergency_detail.html",
        {
            "event": event,
            "Status": Status,
            "people": people,
            "unseen_people": unseen_people,
            "staff_view": staff,
            "follow_ups": selectors.follow_ups(user, event),
            "history": selectors.emergency_history(user, event, people_hidden=bool(unseen_people)),
            "can_acknowledge": status in (Status.AWAITING, Status.ESCALATED)
            and rules.can_acknowledge(user, event),
            "can_follow_up": staff and event.is_open,
            "can_close": staff and status == Status.ACKNOWLEDGED,
            "can_void": staff and status != Status.VOIDED,
            "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
            "close_form": forms.get("close_form") or CloseForm(),
        },
    )


def emergency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.emergency_get(request.user, pk))


# The workflow steps below answer a GET (a reload, an old tab) with the event's page.


@require_http_methods(["GET", "POST"])
def emergency_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.emergency_get(request.user, pk)
    if request.method == "POST":
        try:
            services.emergency_acknowledge(event=event, by=request.user)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Acknowledged. The reporter can see it."))
    return redirect(event)


def _step(request: HttpRequest, pk: int, form_class, service, success: str, form_name: str):
    """A workflow step with a form on the event's page: save, or show the errors there."""
    event = selectors.emergency_get(request.user, pk)
    if request.method != "POST":
        return redirect(event)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect(event)
            apply_validation_error(form, error)
        else:
            messages.success(request, success)
            return redirect(event)
    return _detail(request, event, **{form_name: form})


@require_http_methods(["GET", "POST"])
def emergency_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        FollowUpForm,
        services.emergency_follow_up,
        _("Follow-up note added."),
        "follow_up_form",
    )


@require_http_methods(["GET", "POST"])
def emergency_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, CloseForm, services.emergency_close, _("Event closed."), "close_form")


@require_http_methods(["GET", "POST"])
def emergency_void(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.emergency_get(request.user, pk)
    if not rules.can_follow_up(request.user):
        raise PermissionDenied
    if event.is_voided:
        messages.info(request, _("This event is already voided."))
        return redirect(event)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.emergency_void(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect(event)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Event voided. It stays in the history."))
            return redirect(event)
    return render(request, "emergencies/void_form.html", {"form": form, "event": event})
