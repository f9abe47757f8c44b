"""Wellbeing forms. Each clean() runs the service's own rules too, so one submission shows
every error; the service checks them again before it writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.concurrency import VersionField
from tongban.core.forms import DateInput
from tongban.registry.models import Community, Person

from . import wellbeing_services as services
from .models import WellbeingCheckIn

LEVEL_CHOICES = [(str(value), label) for value, label in WellbeingCheckIn.Level.choices]


def _add_errors(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
    """The service's rules, for fields whose own checks passed (one message a field)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue
        for message in messages:
            if field is None and message in form.non_field_errors():
                continue
            form.add_error(field, message)


class LevelField(forms.TypedChoiceField):
    """One of the five levels, as a row of buttons (radio buttons styled by wellbeing.css)."""

    def __init__(self, *, label, **kwargs):
        super().__init__(
            label=label,
            choices=LEVEL_CHOICES,
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "level-input"}),
            error_messages={"required": _("Choose one.")},
            **kwargs,
        )


class CheckInForm(forms.Form):
    """The two-weekly check-in, answered in under a minute on a phone."""

    workload = LevelField(label=_("My workload as a peer"))
    stress = LevelField(label=_("My stress"))
    confidence = LevelField(label=_("My confidence in my role"))
    wants_break = forms.BooleanField(label=_("I would like a break"), required=False)
    text = forms.CharField(
        label=_("Anything else you want your supervisors to know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, peer: Person, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.peer = peer
        self.community = community

    def clean(self):
        data = super().clean()
        _add_errors(
            self,
            services.wellbeing_checkin_errors(
                peer=self.peer,
                community=self.community,
                workload=data.get("workload"),
                stress=data.get("stress"),
                confidence=data.get("confidence"),
            ),
        )
        return data


class BreakRequestForm(forms.Form):
    starts_on = forms.DateField(label=_("first day of the break"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("back on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if you do not know yet."),
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only your supervisors see it."),
    )

    def __init__(self, *args, peer: Person, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.peer = peer
        self.community = community
        self.initial.setdefault("starts_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        _add_errors(
            self,
            services.break_request_errors(
                peer=self.peer,
                community=self.community,
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            ),
        )
        return data


class BreakDecisionForm(forms.Form):
    DECISIONS = [("agree", _("Agree")), ("decline", _("Decline"))]

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose: agree or decline.")},
    )
    note = forms.CharField(
        label=_("note for the peer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you decline."),
    )
    version = VersionField()

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        agree = None if decision is None else decision == "agree"
        if decision is not None:
            _add_errors(
                self, services.break_decision_errors(agree=agree, note=data.get("note", ""))
            )
        data["agree"] = agree
        return data


class VersionForm(forms.Form):
    """A one-button step (withdraw) that carries the version the page showed."""

    version = VersionField()
