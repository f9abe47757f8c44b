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

CANDIDATES_ONLY = _(
    "Peers and consumers come in as candidates: the psychiatrist assesses them and they "
    "sign their consents before they are enrolled. Add them on the candidate page."
)


class ContactConsentMixin(forms.Form):
    """A caregiver's signed agreement to be contacted for the follow-up evaluation
    (MODEL.md, "Consent"): optional, but a date signed goes with a witness."""

    contact_signed_on = forms.DateField(
        label=_("agreed to be contacted for evaluation: date signed"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Optional. When the caregiver signed the agreement to be contacted for the "
            "follow-up evaluation; it is recorded on the version in use that day."
        ),
    )
    contact_witness = forms.CharField(
        label=_("witness of the agreement"),
        required=False,
        max_length=100,
        help_text=_("The name of the person who saw them sign (on the paper)."),
    )

    def clean_contact_witness(self) -> str:
        return (self.cleaned_data.get("contact_witness") or "").strip()

    def clean_contact_signed_on(self) -> date | None:
        signed = self.cleaned_data.get("contact_signed_on")
        if signed and signed > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return signed

    def _clean_contact(self, data: dict) -> None:
        signed, witness = data.get("contact_signed_on"), data.get("contact_witness")
        if signed and not witness and "contact_witness" not in self.errors:
            self.add_error("contact_witness", _("Name the witness of the signature."))
        if witness and not signed and "contact_signed_on" not in self.errors:
            self.add_error("contact_signed_on", _("Enter the date the agreement was signed."))

    def contact_fields(self) -> dict:
        return {
            "contact_signed_on": self.cleaned_data.get("contact_signed_on"),
            "contact_witness": self.cleaned_data.get("contact_witness", ""),
        }


class PersonCreateForm(ContactConsentMixin, PersonForm):
    """A new caregiver of a peer or a consumer (the people page's "add a person").

    Peers and consumers come in as candidates (screening:candidate_create): a posted role
    of peer or consumer is refused here, and nothing is saved."""

    role = forms.CharField(widget=forms.HiddenInput, required=False, initial="caregiver")
    cared_for = IdChoiceField(label=_("cares for"), queryset=None)
    relationship = forms.ChoiceField(
        label=_("relationship"),
        choices=[("", _("Choose the relationship")), *CaregiverLink.Relationship.choices],
        error_messages={"required": _("Choose the relationship.")},
    )

    field_order = [
        *PersonForm.Meta.fields,
        "role",
        "cared_for",
        "relationship",
        "contact_signed_on",
        "contact_witness",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cared_for"].empty_label = _("Choose a person")
        self.fields["cared_for"].error_messages["required"] = _(
            "Choose the person this caregiver looks after."
        )
        self.fields["cared_for"].queryset = selectors.people_who_can_have_caregivers(user)

    def clean_role(self) -> str:
        role = self.cleaned_data.get("role") or "caregiver"
        if role != "caregiver":
            raise forms.ValidationError(CANDIDATES_ONLY, code="candidates_only")
        return role

    def clean(self):
        data = super().clean()
        self._clean_contact(data)
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


class CaregiverLinkForm(ContactConsentMixin, forms.ModelForm):
    class Meta:
        model = CaregiverLink
        fields = ["cared_for", "relationship", "started_on"]
        widgets = {"started_on": DateInput()}
        field_classes = {"cared_for": IdChoiceField}

    def __init__(self, *args, user, contact_signed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cared_for"].queryset = selectors.people_who_can_have_caregivers(user)
        self.fields["cared_for"].empty_label = _("Choose a person")
        self.fields["relationship"].choices = [
            ("", _("Choose the relationship")),
            *CaregiverLink.Relationship.choices,
        ]
        if contact_signed:
            # Their agreement is the person's, not the link's: already recorded.
            del self.fields["contact_signed_on"], self.fields["contact_witness"]

    def clean(self):
        data = super().clean()
        if "contact_signed_on" in self.fields:
            self._clean_contact(data)
        return data

    def link_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def contact_fields(self) -> dict:
        if "contact_signed_on" not in self.fields:
            return {"contact_signed_on": None, "contact_witness": ""}
        return super().contact_fields()


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
