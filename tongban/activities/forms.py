from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.core.forms import DateInput
from tongban.registry.models import Community, Enrolment, Person

from . import rules
from .models import ActivityPlan, ActivityRecord, Topic


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, topic: Topic) -> str:
        starter = " ★" if topic.for_starters else ""
        return f"{topic.get_category_display()} · {topic.display_name}{starter}"


CHANGE_REASON_HELP = _("Needed only when the session belongs to an accepted six-weekly submission.")


def community_peers(community: Community):
    """Every peer ever enrolled here: old paper forms name peers who have since left.
    The services check who was in service on the session's date."""
    return Person.objects.filter(
        enrolments__community=community,
        enrolments__role=Enrolment.Role.PEER,
        enrolments__voided_at__isnull=True,
    ).distinct()


class ChangeReasonMixin:
    """The reason field shows for a locked session, or once the service asks for it."""

    def show_change_reason(self) -> None:
        self.fields["change_reason"].widget = forms.TextInput()


class PlanForm(ChangeReasonMixin, forms.ModelForm):
    topic = TopicChoiceField(
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        label=_("topic from the library"),
        help_text=_("★ good first topics. Or leave empty and write your own topic below."),
    )
    change_reason = forms.CharField(
        label=_("reason for the change"), required=False, help_text=CHANGE_REASON_HELP
    )

    class Meta:
        model = ActivityPlan
        fields = [
            "planned_on",
            "planned_start",
            "planned_end",
            "venue",
            "category",
            "topic",
            "theme",
            "aim",
            "format",
            "lead_peer",
            "assisting_peers",
            "materials",
            "warm_up_plan",
            "main_plan",
            "close_plan",
        ]
        widgets = {
            "planned_on": DateInput(),
            "planned_start": TimeInput(),
            "planned_end": TimeInput(),
            "assisting_peers": forms.CheckboxSelectMultiple(),
            "aim": forms.Textarea(attrs={"rows": 2}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "warm_up_plan": forms.Textarea(attrs={"rows": 2}),
            "main_plan": forms.Textarea(attrs={"rows": 3}),
            "close_plan": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "warm_up_plan": _("e.g. an ice-breaking game or setting-up exercises"),
            "close_plan": _("a peer or consumer sums up; a poem or a song together"),
            "assisting_peers": _("At least two peers per session: one leads, one assists."),
        }

    def __init__(self, *args, community: Community, locked: bool = False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        venues = list(community.venues.all())
        self.fields["venue"].queryset = community.venues.all()
        if len(venues) == 1 and not self.instance.pk:
            self.initial.setdefault("venue", venues[0].pk)
        # A retired topic stays valid on the plans that already use it.
        self.fields["topic"].queryset = Topic.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.topic_id)
        )
        peers = community_peers(community)
        self.fields["lead_peer"].queryset = peers
        if user is not None and user.is_peer and not self.instance.pk:
            self.initial.setdefault("lead_peer", user.person_id)
        # A library topic says its category; without one, the category is required.
        self.fields["category"].required = False
        self.fields["assisting_peers"].queryset = peers
        self.fields["assisting_peers"].required = False
        self.fields["theme"].required = False
        self.fields["theme"].help_text = _("Leave empty to use the library topic's name.")
        if not locked:
            self.fields["change_reason"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        topic = data.get("topic")
        if not data.get("theme"):
            if topic is None:
                self.add_error("theme", _("Choose a topic from the library or write one."))
            else:
                data["theme"] = topic.display_name
        if topic is not None and not data.get("category"):
            data["category"] = topic.category
        if not data.get("category"):
            self.add_error("category", _("Choose a category, or a topic from the library."))
        return data

    def plan_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name != "assisting_peers"
        }


class RecordForm(ChangeReasonMixin, forms.ModelForm):
    """Activity Process Form and Participant List on one phone page."""

    duration_confirmed = forms.BooleanField(label=_("Yes, the duration is right"), required=False)
    peers_present = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("peers present"),
    )
    staff_present = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("staff present"),
    )
    consumers = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checklist"}),
        required=False,
        label=_("consumers who attended"),
    )
    keep_walk_ins = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("walk-ins from other communities"),
    )
    walk_in_name = forms.CharField(label=_("walk-in's name"), required=False, max_length=100)
    walk_in_community = forms.CharField(
        label=_("walk-in's community"), required=False, max_length=100
    )
    walk_in_note = forms.CharField(label=_("note"), required=False, max_length=300)
    change_reason = forms.CharField(
        label=_("reason for the change"), required=False, help_text=CHANGE_REASON_HELP
    )

    class Meta:
        model = ActivityRecord
        fields = [
            "held_on",
            "started_at",
            "ended_at",
            "format",
            "theme",
            "warm_up",
            "main_activity",
            "close",
            "feedback",
            "summary",
        ]
        widgets = {
            "held_on": DateInput(),
            "started_at": TimeInput(),
            "ended_at": TimeInput(),
            "warm_up": forms.Textarea(attrs={"rows": 2}),
            "main_activity": forms.Textarea(attrs={"rows": 3}),
            "close": forms.Textarea(attrs={"rows": 2}),
            "feedback": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan: ActivityPlan, walk_ins=(), locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        community = plan.community
        record = self.instance if self.instance.pk else None
        self.fields["peers_present"].queryset = community_peers(community)
        self.fields["staff_present"].queryset = rules.staff_of(community)
        self.fields["staff_present"].label_from_instance = lambda user: user.display_name
        ticked = record.attendances.current().values("person_id") if record else []
        if plan.planned_on is None:  # back-entry: the date is typed on the same page
            enrolled = Person.objects.filter(
                enrolments__community=community,
                enrolments__role=Enrolment.Role.CONSUMER,
                enrolments__voided_at__isnull=True,
            )
        else:
            enrolled = rules.consumers_in_service(community, plan.planned_on)
            if record is not None and record.held_on != plan.planned_on:
                enrolled = enrolled | rules.consumers_in_service(community, record.held_on)
        self.fields["consumers"].queryset = (
            (
                Person.objects.filter(pk__in=enrolled.values("pk"))
                | Person.objects.filter(pk__in=ticked)
            )
            .distinct()
            .order_by("name", "pk")
        )
        self.fields["keep_walk_ins"].choices = [
            (a.pk, f"{a.walk_in_name} · {a.walk_in_community} · {a.note}") for a in walk_ins
        ]
        if not walk_ins:
            del self.fields["keep_walk_ins"]
        if not locked:
            self.fields["change_reason"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        start, end = data.get("started_at"), data.get("ended_at")
        if start and end and end <= start:
            self.add_error("ended_at", _("The end time must be after the start time."))
        return data

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def walk_in(self) -> dict:
        return {
            "name": self.cleaned_data.get("walk_in_name", "").strip(),
            "community": self.cleaned_data.get("walk_in_community", ""),
            "note": self.cleaned_data.get("walk_in_note", ""),
        }


class SessionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search topics"), required=False)
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(), required=False, label=_("community")
    )
    status = forms.ChoiceField(
        required=False,
        label=_("status"),
        choices=[
            ("", _("all")),
            ("planned", _("planned")),
            ("to_record", _("to be recorded")),
            ("recorded", _("recorded")),
        ],
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for voiding"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = [
            "category",
            "name",
            "name_en",
            "description",
            "description_en",
            "for_starters",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }
