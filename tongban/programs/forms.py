"""Setup forms. Each one's clean() runs the service's own rules too, so one round shows
every error; the service checks them again before writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.concurrency import VersionField, current_version
from tongban.core.forms import DateInput
from tongban.registry.forms import label_blank_choices
from tongban.registry.models import Community, Program, Venue

from . import services


def _add_errors(form: forms.BaseForm, errors: dict) -> None:
    """The service's rules, for fields whose own checks passed (one message a field)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue
        for message in messages:
            form.add_error(field, message)


class _NoModelUnique:
    """Uniqueness is checked (case-insensitively, with our own message) by the service."""

    def validate_unique(self) -> None:
        return None


class ProgramForm(_NoModelUnique, forms.ModelForm):
    setting_fields = services.PROGRAM_FIELDS

    class Meta:
        model = Program
        fields = list(services.PROGRAM_FIELDS)
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Letters, digits and hyphens, for the command line and exports. Left empty, it "
            "is made from the English name."
        )
        self.fields["ended_on"].help_text = _("Leave empty while the program runs.")

    def program_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.setting_fields}

    def clean(self):
        data = super().clean()
        fields = {name: data[name] for name in self.setting_fields if name in data}
        # clean() runs before the form writes onto its instance: it is still as stored.
        stored = self.instance if self.instance.pk else None
        if stored is not None and not fields.get("slug"):
            fields.pop("slug", None)  # left empty: the short name stays
        _add_errors(self, services.program_errors(fields, program=stored))
        return data


class ProgramEditForm(ProgramForm):
    """The settings page: the creation form's fields, and what matters once the program has
    people (from when those enrolled before screening was recorded need their records)."""

    version = VersionField()
    setting_fields = services.PROGRAM_EDIT_FIELDS

    class Meta(ProgramForm.Meta):
        fields = list(services.PROGRAM_EDIT_FIELDS)
        widgets = {
            **ProgramForm.Meta.widgets,
            "screening_records_from": DateInput(),
            "training_records_from": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = current_version(self.instance)


class CommunityForm(_NoModelUnique, forms.ModelForm):
    class Meta:
        model = Community
        fields = list(services.COMMUNITY_FIELDS)
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["code"].required = False
        self.fields["code"].help_text = _(
            "Letters, digits and hyphens. Left empty, it is made from the English name."
        )
        self.fields["started_on"].required = True
        self.fields["ended_on"].help_text = _(
            "Leave empty while the community takes part. No new sessions or enrolments "
            "after this date."
        )

    def community_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.COMMUNITY_FIELDS}

    def clean(self):
        data = super().clean()
        fields = {name: data[name] for name in services.COMMUNITY_FIELDS if name in data}
        if "started_on" not in data:
            fields.pop("started_on", None)  # its own error is shown already
        stored = self.instance if self.instance.pk else None  # not yet written onto
        errors = services.community_errors(fields, program=self.program, community=stored)
        if "started_on" not in data:
            errors.pop("started_on", None)
        _add_errors(self, errors)
        return data


class CommunityEditForm(CommunityForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = current_version(self.instance)


class CommunityCloseForm(forms.Form):
    ended_on = forms.DateField(label=_("service end date"), widget=DateInput())
    version = VersionField()

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["version"].initial = current_version(community)
        if community.ended_on:
            self.fields["ended_on"].initial = community.ended_on

    def clean(self):
        data = super().clean()
        if data.get("ended_on"):
            _add_errors(self, services.community_close_errors(self.community, data["ended_on"]))
        return data


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = list(services.VENUE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_blank_choices(self)

    def venue_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def clean(self):
        data = super().clean()
        fields = {name: data.get(name) for name in services.VENUE_FIELDS}
        errors = services.venue_errors(fields)
        for name in services.VENUE_FIELDS:
            if name not in data:
                errors.pop(name, None)  # its own error is shown already
        _add_errors(self, errors)
        return data


class VenueEditForm(VenueForm):
    version = VersionField()

    class Meta(VenueForm.Meta):
        fields = [*services.VENUE_FIELDS, "in_use"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = current_version(self.instance)
        self.fields["in_use"].help_text = _(
            "A venue no longer in use is not offered for new sessions; past sessions keep it."
        )


class VenueInUseForm(forms.Form):
    in_use = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
    version = VersionField()
