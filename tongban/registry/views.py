"""Registry pages. Views stay thin: scope through selectors, validate, call one service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.activities import selectors as activity_selectors
from tongban.core import scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms import VoidForm
from tongban.core.forms_util import apply_validation_error
from tongban.core.ids import parse_id
from tongban.core.permissions import (
    can_add_candidates,
    can_edit_registry,
    can_read_wellbeing,
    can_record_needs,
    require,
)
from tongban.emergencies import selectors as emergency_selectors
from tongban.screening import needs_selectors
from tongban.training import selectors as training_selectors

from . import selectors, services
from .forms import (
    CaregiverLinkForm,
    EnrolmentForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonEditForm,
    StatusChangeForm,
)
from .models import Enrolment, EnrolmentStatusChange, Person


def person_list(request: HttpRequest) -> HttpResponse:
    filters = PeopleFilterForm(request.GET or None, user=request.user)
    data = filters.cleaned_data if filters.is_valid() else {}
    people = selectors.people_list(
        request.user,
        q=data.get("q", ""),
        role=data.get("role", ""),
        community=data.get("community"),
    )
    page = Paginator(people, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/person_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_add_candidates": can_add_candidates(request.user),
        },
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "private_hidden": scope.private_fields_hidden(request.user, person),
            "enrolments": selectors.person_enrolments(request.user, person),
            "links": selectors.person_caregiver_links(request.user, person),
            "history": selectors.person_history(request.user, person),
            "can_edit": can_edit_registry(request.user),
            # Pre-service interviews: staff only (the template shows them to staff).
            "needs_interviews": needs_selectors.person_interviews(request.user, person),
            "can_record_needs": can_record_needs(request.user),
            # The peer's training record: staff of their communities, or the peer themself.
            "training": training_selectors.person_record(
                request.user, person, timezone.localdate()
            ),
            "can_read_wellbeing": can_read_wellbeing(request.user),
        },
    )


def _candidate_create_url(role: str = "", person: Person | None = None) -> str:
    """The screening page where a peer or consumer comes in as a candidate."""
    query: dict[str, object] = {}
    if person is not None:
        query["person"] = person.pk
    if role:
        query["role"] = role
    url = reverse("screening:candidate_create")
    return f"{url}?{urlencode(query)}" if query else url


@require(can_edit_registry)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """A new caregiver. Peers and consumers come in as candidates: their old links here
    (?role=peer|consumer, as the setup checklist has) lead to the candidate page."""
    role = request.GET.get("role")
    if (
        request.method == "GET"
        and role in Enrolment.Role.values
        and can_add_candidates(request.user)
    ):
        return redirect(_candidate_create_url(role))
    # "Add a caregiver" on a person's page pre-fills the person cared for.
    initial = {"role": "caregiver"}
    cared_for = parse_id(request.GET.get("cared_for"))
    if cared_for is not None:  # anything but an id is ignored
        initial["cared_for"] = cared_for
    form = PersonCreateForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                fields=form.person_fields(),
                role="caregiver",
                cared_for=form.cleaned_data["cared_for"],
                relationship=form.cleaned_data["relationship"],
                by=request.user,
                **form.contact_fields(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.name})
            return redirect("registry:person_detail", pk=person.pk)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "creating": True,
            "can_add_candidates": can_add_candidates(request.user),
        },
    )


@require(can_edit_registry)
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    # The form writes cleaned values onto its instance while validating; a separate copy
    # keeps `person` as stored, so the service sees which fields really changed.
    form = PersonEditForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person,
                fields=form.person_fields(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            # Show what is stored now (with its version), and say what changed meanwhile.
            form = PersonEditForm(instance=Person.objects.get(pk=person.pk))
            return render(
                request,
                "registry/person_form.html",
                {"form": form, "person": person, "conflict": conflict.messages},
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


def _gate_context(request: HttpRequest, person: Person, role: str, on) -> dict:
    """After a refusal: what the gate finds missing and where to go on (the open
    candidacy, or a link that starts one); empty when the gate was not the reason."""
    if role not in Enrolment.Role.values or on is None:
        return {}
    refusal = selectors.gate_refusal(request.user, person, role=role, on=on)
    if refusal is None:
        return {}
    if refusal["candidate"] is None and can_add_candidates(request.user):
        refusal["start_url"] = _candidate_create_url(role, person)
    return {"gate": refusal}


@require(can_edit_registry)
@require_http_methods(["GET", "POST"])
def enrolment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol a person through the gate. A candidacy under way for the role in that
    community is enrolled (so that it shows as enrolled); otherwise a plain enrolment,
    which the gate lets through only with the person's assessment and consents."""
    person = selectors.person_get(request.user, pk)
    form = EnrolmentForm(request.POST or None, user=request.user)
    gate_context: dict = {}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)  # add_error() below takes fields out of cleaned_data
        candidate = selectors.open_candidacy(
            request.user, person, role=data["role"], community=data["community"]
        )
        try:
            if candidate is not None:
                from tongban.screening import services as screening_services

                screening_services.candidate_enrol(
                    candidate=candidate, started_on=data["started_on"], by=request.user
                )
            else:
                services.enrolment_create(person=person, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
            gate_context = _gate_context(request, person, data["role"], data["started_on"])
        else:
            messages.success(request, _("Enrolment added."))
            return redirect("registry:person_detail", pk=person.pk)
    return render(
        request,
        "registry/simple_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Enrol %(name)s") % {"name": person.name},
            "intro": _(
                "A person becomes an active peer or consumer only with an eligible assessment "
                "(or a justified override) and the consents the role requires, signed on or "
                "before the start date."
            ),
            **gate_context,
        },
    )


