"""Forms of the candidate, assessment and criteria pages. Each clean() runs the service's
own rules too, so one submission shows every error; the service checks them again before
it writes."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import scope
from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField
from tongban.core.forms import DateInput
from tongban.core.models import bilingual
from tongban.registry import selectors as registry_selectors
from tongban.registry.forms import PersonForm
from tongban.registry.models import Diagnosis, Enrolment, Person

from . import criteria as judging
from . import selectors, services
from .models import Answer, Assessment, Candidate, Criteria, Source, Stage

Role = Enrolment.Role


def _label(model, name: str) -> str:
    return model._meta.get_field(name).verbose_name


def _add_errors(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
    """The service's rules, for fields whose own checks passed (no message twice)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue
        for message in messages:
            if field is None and message in form.non_field_errors():
                continue
            form.add_error(field, message)


def apply_to_forms(error: ValidationError, *forms_: forms.BaseForm) -> None:
    """A service's refusal next to the field it names, on whichever form has that field;
    anything else at the top of the first form."""
    if not hasattr(error, "error_dict"):
        forms_[0].add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        owner = next((f for f in forms_ if name in f.fields), None)
        if owner is None:
            forms_[0].add_error(None, errors)
        else:
            owner.add_error(name, errors)


# --- Candidate list filters ------------------------------------------------------------------


