from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import scope
from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField
from tongban.core.forms import DateInput

from . import selectors
from .models import CaregiverLink, Enrolment, EnrolmentStatusChange, Person

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")


def label_blank_choices(form: forms.BaseForm) -> None:
    """Selects say "choose" (required) or "not recorded" (optional), never "---------"."""
    for field in form.fields.values():
        choices = getattr(field, "choices", None)
        if isinstance(field, forms.ModelChoiceField) or not choices:
            continue
        choices = list(choices)
        if choices and choices[0][0] == "" and str(choices[0][1]).startswith("---"):
            label = _("Choose…") if field.required else _("not recorded")
            field.choices = [("", label), *choices[1:]]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "sex",
            "date_of_birth",
            "education",
            "marital_status",
            "working_status",
            "diagnosis",
            "phone",
            "address",
        ]
        widgets = {"date_of_birth": DateInput(), "phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_blank_choices(self)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name."))
        return name

    def clean_date_of_birth(self) -> date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born and born.year < 1900:
            raise forms.ValidationError(_("Check the year of birth."))
        return born

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a phone number of digits, e.g. 13800138000."))
        return phone


class PersonEditForm(PersonForm):
    """The person form for an existing record: carries the version it was opened on."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = current_version(self.instance)

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PersonForm.Meta.fields}


ROLE_CHOICES = [
    ("consumer", _("consumer")),
    ("peer", _("peer")),
    ("caregiver", _("caregiver")),
]


class PersonCreateForm(PersonForm):
    """A new person enters with a role: enrolled in a community, or a caregiver of someone."""

    role = forms.ChoiceField(label=_("role"), choices=ROLE_CHOICES)
    community = IdChoiceField(label=_("community"), queryset=None, required=False)
    started_on = forms.DateField(label=_("start date"), required=False, widget=DateInput())
    cared_for = IdChoiceField(label=_("cares for"), queryset=None, required=False)
    relationship = forms.ChoiceField(
        label=_("relationship"),
        choices=[("", _("Choose the relationship")), *CaregiverLink.Relationship.choices],
        required=False,
    )
    contact_agreed_on = forms.DateField(
        label=_("agreed to be contacted for evaluation on"), required=False, widget=DateInput()
    )

    field_order = [
        *PersonForm.Meta.fields,
        "role",
        "community",
        "started_on",
        "cared_for",
        "relationship",
        "contact_agreed_on",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A closed community takes no new people.
        self.fields["community"].queryset = selectors.open_communities(user)
        if user.is_peer:  # peers never see caregivers
            self.fields["role"].choices = [
                c for c in self.fields["role"].choices if c[0] != "caregiver"
            ]
        self.fields["community"].empty_label = _("Choose a community")
        self.fields["cared_for"].empty_label = _("Choose a person")
        self.fields["cared_for"].queryset = selectors.people_who_can_have_caregivers(user)

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in ("peer", "consumer"):
            if not data.get("community"):
                self.add_error("community", _("Choose the community of enrolment."))
            if not data.get("started_on"):
                self.add_error("started_on", _("Enter the date the enrolment starts."))
            elif data["started_on"] > timezone.localdate():
                self.add_error("started_on", _("The start date cannot be in the future."))
        elif role == "caregiver":
            if not data.get("cared_for"):
                self.add_error("cared_for", _("Choose the person this caregiver looks after."))
            if not data.get("relationship"):
                self.add_error("relationship", _("Choose the relationship."))
            agreed = data.get("contact_agreed_on")
            if agreed and agreed > timezone.localdate():
                self.add_error("contact_agreed_on", _("The date cannot be in the future."))
        return data

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PersonForm.Meta.fields}


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["community", "role", "started_on"]
        widgets = {"started_on": DateInput()}
        field_classes = {"community": IdChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A closed community takes no new enrolment.
        self.fields["community"].queryset = selectors.open_communities(user)
        self.fields["community"].empty_label = _("Choose a community")
        self.fields["role"].choices = [("", _("Choose a role")), *Enrolment.Role.choices]
        if user.is_peer:  # peers never see caregivers
            self.fields["role"].choices = [
                c for c in self.fields["role"].choices if c[0] != "caregiver"
            ]

    def clean_started_on(self) -> date:
        started_on = self.cleaned_data["started_on"]
        if started_on > timezone.localdate():
            raise forms.ValidationError(_("The start date cannot be in the future."))
        return started_on


class StatusChangeForm(forms.ModelForm):
    class Meta:
        model = EnrolmentStatusChange
        fields = ["status", "effective_on", "reason"]
        widgets = {"effective_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_blank_choices(self)


class CaregiverLinkForm(forms.ModelForm):
    class Meta:
        model = CaregiverLink
        fields = ["cared_for", "relationship", "started_on", "contact_agreed_on"]
        widgets = {"started_on": DateInput(), "contact_agreed_on": DateInput()}
        field_classes = {"cared_for": IdChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cared_for"].queryset = selectors.people_who_can_have_caregivers(user)
        self.fields["cared_for"].empty_label = _("Choose a person")
        self.fields["relationship"].choices = [
            ("", _("Choose the relationship")),
            *CaregiverLink.Relationship.choices,
        ]

    def clean_contact_agreed_on(self) -> date | None:
        agreed = self.cleaned_data.get("contact_agreed_on")
        if agreed and agreed > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return agreed


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("role"), required=False, choices=[("", _("all roles")), *ROLE_CHOICES]
    )
    community = IdChoiceField(
        label=_("community"), queryset=None, required=False, empty_label=_("all communities")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = scope.communities(user)
        if user.is_peer:  # peers never see caregivers
            self.fields["role"].choices = [
                c for c in self.fields["role"].choices if c[0] != "caregiver"
            ]
