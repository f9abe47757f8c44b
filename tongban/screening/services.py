"""Writes for screening and consent. Each runs in one transaction and raises
ValidationError({field: message}) with every error at once: nothing is half-saved. Edits
take the version the form was opened on (tongban.core.concurrency)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongban.activities.models import Category
from tongban.core.concurrency import check_version
from tongban.core.models import assign_changes
from tongban.registry import services as registry_services
from tongban.registry.models import Community, Enrolment, EnrolmentStatusChange, Person, Program

from . import criteria as judging
from . import gate
from .models import (
    REQUIRED_CONSENTS,
    Answer,
    Assessment,
    AssessmentResult,
    Candidate,
    Consent,
    ConsentDocument,
    Criteria,
    NeedsInterview,
    NeedsInterviewCategory,
    Source,
    Stage,
)
from .standard import PAPER_CRITERIA, PAPER_DOCUMENTS

Errors = dict[str, list[str]]

CRITERIA_FIELDS = (
    "diagnoses",
    "min_age",
    "max_age",
    "min_stable_months",
    "require_adherence",
    "require_insight",
    "exclude_substance_abuse",
    "exclude_severe_medical_illness",
    "min_psp",
    "preferred_qualities",
    "preferred_qualities_en",
    "extra",
)
FINDING_FIELDS = (
    "diagnosis",
    "medical_record",
    "age",
    "stable_months",
    "adherence_patient",
    "adherence_family",
    "insight",
    "substance_abuse",
    "severe_medical_illness",
    "psp_score",
    "compassionate",
    "practical_skills",
    "extra_answers",
    "note",
)


def _add(errors: Errors, field: str | None, message: str) -> None:
    errors.setdefault(field or NON_FIELD_ERRORS, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _today() -> date:
    return timezone.localdate()


# --- Criteria --------------------------------------------------------------------------------


@transaction.atomic
def criteria_current(*, program: Program, role: str) -> Criteria:
    """The program's criteria in force for `role`; version 1 is the paper's, made when
    first asked for."""
    # Lock the program so two first requests make one version 1.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    found = Criteria.objects.latest_for(program, role)
    if found is None:
        found = Criteria.objects.create(
            program=program, role=role, version=1, **PAPER_CRITERIA[role]
        )
    return found


def criteria_errors(fields: dict[str, Any]) -> Errors:
    errors: Errors = {}
    if not fields.get("diagnoses"):
        _add(errors, "diagnoses", _("Choose at least one accepted diagnosis."))
    low, high = fields.get("min_age"), fields.get("max_age")
    if low is not None and high is not None and low > high:
        _add(errors, "max_age", _("The oldest age cannot be below the youngest."))
    psp = fields.get("min_psp")
    if psp is not None and not 0 <= psp <= 100:
        _add(errors, "min_psp", _("A PSP score is between 0 and 100."))
    codes = [extra.get("code") for extra in fields.get("extra") or []]
    if any(not code for code in codes) or len(set(codes)) != len(codes):
        _add(errors, "extra", _("Each additional criterion needs its own code."))
    if any(not (extra.get("label") or "").strip() for extra in fields.get("extra") or []):
        _add(errors, "extra", _("Each additional criterion needs its wording in Chinese."))
    return errors


@transaction.atomic
def criteria_revise(
    *, program: Program, role: str, by, version: int, fields: dict[str, Any], note: str
) -> Criteria:
    """The project manager's edit: a new version; earlier assessments keep theirs.

    `version` is the criteria version the form was opened on: when someone made a newer
    one since, nothing is written (no lost update)."""
    current = criteria_current(program=program, role=role)
    errors = criteria_errors(fields)
    if current.version != version:
        _add(
            errors,
            None,
            _(
                "Someone saved version %(version)s of these criteria after you opened the form. "
                "Nothing was saved: reload the page to see it."
            )
            % {"version": current.version},
        )
    if not note.strip():
        _add(errors, "note", _("Say what changed and why."))
    _raise(errors)
    unchanged = all(getattr(current, name) == fields[name] for name in CRITERIA_FIELDS)
    if unchanged:
        raise ValidationError({NON_FIELD_ERRORS: [_("Nothing changed: no new version was made.")]})
    return Criteria.objects.create(
        program=program,
        role=role,
        version=current.version + 1,
        created_by=by,
        note=note.strip(),
        **{name: fields[name] for name in CRITERIA_FIELDS},
    )


# --- Candidates ------------------------------------------------------------------------------


def candidate_errors(
    *, person: Person, community: Community, role: str, source: str, recommended_by
) -> Errors:
    errors: Errors = {}
    if community.program_id != person.program_id:
        _add(errors, "community", _("This community belongs to another program."))
    if role == Enrolment.Role.PEER and source != Source.DOCTOR_RECOMMENDATION:
        _add(errors, "source", _("Peers are recommended by a community doctor."))
    if source == Source.DOCTOR_RECOMMENDATION and recommended_by is None:
        _add(errors, "recommended_by", _("Name the community doctor who recommended them."))
    if person.pk is None:
        return errors
    open_candidacy = Candidate.objects.filter(
        person=person, community=community, role=role, enrolment__isnull=True, closed_on=None
    ).exclude(stage=Stage.SCREENED_OUT)
    if open_candidacy.exists():
        _add(errors, "role", _("This person is already a candidate for this role here."))
    # Someone enrolled before screening was recorded may become a candidate in the same
    # place and role: that is how their records are made (candidate_enrol then links it).
    enrolled = Enrolment.objects.current().filter(
        person=person, community=community, role=role, before_screening=False
    )
    if enrolled.exists():
        _add(errors, "role", _("This person is already enrolled in this community in this role."))
    return errors


@transaction.atomic
def candidate_create(
    *,
    person: Person,
    community: Community,
    role: str,
    source: str,
    recommended_on: date,
    by,
    recommended_by=None,
    reason: str = "",
    practical_skills: str = "",
) -> Candidate:
    """Intake: a person considered for `role` in `community`. A screened-out person may
    come again (a new candidacy); their earlier assessments stay in the history."""
    errors = candidate_errors(
        person=person, community=community, role=role, source=source, recommended_by=recommended_by
    )
    if recommended_on > _today():
        _add(errors, "recommended_on", _("The date cannot be in the future."))
    _raise(errors)
    return Candidate.objects.create(
        person=person,
        community=community,
        role=role,
        source=source,
        recommended_by=recommended_by,
        recommended_on=recommended_on,
        reason=reason.strip(),
        practical_skills=practical_skills.strip(),
        created_by=by,
    )


@transaction.atomic
def candidate_create_with_person(
    *, fields: dict[str, Any], community: Community, role: str, by, **candidate: Any
) -> Candidate:
    """A new person who comes in as a candidate (the people page's "add a person" for a
    peer or a consumer): the person and the candidacy, or neither."""
    person = Person(program=community.program, **fields)
    errors = candidate_errors(
        person=person,
        community=community,
        role=role,
        source=candidate.get("source", ""),
        recommended_by=candidate.get("recommended_by"),
    )
    _raise(errors)
    person.full_clean()
    person.save()
    return candidate_create(person=person, community=community, role=role, by=by, **candidate)


def _latest_assessment(candidate: Candidate) -> Assessment | None:
    return candidate.assessments.current().order_by("-assessed_on", "-pk").first()


def candidate_refresh_stage(candidate: Candidate) -> Candidate:
    """Set the stage from the candidate's records (called by every write that moves it)."""
    stage, reason = candidate.stage, candidate.screened_out_reason
    latest = _latest_assessment(candidate)
    if candidate.enrolment_id and not candidate.enrolment.is_voided:
        stage, reason = Stage.ENROLLED, ""
    elif candidate.closed_on is not None:
        stage = Stage.SCREENED_OUT  # reason set when closed
    elif latest is None:
        stage, reason = Stage.RECOMMENDED, ""
    elif latest.result == AssessmentResult.INCOMPLETE:
        stage, reason = Stage.ASSESSED, ""
    elif not latest.passes:
        stage = Stage.SCREENED_OUT
        # Stored text: in the installation's language (Chinese), like other program data,
        # whoever's page triggered the save.
        with translation.override(settings.LANGUAGE_CODE):
            reason = judging.judge_assessment(latest).failed_in_words()
    else:
        row = gate.findings(candidate.person, role=candidate.role, on=_today())
        signed = all(getattr(row, f"gate_{kind}") for kind in REQUIRED_CONSENTS[candidate.role])
        stage, reason = (Stage.CONSENTED if signed else Stage.ELIGIBLE), ""
    if (stage, reason) != (candidate.stage, candidate.screened_out_reason):
        candidate.stage, candidate.screened_out_reason = stage, reason
        candidate.save(update_fields=["stage", "screened_out_reason"])
    return candidate


