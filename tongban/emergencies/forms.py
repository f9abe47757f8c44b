from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.registry.models import Community

from . import rules, selectors
from .models import EmergencyEvent, Status

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The phone's native date-and-time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan) -> str:
        return f"{plan.planned_on:%Y-%m-%d} · {plan.theme}"


class EmergencyForm(forms.Form):
    """The Emergency Event Form of one community, optionally of one of its sessions."""

    session = SessionChoiceField(
        label=_("session"),
        queryset=None,
        required=False,
        empty_label=_("not during a session"),
        help_text=_("If it happened during or around a session of the last two weeks."),
    )
    kind = forms.ChoiceField(
        label=_("type of event"), choices=EmergencyEvent.Kind.choices, widget=forms.RadioSelect
    )
    occurred_at = forms.DateTimeField(
        label=_("when it happened"), input_formats=[DATETIME_LOCAL], widget=DateTimeLocalInput()
    )
    # Choices (grouped when filed from a session) and walk-ins are set per form.
    people_involved = forms.TypedMultipleChoiceField(
        label=_("people involved"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    walk_ins = forms.TypedMultipleChoiceField(
        label=_("walk-ins at this session"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their names are added to the note below."),
    )
    involved_note = forms.CharField(
        label=_("anyone else involved"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("People not in the list above, e.g. a family member or a passer-by."),
    )
    description = forms.CharField(
        label=_("what happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    actions_taken = forms.CharField(
        label=_("what was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    emergency_services_called = forms.TypedChoiceField(
        label=_("Were emergency services (120 or 110) called?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, community: Community, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fixed_session = session
        if session is not None:
            # Came from the session's page: the session is given, not chosen.
            del self.fields["session"]
        else:
            self.fields["session"].queryset = selectors.recent_sessions(user, community)
        self.people_groups = selectors.involved_choices(user, community, session=session)
        people = self.fields["people_involved"]
        if len(self.people_groups) == 1 and not self.people_groups[0][0]:
            people.choices = self.people_groups[0][1]
        else:
            people.choices = self.people_groups
        self._people = selectors.involvable_people(user, community, session=session)
        self._walk_ins = {
            attendance.pk: attendance for attendance in selectors.session_walk_ins(session)
        }
        if self._walk_ins:
            self.fields["walk_ins"].choices = [
                (pk, selectors.walk_in_label(attendance))
                for pk, attendance in self._walk_ins.items()
            ]
        else:
            del self.fields["walk_ins"]
        if not self.is_bound:
            if session is not None:
                # The session's date and start time: an event is filed after the group.
                moment = selectors.session_started_at(session)
            else:
                moment = timezone.now()
            self.initial.setdefault(
                "occurred_at", timezone.localtime(moment).replace(second=0, microsecond=0)
            )

    def clean_occurred_at(self):
        moment = self.cleaned_data["occurred_at"]
        problem = rules.occurred_at_error(self.community, moment)
        if problem:
            raise forms.ValidationError(problem)
        return moment

    def clean_people_involved(self) -> list:
        chosen = self.cleaned_data["people_involved"]
        found = self._people.in_bulk(chosen)
        if len(found) != len(set(chosen)):
            raise forms.ValidationError(_("Choose people of this community."))
        return [found[pk] for pk in dict.fromkeys(chosen)]

    def clean_walk_ins(self) -> list:
        return [self._walk_ins[pk] for pk in dict.fromkeys(self.cleaned_data["walk_ins"])]

    def people_involved_groups(self) -> list[tuple[str, list]]:
        """The checkboxes of "people involved" under their headings, for the template."""
        widgets = iter(self["people_involved"].subwidgets)
        return [
            (heading, [next(widgets) for _option in options])
            for heading, options in self.people_groups
        ]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "community": self.community,
            "session": self.fixed_session or data.get("session"),
            "kind": data["kind"],
            "occurred_at": data["occurred_at"],
            "people_involved": data["people_involved"],
            "walk_ins": data.get("walk_ins", []),
            "involved_note": data["involved_note"],
            "description": data["description"],
            "actions_taken": data["actions_taken"],
            "emergency_services_called": data["emergency_services_called"],
        }


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("follow-up note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    closing_note = forms.CharField(
        label=_("closing note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the event ended, and any follow-up arranged elsewhere."),
    )


STATUS_FILTERS = [("", _("all but voided")), *Status.choices]


class EmergencyFilterForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("community"), queryset=None, required=False, empty_label=_("all communities")
    )
    status = forms.ChoiceField(label=_("status"), choices=STATUS_FILTERS, required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
