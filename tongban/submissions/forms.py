from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_COMMENT = 4000


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the project manager"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. After a return, say what you corrected."),
    )


class ReturnForm(forms.Form):
    comments = forms.CharField(
        label=_("What needs correcting"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what needs correcting.")},
    )


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the peers"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
