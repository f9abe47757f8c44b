"""Consent pages. Thin: scope through consent_selectors, validate, call one service.

Staff read consent documents and their people's consents in their communities; those who
sit with a person as they sign record it (permissions.can_record_consents); the project
manager makes new versions of the documents. Peers open none of this (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tongban.core import scope
from tongban.core.forms_util import apply_validation_error
from tongban.core.permissions import (
    can_edit_criteria,
    can_read_screening,
    can_record_consents,
    require,
)
from tongban.core.voiding import void_page
from tongban.registry.models import Enrolment

from . import consent_selectors as selectors
from . import services
from .consent_forms import ConsentForm, DocumentForm, WithdrawForm
from .models import REQUIRED_CONSENTS, Consent, ConsentDocument, ConsentKind

# Documents ---------------------------------------------------------------------------------


@require(can_read_screening)
@require_safe
def document_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "screening/document_list.html",
        {
            "rows": selectors.document_rows(request.user),
            "can_edit": can_edit_criteria(request.user),
            "today": timezone.localdate(),
        },
    )


@require(can_read_screening)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    document = selectors.document_get(user, pk)
    versions = list(selectors.documents(user).filter(kind=document.kind).order_by("-version"))
    today = timezone.localdate()
    in_use = selectors.in_use(versions, today)
    if in_use is not None and in_use.pk == document.pk:
        state = "current"
    elif document.effective_from > today:
        state = "upcoming"
    else:
        state = "earlier"
    return render(
        request,
        "screening/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "state": state,
            "signed": selectors.document_signed_count(user, document),
            "history": selectors.document_history(document),
            "can_edit": can_edit_criteria(user),
        },
    )


# The printed page: each language's part is rendered in that language.
PRINT_LANGUAGES = ("zh-hans", "en")


def _printed_part(document: ConsentDocument, language: str) -> dict:
    with translation.override(language):
        english = language == "en"
        program = document.program
        return {
            "language": language,
            "title": (document.title_en if english else document.title) or document.title,
            "body": (document.body_en if english else document.body) or document.body,
            "program": (program.name_en if english else program.name) or program.name,
            "version": _("Version %(version)s, in use from %(date)s")
            % {"version": document.version, "date": document.effective_from.isoformat()},
            "labels": {
                "name": _("Name"),
                "signature": _("Signature"),
                "date": _("Date"),
                "witness": _("Witness"),
                "witness_signature": _("Witness's signature"),
                "relationship": _("If signed by a guardian: name and relationship"),
            },
            "year_month_day": (_("year"), _("month"), _("day")),
        }


@require(can_read_screening)
def document_print(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 page for signing: Chinese, with the English below, or one of them (?lang=)."""
    document = selectors.document_get(request.user, pk)
    wanted = request.GET.get("lang", "")
    if wanted in PRINT_LANGUAGES:
        languages = [wanted]
    else:
        languages = [code for code in PRINT_LANGUAGES if code == "zh-hans" or document.body_en]
    parts = [_printed_part(document, code) for code in languages]
    # The blanks carry every printed language's label: "姓名 / Name".
    labels = {key: " / ".join(part["labels"][key] for part in parts) for key in parts[0]["labels"]}
    return render(
        request,
        "screening/document_print.html",
        {
            "document": document,
            "parts": parts,
            "first": parts[0],
            "labels": labels,
            "programs": list(dict.fromkeys(part["program"] for part in parts)),
            "versions": list(dict.fromkeys(part["version"] for part in parts)),
            "ymd": parts[0]["year_month_day"],
            "self_url": reverse("screening:document_print", args=[document.pk]),
            "print_languages": [
                ("", _("Chinese and English")),
                ("zh-hans", "中文"),
                ("en", "English"),
            ],
            "chosen": wanted if wanted in PRINT_LANGUAGES else "",
        },
    )


@require(can_edit_criteria)
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    program = scope.program(user)
    if kind not in ConsentKind.values or program is None:
        raise Http404
    latest = selectors.latest_document(program, kind)
    form = DocumentForm(request.POST or None, program=program, kind=kind, latest=latest)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.consent_document_create(
                program=program, kind=kind, by=user, **form.document_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)s of %(title)s was made.")
                % {"version": document.version, "title": document.display_title},
            )
            return redirect("screening:document_detail", pk=document.pk)
    return render(
        request,
        "screening/document_form.html",
        {"form": form, "kind_label": ConsentKind(kind).label, "latest": latest},
    )


# Consents ----------------------------------------------------------------------------------


