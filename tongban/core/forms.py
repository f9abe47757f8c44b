from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The phone's native date picker; ISO format is what <input type=date> speaks."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class VoidForm(forms.Form):
    """Clinical records are voided with a reason, never deleted."""

    reason = forms.CharField(
        label=_("reason for voiding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
