"""Training pages. Thin: scope through selectors, validate, call one service.

The trainers (psychiatrist, psychologists) and the project manager plan rounds, add
sessions and take attendance (permissions.can_manage_training); the project manager keeps
the program's own workshops. Other staff read the rounds of their communities and their
peers' attendance; a peer sees the rounds of their community and only their own
attendance.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.permissions import (
    can_manage_training,
    can_read_training,
    can_set_up_programs,
    require,
)
from tongban.core.voiding import void_page

from . import selectors, services
from .forms import AttendanceForm, RoundForm, SessionForm, WorkshopForm
from .models import TrainingRound


def _staff_reader(user) -> bool:
    return can_read_training(user) and not user.is_peer


def _posted(request: HttpRequest):
    """The POST data on a POST (even empty: every box unticked), else None."""
    return request.POST if request.method == "POST" else None


def _program_or_404(user):
    program = scope.program(user)
    if program is None:
        raise Http404
    return program


# Curriculum ------------------------------------------------------------------------------


@require(can_read_training)
def curriculum(request: HttpRequest) -> HttpResponse:
    program = _program_or_404(request.user)
    return render(
        request,
        "training/curriculum.html",
        {
            "curriculum": selectors.curriculum(program),
            "can_edit": can_set_up_programs(request.user),
        },
    )


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program_or_404(user)
    form = WorkshopForm(_posted(request), program=program)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(
                program=program, fields=form.workshop_fields(), by=user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The workshop %(name)s was added.") % {"name": workshop.display_name}
            )
            return redirect(reverse("training:curriculum") + f"#workshop-{workshop.pk}")
    return render(request, "training/workshop_form.html", {"form": form})


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    workshop = selectors.own_workshop_get(user, pk)

    def new_form(data=None) -> WorkshopForm:
        fresh = type(workshop).objects.get(pk=workshop.pk)
        return WorkshopForm(data, program=workshop.program, workshop=fresh)

    form = new_form(_posted(request))
    context = {"form": form, "workshop": workshop}
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(
                workshop=workshop,
                fields=form.workshop_fields(),
                by=user,
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(reverse("training:curriculum") + f"#workshop-{workshop.pk}")
    return render(request, "training/workshop_form.html", context)


# Rounds ----------------------------------------------------------------------------------


@require(can_read_training)
def round_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = Paginator(selectors.rounds(user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/round_list.html",
        {
            "page": page,
            "can_manage": can_manage_training(user),
            "can_read_readiness": _staff_reader(user),
        },
    )


@require(can_manage_training)
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program_or_404(user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in TrainingRound.Kind.values else ""
    form = RoundForm(_posted(request), user=user, program=program, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            training_round = services.round_create(program=program, by=user, **form.round_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The training round %(name)s was created.")
                % {"name": training_round.display_name},
            )
            return redirect("training:round_detail", pk=training_round.pk)
    return render(request, "training/round_form.html", {"form": form})


@require(can_manage_training)
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    training_round = selectors.round_get(user, pk)

    def new_form(data=None) -> RoundForm:
        return RoundForm(
            data,
            user=user,
            program=training_round.program,
            training_round=TrainingRound.objects.get(pk=training_round.pk),
        )

    form = new_form(_posted(request))
    context = {"form": form, "training_round": training_round}
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                training_round=training_round,
                by=user,
                version=form.cleaned_data.get("version"),
                **form.round_fields(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("training:round_detail", pk=training_round.pk)
    return render(request, "training/round_form.html", context)


@require(can_read_training)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    training_round = selectors.round_get(user, pk)
    communities, other_communities = selectors.round_communities(training_round, user)
    presenters, other_presenters = selectors.round_co_presenters(training_round, user)
    today = timezone.localdate()
    return render(
        request,
        "training/round_detail.html",
        {
            "training_round": training_round,
            "communities": communities,
            "other_communities": other_communities,
            "trainers": list(training_round.trainers.all()),
            "presenters": presenters,
            "other_presenters": other_presenters,
            "sessions": selectors.round_sessions(training_round, user),
            # The round's peers and what each still misses: staff only.
            "progress": (
                selectors.round_progress(training_round, user, today)
                if _staff_reader(user)
                else None
            ),
            "today": today,
            "can_manage": can_manage_training(user),
        },
    )


# Sessions --------------------------------------------------------------------------------


def _notified_message(session, sent: list) -> str:
    said = _("The session of %(date)s was added.") % {"date": session.held_on.isoformat()}
    if not sent:
        return f"{said} " + _("No peer of the round's communities has an account: no one was told.")
    told = ngettext(
        "%(count)d peer was told in the app.",
        "%(count)d peers were told in the app.",
        len(sent),
    ) % {"count": len(sent)}
    return f"{said} {told}"


@require(can_manage_training)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    training_round = selectors.round_get(user, pk)
    form = SessionForm(_posted(request), training_round=training_round)
    if request.method == "POST" and form.is_valid():
        try:
            session, sent = services.session_create(
                training_round=training_round, by=user, **form.session_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _notified_message(session, sent))
            return redirect("training:round_detail", pk=training_round.pk)
    return render(
        request, "training/session_form.html", {"form": form, "training_round": training_round}
    )


@require(can_manage_training)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    session = selectors.session_get(user, pk)
    if session.is_voided:
        messages.info(request, _("This session was voided and cannot change."))
        return redirect("training:session_detail", pk=session.pk)

    def new_form(data=None) -> SessionForm:
        fresh = type(session).objects.select_related("round__program").get(pk=session.pk)
        return SessionForm(data, training_round=fresh.round, session=fresh)

    form = new_form(_posted(request))
    context = {"form": form, "training_round": session.round, "session": session}
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                session=session,
                by=user,
                version=form.cleaned_data.get("version"),
                **form.session_fields(),
            )
        except EditConflict as conflict:
            context.update(form=new_form(), conflict=conflict.messages)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/session_form.html", context)


@require(can_manage_training)
@require_http_methods(["GET", "POST"])
def session_void(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(request.user, pk)
    return void_page(
        request,
        record=session,
        void=lambda reason: services.session_void(session=session, by=request.user, reason=reason),
        detail_url=reverse("training:session_detail", args=[session.pk]),
        done_url=reverse("training:round_detail", args=[session.round_id]),
        template="training/session_void.html",
        context={"session": session},
        already=_("This session has already been voided."),
        done=_(
            "The session was voided; it stays in the history and its attendance no longer "
            "counts towards readiness."
        ),
    )


def _attendance_message(added: list, removed: list) -> str:
    if not added and not removed:
        return _("Attendance saved: nothing changed.")
    parts = []
    if added:
        parts.append(
            ngettext("%(count)d peer added", "%(count)d peers added", len(added))
            % {"count": len(added)}
        )
    if removed:
        parts.append(
            ngettext("%(count)d peer removed", "%(count)d peers removed", len(removed))
            % {"count": len(removed)}
        )
    return _("Attendance saved: %(changes)s.") % {"changes": _(", ").join(parts)}


@require(can_read_training)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The session and who attended; for the trainers and the manager, the checklist."""
    user = request.user
    session = selectors.session_get(user, pk)
    manage = can_manage_training(user)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    form = None
    if manage and not session.is_voided:
        form = AttendanceForm(_posted(request), session=session, user=user)
        if request.method == "POST" and form.is_valid():
            try:
                added, removed = services.attendance_save(
                    session=session,
                    people=form.cleaned_data["people"],
                    allowed_ids=form.allowed_ids,
                    by=user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _attendance_message(added, removed))
                return redirect("training:session_detail", pk=session.pk)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "training_round": session.round,
            "attendance": selectors.session_attendance(session, user),
            "removed": selectors.session_removed(session, user),
            "form": form,
            "can_manage": manage,
            "future": session.held_on > timezone.localdate(),
        },
    )


# Readiness -------------------------------------------------------------------------------


@require(_staff_reader)
def readiness(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = _program_or_404(user)
    today = timezone.localdate()
    return render(
        request,
        "training/readiness.html",
        {
            "rows": selectors.readiness_by_community(user, today),
            "today": today,
            "program": program,
        },
    )
