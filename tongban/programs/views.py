"""Program setup pages (project manager only) and the header's switcher.

Everything goes through tongban.core.scope: the program is the chosen one, communities
and venues are the chosen program's, anything else answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import id_or_404
from tongban.core.permissions import can_set_up_programs, require
from tongban.registry import selectors as registry_selectors
from tongban.registry.models import Community, Program, Venue

from . import selectors, services
from .forms import (
    CommunityCloseForm,
    CommunityEditForm,
    CommunityForm,
    ProgramEditForm,
    ProgramForm,
    VenueEditForm,
    VenueForm,
    VenueInUseForm,
)


def program_switch(request: HttpRequest) -> HttpResponse:
    """The header's switcher. A program that is not the user's answers 404.

    It lands on the home page: the page the user was on belongs to the other program.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    program = get_object_or_404(
        scope.programs(request.user), pk=id_or_404(request.POST.get("program"))
    )
    services.program_choose(user=request.user, program=program)
    return redirect("home")


# The program ----------------------------------------------------------------------------


@require(can_set_up_programs)
def program_detail(request: HttpRequest) -> HttpResponse:
    """The chosen program: settings, communities, first-run checklist, history."""
    program = scope.program(request.user)
    if program is None:
        return redirect("programs:program_create")
    steps = selectors.setup_checklist(program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "communities": selectors.communities_setup(request.user),
            "steps": steps,
            "setup_done": selectors.setup_done(steps),
            "history": selectors.program_history(program),
            "without_records": registry_selectors.legacy_without_records(program),
        },
    )


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    first = scope.program(request.user) is None
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(fields=form.program_fields(), by=request.user)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The program %(name)s was created; you work in it now.")
                % {"name": program.display_name},
            )
            return redirect("programs:program_detail")
    return render(request, "programs/program_form.html", {"form": form, "first": first})


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest) -> HttpResponse:
    program = scope.program(request.user)
    if program is None:
        return redirect("programs:program_create")
    form = ProgramEditForm(request.POST or None, instance=Program.objects.get(pk=program.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(
                program=program,
                fields=form.program_fields(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            form = ProgramEditForm(instance=Program.objects.get(pk=program.pk))
            context = {"form": form, "program": program, "conflict": conflict.messages}
            return render(request, "programs/program_form.html", context)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            scope.forget_program(request.user)
            messages.success(request, _("Changes saved."))
            return redirect("programs:program_detail")
    return render(
        request,
        "programs/program_form.html",
        {
            "form": form,
            "program": program,
            "without_records": registry_selectors.legacy_without_records(program),
        },
    )


# Communities ----------------------------------------------------------------------------


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def community_create(request: HttpRequest) -> HttpResponse:
    program = scope.program(request.user)
    if program is None:
        return redirect("programs:program_create")
    form = CommunityForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(program=program, fields=form.community_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The community %(name)s was added.") % {"name": community.display_name},
            )
            return redirect("programs:community_detail", pk=community.pk)
    return render(request, "programs/community_form.html", {"form": form, "program": program})


@require(can_set_up_programs)
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.community_get(request.user, pk)
    venues = selectors.venues_with_versions(community)
    return render(
        request,
        "programs/community_detail.html",
        {
            "community": community,
            "program": community.program,
            "venues": venues,
            "staff": selectors.community_staff(community),
            "has_records": selectors.has_records(community),
            "history": selectors.community_history(community),
        },
    )


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def community_edit(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.community_get(request.user, pk)
    program = community.program

    def new_form(data=None):
        return CommunityEditForm(
            data, instance=Community.objects.get(pk=community.pk), program=program
        )

    form = new_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(
                community=community,
                fields=form.community_fields(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            context = {"form": new_form(), "community": community, "program": program}
            return render(
                request,
                "programs/community_form.html",
                {**context, "conflict": conflict.messages},
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("programs:community_detail", pk=community.pk)
    return render(
        request,
        "programs/community_form.html",
        {"form": form, "community": community, "program": program},
    )


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def community_close(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.community_get(request.user, pk)
    form = CommunityCloseForm(request.POST or None, community=community)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.community_close(
                community=community,
                ended_on=form.cleaned_data["ended_on"],
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as error:
            conflict = error.messages
            community = selectors.community_get(request.user, pk)
            form = CommunityCloseForm(community=community)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is closed after %(date)s. Its records stay.")
                % {
                    "name": community.display_name,
                    "date": form.cleaned_data["ended_on"].isoformat(),
                },
            )
            return redirect("programs:community_detail", pk=community.pk)
    return render(
        request,
        "programs/community_close.html",
        {"form": form, "community": community, "conflict": conflict},
    )


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def community_delete(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.community_get(request.user, pk)
    error_messages: list[str] = []
    if request.method == "POST":
        name = community.display_name
        try:
            services.community_delete(community=community)
        except ValidationError as error:
            error_messages = error.messages
        else:
            messages.success(request, _("The community %(name)s was deleted.") % {"name": name})
            return redirect("programs:program_detail")
    return render(
        request,
        "programs/community_delete.html",
        {
            "community": community,
            "has_records": selectors.has_records(community),
            "errors": error_messages,
        },
    )


# Venues ---------------------------------------------------------------------------------


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def venue_create(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.community_get(request.user, pk)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.venue_create(community=community, fields=form.venue_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The venue %(name)s was added.") % {"name": venue.display_name}
            )
            return redirect("programs:community_detail", pk=community.pk)
    return render(request, "programs/venue_form.html", {"form": form, "community": community})


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(request.user, pk)
    community = venue.community
    form = VenueEditForm(request.POST or None, instance=Venue.objects.get(pk=venue.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(
                venue=venue, fields=form.venue_fields(), version=form.cleaned_data.get("version")
            )
        except EditConflict as conflict:
            form = VenueEditForm(instance=Venue.objects.get(pk=venue.pk))
            context = {"form": form, "community": community, "venue": venue}
            return render(
                request, "programs/venue_form.html", {**context, "conflict": conflict.messages}
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("programs:community_detail", pk=community.pk)
    return render(
        request,
        "programs/venue_form.html",
        {"form": form, "community": community, "venue": venue},
    )


@require(can_set_up_programs)
@require_POST
def venue_in_use(request: HttpRequest, pk: int) -> HttpResponse:
    """The community page's one-tap "not in use" / "in use again"."""
    venue = selectors.venue_get(request.user, pk)
    form = VenueInUseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: reload the page and try again."))
        return redirect("programs:community_detail", pk=venue.community_id)
    try:
        services.venue_set_in_use(
            venue=venue, in_use=form.cleaned_data["in_use"], version=form.cleaned_data["version"]
        )
    except ValidationError as error:  # EditConflict included: say what happened
        for message in error.messages:
            messages.error(request, message)
    else:
        if form.cleaned_data["in_use"]:
            text = _("%(name)s is in use again.")
        else:
            text = _("%(name)s is no longer in use: it is not offered for new sessions.")
        messages.success(request, text % {"name": venue.display_name})
    return redirect("programs:community_detail", pk=venue.community_id)