def refresh_person(person: Person) -> None:
    """Refresh every open candidacy of a person (after a consent changes)."""
    for candidate in Candidate.objects.filter(person=person).exclude(stage=Stage.ENROLLED):
        candidate_refresh_stage(candidate)


@transaction.atomic
def candidate_close(*, candidate: Candidate, by, on: date, reason: str) -> Candidate:
    """Screened out by hand (declined, moved away): with the reason, kept in the list."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    errors: Errors = {}
    if candidate.stage == Stage.ENROLLED:
        _add(errors, None, _("This candidate is enrolled: change the enrolment's status instead."))
    if not reason.strip():
        _add(errors, "reason", _("Give the reason."))
    if on > _today():
        _add(errors, "on", _("The date cannot be in the future."))
    _raise(errors)
    candidate.closed_on = on
    candidate.screened_out_reason = reason.strip()
    candidate.stage = Stage.SCREENED_OUT
    candidate.save(update_fields=["closed_on", "screened_out_reason", "stage"])
    return candidate


@transaction.atomic
def candidate_enrol(*, candidate: Candidate, started_on: date, by) -> Enrolment:
    """Enrol a candidate through the gate: an eligible assessment (or a justified override)
    and the role's consents dated on or before `started_on`, else nothing changes."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.stage == Stage.ENROLLED:
        raise ValidationError({NON_FIELD_ERRORS: [_("This candidate is already enrolled.")]})
    if candidate.closed_on is not None:
        raise ValidationError({NON_FIELD_ERRORS: [_("This candidacy was closed.")]})
    if started_on > _today():
        raise ValidationError({"started_on": _("The date cannot be in the future.")})
    legacy = (
        Enrolment.objects.current()
        .filter(
            person=candidate.person,
            community=candidate.community,
            role=candidate.role,
            before_screening=True,
        )
        .first()
    )
    if legacy is not None:
        # Enrolled before screening was recorded: their records now count from
        # `started_on`; the enrolment, its start and its history stay as they are.
        gate.check(
            candidate.person,
            role=candidate.role,
            on=started_on,
            field="started_on",
            records_only=True,
        )
        enrolment = legacy
    else:
        enrolment = registry_services.enrolment_create(
            person=candidate.person,
            community=candidate.community,
            role=candidate.role,
            started_on=started_on,
        )
    candidate.enrolment = enrolment
    candidate.save(update_fields=["enrolment"])
    candidate_refresh_stage(candidate)
    return enrolment