class CandidateFilterForm(forms.Form):
    q = forms.CharField(label=_("name"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("stage"), required=False, choices=[("", _("all stages")), *Stage.choices]
    )
    role = forms.ChoiceField(
        label=_("considered for"), required=False, choices=[("", _("both roles")), *Role.choices]
    )
    community = IdChoiceField(
        label=_("community"), queryset=None, required=False, empty_label=_("all communities")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = scope.communities(user).order_by("started_on", "name")


# --- Intake ----------------------------------------------------------------------------------


class CandidatePersonForm(PersonForm):
    """A new person who comes in as a candidate: what the doctor knows at intake."""

    class Meta(PersonForm.Meta):
        fields = ["name", "sex", "date_of_birth", "diagnosis", "phone", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].help_text = _(
            "The psychiatrist judges the age on the assessment date from it."
        )
        self.fields["diagnosis"].help_text = _(
            "As far as known; the psychiatrist takes it from the medical record."
        )

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DoctorField(IdChoiceField):
    def label_from_instance(self, user) -> str:
        places = ", ".join(c.display_name for c in user.communities.all())
        return f"{user.display_name} ({places})" if places else user.display_name


class CandidateForm(forms.Form):
    role = forms.ChoiceField(
        label=_label(Candidate, "role"), choices=Role.choices, widget=forms.RadioSelect
    )
    community = IdChoiceField(label=_("community"), queryset=None)
    source = forms.ChoiceField(
        label=_label(Candidate, "source"),
        choices=Source.choices,
        widget=forms.RadioSelect,
        help_text=_("Peers are recommended by a community doctor."),
    )
    recommended_by = DoctorField(
        label=_label(Candidate, "recommended_by"),
        queryset=None,
        required=False,
        help_text=_("The community doctor who recommended or referred them."),
    )
    recommended_on = forms.DateField(label=_label(Candidate, "recommended_on"), widget=DateInput())
    reason = forms.CharField(
        label=_label(Candidate, "reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    practical_skills = forms.CharField(
        label=_label(Candidate, "practical_skills"), required=False, max_length=300
    )

    def __init__(self, *args, user, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        communities = registry_selectors.open_communities(user).order_by("started_on", "name")
        self.fields["community"].queryset = communities
        self.fields["community"].empty_label = _("Choose a community")
        doctors = selectors.doctors(communities)
        self.fields["recommended_by"].queryset = doctors
        self.fields["recommended_by"].empty_label = _("nobody (came on their own)")
        self.fields["recommended_by"].marked_required = True
        self.initial.setdefault("recommended_on", timezone.localdate())
        if len(communities) == 1:
            self.initial.setdefault("community", communities[0].pk)
        if doctors.filter(pk=user.pk).exists():
            self.initial.setdefault("recommended_by", user.pk)
            self.initial.setdefault("source", Source.DOCTOR_RECOMMENDATION)

    def clean_recommended_on(self):
        day = self.cleaned_data["recommended_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self):
        data = super().clean()
        community, doctor = data.get("community"), self.doctor()
        if (
            community is not None
            and doctor is not None
            and not doctor.communities.filter(pk=community.pk).exists()
        ):
            self.add_error(
                "recommended_by", _("This doctor does not work in the chosen community.")
            )
        if community is None or not data.get("role") or not data.get("source"):
            return data
        person = self.person or Person(program=community.program)
        errors = services.candidate_errors(
            person=person,
            community=community,
            role=data["role"],
            source=data["source"],
            recommended_by=doctor,
        )
        _add_errors(self, errors)
        return data

    def doctor(self):
        """The recommending doctor, only for a doctor's recommendation."""
        if self.cleaned_data.get("source") != Source.DOCTOR_RECOMMENDATION:
            return None
        return self.cleaned_data.get("recommended_by")

    def candidate_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "community": data["community"],
            "role": data["role"],
            "source": data["source"],
            "recommended_by": self.doctor(),
            "recommended_on": data["recommended_on"],
            "reason": data["reason"],
            "practical_skills": data["practical_skills"],
        }


class EnrolForm(forms.Form):
    started_on = forms.DateField(label=_("start date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("started_on", timezone.localdate())

    def clean_started_on(self):
        day = self.cleaned_data["started_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The start date cannot be in the future."))
        return day


class CloseForm(forms.Form):
    on = forms.DateField(label=_("closed on"), widget=DateInput())
    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: declined to take part, moved away."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


# --- Assessment ------------------------------------------------------------------------------


ANSWER_FIELDS = (
    "adherence_patient",
    "adherence_family",
    "insight",
    "substance_abuse",
    "severe_medical_illness",
)


def answer_field(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Answer.choices,
        required=False,
        widget=forms.RadioSelect,
        initial=Answer.UNKNOWN,
        help_text=help_text,
    )


class AssessmentForm(forms.Form):
    """One phone page with every criterion of one criteria version (the current one for a
    new assessment, the assessment's own when it is corrected)."""

    assessed_on = forms.DateField(label=_label(Assessment, "assessed_on"), widget=DateInput())
    diagnosis = forms.ChoiceField(
        label=_label(Assessment, "diagnosis"),
        choices=[*Diagnosis.choices, ("", _("not known yet"))],
        required=False,
        widget=forms.RadioSelect,
    )
    medical_record = forms.CharField(
        label=_label(Assessment, "medical_record"),
        required=False,
        max_length=200,
        help_text=_("The community doctor or hospital the record came from."),
    )
    age = forms.IntegerField(
        label=_label(Assessment, "age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("The date of birth is not recorded: give the age the person says."),
    )
    stable_months = forms.IntegerField(
        label=_label(Assessment, "stable_months"), required=False, min_value=0, max_value=1200
    )
    adherence_patient = answer_field(_label(Assessment, "adherence_patient"))
    adherence_family = answer_field(_label(Assessment, "adherence_family"))
    insight = answer_field(_label(Assessment, "insight"))
    substance_abuse = answer_field(_label(Assessment, "substance_abuse"))
    severe_medical_illness = answer_field(_label(Assessment, "severe_medical_illness"))
    psp_score = forms.IntegerField(
        label=_label(Assessment, "psp_score"), required=False, min_value=0, max_value=100
    )
    compassionate = forms.BooleanField(label=_label(Assessment, "compassionate"), required=False)
    practical_skills = forms.CharField(
        label=_label(Assessment, "practical_skills"), required=False, max_length=300
    )
    note = forms.CharField(
        label=_label(Assessment, "note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    overridden = forms.BooleanField(
        label=_("Override the failed result: the candidate is eligible nevertheless"),
        required=False,
    )
    override_justification = forms.CharField(
        label=_label(Assessment, "override_justification"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with an override; it shows wherever the result shows."),
    )
    version = VersionField()

    def __init__(
        self,
        *args,
        candidate: Candidate,
        criteria: Criteria,
        assessment: Assessment | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.criteria = criteria
        self.assessment = assessment
        self.born = candidate.person.date_of_birth
        self.fields["override_justification"].marked_required = True
        # Only the criteria this version has; the rest keep what is stored.
        dropped = []
        if self.born is not None:
            dropped.append("age")
        if not criteria.require_adherence:
            dropped += ["adherence_patient", "adherence_family"]
        if not criteria.require_insight:
            dropped.append("insight")
        if not criteria.exclude_substance_abuse:
            dropped.append("substance_abuse")
        if not criteria.exclude_severe_medical_illness:
            dropped.append("severe_medical_illness")
        if criteria.min_psp is None:
            dropped.append("psp_score")
        if candidate.role != Role.PEER:
            dropped += ["compassionate", "practical_skills"]
        for name in dropped:
            del self.fields[name]
        self.extras = list(criteria.extra)
        for index, extra in enumerate(self.extras):
            label = bilingual(extra.get("label", ""), extra.get("label_en", ""))
            self.fields[f"extra_{index}"] = answer_field(label)
        if assessment is None:
            del self.fields["version"]
            self.initial.setdefault("assessed_on", timezone.localdate())
            self.initial.setdefault("diagnosis", candidate.person.diagnosis)
            self.initial.setdefault("practical_skills", candidate.practical_skills)
            return
        answers = assessment.extra_answers or {}
        self.initial.update(
            {
                "assessed_on": assessment.assessed_on,
                **{name: getattr(assessment, name) for name in services.FINDING_FIELDS},
                "overridden": assessment.overridden,
                "override_justification": assessment.override_justification,
                "version": current_version(assessment),
                **{
                    f"extra_{i}": answers.get(extra["code"], Answer.UNKNOWN)
                    for i, extra in enumerate(self.extras)
                },
            }
        )

    # Groups of fields, for the template.
    def part(self, *names: str) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    def record_part(self):
        return self.part("assessed_on", "diagnosis", "medical_record", "age", "stable_months")

    def answers_part(self):
        return self.part(
            "adherence_patient",
            "adherence_family",
            "insight",
            "substance_abuse",
            "severe_medical_illness",
            "psp_score",
        )

    def preferred_part(self):
        return self.part("compassionate", "practical_skills")

    def extra_part(self):
        return self.part(*(f"extra_{i}" for i in range(len(self.extras))))

    def override_part(self):
        return self.part("overridden", "override_justification")

    def age_on(self, day) -> int | None:
        return self.candidate.person.age_on(day) if day else None

    @property
    def shown_age(self) -> int | None:
        """The age on the date the form shows (as typed, when it is a date)."""
        value = self["assessed_on"].value()
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return None
        return self.age_on(value)

    def _fields(self, data: dict[str, Any]) -> dict[str, Any]:
        stored = self.assessment
        found: dict[str, Any] = {}
        for name in services.FINDING_FIELDS:
            if name == "extra_answers":
                continue
            if name in self.fields:
                value = data.get(name)
                if name in ANSWER_FIELDS:
                    value = value or Answer.UNKNOWN
                found[name] = value
            else:
                found[name] = getattr(stored, name) if stored is not None else None
        found["extra_answers"] = {
            extra["code"]: data.get(f"extra_{i}") or Answer.UNKNOWN
            for i, extra in enumerate(self.extras)
        }
        return found

    def judgement(self, data: dict[str, Any] | None = None) -> judging.Judgement:
        data = self.cleaned_data if data is None else data
        day = data.get("assessed_on") or timezone.localdate()
        findings = self._fields(data)
        age = self.age_on(day)
        if age is not None:
            findings["age"] = age
        return judging.judge(self.criteria, findings)

    def clean(self):
        data = super().clean()
        overridden = bool(data.get("overridden"))
        errors = services.assessment_errors(
            candidate=self.candidate,
            assessed_on=data.get("assessed_on"),
            fields=self._fields(data),
            overridden=overridden,
            override_justification=data.get("override_justification") or "",
            result=self.judgement(data).result if overridden else None,
        )
        _add_errors(self, errors)
        return data

    def assessment_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "assessed_on": data["assessed_on"],
            "fields": self._fields(data),
            "overridden": bool(data.get("overridden")),
            "override_justification": data.get("override_justification") or "",
        }


# --- Criteria --------------------------------------------------------------------------------

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
BLANK_ROWS = 3


class CriteriaForm(forms.Form):
    """The project manager's edit of one role's criteria: prefilled from the version in
    force, carrying that version's number; saving makes the next version."""

    diagnoses = forms.MultipleChoiceField(
        label=_label(Criteria, "diagnoses"),
        choices=Diagnosis.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    min_age = forms.IntegerField(label=_label(Criteria, "min_age"), min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_label(Criteria, "max_age"), min_value=0, max_value=120)
    min_stable_months = forms.IntegerField(
        label=_label(Criteria, "min_stable_months"), min_value=0, max_value=600
    )
    require_adherence = forms.BooleanField(
        label=_label(Criteria, "require_adherence"), required=False
    )
    require_insight = forms.BooleanField(label=_label(Criteria, "require_insight"), required=False)
    exclude_substance_abuse = forms.BooleanField(
        label=_label(Criteria, "exclude_substance_abuse"), required=False
    )
    exclude_severe_medical_illness = forms.BooleanField(
        label=_label(Criteria, "exclude_severe_medical_illness"), required=False
    )
    min_psp = forms.IntegerField(
        label=_label(Criteria, "min_psp"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty: PSP not required. The paper's “more than 50” is 51."),
    )
    preferred_qualities = forms.CharField(
        label=_label(Criteria, "preferred_qualities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    preferred_qualities_en = forms.CharField(
        label=_label(Criteria, "preferred_qualities_en"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_label(Criteria, "note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new version, for whoever reads its assessments later."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**15)

    def __init__(self, *args, current: Criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.rows = len(current.extra) + BLANK_ROWS
        for i in range(self.rows):
            self.fields[f"extra_code_{i}"] = forms.CharField(
                label=_("code"), required=False, max_length=30
            )
            self.fields[f"extra_label_{i}"] = forms.CharField(
                label=_("wording (Chinese)"), required=False, max_length=300
            )
            self.fields[f"extra_label_en_{i}"] = forms.CharField(
                label=_("wording (English)"), required=False, max_length=300
            )
            if i < len(current.extra):
                self.fields[f"extra_remove_{i}"] = forms.BooleanField(
                    label=_("remove this criterion"), required=False
                )
        self.initial.update(
            {name: getattr(current, name) for name in services.CRITERIA_FIELDS if name != "extra"}
        )
        self.initial["version"] = current.version
        for i, extra in enumerate(current.extra):
            self.initial[f"extra_code_{i}"] = extra.get("code", "")
            self.initial[f"extra_label_{i}"] = extra.get("label", "")
            self.initial[f"extra_label_en_{i}"] = extra.get("label_en", "")

    def rule_part(self):
        names = [
            "diagnoses",
            "min_age",
            "max_age",
            "min_stable_months",
            "require_adherence",
            "require_insight",
            "exclude_substance_abuse",
            "exclude_severe_medical_illness",
            "min_psp",
        ]
        return [self[name] for name in names]

    def extra_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "index": i,
                "existing": i < len(self.current.extra),
                "code": self[f"extra_code_{i}"],
                "label": self[f"extra_label_{i}"],
                "label_en": self[f"extra_label_en_{i}"],
                "remove": self[f"extra_remove_{i}"] if f"extra_remove_{i}" in self.fields else None,
            }
            for i in range(self.rows)
        ]

    def _extra(self, data: dict[str, Any]) -> list[dict[str, str]]:
        """The additional criteria kept or added, in order; blank rows are skipped."""
        found: list[dict[str, str]] = []
        seen: set[str] = set()
        for i in range(self.rows):
            if data.get(f"extra_remove_{i}"):
                continue
            code = (data.get(f"extra_code_{i}") or "").strip()
            label = (data.get(f"extra_label_{i}") or "").strip()
            label_en = (data.get(f"extra_label_en_{i}") or "").strip()
            if not (code or label or label_en):
                continue
            if not code:
                self.add_error(f"extra_code_{i}", _("Give a short code, e.g. lives_nearby."))
            elif not CODE_RE.match(code):
                self.add_error(
                    f"extra_code_{i}",
                    _("Use small Latin letters, digits and _, starting with a letter."),
                )
            elif code in seen:
                self.add_error(f"extra_code_{i}", _("Another criterion has this code."))
            seen.add(code)
            if not label:
                self.add_error(f"extra_label_{i}", _("Give the wording in Chinese."))
            found.append({"code": code, "label": label, "label_en": label_en})
        return found

    def clean(self):
        data = super().clean()
        self.extra = self._extra(data)
        if not data.get("diagnoses") and "diagnoses" not in self.errors:
            self.add_error("diagnoses", _("Choose at least one accepted diagnosis."))
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The oldest age cannot be below the youngest."))
        return data

    def criteria_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in services.CRITERIA_FIELDS if name != "extra"}
        # In the choices' order, so that the same set reads as "nothing changed".
        fields["diagnoses"] = [d for d in Diagnosis.values if d in data["diagnoses"]]
        fields["preferred_qualities"] = data["preferred_qualities"].strip()
        fields["preferred_qualities_en"] = data["preferred_qualities_en"].strip()
        fields["extra"] = self.extra
        return fields


def service_errors_to_form(form: forms.BaseForm, error: ValidationError) -> None:
    """Criteria errors keyed "extra" belong to the rows: shown at the top of the form."""
    if hasattr(error, "error_dict") and "extra" in error.error_dict:
        messages = error.error_dict.pop("extra")
        error.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(messages)
    apply_to_forms(error, form)


__all__ = [
    "AssessmentForm",
    "CandidateFilterForm",
    "CandidateForm",
    "CandidatePersonForm",
    "CloseForm",
    "CriteriaForm",
    "EnrolForm",
    "apply_to_forms",
]
