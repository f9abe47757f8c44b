"""Forms of the support settings, group supervision meetings and agreed actions. Each
clean() runs the service's own rules too, so one submission shows every error; the
service checks them again before it writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField, IdMultipleChoiceField
from tongban.core.forms import DateInput
from tongban.registry.models import Community, Person, Program

from . import meeting_services as services
from .models import (
    IssueCategory,
    SocialWorkerAssignment,
    SupervisionMeeting,
    SupportPhase,
    SupportSettings,
)


def add_errors(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
    """The service's rules, for fields whose own checks passed (one message a field)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue
        for message in messages:
            if field is None and message in form.non_field_errors():
                continue
            form.add_error(field, message)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class CommunitiesField(IdMultipleChoiceField):
    def label_from_instance(self, community: Community) -> str:
        return community.display_name


class CommunityField(IdChoiceField):
    def label_from_instance(self, community: Community) -> str:
        return community.display_name


class UserField(IdChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.display_name} · {user.get_role_display()}"


class UsersField(IdMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.display_name} · {user.get_role_display()}"


class PeopleField(IdMultipleChoiceField):
    def label_from_instance(self, person: Person) -> str:
        return person.name


# Settings -------------------------------------------------------------------------------------


class SupportSettingsForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = SupportSettings
        fields = services.SETTINGS_FIELDS

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.initial.setdefault("version", current_version(self.instance))

    def clean(self):
        data = super().clean()
        add_errors(self, services.support_settings_errors(values=data))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.SETTINGS_FIELDS}


class SupportPhaseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("phase"), choices=SupportPhase.Kind.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    guidance_every_session = forms.BooleanField(
        label=_("guidance before and after every session"), required=False
    )
    group_every_days = forms.IntegerField(
        label=_("group supervision every (days)"),
        min_value=0,
        max_value=366,
        help_text=_("0 for no group supervision in this phase; the model's is 42 days."),
    )
    version = VersionField()

    def __init__(self, *args, program: Program, phase: SupportPhase | None = None, **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.phase = phase
        if phase is not None:
            for name in ("kind", "starts_on", "guidance_every_session", "group_every_days"):
                self.initial.setdefault(name, getattr(phase, name))
            self.initial.setdefault("version", current_version(phase))
        else:
            self.initial.setdefault("kind", SupportPhase.Kind.LATER)
            self.initial.setdefault("group_every_days", 42)

    def clean(self):
        data = super().clean()
        add_errors(
            self,
            services.support_phase_errors(
                program=self.program,
                kind=data.get("kind"),
                starts_on=data.get("starts_on"),
                group_every_days=data.get("group_every_days"),
                phase=self.phase,
            ),
        )
        return data

    def phase_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "starts_on": data["starts_on"],
            "guidance_every_session": data["guidance_every_session"],
            "group_every_days": data["group_every_days"],
        }


