"""The export form: what, in which format and language, for which range and communities."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.forms import DateInput
from tongban.reports import report
from tongban.reports.forms import CommunityChoiceField

from .models import Format, Language


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("format"), choices=Format.choices, initial=Format.SAV, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("language of the labels"), choices=Language.choices, initial=Language.ZH_HANS
    )
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
    identified = forms.BooleanField(
        label=_("identified export (names, dates of birth, phones, free text)"),
        required=False,
    )
    reason = forms.CharField(
        label=_("why the identified export is needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the export log with your name and the time."),
    )

    def __init__(self, *args, communities, program, may_identify: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.may_identify = may_identify
        self.fields["community"].queryset = communities
        if not may_identify:
            del self.fields["identified"]
            del self.fields["reason"]
            self.fields["format"].choices = [c for c in Format.choices if c[0] != Format.TEMPLATES]

    def clean(self):
        cleaned = super().clean()
        default_from, default_to = report.default_range(self.program)
        date_from = cleaned.get("date_from") or default_from
        date_to = cleaned.get("date_to") or default_to
        for field, day in (("date_from", date_from), ("date_to", date_to)):
            error = report.date_error(day)
            if error:
                self.add_error(field, error)
        if "date_from" not in self.errors and "date_to" not in self.errors:
            error = report.range_error(date_from, date_to)
            if error:
                self.add_error("date_to", error)
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        if self.may_identify:
            identified = cleaned.get("identified") or cleaned.get("format") == Format.TEMPLATES
            cleaned["identified"] = identified
            if identified and not (cleaned.get("reason") or "").strip():
                self.add_error(
                    "reason", _("Say why an identified export is needed: it is audited.")
                )
        else:
            cleaned["identified"] = False
            cleaned["reason"] = ""
        return cleaned
