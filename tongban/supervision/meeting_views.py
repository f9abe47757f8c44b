"""Support settings, the group supervision schedule, meeting records and agreed actions.
Thin: scope through meeting_selectors, validate, call one service.

The project manager sets the phases and settings (other staff read them); schedulers
(psychologists, the psychiatrist, the manager) confirm, move and cancel meetings;
whoever attended records them. Peers and research assistants never open a meeting's
record (404); a peer sees and closes their own actions.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.permissions import (
    can_read_supervision,
    can_record_supervision,
    can_schedule_supervision,
    can_set_up_programs,
    require,
)
from tongban.core.voiding import void_page
from tongban.registry.models import Enrolment, Person

from . import meeting_selectors as selectors
from . import meeting_services as services
from . import phases as phase_rules
from .meeting_forms import (
    ActionDoneForm,
    ActionFormSet,
    IssueFormSet,
    MeetingConfirmForm,
    MeetingMoveForm,
    MeetingRecordForm,
    ProposalCancelForm,
    ReasonForm,
    SocialWorkerEndForm,
    SocialWorkerForm,
    SupportPhaseForm,
    SupportSettingsForm,
    add_errors,
)
from .models import SupervisionMeeting


def _staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role and not user.is_peer)


def _program(user):
    program = scope.program(user)
    if program is None:
        raise Http404
    return program


def _notified_message(done: str, notified: list) -> str:
    count = len(notified)
    return f"{done} " + ngettext(
        "%(count)s person was notified.", "%(count)s people were notified.", count
    ) % {"count": count}


# Settings -------------------------------------------------------------------------------------


@require(_staff)
@require_safe
def support_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program(user)
    return render(
        request,
        "supervision/phase_settings.html",
        {
            "program": program,
            "phases": phase_rules.phases(program),
            "stored": selectors.stored_phases(program),
            "settings": phase_rules.settings_for(program),
            "social_workers": selectors.social_worker_rows(user),
            "can_edit": can_set_up_programs(user),
            "today": timezone.localdate(),
        },
    )


def _back_to_settings(anchor: str) -> str:
    return reverse("supervision:support_settings") + anchor


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def support_settings_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program(user)

    def new_form(data=None):
        return SupportSettingsForm(data, instance=phase_rules.settings_for(program))

    form = new_form(request.POST or None)
    context = {"form": form, "title": _("Supervision settings"), "back": _back_to_settings("")}
    if request.method == "POST" and form.is_valid():
        try:
            services.support_settings_update(
                program=program,
                version=form.cleaned_data.get("version"),
                by=user,
                **form.values(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The supervision settings were saved."))
            return redirect(_back_to_settings("#settings"))
    return render(request, "supervision/phase_form.html", context)


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def phase_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program(user)
    form = SupportPhaseForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_phase_create(program=program, by=user, **form.phase_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The phase change was added."))
            return redirect(_back_to_settings("#phases"))
    return render(
        request,
        "supervision/phase_form.html",
        {"form": form, "title": _("Add a phase change"), "back": _back_to_settings("#phases")},
    )


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    phase = selectors.phase_get(user, pk)

    def new_form(data=None):
        return SupportPhaseForm(data, program=phase.program, phase=selectors.phase_get(user, pk))

    form = new_form(request.POST or None)
    context = {"form": form, "title": _("Change a phase"), "back": _back_to_settings("#phases")}
    if request.method == "POST" and form.is_valid():
        try:
            services.support_phase_update(
                phase=phase,
                version=form.cleaned_data.get("version"),
                by=user,
                **form.phase_fields(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_back_to_settings("#phases"))
    return render(request, "supervision/phase_form.html", context)


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def phase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    phase = selectors.phase_get(user, pk)
    if request.method == "POST":
        try:
            services.support_phase_delete(phase=phase, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The phase change was removed."))
        return redirect(_back_to_settings("#phases"))
    return render(request, "supervision/phase_delete.html", {"phase": phase})


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def social_worker_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program(user)
    form = SocialWorkerForm(
        request.POST or None, program=program, communities=scope.communities(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.social_worker_assign(
                program=program,
                community=data["community"],
                user=data["user"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s helps %(community)s from %(date)s.")
                % {
                    "name": assignment.user.display_name,
                    "community": assignment.community.display_name,
                    "date": assignment.starts_on.isoformat(),
                },
            )
            return redirect(_back_to_settings("#social-workers"))
    return render(
        request,
        "supervision/phase_form.html",
        {
            "form": form,
            "title": _("Add a social worker to a community"),
            "back": _back_to_settings("#social-workers"),
        },
    )


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def social_worker_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assignment = selectors.social_worker_get(user, pk)

    def new_form(data=None):
        return SocialWorkerEndForm(data, assignment=selectors.social_worker_get(user, pk))

    form = new_form(request.POST or None)
    context = {
        "form": form,
        "title": _("Social worker in %(community)s")
        % {"community": assignment.community.display_name},
        "intro": _("%(name)s, from %(date)s.")
        % {"name": assignment.user.display_name, "date": assignment.starts_on.isoformat()},
        "back": _back_to_settings("#social-workers"),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.social_worker_end(
                assignment=assignment,
                ends_on=form.cleaned_data["ends_on"],
                version=form.cleaned_data.get("version"),
                by=user,
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_back_to_settings("#social-workers"))
    return render(request, "supervision/phase_form.html", context)


# The schedule ---------------------------------------------------------------------------------


def _year(request: HttpRequest, today: date) -> int:
    value = request.GET.get("year", "")
    if value.isascii() and value.isdigit() and 1990 <= int(value) <= 2100:
        return int(value)
    return today.year


@require(can_read_supervision)
@require_safe
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program(user)
    today = timezone.localdate()
    year = _year(request, today)
    rows = selectors.schedule(user, since=date(year, 1, 1), until=date(year, 12, 31))
    return render(
        request,
        "supervision/meeting_schedule.html",
        {
            "program": program,
            "rows": rows,
            "year": year,
            "today": today,
            "can_schedule": can_schedule_supervision(user),
            "years": (year - 1, year + 1),
        },
    )


class NoProposal(Exception):
    """The page names no date the schedule still proposes to this user."""


def _proposal(request: HttpRequest):
    """The proposed date named in ?on= (or the form) and its schedule row."""
    value = request.POST.get("proposed_on") or request.GET.get("on") or ""
    try:
        day = date.fromisoformat(value) if value.isascii() and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise NoProposal
    rows = [
        row
        for row in selectors.schedule(request.user, since=day, until=day)
        if row.meeting is None and row.day == day
    ]
    if not rows:
        raise NoProposal
    return day, rows[0]


def _no_proposal(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        _("The schedule proposes no group supervision on that day, or it is arranged already."),
    )
    return redirect("supervision:meeting_schedule")


@require(can_schedule_supervision)
@require_http_methods(["GET", "POST"])
def meeting_confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program(user)
    try:
        day, proposal = _proposal(request)
    except NoProposal:
        return _no_proposal(request)
    communities = scope.communities(user)
    form = MeetingConfirmForm(
        request.POST or None,
        program=program,
        communities=communities,
        proposed_on=day,
        missing=proposal.missing,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.meeting_confirm(
                program=program,
                proposed_on=data["proposed_on"],
                held_on=data["held_on"],
                starts_at=data["starts_at"],
                place=data["place"],
                communities=list(data["communities"]),
                by=user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            meeting = result.meeting
            if meeting.held_on == day:
                done = _("Group supervision on %(date)s is confirmed.") % {
                    "date": meeting.held_on.isoformat()
                }
            else:
                done = _("Group supervision proposed for %(proposed)s is on %(date)s.") % {
                    "proposed": day.isoformat(),
                    "date": meeting.held_on.isoformat(),
                }
            messages.success(request, _notified_message(done, result.notified))
            return redirect("supervision:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "supervision/meeting_form.html",
        {
            "form": form,
            "title": _("Confirm group supervision"),
            "intro": _("Proposed for %(date)s.") % {"date": day.isoformat()},
            "back": reverse("supervision:meeting_schedule") + f"?year={day.year}",
            "button": _("Confirm"),
        },
    )


@require(can_schedule_supervision)
@require_http_methods(["GET", "POST"])
def proposal_cancel(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program(user)
    try:
        day, proposal = _proposal(request)
    except NoProposal:
        return _no_proposal(request)
    form = ProposalCancelForm(
        request.POST or None,
        program=program,
        communities=scope.communities(user),
        proposed_on=day,
        missing=proposal.missing,
    )
    back = reverse("supervision:meeting_schedule") + f"?year={day.year}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_cancel(
                program=program,
                proposed_on=data["proposed_on"],
                communities=list(data["communities"]),
                reason=data["reason"],
                by=user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Group supervision proposed for %(date)s was cancelled.")
                % {"date": day.isoformat()},
            )
            return redirect(back)
    return render(
        request,
        "supervision/meeting_form.html",
        {
            "form": form,
            "title": _("Cancel a proposed group supervision"),
            "intro": _("Proposed for %(date)s.") % {"date": day.isoformat()},
            "back": back,
            "button": _("Cancel the meeting"),
            "danger": True,
        },
    )


# One meeting ----------------------------------------------------------------------------------


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = selectors.meeting_get(user, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    open_meeting = not meeting.is_voided and meeting.status in (
        SupervisionMeeting.Status.CONFIRMED,
        SupervisionMeeting.Status.PROPOSED,
    )
    reason = ""
    if meeting.status == SupervisionMeeting.Status.CANCELLED:
        reason = services.cancel_reasons([meeting.pk]).get(meeting.pk, "")
    return render(
        request,
        "supervision/meeting_detail.html",
        {
            "meeting": meeting,
            **selectors.meeting_parts(meeting),
            "cancel_reason": reason,
            "history": selectors.meeting_history(meeting),
            "can_schedule": can_schedule_supervision(user) and open_meeting,
            "can_record": can_record_supervision(user)
            and not meeting.is_voided
            and meeting.status != SupervisionMeeting.Status.CANCELLED,
            "can_void": can_record_supervision(user) and not meeting.is_voided,
            "today": timezone.localdate(),
        },
    )


def _meeting_for(request: HttpRequest, pk: int, check) -> SupervisionMeeting:
    """The meeting (404 outside scope, for peers and research assistants), then the role."""
    meeting = selectors.meeting_get(request.user, pk)
    if not check(request.user):
        raise PermissionDenied
    return meeting


@require_http_methods(["GET", "POST"])
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for(request, pk, can_schedule_supervision)
    detail = reverse("supervision:meeting_detail", args=[meeting.pk])
    refusal = services.meeting_not_open(meeting)
    if refusal:
        messages.info(request, refusal)
        return redirect(detail)

    def new_form(data=None):
        return MeetingMoveForm(data, meeting=selectors.meeting_get(user, pk))

    form = new_form(request.POST or None)
    context = {
        "form": form,
        "title": _("Move group supervision"),
        "intro": _("Now on %(date)s.") % {"date": meeting.held_on.isoformat()},
        "back": detail,
        "button": _("Save"),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.meeting_move(
                meeting=meeting,
                version=data.get("version"),
                held_on=data["held_on"],
                starts_at=data["starts_at"],
                place=data["place"],
                by=user,
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect(detail)
            apply_validation_error(form, error)
        else:
            done = _("Group supervision is on %(date)s.") % {
                "date": result.meeting.held_on.isoformat()
            }
            messages.success(request, _notified_message(done, result.notified))
            return redirect(detail)
    return render(request, "supervision/meeting_form.html", context)


@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for(request, pk, can_schedule_supervision)
    detail = reverse("supervision:meeting_detail", args=[meeting.pk])
    refusal = services.meeting_not_open(meeting)
    if refusal:
        messages.info(request, refusal)
        return redirect(detail)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"], by=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect(detail)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting was cancelled."))
            return redirect(detail)
    return render(
        request,
        "supervision/meeting_form.html",
        {
            "form": form,
            "title": _("Cancel group supervision"),
            "intro": _("On %(date)s.") % {"date": meeting.held_on.isoformat()},
            "back": detail,
            "button": _("Cancel the meeting"),
            "danger": True,
        },
    )


def _record_forms(request, user, meeting, data=None):
    owners = services.action_owners(meeting)
    owner_ids = [u.pk for u in owners]
    staff_ids = [u.pk for u in owners if not u.is_peer]
    from tongban.accounts.models import User

    community_ids = meeting.communities.values("pk")
    peers = (
        Person.objects.filter(
            enrolments__in=Enrolment.objects.current().filter(
                community_id__in=community_ids, role=Enrolment.Role.PEER
            )
        )
        .distinct()
        .order_by("name")
    )
    form = MeetingRecordForm(
        data,
        meeting=meeting,
        staff=User.objects.filter(pk__in=staff_ids).select_related("person").order_by("role"),
        peers=peers,
    )
    # The rows come back whole on a POST: the list sent replaces the stored one (given as
    # initial values, rows left as they were would count as empty and be dropped).
    issues = IssueFormSet(
        data,
        prefix="issues",
        initial=None
        if data is not None
        else [{"category": i.category, "text": i.text} for i in meeting.issues.order_by("pk")],
    )
    actions = ActionFormSet(
        data,
        prefix="actions",
        form_kwargs={
            "owners": User.objects.filter(pk__in=owner_ids)
            .select_related("person")
            .order_by("role", "first_name")
        },
    )
    return form, issues, actions


@require_http_methods(["GET", "POST"])
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for(request, pk, can_record_supervision)
    detail = reverse("supervision:meeting_detail", args=[meeting.pk])
    if meeting.is_voided or meeting.status == SupervisionMeeting.Status.CANCELLED:
        messages.info(request, _("This meeting can no longer be recorded."))
        return redirect(detail)
    form, issues, actions = _record_forms(request, user, meeting, request.POST or None)
    context = {"form": form, "issues": issues, "actions": actions, "meeting": meeting}
    if request.method == "POST":
        valid = all([form.is_valid(), issues.is_valid(), actions.is_valid()])
        issue_rows = [row for row in (f.row() for f in issues.forms) if row]
        action_rows = [row for row in (f.row() for f in actions.forms) if row]
        data = form.cleaned_data
        errors = services.meeting_record_errors(
            meeting=meeting,
            held_on=data.get("held_on"),
            staff_present=list(data.get("staff_present") or []),
            peers_present=list(data.get("peers_present") or []),
            summary=data.get("summary", ""),
            issues=issue_rows,
            actions=action_rows,
        )
        # Row errors already shown on their rows are not repeated at the top.
        if not issues.is_valid():
            errors.pop("issues", None)
        if not actions.is_valid():
            errors.pop("actions", None)
        if errors:
            add_errors(form, errors)
            valid = False
        if valid:
            try:
                result = services.meeting_record(
                    meeting=meeting,
                    version=data.get("version"),
                    held_on=data["held_on"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    staff_present=list(data["staff_present"]),
                    peers_present=list(data["peers_present"]),
                    summary=data["summary"],
                    issues=issue_rows,
                    actions=action_rows,
                    by=user,
                )
            except EditConflict as conflict:
                form, issues, actions = _record_forms(request, user, meeting)
                context.update(
                    form=form, issues=issues, actions=actions, conflict=conflict.messages
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    messages.info(request, " ".join(error.messages))
                    return redirect(detail)
                apply_validation_error(form, error)
            else:
                done = _("The meeting's record was saved.")
                if action_rows:
                    done = _notified_message(done, result.notified)
                messages.success(request, done)
                return redirect(detail)
    return render(request, "supervision/meeting_record.html", context)


@require_http_methods(["GET", "POST"])
def meeting_void(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk, can_record_supervision)
    return void_page(
        request,
        record=meeting,
        void=lambda reason: services.meeting_void(meeting=meeting, by=request.user, reason=reason),
        detail_url=reverse("supervision:meeting_detail", args=[meeting.pk]),
        template="supervision/meeting_void.html",
        context={"meeting": meeting},
        already=_("This meeting has already been voided."),
        done=_(
            "The meeting's record was voided; it stays in the history, and its open actions "
            "were cancelled."
        ),
    )


# Actions --------------------------------------------------------------------------------------


@require_safe
def action_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if scope.program(user) is None:
        raise Http404
    supervisor = can_read_supervision(user)
    show = request.GET.get("show", "")
    mine = not supervisor or show != "all"
    closed = request.GET.get("closed") == "on"
    rows = selectors.action_list(user, mine=mine, closed=closed)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/action_list.html",
        {
            "page": page,
            "mine": mine,
            "closed": closed,
            "supervisor": supervisor,
            "today": today,
            "soon": today + timedelta(days=7),
            "query": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    action = selectors.action_get(user, pk)
    if not services.can_close_action(user, action):
        raise PermissionDenied
    back = reverse("supervision:action_list")
    if not action.is_open:
        messages.info(request, services.action_closed(action))
        return redirect(back)
    form = ActionDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_done(action=action, note=form.cleaned_data["note"], by=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect(back)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The action is done."))
            return redirect(back)
    return render(
        request,
        "supervision/action_form.html",
        {"form": form, "action": action, "title": _("Mark the action done"), "back": back},
    )


@require_http_methods(["GET", "POST"])
def action_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    action = selectors.action_get(user, pk)
    # Supervisors drop an action that no longer makes sense; a peer does not drop theirs.
    if user.is_peer or not services.can_close_action(user, action):
        raise PermissionDenied
    back = reverse("supervision:action_list")
    if not action.is_open:
        messages.info(request, services.action_closed(action))
        return redirect(back)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_cancel(action=action, reason=form.cleaned_data["reason"], by=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect(back)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The action was cancelled."))
            return redirect(back)
    return render(
        request,
        "supervision/action_form.html",
        {
            "form": form,
            "action": action,
            "title": _("Cancel the action"),
            "back": back,
            "danger": True,
        },
    )
