"""Account management (project manager only) and each user's own settings."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core import audit, scope
from tongban.core.concurrency import EditConflict
from tongban.core.forms_util import apply_validation_error
from tongban.core.permissions import can_manage_accounts, require
from tongban.registry.models import Community, Enrolment

from . import services
from .forms import (
    AccountEditForm,
    AccountFilterForm,
    PeerAccountForm,
    SetPasswordForm,
    StaffAccountForm,
    ThrottledPasswordChangeForm,
)
from .models import User


def _account_get(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(scope.accounts(request.user).select_related("person"), pk=pk)


@require(can_manage_accounts)
def account_list(request: HttpRequest) -> HttpResponse:
    filters = AccountFilterForm(request.GET or None)
    q = filters.cleaned_data["q"].strip() if filters.is_valid() else ""
    # A peer's community is that of their current peer enrolment: one query for the page.
    serving = (
        Enrolment.objects.in_service()
        .filter(role=Enrolment.Role.PEER)
        .select_related("community")
        .order_by("community__started_on", "community__name")
    )
    # Assignments in other programs are not this program's business.
    assigned = Community.objects.filter(program=scope.program(request.user)).order_by(
        "started_on", "name"
    )
    accounts = (
        scope.accounts(request.user)
        .select_related("person")
        .prefetch_related(
            Prefetch("communities", queryset=assigned, to_attr="program_communities"),
            Prefetch("person__enrolments", queryset=serving, to_attr="peer_enrolments"),
        )
    )
    if q:
        accounts = accounts.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(person__name__icontains=q)
        )
    page = Paginator(accounts.order_by("-is_active", "username"), settings.PAGE_SIZE)
    return render(
        request,
        "accounts/account_list.html",
        {
            "filters": filters,
            "page": page.get_page(request.GET.get("page")),
            "query": urlencode({"q": q}) if q else "",
        },
    )


@require(can_manage_accounts)
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    kind = "peer" if request.GET.get("kind") == "peer" else "staff"
    form_class = PeerAccountForm if kind == "peer" else StaffAccountForm
    form = form_class(request.POST or None, user=request.user)
    program = scope.program(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "peer":
                account = services.account_create_peer(
                    person=data["person"],
                    username=data["username"],
                    password=data["password1"],
                    program=program,
                )
            else:
                account = services.account_create_staff(
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    role=data["role"],
                    communities=data["communities"],
                    password=data["password1"],
                    program=program,
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Account %(username)s created.") % {"username": account.username}
            )
            return redirect("accounts:account_detail", pk=account.pk)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "kind": kind, "program": program},
    )


@require(can_manage_accounts)
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_get(request, pk)
    program = scope.program(request.user)
    mine = scope.programs(request.user)
    initial = _edit_initial(account, program, mine)
    form = AccountEditForm(
        request.POST or None, initial=initial, account=account, user=request.user
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(
                user=account,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data.get("role"),
                communities=form.cleaned_data.get("communities", []),
                by=request.user,
                program=program,
                programs=form.cleaned_data["programs"] if "programs" in form.fields else None,
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as error:
            # Show what is stored now (with its version), and say what changed meanwhile.
            conflict = error.messages
            account = _account_get(request, pk)
            form = AccountEditForm(
                initial=_edit_initial(account, program, mine), account=account, user=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:account_detail", pk=account.pk)
    history = _program_history(account, request.user)
    programs = list(account.programs.all()) if account.is_program_wide else []
    mine_ids = set(mine.values_list("pk", flat=True))
    shown = [p for p in programs if p.pk in mine_ids]
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "form": form,
            "conflict": conflict,
            "history": history,
            "programs": shown,
            "other_programs": len(programs) - len(shown),
        },
    )


def _edit_initial(account: User, program, mine) -> dict:
    """The edit form's values as stored, in the manager's chosen program."""
    return {
        "full_name": account.first_name,
        "email": account.email,
        "role": account.role,
        "communities": list(account.communities.filter(program=program)),
        "programs": list(account.programs.filter(pk__in=mine.values("pk"))),
    }


def _program_history(account: User, manager: User) -> list:
    """The account's audit trail as the manager's programs see it: communities and
    programs of programs the manager is not in are left out of each change (and a
    change that was only about them, with them)."""
    mine = scope.programs(manager)
    names = {
        str(User._meta.get_field("communities").verbose_name): {
            audit.display_name(c) for c in Community.objects.filter(program__in=mine)
        },
        str(User._meta.get_field("programs").verbose_name): {audit.display_name(p) for p in mine},
    }
    entries = audit.audit_entries(
        User.history.filter(id=account.pk).select_related("history_user__person"),
        model=User,
        subject=lambda r: _("Account"),
        m2m_fields=("communities", "programs"),
    )
    kept = []
    for entry in entries:
        for change in entry.changes:
            allowed = names.get(change.label)
            if allowed is None:
                continue
            change.old, change.new = (_only(value, allowed) for value in (change.old, change.new))
        changes = [c for c in entry.changes if c.old != c.new or c.label not in names]
        if entry.changes and not changes:
            continue
        entry.changes = changes
        kept.append(entry)
    return audit.merge(kept)


def _only(joined: str, allowed: set[str]) -> str:
    if joined in ("", "—"):
        return joined
    parts = [name for name in joined.split(", ") if name in allowed]
    return ", ".join(parts) or "—"


@require(can_manage_accounts)
@require_http_methods(["GET", "POST"])
def account_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Reactivate at once; deactivate only after a confirmation page that says what it does."""
    account = _account_get(request, pk)
    active = request.POST.get("active") == "1"
    if request.method == "GET" or (not active and request.POST.get("confirm") != "1"):
        if not account.is_active:
            return redirect("accounts:account_detail", pk=account.pk)
        return render(request, "accounts/deactivate_confirm.html", {"account": account})
    try:
        services.account_set_active(user=account, active=active, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, _("The account can sign in again."))
        else:
            messages.success(request, _("The account is deactivated. Its records stay."))
    return redirect("accounts:account_detail", pk=account.pk)


@require(can_manage_accounts)
@require_http_methods(["GET", "POST"])
def account_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_get(request, pk)
    form = SetPasswordForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        services.account_set_password(user=account, password=form.cleaned_data["password1"])
        messages.success(request, _("The password was reset. Tell the user in person."))
        return redirect("accounts:account_detail", pk=account.pk)
    return render(request, "accounts/password_form.html", {"form": form, "account": account})


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; remembered on the account when signed in, in a cookie otherwise."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """The own-password change, with the current password throttled like a sign-in."""

    form_class = ThrottledPasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        if settings.AXES_RESET_ON_SUCCESS:  # as a successful sign-in does
            AxesProxyHandler.reset_attempts(
                ip_address=getattr(self.request, "axes_ip_address", None),
                username=self.request.user.get_username(),
            )
        return super().form_valid(form)
