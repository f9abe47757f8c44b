"""The export form: the report's range and communities (ReportFilterForm), plus what to
export, in which format and language, and for the manager an identified export's reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.reports.forms import ReportFilterForm

from .models import Format, Language


class ExportForm(ReportFilterForm):
    field_order = ["format", "language", "date_from", "date_to", "community"]

    format = forms.ChoiceField(
        label=_("format"), choices=Format.choices, initial=Format.SAV, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("language of the labels"), choices=Language.choices, initial=Language.ZH_HANS
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

    def __init__(self, *args, may_identify: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_identify = may_identify
        if not may_identify:
            del self.fields["identified"]
            del self.fields["reason"]
            self.fields["format"].choices = [c for c in Format.choices if c[0] != Format.TEMPLATES]

    def clean(self):
        cleaned = super().clean()  # the range, as the report checks it
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