def _back(request: HttpRequest, default: str) -> str:
    """Where to return: a page of this site named in ?next=, else `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _person_url(person_pk: int) -> str:
    return reverse("registry:person_detail", args=[person_pk]) + "#consents"


@require(can_record_consents)
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get(user, person_pk)
    panel = selectors.panel(user, person)
    required = [k.kind for k in panel.kinds if k.required]
    # The document chosen at first: the kind the panel's link names, else the first of
    # the person's kinds not signed; its version in use.
    wanted = request.GET.get("kind", "")
    kinds = [k for k in panel.kinds if k.kind == wanted] or [
        k for k in panel.kinds if k.status != selectors.Status.SIGNED
    ]
    default = kinds[0].must_sign if kinds else None
    if wanted in ConsentKind.values and not any(k.kind == wanted for k in panel.kinds):
        default = selectors.in_use(
            list(person.program.consent_documents.filter(kind=wanted)), timezone.localdate()
        )
    form = ConsentForm(request.POST or None, person=person, required=required, default=default)
    back = _back(request, _person_url(person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_record(person=person, by=user, **form.consent_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s's signature on %(document)s (%(date)s) was recorded.")
                % {
                    "name": person.name,
                    "document": consent.document,
                    "date": consent.signed_on.isoformat(),
                },
            )
            return redirect(back)
    return render(
        request,
        "screening/consent_form.html",
        {"form": form, "person": person, "panel": panel, "back": back},
    )


@require(can_read_screening)
def consent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    consent = selectors.consent_get(user, pk)
    return render(
        request,
        "screening/consent_detail.html",
        {
            "consent": consent,
            "roles": [
                _role_label(role)
                for role, kinds in REQUIRED_CONSENTS.items()
                if consent.document.kind in kinds
            ],
            "history": selectors.consent_history(consent),
            "can_change": can_record_consents(user) and not consent.is_voided,
        },
    )


def _role_label(role: str) -> str:
    if role in Enrolment.Role.values:
        return str(Enrolment.Role(role).label)
    return _("caregiver")


def _withdrawn_message(user, consent: Consent) -> str:
    said = _("%(name)s's consent (%(document)s) was withdrawn on %(date)s.") % {
        "name": consent.person.name,
        "document": consent.document.display_title,
        "date": consent.withdrawn_on.isoformat(),
    }
    ended = consent.ended_enrolments
    if ended:
        # Communities outside the user's are counted, not named.
        mine = set(scope.communities(user).values_list("pk", flat=True))
        places = [
            _("%(role)s in %(community)s")
            % {"role": e.get_role_display(), "community": e.community.display_name}
            for e in ended
            if e.community_id in mine
        ]
        elsewhere = len(ended) - len(places)
        if elsewhere:
            places.append(_("%(count)s in other communities") % {"count": elsewhere})
        return f"{said} " + _("Enrolment ended on that day: %(places)s.") % {
            "places": _(", ").join(places)
        }
    if consent.still_signed:
        return f"{said} " + _(
            "No enrolment was ended: their signature on another version still holds."
        )
    return f"{said} " + _("No enrolment was ended: none in service needs this consent.")


@require(can_record_consents)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    consent = selectors.consent_get(user, pk)
    if consent.is_voided or consent.withdrawn_on is not None:
        messages.info(request, _("This consent can no longer be withdrawn."))
        return redirect("screening:consent_detail", pk=consent.pk)
    form = WithdrawForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_withdraw(
                consent=consent,
                by=user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _withdrawn_message(user, consent))
            return redirect("screening:consent_detail", pk=consent.pk)
    ending, kept = selectors.withdrawal_effect(user, consent)
    return render(
        request,
        "screening/consent_withdraw.html",
        {"form": form, "consent": consent, "ending": ending, "kept": kept},
    )


@require(can_record_consents)
@require_http_methods(["GET", "POST"])
def consent_void(request: HttpRequest, pk: int) -> HttpResponse:
    consent = selectors.consent_get(request.user, pk)
    return void_page(
        request,
        record=consent,
        void=lambda reason: services.consent_void(consent=consent, by=request.user, reason=reason),
        detail_url=reverse("screening:consent_detail", args=[consent.pk]),
        template="screening/consent_void.html",
        context={"consent": consent},
        already=_("This consent has already been voided."),
        done=_("The consent record was voided; it stays in the history and no longer counts."),
    )


# Re-consent --------------------------------------------------------------------------------


@require(can_read_screening)
@require_safe
def reconsent_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "screening/reconsent_list.html",
        {"groups": selectors.reconsent(request.user), "today": timezone.localdate()},
    )
