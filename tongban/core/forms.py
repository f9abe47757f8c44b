from django import forms


class DateInput(forms.DateInput):
    """The phone's native date picker; ISO format is what <input type=date> speaks."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