# --- Assessments -----------------------------------------------------------------------------


def _findings(candidate: Candidate, assessed_on: date, fields: dict[str, Any]) -> dict[str, Any]:
    """The findings as judged: the age comes from the date of birth when there is one."""
    findings = {name: fields.get(name) for name in FINDING_FIELDS}
    age = candidate.person.age_on(assessed_on)
    if age is not None:
        findings["age"] = age
    for name in (
        "adherence_patient",
        "adherence_family",
        "insight",
        "substance_abuse",
        "severe_medical_illness",
    ):
        findings[name] = findings[name] or Answer.UNKNOWN
    findings["extra_answers"] = findings["extra_answers"] or {}
    findings["medical_record"] = (findings["medical_record"] or "").strip()
    findings["practical_skills"] = (findings["practical_skills"] or "").strip()
    findings["note"] = (findings["note"] or "").strip()
    findings["compassionate"] = bool(findings["compassionate"])
    return findings


def assessment_errors(
    *,
    candidate: Candidate,
    assessed_on: date | None,
    fields: dict[str, Any],
    overridden: bool,
    override_justification: str,
    result: str | None = None,
) -> Errors:
    errors: Errors = {}
    if assessed_on is not None:
        if assessed_on > _today():
            _add(errors, "assessed_on", _("The date cannot be in the future."))
        if assessed_on < candidate.recommended_on:
            _add(
                errors,
                "assessed_on",
                _("The date is before the candidate came (%(date)s).")
                % {"date": candidate.recommended_on.isoformat()},
            )
    psp = fields.get("psp_score")
    if psp is not None and not 0 <= psp <= 100:
        _add(errors, "psp_score", _("A PSP score is between 0 and 100."))
    if overridden:
        if result is not None and result != AssessmentResult.NOT_ELIGIBLE:
            _add(errors, "overridden", _("Only a failed result can be overridden."))
        if not override_justification.strip():
            _add(
                errors,
                "override_justification",
                _("Write the justification for overriding the failed result."),
            )
    return errors


