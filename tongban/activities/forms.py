from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from tongban.core.concurrency import VersionField, current_version
from tongban.core.forms import DateInput
from tongban.core.ids import parse_id
from tongban.registry.models import Community, Enrolment, Person

from . import rules, selectors
from .models import USUAL_MINUTES, ActivityPlan, ActivityRecord, Topic


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
    """Every peer ever enrolled here: the choices a form accepts, so that the service can
    say why someone cannot take part (withdrawn on …, on leave, not a peer here). The
    forms offer fewer: see PeerChoices."""
    return Person.objects.filter(
        enrolments__community=community,
        enrolments__role=Enrolment.Role.PEER,
        enrolments__voided_at__isnull=True,
    ).distinct()


class _OfferedChoices(ModelChoiceIterator):
    """The choices shown: the field's `offered` queryset when set, else its queryset."""

    def __iter__(self):
        offered = getattr(self.field, "offered", None)
        if offered is not None:
            self.queryset = offered
        yield from super().__iter__()


class _Labelled:
    """A person's name, with a note when their status on the day matters."""

    iterator = _OfferedChoices
    notes: dict[int, str] = {}

    def label_from_instance(self, person) -> str:
        note = self.notes.get(person.pk, "")
        return f"{person.name}（{note}）" if note else person.name


class PersonChoiceField(_Labelled, forms.ModelChoiceField):
    pass


class PeopleChoiceField(_Labelled, forms.ModelMultipleChoiceField):
    pass


def _offer(field, queryset, extra_ids, standing, role, day) -> None:
    """Offer `queryset` plus the people of `extra_ids` (history needs them), with notes."""
    field.offered = (
        Person.objects.filter(Q(pk__in=queryset.values("pk")) | Q(pk__in=list(extra_ids)))
        .distinct()
        .order_by("name", "pk")
    )
    notes = {}
    for person_id, person_standing in standing.items():
        note = rules.status_note(person_standing, day)
        if note:
            notes[person_id] = note
    field.notes = notes


def _posted_ids(form, name: str) -> list[int]:
    if not form.is_bound:
        return []
    values = form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else []
    if not values:
        value = form.data.get(form.add_prefix(name))
        values = value if isinstance(value, list | tuple) else [value]
    return [pk for pk in (parse_id(str(v)) if v is not None else None for v in values) if pk]


def _posted_date(form, name: str):
    """The date typed into the bound form, or None."""
    if not form.is_bound:
        return None
    try:
        return form.fields[name].to_python(form.data.get(form.add_prefix(name)))
    except ValidationError:
        return None


def _add_errors(form, errors: dict) -> None:
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in messages:
            if target is not None and str(message) in [str(m) for m in form.errors.get(name, [])]:
                continue
            form.add_error(target, message)


