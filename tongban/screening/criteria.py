"""Judging an assessment's findings against one version of the criteria.

Pure functions: the same findings and the same criteria version always give the same
judgement, so a past assessment keeps its result whatever later versions say. Each
criterion passes, fails or is not known yet, with the reason in words
("63 岁，超过 60 岁上限").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tongban.registry.models import Diagnosis

from .models import Answer, AssessmentResult, Criteria


@dataclass(frozen=True)
class Finding:
    code: str
    label: str
    # True passes, False fails, None not known yet.
    passed: bool | None
    reason: str


@dataclass(frozen=True)
class Judgement:
    findings: list[Finding] = field(default_factory=list)

    @property
    def result(self) -> str:
        if any(f.passed is False for f in self.findings):
            return AssessmentResult.NOT_ELIGIBLE
        if any(f.passed is None for f in self.findings):
            return AssessmentResult.INCOMPLETE
        return AssessmentResult.ELIGIBLE

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.passed is False]

    @property
    def unknown(self) -> list[Finding]:
        return [f for f in self.findings if f.passed is None]

    def failed_in_words(self) -> str:
        """The failed criteria's reasons, for a screened-out candidate's list entry."""
        return _("; ").join(f.reason for f in self.failed)


def _diagnosis_label(value: str) -> str:
    return str(Diagnosis(value).label) if value in Diagnosis.values else value


def _yes_no(
    code: str, label: str, answer: str, *, passes_on: str, fail_reason: str, pass_reason: str
) -> Finding:
    if answer == Answer.UNKNOWN or not answer:
        return Finding(code, label, None, _("not known yet"))
    if answer == passes_on:
        return Finding(code, label, True, pass_reason)
    return Finding(code, label, False, fail_reason)


def judge(criteria: Criteria, findings: dict) -> Judgement:
    """Judge `findings` (an assessment's fields by name; see Assessment) against `criteria`.

    Keys: diagnosis, age, stable_months, adherence_patient, adherence_family, insight,
    substance_abuse, severe_medical_illness, psp_score, extra_answers.
    """
    out: list[Finding] = []

    diagnosis = findings.get("diagnosis") or ""
    accepted = _(", ").join(_diagnosis_label(d) for d in criteria.diagnoses)
    label = _("diagnosis")
    if not diagnosis:
        out.append(Finding("diagnosis", label, None, _("no diagnosis from the medical record yet")))
    elif diagnosis in criteria.diagnoses:
        out.append(
            Finding(
                "diagnosis",
                label,
                True,
                _("%(diagnosis)s, accepted") % {"diagnosis": _diagnosis_label(diagnosis)},
            )
        )
    else:
        out.append(
            Finding(
                "diagnosis",
                label,
                False,
                _("%(diagnosis)s, not an accepted diagnosis (%(accepted)s)")
                % {"diagnosis": _diagnosis_label(diagnosis), "accepted": accepted},
            )
        )

    age = findings.get("age")
    label = _("age")
    values = {"age": age, "min": criteria.min_age, "max": criteria.max_age}
    if age is None:
        out.append(Finding("age", label, None, _("age not known: record the date of birth")))
    elif age < criteria.min_age:
        out.append(
            Finding(
                "age",
                label,
                False,
                _("%(age)s years old, below the lower limit of %(min)s") % values,
            )
        )
    elif age > criteria.max_age:
        out.append(
            Finding(
                "age",
                label,
                False,
                _("%(age)s years old, above the upper limit of %(max)s") % values,
            )
        )
    else:
        out.append(
            Finding("age", label, True, _("%(age)s years old, within %(min)s-%(max)s") % values)
        )

    months = findings.get("stable_months")
    label = _("months stable")
    values = {"months": months, "min": criteria.min_stable_months}
    if months is None:
        out.append(Finding("stable_months", label, None, _("not known yet")))
    elif months < criteria.min_stable_months:
        out.append(
            Finding(
                "stable_months",
                label,
                False,
                _("stable %(months)s months, fewer than the %(min)s required") % values,
            )
        )
    else:
        out.append(
            Finding(
                "stable_months",
                label,
                True,
                _("stable %(months)s months (at least %(min)s)") % values,
            )
        )

    if criteria.require_adherence:
        patient = findings.get("adherence_patient") or Answer.UNKNOWN
        family = findings.get("adherence_family") or Answer.UNKNOWN
        label = _("medication adherence")
        if Answer.NO in (patient, family):
            who = []
            if patient == Answer.NO:
                who.append(_("patient's report"))
            if family == Answer.NO:
                who.append(_("family's report"))
            out.append(
                Finding(
                    "adherence",
                    label,
                    False,
                    _("not adherent by the %(who)s")
                    % {"who": _(" and the ").join(str(w) for w in who)},
                )
            )
        elif Answer.UNKNOWN in (patient, family):
            missing = _("patient's report") if patient == Answer.UNKNOWN else _("family's report")
            out.append(
                Finding(
                    "adherence", label, None, _("%(missing)s not known yet") % {"missing": missing}
                )
            )
        else:
            out.append(
                Finding(
                    "adherence", label, True, _("adherent by the patient's and the family's report")
                )
            )

    if criteria.require_insight:
        out.append(
            _yes_no(
                "insight",
                _("insight"),
                findings.get("insight") or "",
                passes_on=Answer.YES,
                fail_reason=_("no insight into the illness"),
                pass_reason=_("has insight into the illness"),
            )
        )
    if criteria.exclude_substance_abuse:
        out.append(
            _yes_no(
                "substance_abuse",
                _("drug or alcohol abuse"),
                findings.get("substance_abuse") or "",
                passes_on=Answer.NO,
                fail_reason=_("drug or alcohol abuse"),
                pass_reason=_("no drug or alcohol abuse"),
            )
        )
    if criteria.exclude_severe_medical_illness:
        out.append(
            _yes_no(
                "severe_medical_illness",
                _("severe medical illness"),
                findings.get("severe_medical_illness") or "",
                passes_on=Answer.NO,
                fail_reason=_("severe medical illness"),
                pass_reason=_("no severe medical illness"),
            )
        )

    if criteria.min_psp is not None:
        score = findings.get("psp_score")
        label = _("PSP score")
        values = {"score": score, "min": criteria.min_psp}
        if score is None:
            out.append(Finding("psp", label, None, _("PSP not scored yet")))
        elif score < criteria.min_psp:
            out.append(
                Finding(
                    "psp", label, False, _("PSP %(score)s, below the required %(min)s") % values
                )
            )
        else:
            out.append(Finding("psp", label, True, _("PSP %(score)s (at least %(min)s)") % values))

    answers = findings.get("extra_answers") or {}
    for extra in criteria.extra:
        from tongban.core.models import bilingual

        label = bilingual(extra.get("label", ""), extra.get("label_en", ""))
        out.append(
            _yes_no(
                f"extra:{extra['code']}",
                label,
                answers.get(extra["code"], ""),
                passes_on=Answer.YES,
                fail_reason=_("%(criterion)s: no") % {"criterion": label},
                pass_reason=_("%(criterion)s: yes") % {"criterion": label},
            )
        )
    return Judgement(out)


def judge_assessment(assessment) -> Judgement:
    """The judgement of a saved assessment under the criteria version it was made with."""
    names = (
        "diagnosis",
        "age",
        "stable_months",
        "adherence_patient",
        "adherence_family",
        "insight",
        "substance_abuse",
        "severe_medical_illness",
        "psp_score",
        "extra_answers",
    )
    return judge(assessment.criteria, {name: getattr(assessment, name) for name in names})