class SocialWorkerForm(forms.Form):
    community = CommunityField(label=_("community"), queryset=None, empty_label=_("choose"))
    user = UserField(label=_("social worker"), queryset=None, empty_label=_("choose"))
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    ends_on = forms.DateField(label=_("until"), widget=DateInput(), required=False)

    def __init__(self, *args, program: Program, communities, **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.fields["community"].queryset = communities
        self.fields["user"].queryset = services.social_workers_of(program)

    def clean(self):
        data = super().clean()
        add_errors(
            self,
            services.social_worker_errors(
                community=data.get("community"),
                user=data.get("user"),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                program=self.program,
            ),
        )
        return data


class SocialWorkerEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("until"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty while they still help this community."),
    )
    version = VersionField()

    def __init__(self, *args, assignment: SocialWorkerAssignment, **kw):
        super().__init__(*args, **kw)
        self.assignment = assignment
        self.initial.setdefault("ends_on", assignment.ends_on)
        self.initial.setdefault("version", current_version(assignment))

    def clean(self):
        data = super().clean()
        ends_on = data.get("ends_on")
        if ends_on is not None and ends_on < self.assignment.starts_on:
            self.add_error("ends_on", _("The end is before the start."))
        return data


# Meetings -------------------------------------------------------------------------------------


class MeetingConfirmForm(forms.Form):
    """Confirm a proposed date: on that day, or moved to another."""

    proposed_on = forms.DateField(widget=forms.HiddenInput)
    held_on = forms.DateField(
        label=_("date"),
        widget=DateInput(),
        help_text=_("The proposed date, or the day it is moved to."),
    )
    starts_at = forms.TimeField(label=_("start time"), widget=TimeInput(), required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    communities = CommunitiesField(
        label=_("communities"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The communities whose peers and supervisors attend."),
    )

    def __init__(self, *args, program: Program, communities, proposed_on=None, missing=(), **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.fields["communities"].queryset = communities
        if proposed_on is not None:
            self.initial.setdefault("proposed_on", proposed_on)
            self.initial.setdefault("held_on", proposed_on)
        self.initial.setdefault("communities", [c.pk for c in missing])

    def clean(self):
        data = super().clean()
        add_errors(
            self,
            services.meeting_confirm_errors(
                program=self.program,
                proposed_on=data.get("proposed_on"),
                held_on=data.get("held_on"),
                starts_at=data.get("starts_at"),
                place=data.get("place", ""),
                communities=list(data.get("communities") or []),
            ),
        )
        return data


class ProposalCancelForm(forms.Form):
    """Cancel a proposed date (for the chosen communities), with the reason."""

    proposed_on = forms.DateField(widget=forms.HiddenInput)
    communities = CommunitiesField(
        label=_("communities"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, program: Program, communities, proposed_on=None, missing=(), **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.fields["communities"].queryset = communities
        if proposed_on is not None:
            self.initial.setdefault("proposed_on", proposed_on)
        self.initial.setdefault("communities", [c.pk for c in missing])

    def clean(self):
        data = super().clean()
        errors = services.meeting_confirm_errors(
            program=self.program,
            proposed_on=data.get("proposed_on"),
            held_on=None,
            starts_at=None,
            place="",
            communities=list(data.get("communities") or []),
        )
        add_errors(self, errors)
        return data


class MeetingMoveForm(forms.Form):
    held_on = forms.DateField(label=_("date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("start time"), widget=TimeInput(), required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    version = VersionField()

    def __init__(self, *args, meeting: SupervisionMeeting, **kw):
        super().__init__(*args, **kw)
        self.meeting = meeting
        for name in ("held_on", "starts_at", "place"):
            self.initial.setdefault(name, getattr(meeting, name))
        self.initial.setdefault("version", current_version(meeting))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingRecordForm(forms.Form):
    held_on = forms.DateField(label=_("date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("start time"), widget=TimeInput(), required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    staff_present = UsersField(
        label=_("staff present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    peers_present = PeopleField(
        label=_("peers present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("summary"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = VersionField()

    def __init__(self, *args, meeting: SupervisionMeeting, staff, peers, **kw):
        super().__init__(*args, **kw)
        self.meeting = meeting
        self.fields["staff_present"].queryset = staff
        self.fields["peers_present"].queryset = peers
        for name in ("held_on", "starts_at", "place", "summary"):
            self.initial.setdefault(name, getattr(meeting, name))
        if meeting.status == SupervisionMeeting.Status.HELD:
            self.initial.setdefault(
                "staff_present", list(meeting.staff_present.values_list("pk", flat=True))
            )
            self.initial.setdefault(
                "peers_present", list(meeting.peers_present.values_list("pk", flat=True))
            )
        self.initial.setdefault("version", current_version(meeting))


class IssueForm(forms.Form):
    category = forms.ChoiceField(
        label=_("category"),
        choices=[("", _("choose")), *IssueCategory.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("issue"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("category"):
            self.add_error("category", _("Choose the category."))
        if data.get("category") and not data.get("text", "").strip():
            self.add_error("text", _("Say what the issue was."))
        return data

    def row(self) -> services.IssueRow | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("text", "").strip():
            return None
        return services.IssueRow(category=data.get("category", ""), text=data["text"])


class ActionForm(forms.Form):
    text = forms.CharField(
        label=_("action"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = UserField(label=_("owner"), queryset=None, required=False, empty_label=_("choose"))
    due_on = forms.DateField(label=_("due"), widget=DateInput(), required=False)

    def __init__(self, *args, owners=None, **kw):
        super().__init__(*args, **kw)
        self.fields["owner"].queryset = owners

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip():
            if data.get("owner") is None and "owner" not in self.errors:
                self.add_error("owner", _("Give the action an owner."))
            if data.get("due_on") is None and "due_on" not in self.errors:
                self.add_error("due_on", _("Give the action a due date."))
        elif data.get("owner") is not None or data.get("due_on") is not None:
            self.add_error("text", _("Say what the action is."))
        return data

    def row(self) -> services.ActionRow | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("text", "").strip():
            return None
        return services.ActionRow(
            text=data["text"], owner=data.get("owner"), due_on=data.get("due_on")
        )


# Blank rows after the stored ones: without them a new record has nowhere to write an issue.
IssueFormSet = forms.formset_factory(IssueForm, extra=2, max_num=30, absolute_max=30)
ActionFormSet = forms.formset_factory(ActionForm, extra=2, max_num=20, absolute_max=20)


class ActionDoneForm(forms.Form):
    note = forms.CharField(
        label=_("note on completion"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