def _guard_ids(form) -> None:
    """Ids posted to the form's record choices are ASCII digits of a sane length, else the
    choice is invalid: "99999999999999999999" must not reach the database (500)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):

            def check(value, original=field._check_values, field=field):
                for pk in value:
                    if parse_id(str(pk)) is None:
                        raise ValidationError(
                            field.error_messages["invalid_pk_value"],
                            code="invalid_pk_value",
                            params={"pk": pk},
                        )
                return original(value)

            field._check_values = check
        elif isinstance(field, forms.ModelChoiceField):

            def to_python(value, original=field.to_python, field=field):
                if value not in field.empty_values and parse_id(str(value)) is None:
                    raise ValidationError(
                        field.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": value},
                    )
                return original(value)

            field.to_python = to_python


class SessionFormMixin:
    """The change reason and the duration confirmation show when they are needed."""

    def show_change_reason(self) -> None:
        self.fields["change_reason"].widget = forms.TextInput()
        # Not `required`: the reason's own message says why it is needed.
        self.fields["change_reason"].marked_required = True

    def show_duration_confirmation(self) -> None:
        if "duration_confirmed" in self.fields:
            self.fields["duration_confirmed"].widget = forms.CheckboxInput()
            self.fields["duration_confirmed"].marked_required = True

    @property
    def ask_duration(self) -> bool:
        field = self.fields.get("duration_confirmed")
        return field is not None and not field.widget.is_hidden

    def _prepare_optional_fields(self, locked: bool) -> None:
        if "change_reason" in self.fields:
            if locked:
                self.show_change_reason()
            else:
                self.fields["change_reason"].widget = forms.HiddenInput()
        if "duration_confirmed" in self.fields:
            ticked = self.is_bound and self.data.get(self.add_prefix("duration_confirmed")) in (
                "on",
                "true",
                "True",
                "1",
            )
            if ticked:
                self.show_duration_confirmation()
            else:
                self.fields["duration_confirmed"].widget = forms.HiddenInput()

    def _after_errors(self) -> None:
        if "change_reason" in self.errors:
            self.show_change_reason()
        if "duration_confirmed" in self.errors:
            self.show_duration_confirmation()


# The old name, for views that call form.show_change_reason() after a service error.
ChangeReasonMixin = SessionFormMixin


def _duration_label():
    return _("Yes, the duration is right")


class PlanForm(SessionFormMixin, forms.ModelForm):
    topic = TopicChoiceField(
        queryset=Topic.objects.none(),
        required=False,
        label=_("topic from the library"),
        help_text=_("★ good first topics. Or leave empty and write your own topic below."),
    )
    lead_peer = PersonChoiceField(queryset=Person.objects.none(), label=_("lead peer"))
    assisting_peers = PeopleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("assisting peers"),
        help_text=_("At least two peers per session: one leads, one assists."),
    )
    duration_confirmed = forms.BooleanField(label=_duration_label(), required=False)
    change_reason = forms.CharField(
        label=_("reason for the change"), required=False, help_text=CHANGE_REASON_HELP
    )
    version = VersionField()

    # The confirmation sits under the times it confirms.
    field_order = ["planned_on", "planned_start", "planned_end", "duration_confirmed"]

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
            "aim": forms.Textarea(attrs={"rows": 2}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "warm_up_plan": forms.Textarea(attrs={"rows": 2}),
            "main_plan": forms.Textarea(attrs={"rows": 3}),
            "close_plan": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "warm_up_plan": _("e.g. an ice-breaking game or setting-up exercises"),
            "close_plan": _("a peer or consumer sums up; a poem or a song together"),
        }

    def __init__(
        self,
        *args,
        community: Community,
        locked: bool = False,
        user=None,
        back_entry: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.community = community
        self.locked = locked
        self.back_entry = back_entry
        # A venue no longer in use is not offered for new sessions; a plan keeps its own,
        # and paper forms typed in later may name any venue the community had.
        offered = community.venues.all()
        if not back_entry:
            offered = offered.filter(Q(in_use=True) | Q(pk=self.instance.venue_id))
        venues = list(offered)
        self.fields["venue"].queryset = offered
        if len(venues) == 1 and not self.instance.pk:
            self.initial.setdefault("venue", venues[0].pk)
        # The shared library and the community's program's own topics; a retired topic
        # stays valid on the plans that already use it.
        self.fields["topic"].queryset = selectors.topics_of(community.program).filter(
            Q(is_active=True) | Q(pk=self.instance.topic_id)
        )
        if user is not None and user.is_peer and not self.instance.pk:
            self.initial.setdefault("lead_peer", user.person_id)
        # A library topic says its category; without one, the category is required.
        self.fields["category"].required = False
        self.fields["theme"].required = False
        self.fields["theme"].help_text = _("Leave empty to use the library topic's name.")
        self.fields["planned_end"].help_text = _(
            "A session usually lasts %(low)d to %(high)d minutes."
        ) % {"low": USUAL_MINUTES[0], "high": USUAL_MINUTES[1]}
        self.fields["version"].initial = current_version(self.instance)
        self._offer_peers()
        self._prepare_optional_fields(locked)
        _guard_ids(self)

    def session_day(self):
        """The day the form is about: as typed, else the plan's, else the initial one."""
        day = _posted_date(self, "planned_on")
        if day is None and self.instance.pk:
            day = self.instance.planned_on
        if day is None and not self.back_entry:
            try:
                day = self.fields["planned_on"].to_python(self.initial.get("planned_on"))
            except ValidationError:
                day = None
            if not isinstance(day, date):
                day = None
        return day

    def _offer_peers(self) -> None:
        """Peers in service on the day are offered; a withdrawn or on-leave peer only when
        this plan already names them (or in back-entry of old paper forms), with a note."""
        peers = community_peers(self.community)
        day = self.session_day()
        standing = rules.standings(self.community, Enrolment.Role.PEER)
        history = set(_posted_ids(self, "lead_peer")) | set(_posted_ids(self, "assisting_peers"))
        if self.instance.pk:
            history |= {self.instance.lead_peer_id}
            history |= set(self.instance.assisting_peers.values_list("pk", flat=True))
        if self.back_entry or day is None:
            offered = peers
        else:
            offered = rules.peers_in_service(self.community, day)
        for name in ("lead_peer", "assisting_peers"):
            self.fields[name].queryset = peers
            _offer(self.fields[name], offered, history, standing, Enrolment.Role.PEER, day)
        self._mark_untrained(day)

    def _mark_untrained(self, day) -> None:
        """Peers in service on the day whose pre-service training is not complete are marked
        in the lead-peer choice (the service refuses them, naming the workshops missing):
        one query whatever their number."""
        if day is None:
            return
        ready = rules.peers_ready_to_lead(self.community, day)
        untrained = (
            rules.peers_in_service(self.community, day)
            .exclude(pk__in=ready.values("pk"))
            .values_list("pk", flat=True)
        )
        field = self.fields["lead_peer"]
        notes = dict(field.notes)
        for pk in untrained:
            mark = str(_("not yet trained"))
            notes[pk] = f"{notes[pk]}, {mark}" if notes.get(pk) else mark
        field.notes = notes

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
        if not data.get("category") and "category" not in self.errors:
            self.add_error("category", _("Choose a category, or a topic from the library."))
        # The service's rules, in the same round as the form's own checks.
        from . import services

        errors = services.plan_errors(
            community=self.community,
            fields={name: data.get(name) for name in self.Meta.fields if name in data},
            assisting_peers=data.get("assisting_peers") or [],
            duration_confirmed=bool(data.get("duration_confirmed")),
            change_reason=data.get("change_reason") or "",
            plan=self.instance if self.instance.pk else None,
        )
        if self.locked and not (data.get("change_reason") or "").strip():
            errors.setdefault("change_reason", [LOCKED_MESSAGE])
        _add_errors(self, errors)
        self._after_errors()
        return data

    def plan_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name != "assisting_peers"
        }


