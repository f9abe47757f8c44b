"""The report page's filter: a date range and the communities, within the user's scope."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.forms import DateInput

from . import report


class CommunityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, community) -> str:
        return community.display_name


class ReportFilterForm(forms.Form):
    """GET form. Every field is optional: empty dates are the program's range, no community
    ticked is all of the user's communities. Communities travel by code."""

    date_from = forms.DateField(label=_("start date"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("end date"), required=False, widget=DateInput())
    community = CommunityChoiceField(
        label=_("communities"),
        queryset=None,
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all your communities."),
    )

    def __init__(self, *args, communities, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["community"].queryset = communities

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        default_from, default_to = report.default_range(self.program)
        date_from = cleaned.get("date_from") or default_from
        date_to = cleaned.get("date_to") or default_to
        for field, day in (("date_from", date_from), ("date_to", date_to)):
            error = report.date_error(day)
            if error:
                self.add_error(field, error)
        if self.errors:
            return cleaned
        error = report.range_error(date_from, date_to)
        if error:
            self.add_error("date_to", error)
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned

    def range(self) -> tuple[date, date]:
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
