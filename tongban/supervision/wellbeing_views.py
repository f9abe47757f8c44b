"""Wellbeing pages: a peer's check-in and break requests; the supervisors' list of peers,
a peer's trend and alerts, and decisions on breaks. Thin: scope through selectors and
core.scope (a record outside the user's communities is a 404), validate, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.concurrency import EditConflict, current_version
from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import id_or_404
from tongban.core.permissions import can_check_in, can_decide_breaks, can_read_wellbeing, require
from tongban.core.voiding import void_page
from tongban.emergencies.selectors import text_list

from . import wellbeing_selectors as selectors
from . import wellbeing_services as services
from .models import BreakRequest, WellbeingCheckIn
from .wellbeing_forms import BreakDecisionForm, BreakRequestForm, CheckInForm, VersionForm


def _people_list(users) -> str:
    """Names with their roles in the reader's language, e.g. "王医生（社区医生）"."""
    return text_list(
        _("%(name)s (%(role)s)") % {"name": user.display_name, "role": user.get_role_display()}
        for user in users
    )


def _peer_community(request: HttpRequest, url_name: str):
    """The community a peer acts in: the one of their peer enrolment in service, or the
    one chosen (?community=) when they serve in several. A page to choose, or None."""
    communities = selectors.checkin_communities(request.user)
    if "community" in request.GET:
        return get_object_or_404(communities, pk=id_or_404(request.GET["community"])), None
    found = list(communities)
    if len(found) == 1:
        return found[0], None
    page = render(
        request,
        "supervision/wellbeing_choose_community.html",
        {"communities": found, "url_name": url_name},
    )
    return None, page


# A peer's check-in ------------------------------------------------------------------------


