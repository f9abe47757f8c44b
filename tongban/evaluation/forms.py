"""Evaluation forms. Each clean() runs the service's own rules too, so one submission shows
every error; the service checks them again before it writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import scope
from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField, IdMultipleChoiceField
from tongban.core.forms import DateInput

from . import selectors, services
from .models import Answer, EvaluationRound, Interview, NotAssessedReason, Question
from .selectors import State


def _add_errors(form: forms.BaseForm, errors: dict[str, str]) -> None:
    """The service's rules, for fields whose own checks passed (one message a field)."""
    for name, message in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue
        if field is None and message in form.non_field_errors():
            continue
        form.add_error(field, message)


class CommunityChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, community) -> str:
        return community.display_name


class RoundForm(forms.Form):
    name = forms.CharField(label=_("name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("first day"), widget=DateInput())
    ends_on = forms.DateField(label=_("last day"), widget=DateInput())
    communities = CommunityChoiceField(
        label=_("communities covered"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The peers and consumers in service here on the first day are to be "
            "interviewed, and their caregivers who agreed to be contacted."
        ),
    )
    version = VersionField()

    def __init__(self, *args, user, program, evaluation_round: EvaluationRound | None = None, **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.evaluation_round = evaluation_round
        mine = scope.communities(user).order_by("started_on", "name", "pk")
        self.fields["communities"].queryset = mine
        # Covered communities outside the user's scope are kept as they are, unseen.
        self.kept: list = []
        if evaluation_round is None:
            del self.fields["version"]
            if mine.count() == 1:
                self.initial.setdefault("communities", list(mine))
            return
        covered = list(evaluation_round.communities.all())
        mine_pks = set(mine.values_list("pk", flat=True))
        self.kept = [c for c in covered if c.pk not in mine_pks]
        self.initial.update(
            {
                "name": evaluation_round.name,
                "name_en": evaluation_round.name_en,
                "starts_on": evaluation_round.starts_on,
                "ends_on": evaluation_round.ends_on,
                "communities": [c for c in covered if c.pk in mine_pks],
                "version": current_version(evaluation_round),
            }
        )

    def clean(self):
        data = super().clean()
        errors = services.round_errors(
            program=self.program,
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            communities=self.chosen_communities(),
        )
        _add_errors(self, errors)
        return data

    def chosen_communities(self) -> list:
        return [*self.cleaned_data.get("communities", []), *self.kept]

    def round_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "name_en": data["name_en"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "communities": self.chosen_communities(),
        }


class InterviewerField(IdChoiceField):
    def label_from_instance(self, user) -> str:
        return str(
            _("%(name)s (%(role)s)") % {"name": user.display_name, "role": user.get_role_display()}
        )


def question_field(question: Question) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=question.display_wording,
        choices=[*Answer.choices, ("", _("not answered"))],
        required=False,
        widget=forms.RadioSelect,
    )


class InterviewForm(forms.Form):
    """One phone page: what happened, then either the answers or why not assessed."""

    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=Interview.Outcome.choices,
        widget=forms.RadioSelect,
        initial=Interview.Outcome.INTERVIEWED,
    )
    interviewed_on = forms.DateField(label=_("interview date"), required=False, widget=DateInput())
    interviewer = InterviewerField(
        label=_("interviewer"), queryset=None, required=False, empty_label=_("choose")
    )
    not_assessed_reason = forms.ChoiceField(
        label=_("why not assessed"),
        choices=NotAssessedReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = VersionField()

    # The fields shown only for one outcome (the script hides the other part).
    INTERVIEWED_PART = ("interviewed_on", "interviewer")
    NOT_ASSESSED_PART = ("not_assessed_reason",)

    def __init__(
        self,
        *args,
        user,
        evaluation_round: EvaluationRound,
        respondent: str,
        interview: Interview | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Required for the outcome they are shown with (the service checks it).
        for name in (*self.INTERVIEWED_PART, *self.NOT_ASSESSED_PART):
            self.fields[name].marked_required = True
        self.evaluation_round = evaluation_round
        self.respondent = respondent
        self.interview = interview
        self.questions = list(selectors.questions(evaluation_round.program, respondent))
        for question in self.questions:
            self.fields[f"q_{question.code}"] = question_field(question)
        recorded = interview.interviewer if interview is not None else None
        self.fields["interviewer"].queryset = selectors.interviewers(
            evaluation_round.program, also=recorded
        )
        if interview is None:
            del self.fields["version"]
            self.initial.setdefault("interviewed_on", self._default_date())
            if self.fields["interviewer"].queryset.filter(pk=user.pk).exists():
                self.initial.setdefault("interviewer", user.pk)
            return
        given = {a.question_id: a.value for a in interview.answers.all()}
        self.initial.update(
            {
                "outcome": interview.outcome,
                "interviewed_on": interview.interviewed_on or self._default_date(),
                "interviewer": interview.interviewer_id or user.pk,
                "not_assessed_reason": interview.not_assessed_reason,
                "note": interview.note,
                "version": current_version(interview),
                **{f"q_{q.code}": given.get(q.pk, "") for q in self.questions},
            }
        )

    def _default_date(self):
        """Today, or the round's last day when it is over (paper forms typed in later)."""
        return min(timezone.localdate(), self.evaluation_round.ends_on)

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q.code}"] for q in self.questions]

    def part(self, names) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def interviewed_part(self) -> list[forms.BoundField]:
        return self.part(self.INTERVIEWED_PART)

    def not_assessed_part(self) -> list[forms.BoundField]:
        return self.part(self.NOT_ASSESSED_PART)

    def clean(self):
        data = super().clean()
        if "outcome" not in data:
            return data  # its own error says what to do first
        # Field errors already shown (a date that is not a date) are not repeated.
        errors = services.interview_errors(
            evaluation_round=self.evaluation_round,
            respondent=self.respondent,
            asked=self.questions,
            **self._service_values(data),
        )
        if "interviewed_on" in self.errors:
            errors.pop("interviewed_on", None)
        if any(f"q_{q.code}" in self.errors for q in self.questions):
            errors.pop("__all__", None)  # an answer was given, just not a valid one
        _add_errors(self, errors)
        return data

    def _service_values(self, data: dict) -> dict:
        return {
            "outcome": data.get("outcome", ""),
            "interviewed_on": data.get("interviewed_on"),
            "interviewer": data.get("interviewer"),
            "answers": {q.code: data.get(f"q_{q.code}") or "" for q in self.questions},
            "not_assessed_reason": data.get("not_assessed_reason", ""),
        }

    def interview_fields(self) -> dict:
        return {**self._service_values(self.cleaned_data), "note": self.cleaned_data["note"]}


STATE_FILTERS = [
    ("", _("everyone")),
    (State.PENDING, _("pending")),
    (State.DONE, _("interviewed")),
    (State.NOT_ASSESSED, _("not assessed")),
]


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("show"), choices=STATE_FILTERS, required=False)
