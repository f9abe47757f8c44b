"""Session pages. Views stay thin: scope through selectors, validate, call one service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import id_or_404
from tongban.core.permissions import (
    can_ask_supervision,
    can_back_enter,
    can_manage_topics,
    can_record_sessions,
    require,
)
from tongban.screening.needs_selectors import consumer_needs
from tongban.submissions.locking import is_locked
from tongban.supervision import request_selectors as supervision

from . import selectors, services
from .forms import PlanForm, RecordForm, SessionFilterForm, TopicForm, VoidForm
from .models import PEERS_PER_SESSION, USUAL_MINUTES, ActivityPlan, ActivityRecord, Format, Topic


def session_list(request: HttpRequest) -> HttpResponse:
    communities = selectors.user_communities(request.user)
    filters = SessionFilterForm(request.GET or None, communities=communities)
    data = filters.cleaned_data if filters.is_valid() else {}
    plans = selectors.sessions(
        request.user,
        community=data.get("community"),
        status=data.get("status", ""),
        q=data.get("q", ""),
    )
    page = Paginator(plans, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/session_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_record": can_record_sessions(request.user),
            "peers_per_session": PEERS_PER_SESSION,
            # Scoped like the list: its community, status and search filters.
            "summary": selectors.session_summary(
                request.user,
                community=data.get("community"),
                status=data.get("status", ""),
                q=data.get("q", ""),
            ),
        },
    )


def _chosen_community(request: HttpRequest, *, open_only: bool = False):
    """The community a new session is for: the only one, or the one chosen (else None).

    `open_only`: a closed community takes no new plan (back-entry of its paper forms
    still does; the services refuse days after it closed)."""
    if open_only:
        communities = selectors.open_communities(request.user)
    else:
        communities = selectors.user_communities(request.user)
    chosen = request.GET.get("community") or request.POST.get("community")
    if chosen:
        return get_object_or_404(communities, pk=id_or_404(chosen)), communities
    if len(communities) == 1:
        return communities[0], communities
    return None, communities


def _choose_community(request: HttpRequest, communities) -> HttpResponse:
    closed = not communities and selectors.user_communities(request.user).exists()
    return render(
        request,
        "activities/choose_community.html",
        {"communities": communities, "next_url": request.path, "all_closed": closed},
    )


@require(can_record_sessions)
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    community, communities = _chosen_community(request, open_only=True)
    if community is None:
        return _choose_community(request, communities)
    form = PlanForm(
        request.POST or None,
        community=community,
        user=request.user,
        initial={"planned_on": request.GET.get("date") or selectors.default_session_day(community)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                by=request.user,
                community=community,
                fields=form.plan_fields(),
                assisting_peers=form.cleaned_data["assisting_peers"],
                duration_confirmed=form.cleaned_data.get("duration_confirmed", False),
                change_reason=form.cleaned_data.get("change_reason", ""),
            )
        except services.SessionAlreadyEntered as error:
            return _already_entered(request, error)
        except ValidationError as error:
            _refused(form, error)
        else:
            _saved(request, plan, _("Activity Plan Form saved."))
            return redirect("activities:session_detail", pk=plan.pk)
    return render(
        request,
        "activities/plan_form.html",
        {
            "form": form,
            "community": community,
            "starters": selectors.starter_topics(request.user),
            "needs": consumer_needs(community),
            "usual_minutes": USUAL_MINUTES,
        },
    )


def _refused(form, error: ValidationError) -> None:
    apply_validation_error(form, error)
    form._after_errors()


def _already_entered(request: HttpRequest, error) -> HttpResponse:
    messages.info(request, _("This session was already entered: here it is."))
    return redirect("activities:session_detail", pk=error.plan.pk)


def _saved(request: HttpRequest, plan: ActivityPlan, text: str) -> None:
    messages.success(request, text)
    if plan.assisting_peers.count() + 1 < PEERS_PER_SESSION:
        messages.warning(
            request,
            _("Only one peer is planned. Sessions need two peers: one leads, one assists."),
        )


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.session_get(request.user, pk)
    record = selectors.session_record(plan)
    return render(
        request,
        "activities/session_detail.html",
        {
            "plan": plan,
            "record": record,
            "assisting": plan.assisting_peers.all(),
            "attendances": selectors.session_attendances(plan),
            "peers_present": record.peers_present.all() if record else [],
            "staff_present": record.staff_present.all() if record else [],
            "history": selectors.session_history(plan, user=request.user),
            "attendance_changes": selectors.attendance_changes(plan, user=request.user),
            "void_reason_visible": selectors.void_reason_visible(request.user, plan),
            "can_record": can_record_sessions(request.user) and not plan.is_voided,
            "locked": is_locked(community=plan.community, day=plan.session_date),
            "usual_minutes": USUAL_MINUTES,
            # Guidance before and after the session (the first phase's support), and the
            # peers' way to ask a doctor about it.
            "guidance_notes": supervision.session_guidance(request.user, plan),
            "guidance_open": supervision.guidance_open(request.user, plan),
            "can_ask_supervision": can_ask_supervision(request.user) and not plan.is_voided,
        },
    )


@require(can_record_sessions)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.session_get(request.user, pk)
    if plan.is_voided:
        raise Http404
    locked = is_locked(community=plan.community, day=plan.session_date)

    def plan_form(data=None):
        return PlanForm(
            data,
            instance=ActivityPlan.objects.get(pk=plan.pk),
            community=plan.community,
            locked=locked,
        )

    form = plan_form(request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                by=request.user,
                fields=form.plan_fields(),
                assisting_peers=form.cleaned_data["assisting_peers"],
                duration_confirmed=form.cleaned_data.get("duration_confirmed", False),
                change_reason=form.cleaned_data.get("change_reason", ""),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as error:
            # Their version, to redo the changes on: a fresh form of what is saved now.
            conflict, form = error.messages[0], plan_form()
        except ValidationError as error:
            _refused(form, error)
        else:
            _saved(request, plan, _("Changes saved."))
            return redirect("activities:session_detail", pk=plan.pk)
    return render(
        request,
        "activities/plan_form.html",
        {
            "form": form,
            "community": plan.community,
            "plan": plan,
            "locked": locked,
            "conflict": conflict,
            "needs": consumer_needs(plan.community),
            "usual_minutes": USUAL_MINUTES,
        },
    )


@require(can_record_sessions)
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The Activity Process Form and the Participant List, after the session."""
    plan = selectors.session_get(request.user, pk)
    if plan.is_voided:
        raise Http404
    locked = is_locked(community=plan.community, day=plan.session_date)
    form = _record_form(plan, request.POST or None, locked=locked)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.record_save(
                plan=plan,
                by=request.user,
                fields=form.record_fields(),
                peers_present=form.cleaned_data["peers_present"],
                staff_present=form.cleaned_data["staff_present"],
                consumers=form.cleaned_data["consumers"],
                keep_walk_ins=form.cleaned_data.get("keep_walk_ins", []),
                walk_in=form.walk_in(),
                duration_confirmed=form.cleaned_data["duration_confirmed"],
                change_reason=form.cleaned_data.get("change_reason", ""),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as error:
            # Their version, to redo the changes on: a fresh form of what is saved now.
            plan = selectors.session_get(request.user, pk)
            conflict, form = error.messages[0], _record_form(plan, None, locked=locked)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Activity Process Form and Participant List saved."))
            if len(form.cleaned_data["peers_present"]) < PEERS_PER_SESSION:
                messages.warning(request, _("Fewer than two peers were present."))
            return redirect("activities:session_detail", pk=plan.pk)
    return render(
        request,
        "activities/record_form.html",
        {
            "form": form,
            "plan": plan,
            "record": selectors.session_record(plan),
            "locked": locked,
            "conflict": conflict,
        },
    )


def _record_form(plan: ActivityPlan, data, *, locked: bool) -> RecordForm:
    """The process form of the session as saved now; a first one starts from the plan."""
    record = selectors.session_record(plan)
    attendances = list(selectors.session_attendances(plan))
    walk_ins = [a for a in attendances if a.is_walk_in]
    if record is None:
        instance = ActivityRecord(plan=plan)
        initial = {
            "held_on": plan.planned_on,
            "started_at": plan.planned_start,
            "ended_at": plan.planned_end,
            "format": plan.format,
            "theme": plan.theme,
            "warm_up": plan.warm_up_plan,
            "main_activity": plan.main_plan,
            "close": plan.close_plan,
            "peers_present": [
                plan.lead_peer_id,
                *plan.assisting_peers.values_list("pk", flat=True),
            ],
        }
    else:
        instance = ActivityRecord.objects.get(pk=record.pk)
        initial = {
            "peers_present": list(instance.peers_present.values_list("pk", flat=True)),
            "staff_present": list(instance.staff_present.values_list("pk", flat=True)),
            "consumers": [a.person_id for a in attendances if a.person_id],
            "keep_walk_ins": [a.pk for a in walk_ins],
        }
    return RecordForm(
        data, instance=instance, initial=initial, plan=plan, walk_ins=walk_ins, locked=locked
    )


@require(can_record_sessions)
@require_http_methods(["GET", "POST"])
def session_void(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.session_get(request.user, pk)
    if plan.is_voided:
        raise Http404
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_void(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Session voided. It stays in the history."))
            return redirect("activities:session_detail", pk=plan.pk)
    return render(request, "activities/void_form.html", {"form": form, "plan": plan})


@require(can_back_enter)
@require_http_methods(["GET", "POST"])
def back_entry(request: HttpRequest) -> HttpResponse:
    """One page per paper session: plan and process form, then straight to the next."""
    community, communities = _chosen_community(request)
    if community is None:
        return _choose_community(request, communities)
    data = request.POST or None
    plan_form = PlanForm(data, community=community, prefix="plan", back_entry=True)
    blank_plan = ActivityPlan(community=community)
    record_form = RecordForm(
        data,
        instance=ActivityRecord(plan=blank_plan),
        plan=blank_plan,
        prefix="record",
        plan_form=plan_form,
    )
    # Both forms are checked in one round (the record form checks against the plan's day).
    valid = request.method == "POST" and all([plan_form.is_valid(), record_form.is_valid()])
    if valid and not plan_form.errors:
        try:
            plan = services.session_back_enter(
                by=request.user,
                community=community,
                plan_fields=plan_form.plan_fields(),
                assisting_peers=plan_form.cleaned_data["assisting_peers"],
                record_fields=record_form.record_fields(),
                peers_present=record_form.cleaned_data["peers_present"],
                staff_present=record_form.cleaned_data["staff_present"],
                consumers=record_form.cleaned_data["consumers"],
                walk_in=record_form.walk_in(),
                duration_confirmed=plan_form.cleaned_data.get("duration_confirmed", False),
                change_reason=plan_form.cleaned_data.get("change_reason", ""),
            )
        except services.SessionAlreadyEntered as error:
            return _already_entered(request, error)
        except ValidationError as error:
            _split_errors(error, plan_form, record_form)
        else:
            messages.success(
                request,
                _("Session of %(date)s entered. Enter the next one.")
                % {"date": plan.planned_on.isoformat()},
            )
            return redirect(f"{request.path}?community={community.pk}")
    return render(
        request,
        "activities/back_entry.html",
        {"plan_form": plan_form, "record_form": record_form, "community": community},
    )


def _split_errors(error: ValidationError, plan_form, record_form) -> None:
    """A service error names a field of one of the two forms."""
    if not hasattr(error, "error_dict"):
        plan_form.add_error(None, error)
        return
    if "change_reason" in error.error_dict:
        plan_form.show_change_reason()
    if "duration_confirmed" in error.error_dict:
        plan_form.show_duration_confirmation()
    for field, errors in error.error_dict.items():
        field = services.PLAN_TIMES.get(field, field)
        if field in ("change_reason", "duration_confirmed"):
            plan_form.add_error(field, errors)
        elif field in record_form.fields:
            record_form.add_error(field, errors)
        elif field in plan_form.fields:
            plan_form.add_error(field, errors)
        else:
            plan_form.add_error(None, errors)


def topic_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "activities/topic_list.html",
        {
            "library": selectors.topic_library(
                request.user, include_inactive=can_manage_topics(request.user)
            ),
            "starters": selectors.starter_topics(request.user),
            "formats": Format.choices,
            "usual_minutes": USUAL_MINUTES,
            "can_manage": can_manage_topics(request.user),
        },
    )


@require(can_manage_topics)
@require_http_methods(["GET", "POST"])
def topic_create(request: HttpRequest) -> HttpResponse:
    program = scope.program(request.user)
    if program is None:  # a manager before their first program has no library to add to
        raise Http404
    form = TopicForm(request.POST or None, initial={"category": request.GET.get("category")})
    if request.method == "POST" and form.is_valid():
        services.topic_create(fields=form.cleaned_data, program=program)
        messages.success(request, _("Topic added to the library."))
        return redirect("activities:topic_list")
    return render(request, "activities/topic_form.html", {"form": form})


@require(can_manage_topics)
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager edits their program's topics. Another program's topic answers 404; a
    topic of the shared library, which every program reads, 403: it is read-only."""
    topic = get_object_or_404(selectors.topics(request.user), pk=pk)
    if topic.program_id is None:
        raise PermissionDenied
    form = TopicForm(request.POST or None, instance=Topic.objects.get(pk=topic.pk))
    if request.method == "POST" and form.is_valid():
        services.topic_update(topic=topic, fields=form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect("activities:topic_list")
    return render(request, "activities/topic_form.html", {"form": form, "topic": topic})