@require(can_check_in)
@require_http_methods(["GET", "POST"])
def wellbeing_checkin(request: HttpRequest) -> HttpResponse:
    user = request.user
    community, page = _peer_community(request, "supervision:wellbeing_checkin")
    if page is not None:
        return page
    peer = user.person
    form = CheckInForm(request.POST or None, peer=peer, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkin = services.wellbeing_checkin_create(
                peer=peer,
                community=community,
                workload=data["workload"],
                stress=data["stress"],
                confidence=data["confidence"],
                wants_break=data["wants_break"],
                text=data["text"],
                by=user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _confirm_checkin(request, checkin)
            if checkin.wants_break and selectors.open_break(peer, community) is None:
                return redirect(f"{reverse('supervision:break_create')}?community={community.pk}")
            return redirect("supervision:wellbeing_peer", pk=peer.pk)
    today = timezone.localdate()
    return render(
        request,
        "supervision/wellbeing_checkin.html",
        {
            "form": form,
            "community": community,
            "status": selectors.checkin_status(peer, community, today),
        },
    )


def _confirm_checkin(request: HttpRequest, checkin: WellbeingCheckIn) -> None:
    """Say only what is true: who was told, from the notifications actually written."""
    if checkin.again:
        messages.info(
            request,
            _("You had already checked in for this period (on %(date)s): both answers are kept.")
            % {"date": checkin.again.isoformat()},
        )
    if checkin.worrying and checkin.notified:
        messages.success(
            request,
            _(
                "Thank you. Your answers suggest a hard time: your supervisors were told and "
                "will be in touch. Notified: %(people)s."
            )
            % {"people": _people_list(checkin.notified)},
        )
    elif checkin.worrying:
        messages.warning(
            request,
            _(
                "Thank you. Your answers suggest a hard time, but no supervisor of your "
                "community has an account to be told: please phone your community doctor."
            ),
        )
    elif selectors.supervisors_of(checkin.community):
        messages.success(
            request, _("Thank you. Your check-in is saved; your supervisors will see it.")
        )
    else:
        messages.success(
            request,
            _(
                "Thank you. Your check-in is saved. No supervisor of your community has an "
                "account yet to see it."
            ),
        )
    if checkin.wants_break:
        messages.info(request, _("You would like a break: say from when below."))


# Supervisors' list and a peer's trend ----------------------------------------------------------


def wellbeing_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_peer:
        if not user.person_id:
            raise PermissionDenied
        return redirect("supervision:wellbeing_peer", pk=user.person_id)
    if not can_read_wellbeing(user):
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "supervision/wellbeing_list.html",
        {
            "rows": selectors.peer_rows(user, today),
            "breaks": list(selectors.break_list(user).filter(status=BreakRequest.Status.ASKED)),
            "today": today,
        },
    )


def wellbeing_peer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = selectors.peer_get(user, pk)
    if person is None:
        raise Http404
    own = user.is_peer
    checkins = selectors.peer_checkins(user, person)
    return render(
        request,
        "supervision/wellbeing_peer.html",
        {
            "person": person,
            "own": own,
            "checkins": checkins,
            "latest_first": list(reversed(checkins)),
            "alerts": [] if own else selectors.peer_alerts(user, person),
            "breaks": selectors.peer_breaks(user, person),
            "can_check_in": own and can_check_in(user),
            "Level": WellbeingCheckIn.Level,
        },
    )


def _checkin_get(user, pk: int) -> WellbeingCheckIn:
    return get_object_or_404(
        scope.wellbeing_checkins(user).select_related("peer", "community", "created_by"),
        pk=pk,
    )


def wellbeing_checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    checkin = _checkin_get(user, pk)
    return render(
        request,
        "supervision/wellbeing_checkin_detail.html",
        {
            "checkin": checkin,
            "own": user.is_peer,
            "alerts": [] if user.is_peer else list(selectors.alerts(user).filter(checkin=checkin)),
            "history": selectors.history(user, checkin),
        },
    )


@require_http_methods(["GET", "POST"])
def wellbeing_checkin_void(request: HttpRequest, pk: int) -> HttpResponse:
    """The peer who answered (a mistaken tap) or a supervisor voids a check-in."""
    user = request.user
    checkin = _checkin_get(user, pk)
    detail = reverse("supervision:wellbeing_checkin_detail", args=[checkin.pk])
    return void_page(
        request,
        record=checkin,
        void=lambda reason: services.wellbeing_checkin_void(
            checkin=checkin, by=user, reason=reason
        ),
        detail_url=detail,
        template="supervision/wellbeing_checkin_void.html",
        context={"checkin": checkin},
        already=_("This check-in is already voided."),
        done=_("Check-in voided. It stays in the history."),
        done_url=reverse("supervision:wellbeing_peer", args=[checkin.peer_id]),
    )


@require_http_methods(["GET", "POST"])
def wellbeing_alert_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """POST marks the alert seen; a GET (a reload, an old tab) shows the peer's page."""
    user = request.user
    alert = get_object_or_404(selectors.alerts(user), pk=pk)
    if request.method != "POST":
        return redirect(f"{reverse('supervision:wellbeing_peer', args=[alert.peer_id])}#alerts")
    try:
        services.wellbeing_alert_mark_seen(alert=alert, by=user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as seen."))
    return redirect(f"{reverse('supervision:wellbeing_peer', args=[alert.peer_id])}#alerts")


# Break requests ----------------------------------------------------------------------------


def break_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (can_check_in(user) or can_read_wellbeing(user)):
        raise PermissionDenied
    return render(
        request,
        "supervision/break_list.html",
        {"requests": list(selectors.break_list(user)), "own": user.is_peer},
    )


@require(can_check_in)
@require_http_methods(["GET", "POST"])
def break_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    community, page = _peer_community(request, "supervision:break_create")
    if page is not None:
        return page
    peer = user.person
    form = BreakRequestForm(request.POST or None, peer=peer, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.break_request_create(
                peer=peer, community=community, by=user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if created.notified:
                messages.success(
                    request,
                    _("Your request is sent. Notified: %(people)s.")
                    % {"people": _people_list(created.notified)},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Your request is saved, but no supervisor of your community has an "
                        "account to be told: please phone your community doctor."
                    ),
                )
            return redirect("supervision:break_detail", pk=created.pk)
    return render(
        request,
        "supervision/break_form.html",
        {
            "form": form,
            "community": community,
            "waiting": selectors.open_break(peer, community),
        },
    )


def _break_get(user, pk: int) -> BreakRequest:
    return get_object_or_404(
        scope.break_requests(user).select_related("peer", "community", "decided_by", "asked_by"),
        pk=pk,
    )


def _break_page(request: HttpRequest, item: BreakRequest, **forms) -> HttpResponse:
    user = request.user
    waiting = item.status == BreakRequest.Status.ASKED and not item.is_voided
    version = current_version(item)
    return render(
        request,
        "supervision/break_detail.html",
        {
            "item": item,
            "own": user.is_peer,
            "can_decide": waiting and not user.is_peer and can_decide_breaks(user),
            "can_withdraw": waiting and user.is_peer and user.person_id == item.peer_id,
            "decision_form": forms.get("decision_form")
            or BreakDecisionForm(initial={"version": version}),
            "withdraw_form": VersionForm(initial={"version": version}),
            "history": selectors.history(user, item),
            "Status": BreakRequest.Status,
        },
    )


def break_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _break_page(request, _break_get(request.user, pk))


@require_http_methods(["GET", "POST"])
def break_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _break_get(user, pk)
    if request.method != "POST":
        return redirect("supervision:break_detail", pk=item.pk)
    if not can_decide_breaks(user) or user.is_peer:
        raise PermissionDenied
    form = BreakDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.break_request_decide(
                request=item,
                agree=data["agree"],
                note=data["note"],
                by=user,
                version=data.get("version"),
            )
        except EditConflict as conflict:
            messages.error(request, " ".join(conflict.messages))
            return redirect("supervision:break_detail", pk=item.pk)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect("supervision:break_detail", pk=item.pk)
            apply_validation_error(form, error)
        else:
            _confirm_decision(request, decided)
            return redirect("supervision:break_detail", pk=item.pk)
    return _break_page(request, item, decision_form=form)


def _confirm_decision(request: HttpRequest, decided: BreakRequest) -> None:
    if decided.status == BreakRequest.Status.AGREED:
        if decided.starts_on <= timezone.localdate():
            text = _("Break agreed: the leave is recorded in the peer's enrolment.")
        else:
            text = _(
                "Break agreed: the leave will be recorded in the peer's enrolment on %(date)s."
            ) % {"date": decided.starts_on.isoformat()}
    else:
        text = _("Break declined.")
    if decided.notified:
        text = f"{text} {_('The peer was notified.')}"
    else:
        text = f"{text} {_('The peer has no account to be notified: tell them yourself.')}"
    messages.success(request, text)


@require_http_methods(["GET", "POST"])
def break_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _break_get(user, pk)
    if request.method != "POST":
        return redirect("supervision:break_detail", pk=item.pk)
    if user.person_id != item.peer_id:
        raise PermissionDenied
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: reload the page and try again."))
        return redirect("supervision:break_detail", pk=item.pk)
    try:
        services.break_request_withdraw(
            request=item, by=user, version=form.cleaned_data.get("version")
        )
    except ValidationError as error:  # EditConflict included: say what happened
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("supervision:break_detail", pk=item.pk)