@transaction.atomic
def assessment_record(
    *,
    candidate: Candidate,
    by,
    assessed_on: date,
    fields: dict[str, Any],
    overridden: bool = False,
    override_justification: str = "",
) -> Assessment:
    """The psychiatrist's assessment, judged under the criteria in force now."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    errors: Errors = {}
    if candidate.stage == Stage.ENROLLED:
        _add(errors, None, _("This candidate is already enrolled."))
    criteria = criteria_current(program=candidate.community.program, role=candidate.role)
    findings = _findings(candidate, assessed_on, fields)
    result = judging.judge(criteria, findings).result
    errors.update(
        assessment_errors(
            candidate=candidate,
            assessed_on=assessed_on,
            fields=findings,
            overridden=overridden,
            override_justification=override_justification,
            result=result,
        )
    )
    _raise(errors)
    assessment = Assessment.objects.create(
        candidate=candidate,
        criteria=criteria,
        assessed_on=assessed_on,
        assessed_by=by,
        result=result,
        overridden=overridden,
        override_justification=override_justification.strip() if overridden else "",
        **findings,
    )
    candidate_refresh_stage(candidate)
    return assessment


@transaction.atomic
def assessment_update(
    *,
    assessment: Assessment,
    version: int | None,
    assessed_on: date,
    fields: dict[str, Any],
    overridden: bool = False,
    override_justification: str = "",
) -> Assessment:
    """Complete or correct an assessment (a family report that came later). It is judged
    again under the criteria version it was made with, never a newer one."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    check_version(assessment, version)
    if assessment.is_voided:
        raise ValidationError({NON_FIELD_ERRORS: [_("A voided assessment cannot be changed.")]})
    candidate = assessment.candidate
    findings = _findings(candidate, assessed_on, fields)
    result = judging.judge(assessment.criteria, findings).result
    _raise(
        assessment_errors(
            candidate=candidate,
            assessed_on=assessed_on,
            fields=findings,
            overridden=overridden,
            override_justification=override_justification,
            result=result,
        )
    )
    changed = assign_changes(
        assessment,
        {
            **findings,
            "assessed_on": assessed_on,
            "result": result,
            "overridden": overridden,
            "override_justification": override_justification.strip() if overridden else "",
        },
    )
    if changed:
        assessment.save(update_fields=changed)
        candidate_refresh_stage(candidate)
    return assessment


