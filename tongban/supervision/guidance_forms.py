"""The guidance note form: before or after the session, the date, what was said. clean()
runs the service's rules, so one submission shows every error."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.activities.models import ActivityPlan
from tongban.core.forms import DateInput

from . import guidance_services as services
from .models import GuidanceNote


class GuidanceForm(forms.Form):
    when = forms.ChoiceField(
        label=_("when"), choices=GuidanceNote.When.choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=_("date"), widget=DateInput())
    text = forms.CharField(
        label=_("guidance"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the peers were advised: preparing the topic, handling the group."),
    )

    def __init__(self, *args, session: ActivityPlan, when: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        today = timezone.localdate()
        if when in GuidanceNote.When.values:
            self.initial.setdefault("when", when)
        else:
            held = session.session_date <= today and getattr(session, "record", None)
            self.initial.setdefault(
                "when", GuidanceNote.When.AFTER if held else GuidanceNote.When.BEFORE
            )
        self.initial.setdefault("given_on", min(today, _latest(session, self.initial["when"])))

    def clean(self):
        data = super().clean()
        errors = services.guidance_errors(
            session=self.session,
            when=data.get("when", ""),
            given_on=data.get("given_on"),
            text=data.get("text", ""),
            today=timezone.localdate(),
        )
        for name, messages in errors.items():
            field = name if name in self.fields else None
            if field is not None and field in self.errors:
                continue
            for message in messages:
                self.add_error(field, message)
        return data


def _latest(session: ActivityPlan, when: str):
    """The latest sensible default date: the session's day for guidance before it."""
    if when == GuidanceNote.When.BEFORE:
        return session.session_date
    return timezone.localdate()
