"""Training forms. Each clean() runs the service's own rules too, so one submission shows
every error; the service checks them again before it writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import scope
from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField, IdMultipleChoiceField
from tongban.core.forms import DateInput
from tongban.registry.models import Enrolment, Person, Program

from . import selectors, services
from .models import TrainingFormat, TrainingRound, TrainingSession, Workshop


def _add_errors(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
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


# Curriculum ------------------------------------------------------------------------------


class WorkshopForm(forms.Form):
    name = forms.CharField(label=_("name (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    contents = forms.CharField(
        label=_("contents (Chinese)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contents_en = forms.CharField(
        label=_("contents (English)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    formats = forms.MultipleChoiceField(
        label=_("formats"),
        choices=TrainingFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_minutes = forms.IntegerField(
        label=_("planned length (minutes)"), min_value=1, max_value=services.MAX_MINUTES
    )
    position = forms.IntegerField(
        label=_("position"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Workshops are listed in this order (the standard six are 1 to 6)."),
    )
    pre_service = forms.BooleanField(
        label=_("required before service"),
        required=False,
        help_text=_("A peer must attend every required workshop before leading a session."),
    )
    in_use = forms.BooleanField(label=_("in use"), required=False)
    version = VersionField()

    def __init__(self, *args, program: Program, workshop: Workshop | None = None, **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.workshop = workshop
        self.fields["name"].marked_required = True
        if workshop is None:
            del self.fields["version"]
            self.initial.setdefault("pre_service", True)
            self.initial.setdefault("in_use", True)
            last = Workshop.objects.for_program(program).order_by("-position").first()
            self.initial.setdefault("position", (last.position + 1) if last else 1)
        else:
            for name in services.WORKSHOP_FIELDS:
                self.initial.setdefault(name, getattr(workshop, name))
            self.initial["version"] = current_version(workshop)

    def clean(self):
        data = super().clean()
        _add_errors(
            self,
            services.workshop_errors(program=self.program, fields=data, workshop=self.workshop),
        )
        return data

    def workshop_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.WORKSHOP_FIELDS}


# Rounds ----------------------------------------------------------------------------------


class CommunityChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, community) -> str:
        return community.display_name


class TrainerChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return str(
            _("%(name)s (%(role)s)") % {"name": user.display_name, "role": user.get_role_display()}
        )


class PeopleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, person) -> str:
        return person.name


def program_peers(user, program: Program):
    """Peers of the program the user may see (the co-presenting choices)."""
    enrolled = Enrolment.objects.current().filter(
        role=Enrolment.Role.PEER, community__in=scope.communities(user)
    )
    return Person.objects.filter(program=program, pk__in=enrolled.values("person_id")).order_by(
        "name", "pk"
    )


class RoundForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=TrainingRound.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("name (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("first day"), widget=DateInput())
    ends_on = forms.DateField(label=_("last day"), widget=DateInput())
    communities = CommunityChoiceField(
        label=_("communities"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their peers are told when a session is added and appear on the lists."),
    )
    trainers = TrainerChoiceField(
        label=_("trainers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    co_presenters = PeopleChoiceField(
        label=_("experienced peers co-presenting"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = VersionField()

    def __init__(self, *args, user, program: Program, training_round=None, kind: str = "", **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.training_round = training_round
        self.fields["name"].marked_required = True
        mine = scope.communities(user).order_by("started_on", "name", "pk")
        self.fields["communities"].queryset = mine
        self.fields["trainers"].queryset = services.trainers_of(program)
        peers = program_peers(user, program)
        self.fields["co_presenters"].queryset = peers
        # Communities and co-presenters outside the user's scope stay as they are, unseen.
        self.kept_communities: list = []
        self.kept_presenters: list = []
        if training_round is None:
            del self.fields["version"]
            self.initial.setdefault("kind", kind or TrainingRound.Kind.PRE_SERVICE)
            if mine.count() == 1:
                self.initial.setdefault("communities", list(mine))
            return
        covered = list(training_round.communities.all())
        mine_pks = set(mine.values_list("pk", flat=True))
        self.kept_communities = [c for c in covered if c.pk not in mine_pks]
        presenters = list(training_round.co_presenters.all())
        peer_pks = set(peers.filter(pk__in=[p.pk for p in presenters]).values_list("pk", flat=True))
        self.kept_presenters = [p for p in presenters if p.pk not in peer_pks]
        self.initial.update(
            {
                "kind": training_round.kind,
                "name": training_round.name,
                "name_en": training_round.name_en,
                "starts_on": training_round.starts_on,
                "ends_on": training_round.ends_on,
                "communities": [c for c in covered if c.pk in mine_pks],
                "trainers": list(training_round.trainers.all()),
                "co_presenters": [p for p in presenters if p.pk in peer_pks],
                "notes": training_round.notes,
                "version": current_version(training_round),
            }
        )

    @property
    def kept(self) -> list:
        return self.kept_communities

    def clean(self):
        data = super().clean()
        errors = services.round_errors(
            program=self.program,
            kind=data.get("kind"),
            name=data.get("name", ""),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            communities=self.chosen_communities(),
            trainers=data.get("trainers") or [],
            co_presenters=self.chosen_presenters(),
            training_round=self.training_round,
        )
        _add_errors(self, errors)
        return data

    def chosen_communities(self) -> list:
        return [*self.cleaned_data.get("communities", []), *self.kept_communities]

    def chosen_presenters(self) -> list:
        return [*self.cleaned_data.get("co_presenters", []), *self.kept_presenters]

    def round_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "name_en": data["name_en"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "communities": self.chosen_communities(),
            "trainers": list(data["trainers"]),
            "co_presenters": self.chosen_presenters(),
            "notes": data["notes"],
        }


# Sessions --------------------------------------------------------------------------------


class WorkshopChoiceField(IdChoiceField):
    def label_from_instance(self, workshop) -> str:
        return workshop.display_name


class SessionForm(forms.Form):
    workshop = WorkshopChoiceField(
        label=_("workshop"), queryset=None, required=False, empty_label=_("choose")
    )
    topic = forms.CharField(
        label=_("topic"),
        max_length=200,
        required=False,
        help_text=_("Continuing training: a topic outside the curriculum, instead of a workshop."),
    )
    held_on = forms.DateField(label=_("date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("start time"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("end time"), required=False, widget=TimeInput())
    make_up = forms.BooleanField(
        label=_("make-up session"),
        required=False,
        help_text=_(
            "A repeat of the workshop for peers who missed it: it counts exactly like the original."
        ),
    )
    version = VersionField()

    def __init__(self, *args, training_round: TrainingRound, session=None, **kw):
        super().__init__(*args, **kw)
        self.training_round = training_round
        self.session = session
        offered = Workshop.objects.for_program(training_round.program)
        keep = session.workshop_id if session is not None else None
        from django.db.models import Q

        self.fields["workshop"].queryset = offered.filter(Q(in_use=True) | Q(pk=keep))
        if training_round.kind == TrainingRound.Kind.PRE_SERVICE:
            del self.fields["topic"]
            self.fields["workshop"].required = True
        if session is None:
            del self.fields["version"]
            today = timezone.localdate()
            start = training_round.starts_on
            self.initial.setdefault("held_on", min(max(today, start), training_round.ends_on))
            return
        self.initial.update(
            {
                "workshop": session.workshop_id,
                "topic": session.topic,
                "held_on": session.held_on,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "make_up": session.make_up,
                "version": current_version(session),
            }
        )

    def clean(self):
        data = super().clean()
        errors = services.session_errors(
            training_round=self.training_round,
            workshop=data.get("workshop"),
            topic=data.get("topic", ""),
            held_on=data.get("held_on"),
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            make_up=bool(data.get("make_up")),
            session=self.session,
        )
        if "workshop" in self.errors:
            errors.pop("workshop", None)
            errors.pop("topic", None)
        for name in ("starts_at", "ends_at"):
            if name in self.errors:
                errors.pop("starts_at", None)
                errors.pop("ends_at", None)
        _add_errors(self, errors)
        return data

    def session_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "workshop": data.get("workshop"),
            "topic": data.get("topic", ""),
            "held_on": data["held_on"],
            "starts_at": data.get("starts_at"),
            "ends_at": data.get("ends_at"),
            "make_up": bool(data.get("make_up")),
        }


# Attendance ------------------------------------------------------------------------------


class AttendanceForm(forms.Form):
    people = PeopleChoiceField(
        label=_("peers who attended"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checklist"}),
    )
    reason = forms.CharField(
        label=_("reason, if you untick someone"),
        required=False,
        max_length=500,
        help_text=_("Kept with the removed record (e.g. entered by mistake)."),
    )

    def __init__(self, *args, session: TrainingSession, user, **kw):
        super().__init__(*args, **kw)
        self.session = session
        self.choices = list(selectors.checklist_people(session, user))
        pks = [p.pk for p in self.choices]
        self.fields["people"].queryset = Person.objects.filter(pk__in=pks).order_by("name", "pk")
        self.allowed_ids = set(pks)
        attending = {a.person_id for a in selectors.session_attendance(session, user)}
        self.initial.setdefault("people", [pk for pk in pks if pk in attending])

    def clean(self):
        data = super().clean()
        errors = services.attendance_errors(
            session=self.session,
            people=data.get("people") or [],
            allowed_ids=self.allowed_ids,
            today=timezone.localdate(),
        )
        _add_errors(self, errors)
        return data
