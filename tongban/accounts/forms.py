from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, UsernameField
from django.contrib.auth.signals import user_login_failed
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import scope
from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField, IdMultipleChoiceField
from tongban.registry.models import Community, Enrolment, Person, Program

from .models import PROGRAM_WIDE_ROLES, STAFF_ROLES, User


def require_communities(form: forms.Form, data: dict) -> None:
    """Staff other than the program-wide roles see nothing without a community."""
    role = data.get("role")
    if role and role not in PROGRAM_WIDE_ROLES and not data.get("communities"):
        form.add_error("communities", _("Choose at least one community for this role."))


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        return second

    def validate_password_for(self, user: User) -> None:
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password2", error)


def program_communities(manager: User, *, keep=()):
    """The chosen program's communities still open today, and any of `keep` (an
    account's current assignments stay choosable after their community closed)."""
    today = timezone.localdate()
    open_now = Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    return scope.communities(manager).filter(open_now | Q(pk__in=[c.pk for c in keep]))


class ProgramChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, program: Program) -> str:
        return program.display_name


USERNAME_HELP = _("Usernames are unique in the whole installation, every program included.")


class UniqueUsernameMixin:
    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class StaffAccountForm(UniqueUsernameMixin, PasswordPairMixin):
    """A staff account of the manager's chosen program (its communities only)."""

    username = UsernameField(label=_("username"), max_length=150, help_text=USERNAME_HELP)
    full_name = forms.CharField(label=_("name"), max_length=150)
    email = forms.EmailField(label=_("e-mail"), required=False)
    role = forms.ChoiceField(label=_("role"), choices=STAFF_ROLES)
    communities = IdMultipleChoiceField(
        label=_("communities"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The project manager and the psychiatrist see every community."),
    )

    field_order = ["username", "full_name", "email", "role", "communities"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = program_communities(user)

    def clean(self):
        data = super().clean()
        require_communities(self, data)
        self.validate_password_for(
            User(username=data.get("username", ""), first_name=data.get("full_name", ""))
        )
        return data


class PeerAccountForm(UniqueUsernameMixin, PasswordPairMixin):
    person = IdChoiceField(label=_("peer"), queryset=Person.objects.none())
    username = UsernameField(label=_("username"), max_length=150, help_text=USERNAME_HELP)

    field_order = ["person", "username"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Peers serving in the chosen program's communities, without an account yet.
        peers = Enrolment.objects.in_service().filter(
            role=Enrolment.Role.PEER, community__in=scope.communities(user)
        )
        self.fields["person"].queryset = Person.objects.filter(
            pk__in=peers.values("person_id"), account__isnull=True
        ).order_by("name")

    def clean(self):
        data = super().clean()
        person = data.get("person")
        self.validate_password_for(
            User(username=data.get("username", ""), first_name=person.name if person else "")
        )
        return data


class AccountEditForm(forms.Form):
    version = VersionField()
    full_name = forms.CharField(label=_("name"), max_length=150)
    email = forms.EmailField(label=_("e-mail"), required=False)
    role = forms.ChoiceField(label=_("role"), choices=STAFF_ROLES)
    communities = IdMultipleChoiceField(
        label=_("communities"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Communities of the chosen program; assignments in other programs stay."),
    )
    programs = ProgramChoiceField(
        label=_("also works in these programs"),
        queryset=Program.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your other programs. The account stays in the chosen program."),
    )

    def __init__(self, *args, account: User, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # The version the manager opened: a save by someone else meanwhile is a conflict.
        self.fields["version"].initial = current_version(account)
        if account.is_peer:
            # A peer's community follows their enrolment, not an assignment.
            del self.fields["role"]
            del self.fields["communities"]
        else:
            assigned = list(account.communities.filter(program=scope.program(user)))
            self.fields["communities"].queryset = program_communities(user, keep=assigned)
        current = scope.program(user)
        others = scope.programs(user).exclude(pk=current.pk if current else None)
        if account.is_program_wide and others.exists():
            # A program-wide account joins another program of the manager's, never one
            # the manager is not in.
            self.fields["programs"].queryset = others
        else:
            del self.fields["programs"]

    def clean(self):
        data = super().clean()
        if "role" in self.fields:
            require_communities(self, data)
        return data


class SetPasswordForm(PasswordPairMixin):
    def __init__(self, *args, account: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean(self):
        data = super().clean()
        self.validate_password_for(self.account)
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The own-password change, whose current-password check counts like a sign-in.

    A wrong current password is a failed sign-in for that username and address (django-axes),
    so the page cannot be used to guess the password of a session left open; once locked
    out, even the right password is refused until the cool-off ends.
    """

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            self.request.axes_locked_out = True  # the axes middleware shows the lockout page
            raise forms.ValidationError(
                _("Too many wrong passwords. Wait, then try again."), code="locked_out"
            )
        if not self.user.check_password(old_password):
            # Recorded by axes, which locks out at AXES_FAILURE_LIMIT.
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