LOCKED_MESSAGE = _("This session belongs to an accepted submission: say why it must change.")

# The process form's date and times, taken from the plan on the back-entry page.
RECORD_TIMES = ("held_on", "started_at", "ended_at")


class RecordForm(SessionFormMixin, forms.ModelForm):
    """Activity Process Form and Participant List on one phone page.

    On the back-entry page (`plan_form` given) the date and times are the plan's: the
    form has no inputs for them and checks the participants against the plan's day.
    """

    duration_confirmed = forms.BooleanField(label=_duration_label(), required=False)
    peers_present = PeopleChoiceField(
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
    consumers = PeopleChoiceField(
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
    version = VersionField()

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

    def __init__(
        self,
        *args,
        plan: ActivityPlan,
        walk_ins=(),
        locked: bool = False,
        plan_form: PlanForm | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.plan_form = plan_form
        self.locked = locked
        community = plan.community
        record = self.instance if self.instance.pk else None
        self.record = record
        if plan_form is not None:
            for name in (*RECORD_TIMES, "duration_confirmed", "change_reason"):
                del self.fields[name]
            day = plan_form.session_day()
        else:
            day = _posted_date(self, "held_on") or (record.held_on if record else plan.planned_on)
        if "ended_at" in self.fields:
            self.fields["ended_at"].help_text = _(
                "A session usually lasts %(low)d to %(high)d minutes."
            ) % {"low": USUAL_MINUTES[0], "high": USUAL_MINUTES[1]}
        self.fields["version"].initial = current_version(record)
        self.fields["staff_present"].queryset = rules.staff_of(community)
        self.fields["staff_present"].label_from_instance = lambda user: user.display_name
        self._offer_peers(community, record, day)
        self._offer_consumers(community, record, day)
        self.fields["keep_walk_ins"].choices = [
            (a.pk, f"{a.walk_in_name} · {a.walk_in_community} · {a.note}") for a in walk_ins
        ]
        if not walk_ins:
            del self.fields["keep_walk_ins"]
        self._prepare_optional_fields(locked)
        _guard_ids(self)

    def _offer_peers(self, community, record, day) -> None:
        field = self.fields["peers_present"]
        field.queryset = community_peers(community)
        history = set(_posted_ids(self, "peers_present"))
        if self.plan.pk:
            history |= {self.plan.lead_peer_id}
            history |= set(self.plan.assisting_peers.values_list("pk", flat=True))
        if record is not None:
            history |= set(record.peers_present.values_list("pk", flat=True))
        offered = field.queryset if day is None else rules.peers_in_service(community, day)
        standing = rules.standings(community, Enrolment.Role.PEER)
        _offer(field, offered, history, standing, Enrolment.Role.PEER, day)

    def _offer_consumers(self, community, record, day) -> None:
        """The checklist: consumers who may attend on the day (every consumer ever enrolled
        on the back-entry page, where the service still checks each against the gate),
        those already ticked, each with the dates that matter."""
        field = self.fields["consumers"]
        field.queryset = Person.objects.filter(
            enrolments__community=community,
            enrolments__role=Enrolment.Role.CONSUMER,
            enrolments__voided_at__isnull=True,
        ).distinct()
        ticked = set(
            record.attendances.current()
            .filter(person__isnull=False)
            .values_list("person_id", flat=True)
            if record
            else []
        )
        # Consumers active on the day whom the gate stops: shown beside the checklist with
        # what they lack, never tickable (unless already ticked: the record's history).
        self.not_admitted: list[tuple[Person, list[str]]] = []
        standing = rules.standings(community, Enrolment.Role.CONSUMER)
        if self.plan_form is not None or day is None:
            offered = field.queryset
        else:
            offered = rules.consumers_in_service(community, day)
            shown = set(ticked)
            if self.plan.planned_on and self.plan.planned_on != day:
                offered = offered | rules.consumers_in_service(community, self.plan.planned_on)
                shown |= set(offered.values_list("pk", flat=True))
            stopped = rules.consumers_not_admitted(community, day)
            # The notes below ask the gate about the same people on the same day.
            rules.gate_known(standing, day, stopped)
            self.not_admitted = [(p, missing) for p, missing in stopped if p.pk not in shown]
        _offer(
            field,
            offered,
            ticked | set(_posted_ids(self, "consumers")),
            standing,
            Enrolment.Role.CONSUMER,
            day,
        )

    def clean(self):
        data = super().clean()
        from . import services

        fields = {name: data.get(name) for name in self.Meta.fields if name in data}
        if self.plan_form is not None:
            # Back-entry: one date and one pair of times, the plan's; the plan form asks
            # for the duration's confirmation and the change reason.
            self.plan_form.is_valid()
            plan_data = getattr(self.plan_form, "cleaned_data", {})
            for name, source in services.PLAN_TIMES.items():
                fields[name] = plan_data.get(source)
            lead = plan_data.get("lead_peer")
            plan_peer_ids = [p.pk for p in [lead, *(plan_data.get("assisting_peers") or [])] if p]
        else:
            plan_peer_ids = None
        errors = services.record_errors(
            plan=self.plan,
            fields=fields,
            peers_present=data.get("peers_present") or [],
            staff_present=data.get("staff_present") or [],
            consumers=data.get("consumers") or [],
            walk_in=self.walk_in(data),
            duration_confirmed=self.plan_form is not None or bool(data.get("duration_confirmed")),
            change_reason=data.get("change_reason") or "",
            record=self.record,
            plan_peer_ids=plan_peer_ids,
            check_reason=self.plan_form is None,
        )
        if self.plan_form is None and self.locked and not (data.get("change_reason") or "").strip():
            errors.setdefault("change_reason", [LOCKED_MESSAGE])
        if self.plan_form is not None:
            # Errors of the plan's date and times belong to the plan's fields.
            moved = {
                services.PLAN_TIMES[name]: errors.pop(name)
                for name in list(errors)
                if name in services.PLAN_TIMES
            }
            _add_errors(self.plan_form, moved)
        _add_errors(self, errors)
        self._after_errors()
        return data

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}

    def walk_in(self, data=None) -> dict:
        data = self.cleaned_data if data is None else data
        return {
            "name": (data.get("walk_in_name") or "").strip(),
            "community": data.get("walk_in_community") or "",
            "note": data.get("walk_in_note") or "",
        }


class SessionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search topics"), required=False)
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(),
        required=False,
        label=_("community"),
        empty_label=_("all communities"),
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
        _guard_ids(self)


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
