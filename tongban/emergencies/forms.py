from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.registry.models import Community

from . import selectors
from .models import EmergencyEvent, Status

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The phone's native date-and-time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan) -> str:
        return f"{plan.planned_on:%Y-%m-%d} · {plan.theme}"


class EmergencyForm(forms.Form):
    """The Emergency Event Form of one community, optionally of one of its sessions."""

    session = SessionChoiceField(
        label=_("session"),
        queryset=None,
        required=False,
        empty_label=_("not during a session"),
        help_text=_("If it happened during or around a session of the last two weeks."),
    )
    kind = forms.ChoiceField(
        label=_("type of event"), choices=EmergencyEvent.Kind.choices, widget=forms.RadioSelect
    )
    occurred_at = forms.DateTimeField(
        label=_("when it happened"), input_formats=[DATETIME_LOCAL], widget=DateTimeLocalInput()
    )
    people_involved = forms.ModelMultipleChoiceField(
        label=_("people involved"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    involved_note = forms.CharField(
        label=_("anyone else involved"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("People not in the list above, e.g. a family member or a passer-by."),
    )
    description = forms.CharField(
        label=_("what happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    actions_taken = forms.CharField(
        label=_("what was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    emergency_services_called = forms.TypedChoiceField(
        label=_("Were emergency services (120 or 110) called?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    # Shown only when the day falls in an accepted six-weekly submission (see show_reason).
    change_reason = forms.CharField(
        label=_("reason for the late entry"),
        required=False,
        max_length=2000,
        widget=forms.HiddenInput,
        help_text=_(
            "This day belongs to an accepted six-weekly submission: say why it is added now."
        ),
    )

    def __init__(self, *args, user, community: Community, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fixed_session = session
        if session is not None:
            # Came from the session's page: the session is given, not chosen.
            del self.fields["session"]
        else:
            self.fields["session"].queryset = selectors.recent_sessions(user, community)
        self.fields["people_involved"].queryset = selectors.involvable_people(user, community)
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        if self.data.get(self.add_prefix("change_reason")):
            self.show_reason()

    def show_reason(self) -> None:
        field = self.fields["change_reason"]
        field.widget = forms.Textarea(attrs={"rows": 2})

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "community": self.community,
            "session": self.fixed_session or data.get("session"),
            "kind": data["kind"],
            "occurred_at": data["occurred_at"],
            "people_involved": list(data["people_involved"]),
            "involved_note": data["involved_note"],
            "description": data["description"],
            "actions_taken": data["actions_taken"],
            "emergency_services_called": data["emergency_services_called"],
            "change_reason": data["change_reason"],
        }


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("follow-up note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    closing_note = forms.CharField(
        label=_("closing note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the event ended, and any follow-up arranged elsewhere."),
    )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for voiding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


STATUS_FILTERS = [("", _("all but voided")), *Status.choices]


class EmergencyFilterForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("community"), queryset=None, required=False, empty_label=_("all communities")
    )
    status = forms.ChoiceField(label=_("status"), choices=STATUS_FILTERS, required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