@transaction.atomic
def assessment_void(*, assessment: Assessment, by, reason: str) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_voided:
        raise ValidationError(_("This assessment is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    assessment.void(by=by, reason=reason)
    candidate_refresh_stage(assessment.candidate)
    return assessment


# --- Consent documents and consents ----------------------------------------------------------


def consent_document_errors(
    *,
    program: Program,
    kind: str,
    title: str,
    title_en: str = "",
    body: str,
    body_en: str = "",
    effective_from: date | None,
    reconsent_required_from: date | None = None,
    based_on: int | None = None,
) -> Errors:
    """Every refusal of `consent_document_create` (forms call it too: one round)."""
    latest = ConsentDocument.objects.filter(program=program, kind=kind).order_by("-version").first()
    errors: Errors = {}
    if based_on is not None and based_on != (latest.version if latest else 0):
        _add(
            errors,
            None,
            _(
                "Someone saved version %(version)s of this document after you opened the "
                "form. Nothing was saved: reload the page to see it."
            )
            % {"version": latest.version if latest else 0},
        )
    if not title.strip():
        _add(errors, "title", _("Give the title."))
    if not body.strip():
        _add(errors, "body", _("Give the text people sign."))
    if latest is not None and effective_from is not None and effective_from < latest.effective_from:
        _add(
            errors,
            "effective_from",
            _("The new version cannot be in use before the current one (%(date)s).")
            % {"date": latest.effective_from.isoformat()},
        )
    if reconsent_required_from is not None:
        if latest is None:
            _add(
                errors,
                "reconsent_required_from",
                _("The first version has no earlier versions to replace."),
            )
        elif effective_from is not None and reconsent_required_from < effective_from:
            _add(
                errors,
                "reconsent_required_from",
                _("Earlier versions can stop counting only once this one is in use."),
            )
    same_text = latest is not None and (
        (latest.title, latest.title_en, latest.body, latest.body_en)
        == (title.strip(), title_en.strip(), body.strip(), body_en.strip())
    )
    if same_text and reconsent_required_from is None:
        _add(
            errors,
            "body",
            _("The text is that of version %(version)s: change it to make a new version.")
            % {"version": latest.version},
        )
    return errors


@transaction.atomic
def consent_document_create(
    *,
    program: Program,
    kind: str,
    by,
    title: str,
    title_en: str = "",
    body: str,
    body_en: str = "",
    effective_from: date,
    reconsent_required_from: date | None = None,
    note: str = "",
    based_on: int | None = None,
) -> ConsentDocument:
    """A new version of a consent document (the first, or the next after the latest).

    `based_on` is the latest version when the form was opened (0: none): when someone made
    a newer one since, nothing is written (no lost update)."""
    # Lock the program: two saves at once make two versions, never one number twice.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    _raise(
        consent_document_errors(
            program=program,
            kind=kind,
            title=title,
            title_en=title_en,
            body=body,
            body_en=body_en,
            effective_from=effective_from,
            reconsent_required_from=reconsent_required_from,
            based_on=based_on,
        )
    )
    latest = ConsentDocument.objects.filter(program=program, kind=kind).order_by("-version").first()
    return ConsentDocument.objects.create(
        program=program,
        kind=kind,
        version=(latest.version + 1) if latest else 1,
        title=title.strip(),
        title_en=title_en.strip(),
        body=body.strip(),
        body_en=body_en.strip(),
        effective_from=effective_from,
        reconsent_required_from=reconsent_required_from,
        note=note.strip(),
        created_by=by,
    )


@transaction.atomic
def consent_documents_ensure(*, program: Program, effective_from: date | None = None) -> None:
    """Version 1 of each of the paper's documents, for a program that has none of a kind."""
    have = set(ConsentDocument.objects.filter(program=program).values_list("kind", flat=True))
    for kind, texts in PAPER_DOCUMENTS.items():
        if kind not in have:
            ConsentDocument.objects.create(
                program=program,
                kind=kind,
                version=1,
                effective_from=effective_from or program.started_on,
                **texts,
            )


def consent_errors(
    *, person: Person, document: ConsentDocument | None, signed_on: date | None, witness: str
) -> Errors:
    """Every refusal of `consent_record` (forms call it too: one round shows them all)."""
    errors: Errors = {}
    if document is not None and document.program_id != person.program_id:
        _add(errors, "document", _("This document belongs to another program."))
    if signed_on is not None and signed_on > _today():
        _add(errors, "signed_on", _("The date cannot be in the future."))
    if document is not None and signed_on is not None and signed_on < document.effective_from:
        _add(
            errors,
            "signed_on",
            _("This version was not in use yet on that day (in use from %(date)s).")
            % {"date": document.effective_from.isoformat()},
        )
    if not witness.strip():
        _add(errors, "witness", _("Name the witness."))
    if (
        document is not None
        and person.pk is not None
        and Consent.objects.current()
        .filter(person=person, document=document, withdrawn_on__isnull=True)
        .exists()
    ):
        _add(errors, "document", _("This person's signature on this version is already recorded."))
    return errors


@transaction.atomic
def consent_record(
    *, person: Person, document: ConsentDocument, signed_on: date, witness: str, by, note: str = ""
) -> Consent:
    """That `person` signed `document` on `signed_on` before `witness`."""
    _raise(consent_errors(person=person, document=document, signed_on=signed_on, witness=witness))
    consent = Consent.objects.create(
        person=person,
        document=document,
        signed_on=signed_on,
        witness=witness.strip(),
        recorded_by=by,
        note=note.strip(),
    )
    refresh_person(person)
    return consent


def consent_withdraw_errors(*, consent: Consent, on: date | None, reason: str) -> Errors:
    """Every refusal of `consent_withdraw` (forms call it too)."""
    errors: Errors = {}
    if consent.is_voided:
        _add(errors, None, _("A voided consent cannot be withdrawn."))
    if consent.withdrawn_on is not None:
        _add(errors, None, _("This consent was already withdrawn."))
    if on is not None and on < consent.signed_on:
        _add(errors, "on", _("The date is before the consent was signed."))
    if on is not None and on > _today():
        _add(errors, "on", _("The date cannot be in the future."))
    if not reason.strip():
        _add(errors, "reason", _("Give the reason."))
    return errors


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, on: date, reason: str) -> Consent:
    """Withdrawal ends active enrolment in the roles that need this consent, on that date.

    The returned consent carries `ended_enrolments`, the enrolments this withdrawal ended,
    and `still_signed`, whether another signature of the kind still holds (then none is
    ended), so that the page says what happened.
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    _raise(consent_withdraw_errors(consent=consent, on=on, reason=reason))
    consent.withdrawn_on = on
    consent.withdrawal_reason = reason.strip()
    consent.save(update_fields=["withdrawn_on", "withdrawal_reason"])
    kind = consent.document.kind
    roles = [role for role, kinds in REQUIRED_CONSENTS.items() if kind in kinds]
    enrolments = (
        Enrolment.objects.in_service()
        .filter(person=consent.person, role__in=roles, community__program=consent.document.program)
        .select_related("community")
    )
    text = _("Consent withdrawn (%(document)s): %(reason)s") % {
        "document": consent.document.display_title,
        "reason": reason.strip(),
    }
    program = consent.document.program
    versions = gate.counting_versions(program, on)
    # Another signature of the same kind still in force (a newer version) keeps the role.
    still_signed = (
        gate.valid_consents(program, kind, on, versions).filter(person=consent.person).exists()
    )
    ended: list[Enrolment] = []
    for enrolment in [] if still_signed else enrolments:
        try:
            registry_services.enrolment_change_status(
                enrolment=enrolment,
                status=EnrolmentStatusChange.Status.WITHDRAWN,
                effective_on=max(on, enrolment.started_on),
                reason=text,
            )
        except ValidationError as error:
            # A status change dated after the withdrawal (leave recorded later, say): the
            # enrolment cannot end on that day. Refuse the whole withdrawal on its date.
            raise ValidationError(
                {
                    "on": _("The enrolment in %(community)s cannot end on this date: %(why)s")
                    % {
                        "community": enrolment.community.display_name,
                        "why": " ".join(error.messages),
                    }
                }
            ) from error
        ended.append(enrolment)
    refresh_person(consent.person)
    consent.ended_enrolments = ended
    consent.still_signed = still_signed
    return consent


@transaction.atomic
def consent_void(*, consent: Consent, by, reason: str) -> Consent:
    """Recorded by mistake (wrong person, wrong version): voided with the reason."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.is_voided:
        raise ValidationError(_("This consent is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    consent.void(by=by, reason=reason)
    refresh_person(consent.person)
    return consent


# --- Pre-service needs interviews ------------------------------------------------------------


def _set_categories(interview: NeedsInterview, categories: list[str]) -> bool:
    wanted = set(categories)
    have = set(interview.categories.values_list("category", flat=True))
    if wanted == have:
        return False
    interview.categories.filter(category__in=have - wanted).delete()
    # One save per row (eight at most), not bulk_create: bulk_create writes no history
    # row, and the audit trail must show which categories were ticked.
    for category in sorted(wanted - have):
        NeedsInterviewCategory.objects.create(interview=interview, category=category)
    return True


def needs_interview_errors(
    *,
    person: Person,
    community: Community,
    interviewed_on: date | None,
    categories: list[str],
    note: str,
) -> Errors:
    errors: Errors = {}
    if community.program_id != person.program_id:
        _add(errors, "community", _("This community belongs to another program."))
    if interviewed_on is not None and interviewed_on > _today():
        _add(errors, "interviewed_on", _("The date cannot be in the future."))
    if any(c not in Category.values for c in categories):
        _add(errors, "categories", _("Choose among the eight content categories."))
    if not categories and not note.strip():
        _add(errors, "categories", _("Tick at least one category or write what the person said."))
    return errors


@transaction.atomic
def needs_interview_record(
    *,
    person: Person,
    community: Community,
    respondent: str,
    interviewed_on: date,
    by,
    categories: list[str],
    note: str = "",
) -> NeedsInterview:
    _raise(
        needs_interview_errors(
            person=person,
            community=community,
            interviewed_on=interviewed_on,
            categories=categories,
            note=note,
        )
    )
    interview = NeedsInterview.objects.create(
        person=person,
        community=community,
        respondent=respondent,
        interviewed_on=interviewed_on,
        interviewer=by,
        note=note.strip(),
    )
    _set_categories(interview, categories)
    return interview


@transaction.atomic
def needs_interview_update(
    *,
    interview: NeedsInterview,
    version: int | None,
    interviewed_on: date,
    categories: list[str],
    note: str = "",
) -> NeedsInterview:
    interview = NeedsInterview.objects.select_for_update().get(pk=interview.pk)
    check_version(interview, version)
    if interview.is_voided:
        raise ValidationError({NON_FIELD_ERRORS: [_("A voided interview cannot be changed.")]})
    _raise(
        needs_interview_errors(
            person=interview.person,
            community=interview.community,
            interviewed_on=interviewed_on,
            categories=categories,
            note=note,
        )
    )
    changed = assign_changes(interview, {"interviewed_on": interviewed_on, "note": note.strip()})
    categories_changed = _set_categories(interview, categories)
    if changed or categories_changed:
        # Save even when only the categories changed: the version moves on, so the
        # conflict check covers them too.
        interview.save(update_fields=changed or None)
    return interview


@transaction.atomic
def needs_interview_void(*, interview: NeedsInterview, by, reason: str) -> NeedsInterview:
    interview = NeedsInterview.objects.select_for_update().get(pk=interview.pk)
    if interview.is_voided:
        raise ValidationError(_("This interview is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    interview.void(by=by, reason=reason)
    return interview