@require(can_edit_registry)
@require_http_methods(["GET", "POST"])
def caregiver_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    form = CaregiverLinkForm(
        request.POST or None,
        user=request.user,
        contact_signed=selectors.caregiver_contact_signed(person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.caregiver_link_create(
                caregiver=person, by=request.user, **form.link_fields(), **form.contact_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Caregiver link added."))
            return redirect("registry:person_detail", pk=person.pk)
    return render(
        request,
        "registry/simple_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Whom does %(name)s care for?") % {"name": person.name},
        },
    )


@require(can_edit_registry)
@require_http_methods(["GET", "POST"])
def enrolment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A status change; back to active goes through the gate like a new enrolment."""
    enrolment = selectors.enrolment_get(request.user, pk)
    form = StatusChangeForm(request.POST or None)
    gate_context: dict = {}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)  # add_error() below takes fields out of cleaned_data
        try:
            services.enrolment_change_status(enrolment=enrolment, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
            if data["status"] == EnrolmentStatusChange.Status.ACTIVE:
                gate_context = _gate_context(
                    request, enrolment.person, enrolment.role, data["effective_on"]
                )
        else:
            messages.success(request, _("Status changed."))
            return redirect("registry:person_detail", pk=enrolment.person_id)
    return render(
        request,
        "registry/simple_form.html",
        {
            "form": form,
            "person": enrolment.person,
            "enrolment": enrolment,
            "title": _("Change status: %(enrolment)s") % {"enrolment": enrolment},
            **gate_context,
        },
    )


@require(can_edit_registry)
@require_http_methods(["GET", "POST"])
def enrolment_void(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(request.user, pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_void(
                enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Enrolment voided. It stays in the history."))
            if selectors.person_visible(request.user, enrolment.person_id):
                return redirect("registry:person_detail", pk=enrolment.person_id)
            return redirect("registry:person_list")
    return render(
        request,
        "registry/simple_form.html",
        {
            "form": form,
            "person": enrolment.person,
            "enrolment": enrolment,
            "danger": True,
            "title": _("Void enrolment: %(enrolment)s") % {"enrolment": enrolment},
            "intro": _(
                "Void an enrolment only when it was entered by mistake. "
                "To record that someone left, change the status to withdrawn instead."
            ),
        },
    )


def community_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/community_list.html",
        {"communities": selectors.communities_overview(request.user)},
    )


def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.community_get(request.user, pk)
    show_withdrawn = request.GET.get("withdrawn") == "1"
    roster = selectors.roster_by_role(request.user, community, include_withdrawn=show_withdrawn)
    return render(
        request,
        "registry/community_detail.html",
        {
            "community": community,
            **roster,
            "venues": community.venues.all(),
            "show_withdrawn": show_withdrawn,
            "sessions": activity_selectors.session_summary(request.user, community=community),
            "safety": emergency_selectors.community_safety(request.user, community),
            "adverse": emergency_selectors.adverse_events_per_100_sessions(
                request.user, community=community
            ),
        },
    )
