"""Writes to the registry. Each runs in one transaction: all of it is saved or none."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.concurrency import check_version
from tongban.core.models import assign_changes

from .models import CaregiverLink, Community, Enrolment, EnrolmentStatusChange, Person


@transaction.atomic
def person_create(
    *,
    fields: dict[str, Any],
    role: str,
    community: Community | None = None,
    started_on: date | None = None,
    cared_for: Person | None = None,
    relationship: str = "",
    contact_signed_on: date | None = None,
    contact_witness: str = "",
    by=None,
) -> Person:
    """A new person always enters with a role, so that they belong to a community's scope
    (and to its program).

    A caregiver may bring their signed agreement to be contacted for the evaluation: the
    person, the link and the consent are saved together or not at all. A peer or consumer
    is enrolled only through the gate, which a new person cannot pass: they come in as
    candidates (tongban.screening.services.candidate_create_with_person).
    """
    if role == "caregiver":
        if cared_for is None:
            raise ValidationError({"cared_for": _("Choose the person this caregiver looks after.")})
        program = cared_for.program
    else:
        if community is None or started_on is None:
            raise ValidationError(_("A community and a start date are required."))
        program = community.program
    person = Person.objects.create(program=program, **fields)
    if role == "caregiver":
        caregiver_link_create(
            caregiver=person,
            cared_for=cared_for,
            relationship=relationship,
            contact_signed_on=contact_signed_on,
            contact_witness=contact_witness,
            by=by,
        )
    else:
        enrolment_create(person=person, community=community, role=role, started_on=started_on)
    return person


@transaction.atomic
def person_update(*, person: Person, fields: dict[str, Any], version: int | None = None) -> Person:
    """Save the changed fields. `version` is the one the form was opened on: when someone
    saved the person since, nothing is written and EditConflict says what they changed."""
    # Lock the row so that two saves from the same version are serialised.
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_version(person, version)
    changed = assign_changes(person, fields)
    if not changed:
        return person
    person.full_clean()
    person.save(update_fields=changed)
    return person


@transaction.atomic
def enrolment_create(
    *,
    person: Person,
    community: Community,
    role: str,
    started_on: date,
    before_screening: bool = False,
) -> Enrolment:
    """Enrol `person` as an active peer or consumer from `started_on`.

    Only through the gate (tongban.screening.gate): an eligible assessment and the role's
    consents dated on or before the start, else ValidationError listing what is missing.
    `before_screening` records a person enrolled before screening was recorded (old
    programs brought in, the fixtures of tests that are not about screening): the gate
    asks for their records from the program's `screening_records_from` on.
    """
    from tongban.screening import gate

    if community.program_id != person.program_id:
        raise ValidationError({"community": _("This community belongs to another program.")})
    if community.ended_on is not None and started_on > community.ended_on:
        raise ValidationError(
            {
                "started_on": _("The community closed on %(date)s.")
                % {"date": community.ended_on.isoformat()}
            }
        )
    if Enrolment.objects.current().filter(person=person, community=community, role=role).exists():
        raise ValidationError(
            {"community": _("This person is already enrolled in this community in this role.")}
        )
    if not before_screening:
        gate.check(person, role=role, on=started_on, field="started_on")
    try:
        with transaction.atomic():  # a double submit loses the race to the constraint
            enrolment = Enrolment.objects.create(
                person=person,
                community=community,
                role=role,
                started_on=started_on,
                before_screening=before_screening,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"community": _("This person is already enrolled in this community in this role.")}
        ) from error
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment, status=EnrolmentStatusChange.Status.ACTIVE, effective_on=started_on
    )
    return enrolment


@transaction.atomic
def enrolment_change_status(
    *, enrolment: Enrolment, status: str, effective_on: date, reason: str = ""
) -> EnrolmentStatusChange:
    Status = EnrolmentStatusChange.Status
    # Lock the enrolment so two simultaneous changes cannot both pass the checks below.
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.is_voided:
        raise ValidationError(_("A voided enrolment cannot change status."))
    if effective_on < enrolment.started_on:
        raise ValidationError({"effective_on": _("The date is before the enrolment started.")})
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": _("The date cannot be in the future.")})
    latest = enrolment.status_changes.order_by("-effective_on", "-pk").first()
    if latest is not None and effective_on < latest.effective_on:
        raise ValidationError(
            {
                "effective_on": _("The date is before the latest status change (%(date)s).")
                % {"date": latest.effective_on}
            }
        )
    if latest is not None and latest.status == status:
        raise ValidationError({"status": _("The enrolment already has this status.")})
    if status in (Status.WITHDRAWN, Status.ON_LEAVE) and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for leave or withdrawal.")})
    if status == Status.ACTIVE:
        # Back from leave or withdrawal: through the same gate as a new enrolment.
        from tongban.screening import gate

        gate.check(enrolment.person, role=enrolment.role, on=effective_on, field="status")
    return EnrolmentStatusChange.objects.create(
        enrolment=enrolment, status=status, effective_on=effective_on, reason=reason.strip()
    )


@transaction.atomic
def enrolment_void(*, enrolment: Enrolment, by, reason: str) -> Enrolment:
    if enrolment.is_voided:
        raise ValidationError(_("This enrolment is already voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    enrolment.void(by=by, reason=reason)
    return enrolment


@transaction.atomic
def caregiver_link_create(
    *,
    caregiver: Person,
    cared_for: Person,
    relationship: str,
    started_on: date | None = None,
    contact_signed_on: date | None = None,
    contact_witness: str = "",
    by=None,
) -> CaregiverLink:
    """Link a caregiver to the person they look after; with `contact_signed_on`, also
    record their signed agreement to be contacted for the evaluation (one transaction)."""
    if caregiver.pk == cared_for.pk:
        raise ValidationError({"cared_for": _("A person cannot be their own caregiver.")})
    if caregiver.program_id != cared_for.program_id:
        raise ValidationError({"cared_for": _("This person belongs to another program.")})
    if CaregiverLink.objects.filter(caregiver=caregiver, cared_for=cared_for).exists():
        raise ValidationError({"cared_for": _("This caregiver is already linked to this person.")})
    try:
        with transaction.atomic():
            link = CaregiverLink.objects.create(
                caregiver=caregiver,
                cared_for=cared_for,
                relationship=relationship,
                started_on=started_on,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"cared_for": _("This caregiver is already linked to this person.")}
        ) from error
    if contact_signed_on is not None or contact_witness.strip():
        caregiver_contact_record(
            caregiver=caregiver, signed_on=contact_signed_on, witness=contact_witness, by=by
        )
    return link


# The consent service's field names, as the caregiver forms call them.
_CONTACT_FIELDS = {
    "signed_on": "contact_signed_on",
    "witness": "contact_witness",
    "document": "contact_signed_on",
    NON_FIELD_ERRORS: "contact_signed_on",
}


@transaction.atomic
def caregiver_contact_record(
    *, caregiver: Person, signed_on: date | None, witness: str, by
) -> None:
    """The caregiver's agreement to be contacted for the evaluation, recorded on the
    program's caregiver_contact document in use on `signed_on` (the highest version in use
    from that day or earlier). Errors name the caregiver forms' fields."""
    from tongban.screening import services as screening_services
    from tongban.screening.models import ConsentDocument, ConsentKind

    if signed_on is None:
        raise ValidationError({"contact_signed_on": _("Enter the date the agreement was signed.")})
    documents = ConsentDocument.objects.filter(
        program_id=caregiver.program_id, kind=ConsentKind.CAREGIVER_CONTACT
    )
    if not documents.exists():
        # Every program has the paper's documents; one set up before consents existed
        # gets them now (version 1, in use from the program's start).
        screening_services.consent_documents_ensure(program=caregiver.program)
    document = documents.filter(effective_from__lte=signed_on).order_by("-version").first()
    if document is None:
        first = documents.order_by("effective_from").first()
        raise ValidationError(
            {
                "contact_signed_on": _(
                    "No version of the agreement was in use on that day (the first is in use "
                    "from %(date)s)."
                )
                % {"date": first.effective_from.isoformat() if first else "—"}
            }
        )
    try:
        screening_services.consent_record(
            person=caregiver, document=document, signed_on=signed_on, witness=witness, by=by
        )
    except ValidationError as error:
        errors: dict[str, list[str]] = {}
        for name, messages in error.message_dict.items():
            errors.setdefault(_CONTACT_FIELDS.get(name, name), []).extend(messages)
        raise ValidationError(errors) from error
